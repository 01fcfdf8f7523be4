#include "CLinuxShims.h"
#include <errno.h>

int cshim_accept4_nonblocking(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
int cshim_pipe2_cloexec(int fds[2], int nonblocking) {
    return pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
}
int cshim_socket_nonblocking(int domain, int type, int protocol) {
    return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
}
int cshim_eventfd_nonblocking(unsigned int initval) {
    return eventfd(initval, EFD_NONBLOCK | EFD_CLOEXEC);
}
int cshim_epoll_create_cloexec(void) { return epoll_create1(EPOLL_CLOEXEC); }
const uint32_t cshim_EPOLLIN = EPOLLIN, cshim_EPOLLOUT = EPOLLOUT, cshim_EPOLLERR = EPOLLERR,
               cshim_EPOLLHUP = EPOLLHUP, cshim_EPOLLRDHUP = EPOLLRDHUP, cshim_EPOLLET = EPOLLET,
               cshim_EPOLLONESHOT = EPOLLONESHOT;
int cshim_errno(void) { return errno; }
