/*
 * Parting from other jobs: MPI_Comm_disconnect of a communicator that joins processes of
 * several jobs, and MPI_Finalize as the standard's implicit disconnect of every communicator
 * that still connects this process to another job (MPI 4.1, 11.10.4: MPI_Finalize behaves as if
 * it disconnected them, and is collective over the connected processes).
 *
 * For the communicators that join processes of several jobs (the program's: MPI_Comm_spawn's,
 * accept/connect's, join's, and everything derived from them), this process counts per member
 * how many it built with it and how many of those it disconnected; MPI_Comm_free leaves a
 * communicator connected. Members of this job count too: one of them may finalize while this
 * process disconnects such a communicator. A disconnect sends each
 * member a DISC (pt2pt/leave.h) with that total and waits for every member's DISC, or its BYE:
 * a process that finalizes sends BYE to every process it is still connected to and then waits
 * until each one either said BYE too or announced as many disconnects as they built together.
 * So a disconnect on one side and a finalize (with or without MPI_Comm_free) on the other meet,
 * and nobody leaves while a peer may still send to it.
 */
#ifndef MP_COMM_DISCONNECT_H
#define MP_COMM_DISCONNECT_H

#include <stdbool.h>

#include "core/comm.h"
#include "core/status.h"

/* A communicator the program can use came to exist (on every member alike): counts it with
 * each of its members of other jobs. */
void mp_comm_connect_note(const mp_comm_t *comm);

/* Whether comm has members of other jobs (then mp_comm_disconnect parts from them). */
bool mp_comm_has_other_jobs(const mp_comm_t *comm);

/* MPI_Comm_disconnect's exchange on comm (one with members of other jobs): tells every other
 * member, then waits (driving progress) until each one is in it too or finalizes. Everything
 * sent on comm before arrives before the DISC. Blocking; the caller then frees comm. */
mp_status_t mp_comm_disconnect(const mp_comm_t *comm);

/* MPI_Finalize, before the job's closing fence: BYE to every process still connected to this
 * one through such a communicator, then waits until each is done with it (see above). */
mp_status_t mp_comm_farewell(void);

/* Forgets the counts (MPI_Finalize). */
void mp_comm_disconnect_fini(void);

#endif
