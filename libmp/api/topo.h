/*
 * Shared by the topology entry points (topo.c, cart.c, graph.c, dist_graph.c, neighbor.c):
 * finding a communicator's topology, checking array arguments, and making the communicator
 * that carries a new topology.
 */
#ifndef MP_API_TOPO_H
#define MP_API_TOPO_H

#include "api/api.h"
#include "core/topo.h"

/* Checks that MPI is ready, comm is valid and carries a topology of kind (any kind when kind is
 * -1); sets *comm_p and *topo_p on success. Otherwise reports the error for call. */
int mp_api_topo_get(const char *call, MPI_Comm comm, int kind, mp_comm_t **comm_p,
                    const mp_topo_t **topo_p);

/* Reports MPI_ERR_ARG for call when p is NULL (what names the argument); MPI_SUCCESS else. */
int mp_api_topo_check_ptr(const mp_comm_t *comm, const char *call, const void *p, const char *what);

/* Builds the topology of a new communicator for the process of rank newrank in it. */
typedef mp_status_t (*mp_api_topo_build_fn)(void *arg, int newrank, mp_topo_t **topo_p);

/* Makes the communicator of a topology constructor: splits parent by color (< 0: this process
 * is not in it and gets MPI_COMM_NULL) and key, then attaches the topology that build makes.
 * Collective over parent. Reports failures for call. */
int mp_api_topo_comm_create(const char *call, mp_comm_t *parent, int color, int key,
                            mp_api_topo_build_fn build, void *arg, MPI_Comm *newcomm);

/* Like mp_api_comm_check, and refuses an intercommunicator: the constructors need an intra. */
int mp_api_topo_intra_check(const char *call, MPI_Comm comm, mp_comm_t **comm_p);

/* The calls that make a communicator first set its handle to MPI_COMM_NULL, so that a call that
 * fails (under MPI_ERRORS_RETURN) leaves no stale handle behind, as MPI_Comm_dup does. */
static inline void mp_api_topo_null_out(MPI_Comm *newcomm)
{
    if (newcomm != NULL) {
        *newcomm = MPI_COMM_NULL;
    }
}

/* MPI_Comm_dup and MPI_Comm_idup keep the topology: copies old's (if any) onto new_comm.
 * Returns an MPI error class, reported for call. */
int mp_api_topo_copy(const char *call, const mp_comm_t *old, mp_comm_t *new_comm);

/* A communicator of parent's size whose messages use parent's collective context (context id
 * + 1), so that the exchanges of topology calls never meet the user's messages. */
mp_comm_t mp_api_topo_coll_comm(const mp_comm_t *parent);

#endif
