/*
 * Setting up a ring of the shm transport (ring.h holds the fast path, inline): each cell is
 * marked free for the first position that uses it.
 */
#include "transport/shm/ring.h"

void mp_shm_ring_init(void *mem, uint32_t cells)
{
    mp_shm_ring_t ring = {.cells = mem, .mask = cells - 1, .pos = 0};
    for (uint64_t pos = 0; pos < cells; pos++) {
        mp_shm_cell_t *cell = mp_shm_ring_cell(&ring, pos);
        /* Relaxed: no peer has mapped the segment yet; the wire-up fence that precedes every
         * peer's connect publishes these stores. */
        atomic_store_explicit(&cell->seq, pos, memory_order_relaxed);
        cell->hdr_len = 0;
        cell->len = 0;
    }
}
