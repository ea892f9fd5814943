#define _GNU_SOURCE
#include "understudy_shims.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

int us_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int us_epoll_add(int epfd, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev = { .events = events, .data = { .u64 = token } };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int us_epoll_mod(int epfd, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev = { .events = events, .data = { .u64 = token } };
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

int us_epoll_del(int epfd, int fd) {
    struct epoll_event ev = { 0 };
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

int us_epoll_wait(int epfd, us_event *out, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].token = events[i].data.u64;
        out[i].events = events[i].events;
    }
    return n;
}

int us_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int us_eventfd_signal(int fd) {
    uint64_t one = 1;
    return (int)write(fd, &one, sizeof one);
}

int us_eventfd_drain(int fd) {
    uint64_t value;
    return (int)read(fd, &value, sizeof value);
}

int us_accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int us_socket(int domain, int type) {
    return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int us_available_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

uint64_t us_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

long us_raise_nofile_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1048576 : (long)limit.rlim_cur;
}

struct us_thread_ctx { void (*fn)(void *); void *ctx; };

static void *us_thread_main(void *raw) {
    struct us_thread_ctx ctx = *(struct us_thread_ctx *)raw;
    free(raw);
    // Event-loop threads never take process signals: SIGTERM and SIGINT are read through
    // Dispatch's signal sources, which only see signals no thread lets through.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    ctx.fn(ctx.ctx);
    return NULL;
}

int us_thread_start(void (*fn)(void *), void *ctx) {
    struct us_thread_ctx *box = malloc(sizeof *box);
    if (!box) return -1;
    box->fn = fn;
    box->ctx = ctx;
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&thread, &attr, us_thread_main, box);
    pthread_attr_destroy(&attr);
    if (rc != 0) free(box);
    return rc;
}

int us_set_nodelay(int fd) {
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int us_errno(void) { return errno; }

static __thread void *us_loop_slot = 0;
void us_set_current_loop(void *loop) { us_loop_slot = loop; }
void *us_current_loop(void) { return us_loop_slot; }

int us_block_signal(int signal_number) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int us_set_defer_accept(int fd, int seconds) {
    return setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
}

int us_listen_queue(int fd, uint32_t *queued, uint32_t *limit) {
    struct tcp_info info;
    socklen_t length = sizeof info;
    memset(&info, 0, sizeof info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
    if (info.tcpi_state != TCP_LISTEN) return -1;
    *queued = info.tcpi_unacked;
    *limit = info.tcpi_sacked;
    return 0;
}
