#include "CLinuxShims.h"
#include <errno.h>
#include <sys/prctl.h>

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
int cshim_socket_cloexec(int domain, int type, int protocol) {
    return socket(domain, type | SOCK_CLOEXEC, protocol);
}
int cshim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event = {.events = events, .data = {.u64 = data}};
    return epoll_ctl(epfd, op, fd, &event);
}
int cshim_epoll_wait(int epfd, uint32_t *events, uint64_t *datas, int max, int timeout_ms) {
    struct epoll_event buffer[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, buffer, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        events[i] = buffer[i].events;
        datas[i] = buffer[i].data.u64;
    }
    return n;
}
#ifndef EPOLLEXCLUSIVE
#define EPOLLEXCLUSIVE (1u << 28)
#endif
const uint32_t cshim_EPOLLEXCLUSIVE = EPOLLEXCLUSIVE;
void cshim_set_thread_name(const char *name) { prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }
void cshim_get_thread_name(char *name) { prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0); }
