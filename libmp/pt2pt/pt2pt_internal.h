/*
 * What the progress engine needs from pt2pt: one polling pass and the sleep hooks of the
 * transport that can wake this rank.
 */
#ifndef MP_PT2PT_INTERNAL_H
#define MP_PT2PT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* Delivers arrived packets and pushes queued ones; returns how many packets moved. */
int mp_pt2pt_progress(void);

bool mp_pt2pt_sleep_prepare(void);
void mp_pt2pt_sleep_wait(uint64_t max_ns);
void mp_pt2pt_sleep_done(void);

/* Pushes every queued packet out (before the closing fence). */
void mp_pt2pt_flush(void);

/* Keeps delivering and answering packets (progress, with the usual sleeps) until done() says
 * so: during the closing fence, a peer may still wait for an answer from this rank. Peers that
 * pass the fence first may leave meanwhile: from this call on, a peer's going is no loss. */
void mp_pt2pt_serve_until(bool (*done)(void));

/* Wakes this rank if it sleeps in the shm doorbell; any thread may call it (the closing
 * fence's completion does, so that a sleeping rank leaves MPI_Finalize at once). */
void mp_pt2pt_wake_self(void);

#endif
