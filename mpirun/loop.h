/*
 * mpirun's main loop: one thread that waits on the ranks' output pipes, stdin, signals, the
 * PMIx server's events and the clock, and applies the job's rules until every rank is gone.
 */
#ifndef MPIRUN_LOOP_H
#define MPIRUN_LOOP_H

#include <stdarg.h>
#include <stdbool.h>

#include "mpirun/iof.h"
#include "mpirun/job.h"
#include "mpirun/remote.h"
#include "mpirun/spawn.h"

typedef struct mpirun_loop {
    mpirun_job_t *job;
    mpirun_iof_t *out;       /* np streams: each slot's stdout (fd -1 when not on this host) */
    mpirun_iof_t *err;       /* np streams: each slot's stderr */
    int stdin_fd;            /* rank 0's stdin pipe, or -1 */
    int signal_fd;           /* signalfd for the signals main() blocked */
    double timeout;          /* seconds, 0 for none */
    mpirun_remote_t *remote; /* the daemons on other hosts, NULL when all ranks run here */
    /* Serves MPI_Comm_spawn (NULL: refused); it grows out and err (its out and err point at
     * the fields above) and the job's slots. */
    mpirun_spawner_t *spawner;
} mpirun_loop_t;

/* Runs the job to its end and returns mpirun's exit status. */
int mpirun_loop_run(mpirun_loop_t *loop);

/* Prints "mpirun: <msg>" on stderr in one write. */
void mpirun_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "<prefix><msg>" on stderr as one line in one write (cut at 1 KiB). */
void mpirun_vsay(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
