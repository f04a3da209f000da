/*
 * Creating and releasing communicators: the layer above pt2pt that agrees on context ids with
 * messages. The API layer (communicators, topologies) builds every constructor on these.
 *
 * Every call here is collective over the processes it names and blocking (it drives progress
 * until done); messages travel on the parent's collective context (context_id + 1) with tags
 * from parent->coll_seq, so they never mix with the user's messages or with collectives.
 * New communicators have their own context ids, no name, no attributes, no topology and the
 * parent's error handler (not retained: the API layer takes its reference).
 */
#ifndef MP_COMM_CREATE_H
#define MP_COMM_CREATE_H

#include "core/comm.h"
#include "core/group.h"
#include "core/status.h"
#include "pt2pt/request.h"

/* MPI_Comm_split: collective over parent. Ranks passing the same color form one new
 * communicator, ordered by key then by parent rank. A rank passing color < 0 (MPI_UNDEFINED)
 * gets *newcomm_p = NULL. The new communicator has its own context ids, no name, no
 * attributes, no topology, and parent's error handler. Blocking. */
mp_status_t mp_comm_split(mp_comm_t *parent, int color, int key, mp_comm_t **newcomm_p);

/* Releases a communicator made by this layer (MPI_Comm_free); its context ids become free for
 * reuse once no message of it is pending. */
void mp_comm_release(mp_comm_t *comm);

/* MPI_Comm_dup: collective over parent (both groups of an intercommunicator). The copy has
 * the same group(s) and new context ids. */
mp_status_t mp_comm_dup(mp_comm_t *parent, mp_comm_t **newcomm_p);

/* MPI_Comm_split (and MPI_Comm_create) on an intercommunicator: collective over both groups.
 * Each group splits by color; my new intercommunicator joins my color's part of my group (by
 * key) with the same color's part of the remote group. *newcomm_p is NULL for color < 0 and
 * when the remote group has no process of my color. */
mp_status_t mp_comm_inter_split(mp_comm_t *inter, int color, int key, mp_comm_t **newcomm_p);

/* MPI_Comm_create: collective over the intracommunicator parent; group is a subset of its
 * group, the same on every rank. Members get the new communicator, others NULL. */
mp_status_t mp_comm_create_from(mp_comm_t *parent, mp_group_t *group, mp_comm_t **newcomm_p);

/* MPI_Comm_create_group: collective over the members of group only (a subset of parent's
 * group); tag tells apart concurrent calls on one parent. The caller must be a member. */
mp_status_t mp_comm_create_group(mp_comm_t *parent, mp_group_t *group, int tag,
                                 mp_comm_t **newcomm_p);

/* MPI_Intercomm_create: collective over local (an intracommunicator); the two leaders talk
 * through peer (a communicator holding both, as ranks local_leader's peer rank remote_leader)
 * with tag on its point-to-point context. remote_leader is read at the local leader only. */
mp_status_t mp_comm_intercomm_create(mp_comm_t *local, int local_leader, mp_comm_t *peer,
                                     int remote_leader, int tag, mp_comm_t **newcomm_p);

/* MPI_Intercomm_merge: collective over both groups of inter. The group passing high = false
 * comes first; when both pass the same value, the group of the lower job rank of a leader. */
mp_status_t mp_comm_intercomm_merge(mp_comm_t *inter, bool high, mp_comm_t **newcomm_p);

/* MPI_Comm_create_from_group: collective over the members of group (the caller is one);
 * stringtag tells apart concurrent calls. Messages go over MPI_COMM_WORLD's collective
 * context (the world model; sessions are not supported). */
mp_status_t mp_comm_create_from_group(mp_group_t *group, const char *stringtag,
                                      mp_comm_t **newcomm_p);

/* MPI_Intercomm_create_from_groups: collective over both (disjoint) groups; the leaders are
 * ranks of their groups. */
mp_status_t mp_comm_intercomm_from_groups(mp_group_t *local, int local_leader, mp_group_t *remote,
                                          int remote_leader, const char *stringtag,
                                          mp_comm_t **newcomm_p);

/* What a nonblocking constructor calls when it ends, from inside progress: newcomm is the new
 * communicator (NULL on failure or for a process outside it), st the outcome. */
typedef void mp_comm_done_fn(void *arg, mp_comm_t *newcomm, mp_status_t st);

/* MPI_Comm_idup: starts duplicating parent, an intra- or an intercommunicator (collective
 * over both its groups then). Nonblocking: *req_p (kind MP_REQ_COLL, the standard's empty
 * status, the failure in status.error) completes from progress once done(arg, ...) has run.
 * Duplications of different parents may overlap, and may overlap blocking constructors. */
mp_status_t mp_comm_idup(mp_comm_t *parent, mp_comm_done_fn *done, void *arg, mp_request_t **req_p);

#endif
