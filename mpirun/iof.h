/*
 * Forwarding of the ranks' stdout and stderr, whole lines at a time: a line from one rank is
 * never cut by another rank's output. Optionally each line is tagged with its rank.
 */
#ifndef MPIRUN_IOF_H
#define MPIRUN_IOF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mpirun_iof {
    int fd;     /* the pipe we read, -1 once it reached end of file */
    int out_fd; /* where lines go: STDOUT_FILENO or STDERR_FILENO */
    int rank;
    int job;   /* the job's number from 1 (spawned jobs: 2, 3, ...), for the tag */
    bool tag;  /* prefix lines with "[job,rank]<stdout>:" as Open MPI's --tag-output */
    char *buf; /* bytes read but not yet forwarded: an incomplete line */
    size_t len, cap;
} mpirun_iof_t;

void mpirun_iof_init(mpirun_iof_t *iof, int fd, int out_fd, int rank, bool tag);

/* Reads what the pipe has and forwards every complete line. At end of file it forwards the
 * incomplete rest, ended with a newline, and closes the pipe. Returns false once closed. */
bool mpirun_iof_read(mpirun_iof_t *iof);

/* For a rank on another host (fd -1): bytes its daemon read from the rank's pipe. Complete
 * lines are forwarded at once; an incomplete rest waits for more or for fini. */
void mpirun_iof_push(mpirun_iof_t *iof, const char *data, size_t len);

/* Closes the pipe and forwards what is left (used when giving up on a pipe). */
void mpirun_iof_fini(mpirun_iof_t *iof);

#endif
