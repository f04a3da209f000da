/*
 * The packets by which processes part (MPI_Comm_disconnect, MPI_Finalize): a DISC says that the
 * sender is in the disconnect of a communicator, a BYE that it finalizes, which the standard
 * counts as its part in every disconnect with the receiver from then on. This module sends them
 * and keeps what arrived; comm/disconnect.c decides whom to tell and what to wait for.
 *
 * Peers are peer indices (job ranks, then processes of other jobs). Not thread-safe by itself:
 * the callers hold the library lock. Nothing here blocks.
 */
#ifndef MP_PT2PT_LEAVE_H
#define MP_PT2PT_LEAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

/* Queues a DISC to peer, behind everything queued to it before (so it arrives after them):
 * this process is in the disconnect of context ctx; total is how many communicators with peer
 * it has disconnected in all, this one included. */
mp_status_t mp_pt2pt_leave_disc_send(int peer, uint32_t ctx, uint64_t total);

/* Queues a BYE to peer, behind everything queued before. */
mp_status_t mp_pt2pt_leave_bye_send(int peer);

/* Takes the DISC that peer sent for ctx, if it came: true once per DISC. */
bool mp_pt2pt_leave_disc_take(int peer, uint32_t ctx);

/* The highest total of disconnects that peer's DISCs announced (0 before any). */
uint64_t mp_pt2pt_leave_disc_total(int peer);

/* Whether peer said BYE, or is gone without one (its transport lost it): either way it takes
 * part in nothing more, and nobody should wait for it. */
bool mp_pt2pt_leave_is_gone(int peer);

/* From on_packet: a DISC or BYE arrived from peer. */
void mp_pt2pt_leave_on_packet(int peer, int type, uint64_t ctx, uint64_t total);

/* MPI_Finalize: forgets everything (after the last wait). */
void mp_pt2pt_leave_fini(void);

#endif
