// Linux calls and constants that `import Glibc` does not expose to Swift (built with _GNU_SOURCE).
#ifndef JOBSERVER_CLINUXSHIMS_H
#define JOBSERVER_CLINUXSHIMS_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
int cshim_accept4_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);
/// pipe2(2) with O_CLOEXEC (and O_NONBLOCK when `nonblocking` is non-zero).
int cshim_pipe2_cloexec(int fds[2], int nonblocking);
/// socket(2) with SOCK_NONBLOCK | SOCK_CLOEXEC added to `type`.
int cshim_socket_nonblocking(int domain, int type, int protocol);
/// eventfd(2) with EFD_NONBLOCK | EFD_CLOEXEC.
int cshim_eventfd_nonblocking(unsigned int initval);
/// epoll_create1(2) with EPOLL_CLOEXEC.
int cshim_epoll_create_cloexec(void);
// Names the calling thread (prctl PR_SET_NAME: at most 15 bytes are kept).
void cshim_set_thread_name(const char *name);
// The calling thread's name into `name` (at least 16 bytes; prctl PR_GET_NAME).
void cshim_get_thread_name(char *name);
/// The EPOLL* flag values, which Swift imports inconsistently across glibc versions.
extern const uint32_t cshim_EPOLLIN, cshim_EPOLLOUT, cshim_EPOLLERR, cshim_EPOLLHUP,
    cshim_EPOLLRDHUP, cshim_EPOLLET, cshim_EPOLLONESHOT;
/// The calling thread's errno (a macro in C).
int cshim_errno(void);
/// socket(2) with SOCK_CLOEXEC added to `type` (a blocking socket, for clients and tests).
int cshim_socket_cloexec(int domain, int type, int protocol);
/// epoll_ctl(2) without exposing the packed `struct epoll_event` to Swift.
int cshim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// epoll_wait(2): fills `events[i]` and `datas[i]` for each ready descriptor, at most `max`.
int cshim_epoll_wait(int epfd, uint32_t *events, uint64_t *datas, int max, int timeout_ms);
/// EPOLLEXCLUSIVE (Linux 4.5), absent from some headers.
extern const uint32_t cshim_EPOLLEXCLUSIVE;
#endif
