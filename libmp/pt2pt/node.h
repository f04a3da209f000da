/*
 * Node memory for the collectives' shared-memory fast paths: which job ranks share this node,
 * the region of each (transport.h, node_area) and the wake-up of a sleeping local rank. pt2pt
 * only passes these up from the shm transport, so that coll never includes a transport header.
 */
#ifndef MP_PT2PT_NODE_H
#define MP_PT2PT_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "wireup/wireup.h"

/* Learns the node's ranks (after the transports connected); frees that at fini. */
mp_status_t mp_pt2pt_node_init(const mp_wireup_info_t *info);
void mp_pt2pt_node_fini(void);

/* Ranks on this node (1 without local peers). */
int mp_pt2pt_node_size(void);

/* The local index (0 .. node size - 1) of job rank world, or -1 when it runs on another node. */
int mp_pt2pt_node_index(int world);

/* The node memory of local index lr, mapped here (every local rank's, this rank's own too), of
 * mp_pt2pt_node_area_size() bytes; NULL when there is none (no local peers, or a transport
 * without node memory). Valid until MPI_Finalize. */
void *mp_pt2pt_node_area(int lr);
size_t mp_pt2pt_node_area_size(void);

/* Wakes local index lr if it sleeps in mp_progress_wait: call it after storing (release) into
 * node memory what lr may be waiting for; costs a fence, and a system call only when lr sleeps.
 * Waiting ranks look at node memory through the done() of mp_progress_wait, which is called
 * after the sleep was announced, so no such wake-up is lost. */
void mp_pt2pt_node_wake(int lr);

/* Whether this rank may copy straight out of local index lr's memory (single copy, detected at
 * start-up; false with MP_SHM_SINGLE_COPY=0, and for lr itself, which needs no copy by the
 * kernel). The kernel decides for each direction: lr's answer about this rank may differ. */
bool mp_pt2pt_node_can_get(int lr);

/* Copies len bytes at address remote in local index lr's process into local: blocking, only
 * where mp_pt2pt_node_can_get(lr). MP_ERR_SYSCALL, logged with the reason, if the kernel
 * refuses or the range is not all mapped there. */
mp_status_t mp_pt2pt_node_get(int lr, void *local, const void *remote, size_t len);

/* Copies len bytes of local to address remote in local index lr's process, likewise: where
 * mp_pt2pt_node_can_get(lr) (the kernel grants writing as it grants reading). */
mp_status_t mp_pt2pt_node_put(int lr, const void *local, void *remote, size_t len);

#endif
