/*
 * Forwarding of the ranks' stdout and stderr, whole lines at a time: a line from one rank is
 * never cut by another rank's output. Optionally each line is tagged with its rank, and copied
 * into a file of its own.
 */
#ifndef MPIRUN_IOF_H
#define MPIRUN_IOF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mpirun_iof {
    int fd;     /* the pipe we read, -1 once it reached end of file */
    int out_fd; /* where lines go: STDOUT_FILENO or STDERR_FILENO */
    int rank;
    int job;          /* the job's number from 1 (spawned jobs: 2, 3, ...), for the tag */
    bool tag;         /* prefix lines with "[job,rank]<stdout>:" as Open MPI's --tag-output */
    bool prefix_rank; /* else prefix them with "[rank] " as MPICH's -l ("[job,rank] " past 1) */
    bool no_copy;     /* lines go to file_fd only */
    int file_fd;      /* a file that gets every line, untagged, or -1 */
    char *buf;        /* bytes read but not yet forwarded: an incomplete line */
    size_t len, cap;
} mpirun_iof_t;

void mpirun_iof_init(mpirun_iof_t *iof, int fd, int out_fd, int rank, bool tag);

/* The run's output options beyond --tag-output. */
typedef struct mpirun_output {
    bool prefix_rank;  /* -l/--prepend-rank */
    bool merge_stderr; /* --merge-stderr-to-stdout */
    const char *dir;   /* --output-filename DIR, or NULL */
    bool no_copy;      /* DIR:nocopy */
} mpirun_output_t;

/* Applies out to a stream that mpirun_iof_init set up, its job and rank final: a stderr stream
 * may become stdout, and with a directory the stream's file DIR/JOB/rank.R/stdout (or stderr)
 * is made (with its directories) and emptied, unless a merged stderr shares stdout's. Returns 0,
 * or -1 with what failed in err. */
int mpirun_iof_output(mpirun_iof_t *iof, const mpirun_output_t *out, char *err, size_t errlen);

/* Reads what the pipe has and forwards every complete line. At end of file it forwards the
 * incomplete rest, ended with a newline, and closes the pipe. Returns false once closed. */
bool mpirun_iof_read(mpirun_iof_t *iof);

/* For a rank on another host (fd -1): bytes its daemon read from the rank's pipe. Complete
 * lines are forwarded at once; an incomplete rest waits for more or for fini. */
void mpirun_iof_push(mpirun_iof_t *iof, const char *data, size_t len);

/* Closes the pipe and forwards what is left (used when giving up on a pipe). */
void mpirun_iof_fini(mpirun_iof_t *iof);

#endif
