/*
 * Starting one rank on this host: fork, bind, wire its stdio to pipes, exec. The child gets
 * its own process group (so signals reach whatever it starts) and dies with mpirun.
 */
#ifndef MPIRUN_LAUNCH_H
#define MPIRUN_LAUNCH_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct mpirun_launch {
    const char *path;      /* the program, as resolved by mpirun_launch_resolve */
    char *const *argv;     /* its arguments, argv[0] first */
    char *const *envp;     /* its whole environment */
    const cpu_set_t *cpus; /* the CPUs to bind it to, or NULL to leave it unbound */
    const char *wdir;      /* directory to start in, or NULL for mpirun's */
    bool with_stdin;       /* give it a pipe for stdin (rank 0), else /dev/null */
} mpirun_launch_t;

typedef struct mpirun_child {
    pid_t pid;
    int out_fd;  /* read end of its stdout, nonblocking */
    int err_fd;  /* read end of its stderr, nonblocking */
    int in_fd;   /* write end of its stdin, nonblocking, or -1 */
    int exec_fd; /* reports a failed exec: read by mpirun_launch_confirm */
} mpirun_child_t;

/* Finds the program as execvp would (PATH when the name has no '/'), but first in dirs (-path:
 * directories separated by ':'; NULL for none), and checks that it can be run, so that a typo is
 * reported before any rank starts. */
int mpirun_launch_resolve(const char *name, const char *dirs, char *path, size_t len, char *err,
                          size_t errlen);

/* Program app of napps, found by mpirun_launch_resolve and made absolute (a rank with its own
 * --wdir starts elsewhere): a malloc'd path, or NULL with a message in err ("program 2 of 3:
 * ..." when there are several programs). */
char *mpirun_launch_find(const char *name, const char *dirs, int app, int napps, char *err,
                         size_t errlen);

/* In a child between fork and exec (async-signal-safe): its own process group, killed when
 * mpirun (parent) dies, no blocked signals, SIGPIPE back to its default. */
void mpirun_launch_child_setup(pid_t parent);

/* Starts the child and returns at once, so that several children exec at the same time. */
int mpirun_launch(const mpirun_launch_t *spec, mpirun_child_t *child, char *err, size_t errlen);

/* Waits until the child has exec'd, or says why it could not (it then exits by itself). */
int mpirun_launch_confirm(mpirun_child_t *child, const char *path, char *err, size_t errlen);

#endif
