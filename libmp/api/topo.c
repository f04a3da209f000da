/*
 * Process topologies, the parts every kind shares: MPI_Topo_test, MPI_Dims_create, finding the
 * topology of a communicator, and building the communicator of a topology constructor.
 */
#include "api/topo.h"

#include "comm/comm_create.h"

static const char *kind_name(int kind)
{
    switch (kind) {
    case MP_TOPO_CART:
        return "a Cartesian topology (MPI_Cart_create)";
    case MP_TOPO_GRAPH:
        return "a graph topology (MPI_Graph_create)";
    case MP_TOPO_DIST_GRAPH:
        return "a distributed graph topology (MPI_Dist_graph_create)";
    default:
        return "a topology (MPI_Cart_create, MPI_Graph_create or MPI_Dist_graph_create)";
    }
}

int mp_api_topo_get(const char *call, MPI_Comm comm, int kind, mp_comm_t **comm_p,
                    const mp_topo_t **topo_p)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_topo_t *t = c->topo;
    if (t == NULL) {
        return mp_api_error(c, call, MPI_ERR_TOPOLOGY,
                            "communicator %s has no topology; it needs %s", c->name,
                            kind_name(kind));
    }
    if (kind >= 0 && (int)t->kind != kind) {
        return mp_api_error(c, call, MPI_ERR_TOPOLOGY,
                            "communicator %s has %s, but this call needs %s", c->name,
                            kind_name((int)t->kind), kind_name(kind));
    }
    *comm_p = c;
    *topo_p = t;
    return MPI_SUCCESS;
}

int mp_api_topo_check_ptr(const mp_comm_t *comm, const char *call, const void *p, const char *what)
{
    if (p == NULL) {
        return mp_api_error(comm, call, MPI_ERR_ARG, "%s is NULL; pass the address of %s", what,
                            what);
    }
    return MPI_SUCCESS;
}

mp_comm_t mp_api_topo_coll_comm(const mp_comm_t *parent)
{
    mp_comm_t c = *parent;
    c.context_id = parent->context_id + 1;
    return c;
}

int mp_api_topo_comm_create(const char *call, mp_comm_t *parent, int color, int key,
                            mp_api_topo_build_fn build, void *arg, MPI_Comm *newcomm)
{
    mp_comm_t *nc = NULL;
    mp_status_t st = mp_comm_split(parent, color, key, &nc);
    if (st != MP_OK) {
        return mp_api_comm_failed(call, parent, st);
    }
    if (nc != NULL) {
        mp_topo_t *topo = NULL;
        st = build(arg, nc->rank, &topo);
        if (st != MP_OK) {
            mp_comm_release(nc);
            return mp_api_error(parent, call, mp_api_errclass(st),
                                "cannot build the topology of the new communicator: %s",
                                mp_status_string(st));
        }
        nc->topo = topo;
    }
    mp_api_comm_publish(nc, newcomm);
    return MPI_SUCCESS;
}

int mp_api_topo_intra_check(const char *call, MPI_Comm comm, mp_comm_t **comm_p)
{
    int rc = mp_api_comm_check(call, comm, comm_p);
    if (rc == MPI_SUCCESS && (*comm_p)->is_inter) {
        rc = mp_api_error(*comm_p, call, MPI_ERR_COMM,
                          "%s is an intercommunicator; topologies are built on "
                          "intracommunicators",
                          (*comm_p)->name);
    }
    return rc;
}

int mp_api_topo_copy(const char *call, const mp_comm_t *old, mp_comm_t *new_comm)
{
    if (old->topo == NULL) {
        return MPI_SUCCESS;
    }
    mp_topo_t *copy = NULL;
    mp_status_t st = mp_topo_dup(old->topo, &copy);
    if (st != MP_OK) {
        return mp_api_error(old, call, mp_api_errclass(st), "cannot copy the topology of %s: %s",
                            old->name, mp_status_string(st));
    }
    new_comm->topo = copy;
    return MPI_SUCCESS;
}

#pragma weak MPI_Topo_test = PMPI_Topo_test
int PMPI_Topo_test(MPI_Comm comm, int *status)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Topo_test", comm, &c);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, "MPI_Topo_test", status, "status");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_topo_t *t = c->topo;
    if (t == NULL) {
        *status = MPI_UNDEFINED;
    } else if (t->kind == MP_TOPO_CART) {
        *status = MPI_CART;
    } else if (t->kind == MP_TOPO_GRAPH) {
        *status = MPI_GRAPH;
    } else {
        *status = MPI_DIST_GRAPH;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Dims_create = PMPI_Dims_create
int PMPI_Dims_create(int nnodes, int ndims, int dims[])
{
    MP_API_LOCK();
    const char *call = "MPI_Dims_create";
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (ndims < 0) {
        return mp_api_error(NULL, call, MPI_ERR_DIMS,
                            "ndims %d is negative; pass the number of dimensions (0 or more)",
                            ndims);
    }
    if (nnodes < 1) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "nnodes %d is invalid: a grid holds at least 1 process", nnodes);
    }
    if (ndims > 0 && dims == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "dims is NULL; pass an array of %d entries (0: let MPI choose)", ndims);
    }
    long long fixed = 1;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] < 0) {
            return mp_api_error(NULL, call, MPI_ERR_DIMS,
                                "dims[%d] = %d is negative; pass 0 to let MPI choose that "
                                "dimension, or a positive extent",
                                i, dims[i]);
        }
        if (dims[i] > 0 && fixed <= nnodes) {
            fixed *= dims[i];
        }
    }
    if (mp_topo_dims_create(nnodes, ndims, dims) != MP_OK) {
        if (fixed > nnodes || nnodes % fixed != 0) {
            return mp_api_error(NULL, call, MPI_ERR_DIMS,
                                "the dimensions given in dims multiply to %lld, which does not "
                                "divide nnodes %d; change dims or nnodes",
                                fixed, nnodes);
        }
        return mp_api_error(NULL, call, MPI_ERR_DIMS,
                            "every entry of dims is fixed and they multiply to %lld, not nnodes "
                            "%d; set some to 0 or change nnodes",
                            fixed, nnodes);
    }
    return MPI_SUCCESS;
}
