/*
 * The fence relay's tree arithmetic: who is whose parent and children, and the fan-out
 * setting.
 */
#include "mpirun/tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int mpirun_tree_parent(int p, int fanout)
{
    return (p - 1) / fanout;
}

int mpirun_tree_nchildren(int p, int fanout, int n)
{
    /* Children are p*k+1 .. p*k+k, cut at n; long long: p*k may pass INT_MAX. */
    long long first = (long long)p * fanout + 1;
    if (first > n) {
        return 0;
    }
    long long last = first + fanout - 1;
    return (int)((last < n ? last : n) - first + 1);
}

int mpirun_tree_child(int p, int fanout, int i)
{
    return p * fanout + 1 + i;
}

int mpirun_tree_fanout_parse(const char *text, int *fanout, char *err, size_t errlen)
{
    if (text == NULL || text[0] == '\0') {
        *fanout = MPIRUN_TREE_FANOUT_DEFAULT;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 1 || v > MPIRUN_TREE_FANOUT_MAX) {
        snprintf(err, errlen,
                 "MP_FENCE_FANOUT=%s: want a whole number of daemons per daemon, 1 to %d", text,
                 MPIRUN_TREE_FANOUT_MAX);
        return -1;
    }
    *fanout = (int)v;
    return 0;
}
