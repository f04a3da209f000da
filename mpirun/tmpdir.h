/*
 * The private 0700 directory that mpirun's (or a daemon's) PMIx server keeps its files in,
 * removed on every exit path: files stay behind when the process is killed otherwise.
 */
#ifndef MPIRUN_TMPDIR_H
#define MPIRUN_TMPDIR_H

#include <stddef.h>

/* Creates $TMPDIR/mpirun.<pid>.XXXXXX (TMPDIR defaults to /tmp) and writes its path to dir.
 * Returns 0, or -1 with a message in err and dir empty. */
int mpirun_tmpdir_make(char *dir, size_t len, char *err, size_t errlen);

/* Removes the directory and all it holds, and empties dir. Harmless when dir is empty. */
void mpirun_tmpdir_remove(char *dir);

#endif
