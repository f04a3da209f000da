/*
 * A table indexed by small integers (peer indices, say) that grows to whatever index is asked
 * for, new entries zeroed. Knows nothing of MPI.
 */
#ifndef MP_GROW_H
#define MP_GROW_H

#include <stdlib.h>
#include <string.h>

/* The table of *n_p entries of size bytes, grown so that entry index exists (at least
 * doubling, new entries zero): the same table or a new one, with *n_p updated. NULL when out of
 * memory: the table is then unchanged. */
static inline void *mp_grow_to(void *table, size_t *n_p, size_t index, size_t size)
{
    size_t n = *n_p;
    if (index < n) {
        return table;
    }
    size_t want = index + 1 > 2 * n ? index + 1 : 2 * n;
    unsigned char *grown = realloc(table, want * size);
    if (grown == NULL) {
        return NULL;
    }
    memset(grown + n * size, 0, (want - n) * size);
    *n_p = want;
    return grown;
}

#endif
