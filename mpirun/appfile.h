/*
 * Program files: the programs of a job written one per line, for the MPI standard's (and
 * MPICH's) mpiexec -configfile FILE and Open MPI's mpirun --app FILE. Pure: no printing, no
 * exit().
 */
#ifndef MPIRUN_APPFILE_H
#define MPIRUN_APPFILE_H

#include <stddef.h>

/* The biggest program file read, in bytes: a job's programs, not data. */
#define MPIRUN_APPFILE_MAX (1 << 20)

/* A program file as command-line words, a ":" between two programs (as typed on mpirun's
 * command line), with the line each word came from. */
typedef struct mpirun_appfile {
    char **words; /* malloc'd, each word malloc'd; NULL-terminated (NULL when no words) */
    int *lines;   /* the line (from 1) of each word */
    int nwords;
} mpirun_appfile_t;

/*
 * Splits text into words as a shell does: blanks separate words, '...' and "..." quote, a
 * backslash escapes the next character (inside "...", only \ " $ and `), '#' at the start of a
 * word comments out the rest of the line, and a backslash at the end of a line continues the
 * line. Each line that holds words is one program; a ':' word also separates programs. Returns 0
 * with *af filled (free with mpirun_appfile_fini()), or -1 with a message naming the line in err.
 */
int mpirun_appfile_split(const char *text, mpirun_appfile_t *af, char *err, size_t errlen);

/* Reads the file at path and splits it; -1 with a message naming the file in err. */
int mpirun_appfile_read(const char *path, mpirun_appfile_t *af, char *err, size_t errlen);

void mpirun_appfile_fini(mpirun_appfile_t *af);

#endif
