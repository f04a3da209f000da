/*
 * Joining jobs (MPI_Comm_spawn and MPI_Comm_get_parent): the intercommunicator between the
 * spawning communicator and the spawned job's MPI_COMM_WORLD. The two roots meet on a link of
 * their own (context MP_COMM_CTX_LINK, tag = the spawned job's number), then build the
 * intercommunicator as MPI_Intercomm_create does, the groups travelling as global ids.
 *
 * Both calls are collective over their communicator and blocking (they drive progress).
 */
#ifndef MP_COMM_DYNAMIC_H
#define MP_COMM_DYNAMIC_H

#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"
#include "wireup/procs.h"

/* The one-to-one link between this process and peer index (a process of another job), on
 * the reserved context MP_COMM_CTX_LINK: made on first use and kept until MPI_Finalize. Link
 * tags: MP_COMM_LINK_TAG_SPAWN | job for a spawn's roots, below it for ports'. */
#define MP_COMM_LINK_TAG_SPAWN 0x40000000
mp_status_t mp_comm_link_get(int peer, mp_comm_t **link_p);

/* MPI_Finalize: forgets the links. */
void mp_comm_dynamic_fini(void);

/* MPI_Comm_spawn's root: makes this process reachable by other jobs, then asks the launcher
 * to start apps as a new job (mp_wireup_spawn); *job_p is its number. */
mp_status_t mp_comm_spawn_start(const mp_wireup_app_t *apps, int napps, uint32_t *job_p);

/* The parents' side, once the launcher started job number job: collective over comm (an
 * intracommunicator), root its rank that spawned; the intercommunicator's remote group is the
 * spawned job's ranks. */
mp_status_t mp_comm_spawn_connect(mp_comm_t *comm, int root, uint32_t job, mp_comm_t **inter_p);

/* The children's side, in MPI_Init: collective over world; parent is the global id of the
 * process that spawned this job. The remote group is the parents' communicator. */
mp_status_t mp_comm_parent_connect(mp_comm_t *world, uint64_t parent, mp_comm_t **inter_p);

#endif
