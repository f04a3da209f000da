/*
 * Making and removing the PMIx server's private directory. Shared by mpirun and its daemons.
 */
#define _GNU_SOURCE
#include "mpirun/tmpdir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mpirun_tmpdir_make(char *dir, size_t len, char *err, size_t errlen)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0') {
        base = "/tmp";
    }
    snprintf(dir, len, "%s/mpirun.%d.XXXXXX", base, (int)getpid());
    if (mkdtemp(dir) == NULL) {
        snprintf(err, errlen, "cannot create a directory in %s: %s (set TMPDIR)", base,
                 strerror(errno));
        dir[0] = '\0';
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void mpirun_tmpdir_remove(char *dir)
{
    if (dir[0] != '\0') {
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        dir[0] = '\0';
    }
}
