#ifndef UNDERSTUDY_TEST_SHIMS_H
#define UNDERSTUDY_TEST_SHIMS_H
// Process launching for the tests, without Foundation's `Process` (whose /proc/self/fd scan
// over-reads and crashes: swift-corelibs-foundation#5472).
#include <sys/types.h>

/// posix_spawn of `path` with stdin, stdout and stderr from the given descriptors, every
/// other descriptor closed in the child (closefrom, glibc 2.34+; before that, only those
/// marked close-on-exec), signal mask and dispositions reset; returns 0 or an errno.
int ts_spawn(const char *path, char *const argv[], char *const envp[],
             int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid);
/// pipe2(O_CLOEXEC) (Glibc's Swift module does not export pipe2); 0 or -1 with errno.
int ts_pipe_cloexec(int fds[2]);

#endif
