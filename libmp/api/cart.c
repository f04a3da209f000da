/*
 * Cartesian topologies (MPI 4.1 section 8.5.1 and 8.5.5): creating grids and sub-grids, and
 * the queries that translate between ranks and coordinates. The arithmetic is core/topo.c.
 */
#include "api/topo.h"

/* Checks the ndims, dims and periods of MPI_Cart_create and MPI_Cart_map against comm, and
 * sets *nnodes_p to the size of the grid. */
static int check_grid(const char *call, const mp_comm_t *comm, int ndims, const int *dims,
                      const int *periods, int *nnodes_p)
{
    if (ndims < 0) {
        return mp_api_error(comm, call, MPI_ERR_DIMS,
                            "ndims %d is negative; pass the number of dimensions (0 or more)",
                            ndims);
    }
    if (ndims > 0 && (dims == NULL || periods == NULL)) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "%s is NULL; pass an array of ndims = %d entries",
                            dims == NULL ? "dims" : "periods", ndims);
    }
    long long n = 1;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] <= 0) {
            return mp_api_error(comm, call, MPI_ERR_DIMS,
                                "dims[%d] = %d is invalid: every dimension holds at least 1 "
                                "process (MPI_Dims_create can choose them)",
                                i, dims[i]);
        }
        n *= dims[i];
        if (n > comm->size) {
            break;
        }
    }
    if (n > comm->size) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "the grid needs %s%lld processes but %s has only %d; make the "
                            "product of dims at most %d",
                            n > INT32_MAX ? "more than " : "", n, comm->name, comm->size,
                            comm->size);
    }
    *nnodes_p = (int)n;
    return MPI_SUCCESS;
}

typedef struct cart_args {
    int ndims;
    const int *dims;
    const int *periods;
} cart_args_t;

static mp_status_t build_cart(void *arg, int newrank, mp_topo_t **topo_p)
{
    const cart_args_t *a = arg;
    return mp_topo_cart_create(a->ndims, a->dims, a->periods, newrank, topo_p);
}

#pragma weak MPI_Cart_create = PMPI_Cart_create
int PMPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[],
                     int reorder, MPI_Comm *comm_cart)
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_create";
    (void)reorder; /* ranks keep their order: a valid choice, the one MPICH makes by default */
    mp_api_topo_null_out(comm_cart);
    mp_comm_t *c = NULL;
    int nnodes = 0;
    int rc = mp_api_topo_intra_check(call, comm_old, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_grid(call, c, ndims, dims, periods, &nnodes);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, comm_cart, "comm_cart");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    cart_args_t args = {ndims, dims, periods};
    int color = c->rank < nnodes ? 0 : -1;
    return mp_api_topo_comm_create(call, c, color, c->rank, build_cart, &args, comm_cart);
}

#pragma weak MPI_Cart_map = PMPI_Cart_map
int PMPI_Cart_map(MPI_Comm comm, int ndims, const int dims[], const int periods[], int *newrank)
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_map";
    mp_comm_t *c = NULL;
    int nnodes = 0;
    int rc = mp_api_topo_intra_check(call, comm, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_grid(call, c, ndims, dims, periods, &nnodes);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, newrank, "newrank");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* The identity mapping: the first nnodes ranks, in their order. */
    *newrank = c->rank < nnodes ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

#pragma weak MPI_Cartdim_get = PMPI_Cartdim_get
int PMPI_Cartdim_get(MPI_Comm comm, int *ndims)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get("MPI_Cartdim_get", comm, MP_TOPO_CART, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, "MPI_Cartdim_get", ndims, "ndims");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *ndims = t->ndims;
    return MPI_SUCCESS;
}

/* Checks that arrays of maxdims entries can hold the ndims of t. */
static int check_maxdims(const char *call, const mp_comm_t *c, const mp_topo_t *t, int maxdims)
{
    if (maxdims < t->ndims) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "maxdims %d is smaller than the %d dimensions of %s; pass arrays "
                            "of MPI_Cartdim_get entries",
                            maxdims, t->ndims, c->name);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Cart_get = PMPI_Cart_get
int PMPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[])
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_get";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_CART, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = check_maxdims(call, c, t, maxdims);
    }
    if (rc == MPI_SUCCESS && t->ndims > 0) {
        rc = mp_api_topo_check_ptr(c, call, dims, "dims");
        if (rc == MPI_SUCCESS) {
            rc = mp_api_topo_check_ptr(c, call, periods, "periods");
        }
        if (rc == MPI_SUCCESS) {
            rc = mp_api_topo_check_ptr(c, call, coords, "coords");
        }
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    for (int i = 0; i < t->ndims; i++) {
        dims[i] = t->dims[i];
        periods[i] = t->period[i];
    }
    if (t->ndims > 0) {
        mp_topo_cart_coords(t, c->rank, coords);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Cart_rank = PMPI_Cart_rank
int PMPI_Cart_rank(MPI_Comm comm, const int coords[], int *rank)
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_rank";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_CART, &c, &t);
    if (rc == MPI_SUCCESS && t->ndims > 0) {
        rc = mp_api_topo_check_ptr(c, call, coords, "coords");
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, rank, "rank");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    for (int i = 0; i < t->ndims; i++) {
        if (!t->period[i] && (coords[i] < 0 || coords[i] >= t->dims[i])) {
            return mp_api_error(c, call, MPI_ERR_ARG,
                                "coords[%d] = %d is outside 0..%d of non-periodic dimension %d", i,
                                coords[i], t->dims[i] - 1, i);
        }
    }
    mp_topo_cart_rank(t, coords, rank);
    return MPI_SUCCESS;
}

#pragma weak MPI_Cart_coords = PMPI_Cart_coords
int PMPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[])
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_coords";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_CART, &c, &t);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (rank < 0 || rank >= c->size) {
        return mp_api_error(c, call, MPI_ERR_RANK, "rank %d is out of range 0..%d of %s", rank,
                            c->size - 1, c->name);
    }
    rc = check_maxdims(call, c, t, maxdims);
    if (rc == MPI_SUCCESS && t->ndims > 0) {
        rc = mp_api_topo_check_ptr(c, call, coords, "coords");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_topo_cart_coords(t, rank, coords);
    return MPI_SUCCESS;
}

#pragma weak MPI_Cart_shift = PMPI_Cart_shift
int PMPI_Cart_shift(MPI_Comm comm, int direction, int disp, int *rank_source, int *rank_dest)
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_shift";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_CART, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, rank_source, "rank_source");
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, rank_dest, "rank_dest");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (direction < 0 || direction >= t->ndims) {
        if (t->ndims == 0) {
            return mp_api_error(c, call, MPI_ERR_ARG,
                                "direction %d is invalid: %s has a grid of 0 dimensions", direction,
                                c->name);
        }
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "direction %d is out of range 0..%d (the dimensions of %s)", direction,
                            t->ndims - 1, c->name);
    }
    mp_topo_cart_shift(t, c->rank, direction, disp, rank_source, rank_dest);
    return MPI_SUCCESS;
}

typedef struct sub_args {
    const mp_topo_t *parent;
    const int *remain_dims;
} sub_args_t;

static mp_status_t build_sub(void *arg, int newrank, mp_topo_t **topo_p)
{
    const sub_args_t *a = arg;
    return mp_topo_cart_sub_create(a->parent, a->remain_dims, newrank, topo_p);
}

#pragma weak MPI_Cart_sub = PMPI_Cart_sub
int PMPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm *newcomm)
{
    MP_API_LOCK();
    const char *call = "MPI_Cart_sub";
    mp_api_topo_null_out(newcomm);
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_CART, &c, &t);
    if (rc == MPI_SUCCESS && t->ndims > 0) {
        rc = mp_api_topo_check_ptr(c, call, remain_dims, "remain_dims");
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, newcomm, "newcomm");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int color = 0, key = 0;
    mp_topo_cart_sub_split(t, c->rank, remain_dims, &color, &key);
    sub_args_t args = {t, remain_dims};
    return mp_api_topo_comm_create(call, c, color, key, build_sub, &args, newcomm);
}
