/*
 * The queue of the shm transport: a ring of fixed-size cells in the receiver's segment that one
 * sender fills and one receiver empties, each cell handed over by its own sequence word. No
 * shared head or tail counter, no lock, no system call; the numbers that size it are here.
 */
#ifndef MP_SHM_RING_H
#define MP_SHM_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"

/* The tunables of the shm transport, all in one place. */
#define MP_SHM_RING_CELLS 32    /* cells per ring (most); a power of two */
#define MP_SHM_RING_CELLS_MIN 4 /* cells per ring on the largest nodes */
/* Cells of one segment (its rings together) beyond which its rings get fewer cells, so that a
 * node's shared memory grows with its ranks, not with their square: 32 ranks keep 32 cells a
 * ring, 64 have 16, 128 have 8, from 256 on 4 (about 8.5 MB a rank). */
#define MP_SHM_SEGMENT_CELLS 1024
#define MP_SHM_CELL_PAYLOAD 8192 /* payload bytes one packet carries: ep->max_payload */
#define MP_SHM_POLL_BURST 16     /* packets delivered per ring per progress call, for fairness */
#define MP_SHM_SEND_BATCH 16     /* cells a sender claims with one look at the receiver's words */
#define MP_SHM_CACHE_LINE 64

/* A cell: 16 bytes of metadata, then the header, then the payload right behind the header, so
 * a packet of up to 48 bytes of header and payload touches one cache line. */
typedef struct mp_shm_cell {
    /* The hand-over word. For the packet at position p of the ring (cell p % CELLS): p means
     * free for the sender, p + 1 means it holds that packet for the receiver; the receiver
     * frees it by storing p + CELLS, the position that will use this cell next. */
    _Atomic uint64_t seq;
    uint32_t hdr_len;     /* header bytes at data[0], <= MP_TL_HDR_MAX */
    uint32_t len;         /* payload bytes at data[hdr_len], <= MP_SHM_CELL_PAYLOAD */
    unsigned char data[]; /* header, then payload */
} mp_shm_cell_t;

#define MP_SHM_CELL_META offsetof(mp_shm_cell_t, data)
#define MP_SHM_ROUND_UP(n, to) (((n) + (to)-1) / (to) * (to))
/* Bytes per cell (8320 with the numbers above) and per ring: cache-line multiples. */
#define MP_SHM_CELL_SIZE                                                                           \
    MP_SHM_ROUND_UP(MP_SHM_CELL_META + MP_TL_HDR_MAX + MP_SHM_CELL_PAYLOAD, MP_SHM_CACHE_LINE)

_Static_assert((MP_SHM_RING_CELLS & (MP_SHM_RING_CELLS - 1)) == 0, "cells: a power of two");
_Static_assert((MP_SHM_RING_CELLS_MIN & (MP_SHM_RING_CELLS_MIN - 1)) == 0, "a power of two");
_Static_assert(MP_SHM_SEND_BATCH >= 1, "send batch");
_Static_assert(MP_SHM_CELL_META == 16, "cell metadata is 16 bytes");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "shared rings need lock-free 64-bit atomics");

/* Cells per ring in a segment of nrings rings: MP_SHM_RING_CELLS, or fewer (a power of two, at
 * least MP_SHM_RING_CELLS_MIN) where the segment's rings would pass MP_SHM_SEGMENT_CELLS. */
static inline uint32_t mp_shm_ring_cells(int nrings)
{
    uint32_t cells = MP_SHM_RING_CELLS;
    while (cells > MP_SHM_RING_CELLS_MIN &&
           (uint64_t)cells * (uint64_t)nrings > MP_SHM_SEGMENT_CELLS) {
        cells /= 2;
    }
    return cells;
}

/* Bytes of a ring of that many cells. */
static inline size_t mp_shm_ring_size(uint32_t cells)
{
    return (size_t)MP_SHM_CELL_SIZE * cells;
}

/* One end of a ring, private to the process that holds it: the sender's or the receiver's. */
typedef struct mp_shm_ring {
    unsigned char *cells; /* the first cell, in the receiver's segment */
    uint64_t mask;        /* cells - 1 (mp_shm_ring_cells) */
    uint64_t pos;         /* this end's next position: only this process changes it */
    uint64_t free_until;  /* sender: positions below it are known free (see reserve) */
} mp_shm_ring_t;

/* Sets every cell of the ring of that many cells at mem free for its first position. Before any
 * peer has mapped it: the wire-up fence publishes it. */
void mp_shm_ring_init(void *mem, uint32_t cells);

static inline mp_shm_cell_t *mp_shm_ring_cell(const mp_shm_ring_t *ring, uint64_t pos)
{
    return (mp_shm_cell_t *)(ring->cells + (pos & ring->mask) * MP_SHM_CELL_SIZE);
}

/* Acquire pairs with the receiver's release in mp_shm_ring_release: its reads of the packet
 * that used that cell before happen before the writes of the next one. */
static inline bool cell_is_free(const mp_shm_ring_t *ring, uint64_t pos)
{
    return atomic_load_explicit(&mp_shm_ring_cell(ring, pos)->seq, memory_order_acquire) == pos;
}

/* Sender: the cell for the next packet, or NULL while the receiver still holds it.
 * The receiver frees cells in position order, so a cell free for position x means that every
 * position up to x is free as well: one look a batch ahead claims the whole batch. The cell the
 * receiver is polling is then written without being read first, which saves a cache-line
 * transfer per packet (one-way latency of a small packet 275 -> 230 ns, measured). When the
 * batch ahead is not free yet, the next cell alone is checked, so the ring still fills to its
 * last cell. */
static inline mp_shm_cell_t *mp_shm_ring_reserve(mp_shm_ring_t *ring)
{
    if (ring->pos >= ring->free_until) {
        uint64_t ahead = MP_SHM_SEND_BATCH - 1 < ring->mask ? MP_SHM_SEND_BATCH - 1 : ring->mask;
        uint64_t last = ring->pos + ahead;
        if (cell_is_free(ring, last)) {
            ring->free_until = last + 1;
        } else if (cell_is_free(ring, ring->pos)) {
            ring->free_until = ring->pos + 1;
        } else {
            return NULL;
        }
    }
    return mp_shm_ring_cell(ring, ring->pos);
}

/* Sender: hands the filled cell (from mp_shm_ring_reserve) to the receiver. */
static inline void mp_shm_ring_publish(mp_shm_ring_t *ring, mp_shm_cell_t *cell)
{
    /* Release: the lengths, header and payload written into the cell are visible to the
     * receiver once it sees this value (its acquire in mp_shm_ring_peek). */
    atomic_store_explicit(&cell->seq, ring->pos + 1, memory_order_release);
    ring->pos++;
}

/* Receiver: the cell holding the next packet, or NULL if none arrived. */
static inline mp_shm_cell_t *mp_shm_ring_peek(const mp_shm_ring_t *ring)
{
    mp_shm_cell_t *cell = mp_shm_ring_cell(ring, ring->pos);
    /* Acquire pairs with the sender's release in mp_shm_ring_publish. */
    if (atomic_load_explicit(&cell->seq, memory_order_acquire) != ring->pos + 1) {
        return NULL;
    }
    return cell;
}

/* Receiver: gives the delivered cell (from mp_shm_ring_peek) back to the sender. */
static inline void mp_shm_ring_release(mp_shm_ring_t *ring, mp_shm_cell_t *cell)
{
    /* Release: every read of the packet is done before the sender may overwrite the cell. */
    atomic_store_explicit(&cell->seq, ring->pos + ring->mask + 1, memory_order_release);
    ring->pos++;
}

#endif
