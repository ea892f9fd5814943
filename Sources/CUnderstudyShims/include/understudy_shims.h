#ifndef UNDERSTUDY_SHIMS_H
#define UNDERSTUDY_SHIMS_H
// Linux calls Glibc's Swift module does not export (epoll_*, accept4, eventfd),
// wrapped as plain functions so Swift sees stable signatures.
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One readiness event: the registered token and the epoll event bits.
typedef struct {
    uint64_t token;
    uint32_t events;
} us_event;

enum {
    US_EPOLLIN = 0x001,
    US_EPOLLOUT = 0x004,
    US_EPOLLERR = 0x008,
    US_EPOLLHUP = 0x010,
    US_EPOLLRDHUP = 0x2000,
    US_EPOLLEXCLUSIVE = 1u << 28,
    US_EPOLLET = 1u << 31,
};

/// SOCK_STREAM (an enum constant Glibc's Swift overlay does not always surface).
static const int US_SOCK_STREAM = SOCK_STREAM;

int us_epoll_create(void);
int us_epoll_add(int epfd, int fd, uint32_t events, uint64_t token);
int us_epoll_mod(int epfd, int fd, uint32_t events, uint64_t token);
int us_epoll_del(int epfd, int fd);
/// Waits up to timeout_ms (-1 forever); fills at most max events; returns the count or -1.
int us_epoll_wait(int epfd, us_event *out, int max, int timeout_ms);

int us_eventfd(void);
int us_eventfd_signal(int fd);
int us_eventfd_drain(int fd);

/// accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC.
int us_accept(int fd, struct sockaddr *addr, socklen_t *len);
int us_socket(int domain, int type);

/// CPUs this process may run on (sched_getaffinity), at least 1.
int us_available_cpus(void);
/// Monotonic clock in nanoseconds.
uint64_t us_monotonic_ns(void);
/// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the new soft limit.
long us_raise_nofile_limit(void);
/// Starts a detached pthread running fn(ctx); returns 0 on success.
int us_thread_start(void (*fn)(void *), void *ctx);
/// Sets TCP_NODELAY.
int us_set_nodelay(int fd);
/// The event loop running on this thread (thread-local), or NULL.
void us_set_current_loop(void *loop);
void *us_current_loop(void);
/// Blocks `signal_number` for the calling thread (and threads it creates later).
int us_block_signal(int signal_number);
/// errno, read through a function (it is a macro in C).
int us_errno(void);

/// Sets TCP_DEFER_ACCEPT on a listening socket: connections that have sent no byte within
/// `seconds` stay in the kernel (Apache's `AcceptFilter http data`).
int us_set_defer_accept(int fd, int seconds);
/// A listening socket's accept queue (TCP_INFO: tcpi_unacked holds the connections waiting
/// for accept, tcpi_sacked the backlog limit); returns 0, or -1 where TCP_INFO says nothing.
int us_listen_queue(int fd, uint32_t *queued, uint32_t *limit);

#ifdef __cplusplus
}
#endif
#endif
