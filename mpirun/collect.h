/*
 * Fences across hosts, gathered: each host taking part sends its part of a fence once; when
 * every part is in, the concatenation goes back to each of them. A fence is known by its key
 * (participant signature, sequence number), the same on every host. Pure: no I/O. mpirun
 * gathers a fence of some hosts itself (a star); for one of the whole job mpirun and each
 * daemon gather their subtree's (relay.c), so a part may hold several hosts'.
 */
#ifndef MPIRUN_COLLECT_H
#define MPIRUN_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "mpirun/wire.h"

typedef struct mpirun_collect {
    uint64_t sig;
    uint32_t seq;
    int expected;           /* parts that make it complete */
    int got;                /* parts so far */
    int status;             /* the first failing status of a part (PMIx's), else 0 */
    int *contributors;      /* got ids, in arrival order */
    mpirun_wire_buf_t data; /* the parts, concatenated */
} mpirun_collect_t;

typedef struct mpirun_collector {
    mpirun_collect_t *fences; /* incomplete ones */
    size_t nfences;
} mpirun_collector_t;

/*
 * Adds contributor who's part of fence (sig, seq), which needs expected parts in all (1 or
 * more), with the PMIx status of that host's local collective (0: all its ranks took part). Returns
 * 1 when the fence is now complete: *done_p is it (its data and contributors), to be released with
 * mpirun_collector_release; 0 while parts are missing; -1 with a message in err when who already
 * sent its part, the expected counts disagree, or memory ran out.
 */
int mpirun_collector_add(mpirun_collector_t *c, uint64_t sig, uint32_t seq, int expected, int who,
                         int status, const void *data, size_t len, mpirun_collect_t **done_p,
                         char *err, size_t errlen);

/*
 * The fence tree was re-planned (a daemon went straight to mpirun): every open fence now needs
 * delta parts more (or fewer, delta < 0). Returns 0, or -1 with a message in err when an open
 * fence would need fewer parts than it has, or none, or memory ran out. Fences that the change
 * completes are then handed out by mpirun_collector_complete.
 */
int mpirun_collector_adjust(mpirun_collector_t *c, int delta, char *err, size_t errlen);

/* An open fence that has all its parts (after adjust), to be released; NULL when none has. */
mpirun_collect_t *mpirun_collector_complete(mpirun_collector_t *c);

/* Forgets a complete fence returned by add. */
void mpirun_collector_release(mpirun_collector_t *c, mpirun_collect_t *done);

void mpirun_collector_fini(mpirun_collector_t *c);

#endif
