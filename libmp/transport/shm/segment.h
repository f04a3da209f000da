/*
 * The segment each rank owns in /dev/shm when it has local peers: a header, a control block
 * for sleeping, the node memory of the collectives, and one incoming ring per local sender.
 * Creating, opening (with the checks that make a mismatch fail loudly), unmapping and unlinking it.
 */
#ifndef MP_SHM_SEGMENT_H
#define MP_SHM_SEGMENT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "transport/shm/ring.h"

#define MP_SHM_MAGIC 0x314d48535f504d4cULL /* "LMP_SHM1" read as little-endian bytes */
#define MP_SHM_VERSION 6u                  /* of the segment layout and of the card */
#define MP_SHM_NAME_MAX 256                /* a segment name, with its '\0' (NAME_MAX + 1) */

/* The first cache line of a segment: what it is and how it is laid out. Written by the owner
 * before the wire-up fence; only nmapped changes after it. */
typedef struct mp_shm_seg_hdr {
    uint64_t magic;           /* MP_SHM_MAGIC: this is a libmp shm segment */
    uint32_t version;         /* MP_SHM_VERSION: the layout of everything in the segment */
    uint32_t nrings;          /* incoming rings that follow: the owner's local peers */
    uint32_t ncells;          /* cells per ring: mp_shm_ring_cells(nrings) */
    uint32_t cell_size;       /* bytes per cell, MP_SHM_CELL_SIZE of the owner's build */
    uint64_t size;            /* bytes of the whole segment */
    _Atomic uint32_t nmapped; /* peers that mapped it: the one that makes it nrings unlinks it */
} __attribute__((aligned(MP_SHM_CACHE_LINE))) mp_shm_seg_hdr_t;

/* The second cache line: how a sleeping owner is woken. See shm.c for the protocol. */
typedef struct mp_shm_ctl {
    _Atomic uint32_t sleeping; /* 1 from the owner's sleep_prepare until a sender or the owner
                                * takes it back to 0 */
    _Atomic uint32_t doorbell; /* futex word: a sender that took sleeping 1 -> 0 adds 1 to it,
                                * then wakes the owner */
} __attribute__((aligned(MP_SHM_CACHE_LINE))) mp_shm_ctl_t;

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "shared words need lock-free 32-bit atomics");
_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t), "a futex word is 32 bits");

/* Offsets in a segment: the header, the control block, the node memory (transport.h) of a
 * node of nrings + 1 ranks, then the rings. */
#define MP_SHM_SEG_CTL_OFFSET ((size_t)MP_SHM_CACHE_LINE)
#define MP_SHM_SEG_NODE_OFFSET ((size_t)2 * MP_SHM_CACHE_LINE)

static inline size_t mp_shm_segment_rings_offset(int nrings)
{
    return MP_SHM_SEG_NODE_OFFSET + mp_tl_node_area_size(nrings + 1);
}

/* A mapped segment, private to the process that mapped it. */
typedef struct mp_shm_segment {
    char name[MP_SHM_NAME_MAX]; /* for shm_open and shm_unlink */
    unsigned char *base;        /* where it is mapped here; NULL when not */
    size_t size;                /* bytes mapped */
} mp_shm_segment_t;

/* The bytes of a segment with nrings rings. */
size_t mp_shm_segment_size(int nrings);

/* Writes the name of the segment of local_rank in job job_id to name (MP_SHM_NAME_MAX bytes):
 * "/libmp.<job_id>.<local_rank>", each '/' of job_id as '_'. */
void mp_shm_segment_name(char *name, const char *job_id, int local_rank);

/* Creates (owner-only, failing if the name exists), sizes, maps and lays out a new segment of
 * nrings rings with every ring empty. On failure nothing is left behind. */
mp_status_t mp_shm_segment_create(const char *name, int nrings, mp_shm_segment_t *seg_p);

/* Maps a peer's segment read-write after checking that it is one with nrings rings and the
 * magic, version and cell layout of this build; peer (a job rank) names it in messages. */
mp_status_t mp_shm_segment_open(const char *name, int nrings, int peer, mp_shm_segment_t *seg_p);

/* Unmaps; the name stays. */
void mp_shm_segment_close(mp_shm_segment_t *seg);

/* Removes the name (a name already gone is not an error). */
void mp_shm_segment_unlink(const char *name);

static inline mp_shm_seg_hdr_t *mp_shm_segment_hdr(const mp_shm_segment_t *seg)
{
    return (mp_shm_seg_hdr_t *)seg->base;
}

static inline mp_shm_ctl_t *mp_shm_segment_ctl(const mp_shm_segment_t *seg)
{
    return (mp_shm_ctl_t *)(seg->base + MP_SHM_SEG_CTL_OFFSET);
}

/* The node memory of the segment's owner. */
static inline unsigned char *mp_shm_segment_node(const mp_shm_segment_t *seg)
{
    return seg->base + MP_SHM_SEG_NODE_OFFSET;
}

/* Sets ring to this end of ring i (0 <= i < nrings) of a segment with nrings rings, at its
 * first position. */
static inline void mp_shm_segment_ring(const mp_shm_segment_t *seg, int nrings, int i,
                                       mp_shm_ring_t *ring)
{
    uint32_t cells = mp_shm_ring_cells(nrings);
    ring->cells =
        seg->base + mp_shm_segment_rings_offset(nrings) + (size_t)i * mp_shm_ring_size(cells);
    ring->mask = cells - 1;
    ring->pos = 0;
    ring->free_until = 0;
}

#endif
