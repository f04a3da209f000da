/*
 * Creating and releasing communicators: the layer above pt2pt that agrees on context ids with
 * messages. The API layer (communicators, topologies) builds every constructor on these.
 */
#ifndef MP_COMM_CREATE_H
#define MP_COMM_CREATE_H

#include "core/comm.h"
#include "core/status.h"

/* MPI_Comm_split: collective over parent. Ranks passing the same color form one new
 * communicator, ordered by key then by parent rank. A rank passing color < 0 (MPI_UNDEFINED)
 * gets *newcomm_p = NULL. The new communicator has its own context ids, no name, no
 * attributes, no topology, and parent's error handler. Blocking. */
mp_status_t mp_comm_split(mp_comm_t *parent, int color, int key, mp_comm_t **newcomm_p);

/* Releases a communicator made by this layer (MPI_Comm_free); its context ids become free for
 * reuse once no message of it is pending. */
void mp_comm_release(mp_comm_t *comm);

#endif
