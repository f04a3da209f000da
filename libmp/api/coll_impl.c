/*
 * The collectives' argument checks and their one call down: every blocking, nonblocking and
 * large-count entry point of coll.c and icoll.c ends up here. Checks follow the standard's
 * rules of significance: arguments only the root uses are checked at the root only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/coll.h"
#include "coll/coll.h"
#include "coll/shm.h"

/* ---- The call's context ---- */

typedef struct call {
    const char *name;
    mp_comm_t *comm;
    mp_api_coll_mode_t mode;
    MPI_Request *request;
    int npeers; /* entries of per-rank arrays: the ranks of comm, or of its remote group */
} call_t;

static int begin(call_t *cc, const char *name, MPI_Comm comm, mp_api_coll_mode_t mode,
                 MPI_Request *request)
{
    cc->name = name;
    cc->mode = mode;
    cc->request = request;
    int rc = mp_api_comm_check(name, comm, &cc->comm);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    cc->npeers = mp_comm_peer_size(cc->comm);
    if (mode == MP_API_COLL_NONBLOCKING && request == NULL) {
        return mp_api_error(cc->comm, name, MPI_ERR_ARG,
                            "request is NULL; pass the address of an MPI_Request");
    }
    return MPI_SUCCESS;
}

static int fail(const call_t *cc, mp_status_t st)
{
    if (st == MP_ERR_TRUNCATE) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_TRUNCATE,
                            "a rank sent more data than this rank's receive buffer holds on %s: "
                            "the counts and datatypes given on the ranks do not match",
                            cc->comm->name);
    }
    return mp_api_error(cc->comm, cc->name, mp_api_errclass(st), "the collective on %s failed: %s",
                        cc->comm->name, mp_status_string(st));
}

static int create(const call_t *cc, mp_coll_sched_t **s_p)
{
    mp_status_t st = mp_coll_sched_create(cc->comm, s_p);
    if (st != MP_OK) {
        return fail(cc, st);
    }
    if (cc->mode == MP_API_COLL_BLOCKING) {
        mp_coll_sched_set_immediate(*s_p);
    }
    return MPI_SUCCESS;
}

/* The end of a collective that took a fast path (coll/shm.h) rather than a schedule. */
static int done(const call_t *cc, mp_status_t st)
{
    return st == MP_OK ? MPI_SUCCESS : fail(cc, st);
}

/* Runs (blocking) or starts (nonblocking) a built schedule, or drops it (only checking). */
static int launch(const call_t *cc, mp_coll_sched_t *s)
{
    if (cc->mode == MP_API_COLL_CHECK) {
        mp_coll_sched_destroy(s);
        return MPI_SUCCESS;
    }
    if (cc->mode == MP_API_COLL_BLOCKING) {
        mp_status_t st = mp_coll_sched_run(s);
        return st == MP_OK ? MPI_SUCCESS : fail(cc, st);
    }
    mp_request_t *req = NULL;
    mp_status_t st = mp_coll_sched_start(s, &req);
    if (st != MP_OK) {
        return fail(cc, st);
    }
    *cc->request = (MPI_Request)req;
    return MPI_SUCCESS;
}

/* ---- Argument checks ---- */

static int check_root(const call_t *cc, int root)
{
    if (root >= 0 && root < cc->comm->size) {
        return MPI_SUCCESS;
    }
    return mp_api_error(cc->comm, cc->name, MPI_ERR_ROOT,
                        "root %d is out of range: it must be a rank of %s, 0..%d, and the same "
                        "on every rank",
                        root, cc->comm->name, cc->comm->size - 1);
}

/* The root argument of a rooted collective on an intercommunicator (MPI 4.1 section 6.2.2). */
static int check_inter_root(const call_t *cc, int root, mp_coll_root_t *root_p)
{
    *root_p = (mp_coll_root_t){.root = root,
                               .is_root = root == MPI_ROOT,
                               .in_root_group = root == MPI_ROOT || root == MPI_PROC_NULL};
    if (root_p->in_root_group || (root >= 0 && root < cc->npeers)) {
        return MPI_SUCCESS;
    }
    return mp_api_error(
        cc->comm, cc->name, MPI_ERR_ROOT,
        "root %d is not valid on the intercommunicator %s: the root itself passes "
        "MPI_ROOT, the other ranks of its group MPI_PROC_NULL, and the ranks of the "
        "other group the root's rank in that group (0..%d here)",
        root, cc->comm->name, cc->npeers - 1);
}

static int check_count(const call_t *cc, MPI_Count count, const char *what)
{
    if (count >= 0) {
        return MPI_SUCCESS;
    }
    return mp_api_error(cc->comm, cc->name, MPI_ERR_COUNT,
                        "%s %lld is negative; pass the number of elements (0 or more)", what,
                        (long long)count);
}

/* Checks a buffer, count and datatype that take part in the call (in_place_ok: the buffer may
 * be MPI_IN_PLACE here); sets *dt_p. */
static int check_data(const call_t *cc, const void *buf, MPI_Count count, MPI_Datatype datatype,
                      const char *what, bool in_place_ok, const mp_datatype_t **dt_p)
{
    if (buf == MPI_IN_PLACE) {
        if (in_place_ok) {
            *dt_p = NULL;
            return MPI_SUCCESS;
        }
        if (cc->comm->is_inter) {
            return mp_api_error(cc->comm, cc->name, MPI_ERR_BUFFER,
                                "%s is MPI_IN_PLACE, which intercommunicators such as %s do not "
                                "allow (the data goes to the other group); pass a buffer",
                                what, cc->comm->name);
        }
        return mp_api_error(cc->comm, cc->name, MPI_ERR_BUFFER,
                            "%s is MPI_IN_PLACE, which %s does not allow here; pass a buffer", what,
                            cc->name);
    }
    if (count < 0) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_COUNT,
                            "the count of %s %lld is negative; pass the number of elements (0 or "
                            "more)",
                            what, (long long)count);
    }
    int rc;
    const mp_datatype_t *dt = NULL;
    rc = mp_api_datatype_check_count(cc->comm, cc->name, datatype, count, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (dt->size > 0 && (uint64_t)count > SIZE_MAX / dt->size) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_COUNT,
                            "count %lld of %s for %s is too large to address", (long long)count,
                            dt->name != NULL ? dt->name : "this type", what);
    }
    if (buf == NULL && count > 0 && dt->size > 0 && dt->predefined) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_BUFFER,
                            "%s is NULL but its count is %lld; pass the address of the data", what,
                            (long long)count);
    }
    *dt_p = dt;
    return MPI_SUCCESS;
}

/* The send and receive buffers of one rank must not be the same memory (MPI_IN_PLACE says so).
 * sendbuf is compared with the start of recvbuf and with own, this rank's block in it (NULL when
 * it has none): passing one's own block as the send buffer is the usual slip when in place was
 * meant, and every rank makes it alike, so every rank refuses it alike rather than rank 0 alone
 * (whose block is recvbuf itself) while the others start the collective and wait for it. Only
 * starts are compared, as MPICH does: a full overlap test would refuse legal interleaved layouts.
 */
static int check_alias(const call_t *cc, const void *sendbuf, size_t sbytes, const void *recvbuf,
                       size_t rbytes, const void *own, size_t own_bytes)
{
    if (sendbuf == NULL || sendbuf == MPI_IN_PLACE || sbytes == 0) {
        return MPI_SUCCESS;
    }
    if (sendbuf == recvbuf && rbytes > 0) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_BUFFER,
                            "sendbuf and recvbuf are the same buffer (%p); they must not overlap: "
                            "pass MPI_IN_PLACE as sendbuf to work in place",
                            sendbuf);
    }
    if (own != NULL && sendbuf == own && own_bytes > 0) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_BUFFER,
                            "sendbuf (%p) is this rank's own block of recvbuf; they must not "
                            "overlap: pass MPI_IN_PLACE as sendbuf to work in place",
                            sendbuf);
    }
    return MPI_SUCCESS;
}

/* The address displ elements of dt into buf (a block of a gather, or of a v-form's displs). */
static const void *block_at(const void *buf, ptrdiff_t displ, const mp_datatype_t *dt)
{
    return buf == NULL ? NULL : (const char *)buf + displ * dt->extent;
}

/* Reads element i of a count array given as int or MPI_Count. */
static long long count_at(const void *arr, mp_api_width_t width, int i)
{
    return width == MP_API_INT ? ((const int *)arr)[i] : (long long)((const MPI_Count *)arr)[i];
}

static ptrdiff_t displ_at(const void *arr, mp_api_width_t width, int i)
{
    return width == MP_API_INT ? ((const int *)arr)[i] : (ptrdiff_t)((const MPI_Aint *)arr)[i];
}

/* Copies a user array of p counts into out, checking each. */
static int get_counts(const call_t *cc, const void *arr, mp_api_width_t width, const char *what,
                      size_t *out)
{
    if (arr == NULL) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_ARG,
                            "%s is NULL; pass an array of %d counts, one per rank%s", what,
                            cc->npeers, cc->comm->is_inter ? " of the remote group" : "");
    }
    for (int i = 0; i < cc->npeers; i++) {
        long long n = count_at(arr, width, i);
        if (n < 0) {
            return mp_api_error(cc->comm, cc->name, MPI_ERR_COUNT,
                                "%s[%d] is %lld, negative; counts are 0 or more", what, i, n);
        }
        out[i] = (size_t)n;
    }
    return MPI_SUCCESS;
}

static int get_displs(const call_t *cc, const void *arr, mp_api_width_t width, const char *what,
                      ptrdiff_t *out)
{
    if (arr == NULL) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_ARG,
                            "%s is NULL; pass an array of %d displacements, one per rank%s", what,
                            cc->npeers, cc->comm->is_inter ? " of the remote group" : "");
    }
    for (int i = 0; i < cc->npeers; i++) {
        out[i] = displ_at(arr, width, i);
    }
    return MPI_SUCCESS;
}

/* Room for n arrays of p counts or displacements (both 8 bytes wide). */
static int alloc_arrays(const call_t *cc, int n, size_t **arrays_p)
{
    _Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "counts and displacements share memory");
    *arrays_p = malloc((size_t)n * (size_t)cc->npeers * sizeof(size_t));
    if (*arrays_p == NULL) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_NO_MEM,
                            "out of memory for the count arrays of %d ranks", cc->npeers);
    }
    return MPI_SUCCESS;
}

/* ---- Collectives without data ---- */

int mp_api_coll_barrier(const char *call, MPI_Comm comm, mp_api_coll_mode_t mode,
                        MPI_Request *request)
{
    call_t cc;
    mp_coll_sched_t *s = NULL;
    mp_coll_shm_t v;
    int rc = begin(&cc, call, comm, mode, request);
    if (rc == MPI_SUCCESS && mode == MP_API_COLL_BLOCKING && mp_coll_shm_open(cc.comm, &v)) {
        return done(&cc, mp_coll_shm_barrier(&v));
    }
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (cc.comm->is_inter) {
        mp_coll_inter_barrier(s);
    } else {
        mp_coll_barrier(s);
    }
    return launch(&cc, s);
}

int mp_api_coll_bcast(const char *call, void *buf, MPI_Count count, MPI_Datatype datatype, int root,
                      MPI_Comm comm, mp_api_coll_mode_t mode, MPI_Request *request)
{
    call_t cc;
    const mp_datatype_t *dt = NULL;
    mp_coll_sched_t *s = NULL;
    mp_coll_root_t ir = {.root = root};
    int rc = begin(&cc, call, comm, mode, request);
    if (rc == MPI_SUCCESS) {
        rc = cc.comm->is_inter ? check_inter_root(&cc, root, &ir) : check_root(&cc, root);
    }
    /* On an intercommunicator the buffer means nothing on the root's group but the root. */
    if (rc == MPI_SUCCESS && (ir.is_root || !ir.in_root_group)) {
        rc = check_data(&cc, buf, count, datatype, "buffer", false, &dt);
    }
    mp_coll_shm_t v;
    if (rc == MPI_SUCCESS && mode == MP_API_COLL_BLOCKING && mp_coll_shm_open(cc.comm, &v)) {
        bool pt2pt = false;
        mp_status_t st = mp_coll_shm_bcast(&v, buf, (size_t)count, dt, root, &pt2pt);
        if (!pt2pt) {
            return done(&cc, st);
        }
    }
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (cc.comm->is_inter) {
        mp_coll_inter_bcast(s, buf, (size_t)count, dt, ir);
    } else {
        mp_coll_bcast(s, buf, (size_t)count, dt, root);
    }
    return launch(&cc, s);
}

/* ---- Gather and scatter ---- */

/* The root-side (many blocks) and rank-side (one block) arguments of a gather or scatter. */
typedef struct rooted {
    const void *many;
    MPI_Count many_count;
    MPI_Datatype many_type;
    void *one;
    MPI_Count one_count;
    MPI_Datatype one_type;
} rooted_t;

/* Adds the steps of a rank that is not the root: it sends or receives its one block, in the
 * v-form's way or the plain form's (which may pass blocks on along a tree). */
static int gather_build_leaf(const call_t *cc, bool is_scatter, const rooted_t *a, bool v, int root,
                             mp_coll_sched_t **s_p)
{
    const mp_datatype_t *dt = NULL;
    int rc = check_data(cc, a->one, a->one_count, a->one_type, is_scatter ? "recvbuf" : "sendbuf",
                        false, &dt);
    if (rc == MPI_SUCCESS) {
        rc = create(cc, s_p);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (is_scatter && v) {
        mp_coll_scatterv(*s_p, NULL, NULL, NULL, NULL, a->one, (size_t)a->one_count, dt, root);
    } else if (is_scatter) {
        mp_coll_scatter(*s_p, NULL, 0, NULL, a->one, (size_t)a->one_count, dt, root);
    } else if (v) {
        mp_coll_gatherv(*s_p, a->one, (size_t)a->one_count, dt, NULL, NULL, NULL, NULL, root);
    } else {
        mp_coll_gather(*s_p, a->one, (size_t)a->one_count, dt, NULL, 0, NULL, root);
    }
    return MPI_SUCCESS;
}

/* Checks the v-arrays of the root into counts and displs. */
static int gather_vectors(const call_t *cc, bool is_scatter, const rooted_t *a,
                          const mp_datatype_t *many_dt, const void *vcounts, const void *vdispls,
                          mp_api_width_t width, size_t *counts, ptrdiff_t *displs)
{
    const char *cname = is_scatter ? "sendcounts" : "recvcounts";
    int rc = get_counts(cc, vcounts, width, cname, counts);
    if (rc == MPI_SUCCESS) {
        rc = get_displs(cc, vdispls, width, "displs", displs);
    }
    for (int i = 0; rc == MPI_SUCCESS && i < cc->npeers; i++) {
        if (a->many == NULL && many_dt->predefined && counts[i] > 0) {
            rc = mp_api_error(cc->comm, cc->name, MPI_ERR_BUFFER,
                              "%s is NULL but %s[%d] is %zu; pass the address of the data",
                              is_scatter ? "sendbuf" : "recvbuf", cname, i, counts[i]);
        }
    }
    return rc;
}

static int gather_build(const call_t *cc, bool is_scatter, const rooted_t *a, bool v,
                        const void *vcounts, const void *vdispls, mp_api_width_t width, int root,
                        mp_coll_sched_t **s_p)
{
    if (cc->comm->rank != root) {
        return gather_build_leaf(cc, is_scatter, a, v, root, s_p);
    }
    const mp_datatype_t *one_dt = NULL, *many_dt = NULL;
    /* The root's own block may be MPI_IN_PLACE (one_dt stays NULL then). */
    int rc = check_data(cc, a->one, a->one_count, a->one_type, is_scatter ? "recvbuf" : "sendbuf",
                        true, &one_dt);
    if (rc == MPI_SUCCESS) {
        rc = check_data(cc, a->many, v ? 0 : a->many_count, a->many_type,
                        is_scatter ? "sendbuf" : "recvbuf", false, &many_dt);
    }
    size_t *counts = NULL;
    ptrdiff_t *displs = NULL;
    if (rc == MPI_SUCCESS && v) {
        rc = alloc_arrays(cc, 2, &counts);
        if (rc == MPI_SUCCESS) {
            displs = (ptrdiff_t *)(counts + cc->npeers);
            rc =
                gather_vectors(cc, is_scatter, a, many_dt, vcounts, vdispls, width, counts, displs);
        }
    }
    if (rc == MPI_SUCCESS && one_dt != NULL) {
        size_t own_count = v ? counts[root] : (size_t)a->many_count;
        ptrdiff_t own_displ = v ? displs[root] : (ptrdiff_t)a->many_count * root;
        rc = check_alias(cc, a->one, mp_datatype_bytes(one_dt, (size_t)a->one_count), a->many,
                         mp_datatype_bytes(many_dt, own_count),
                         block_at(a->many, own_displ, many_dt),
                         mp_datatype_bytes(many_dt, own_count));
    }
    if (rc == MPI_SUCCESS) {
        rc = create(cc, s_p);
    }
    if (rc == MPI_SUCCESS) {
        void *one = one_dt == NULL ? MPI_IN_PLACE : a->one;
        if (is_scatter && v) {
            mp_coll_scatterv(*s_p, a->many, counts, displs, many_dt, one, (size_t)a->one_count,
                             one_dt, root);
        } else if (is_scatter) {
            mp_coll_scatter(*s_p, a->many, (size_t)a->many_count, many_dt, one,
                            (size_t)a->one_count, one_dt, root);
        } else if (v) {
            mp_coll_gatherv(*s_p, one, (size_t)a->one_count, one_dt, (void *)a->many, counts,
                            displs, many_dt, root);
        } else {
            mp_coll_gather(*s_p, one, (size_t)a->one_count, one_dt, (void *)a->many,
                           (size_t)a->many_count, many_dt, root);
        }
    }
    free(counts);
    return rc;
}

/* Intercommunicators: the root moves one block per rank of the other group; the other ranks of
 * its group take no part. */
static int gather_build_inter(const call_t *cc, bool is_scatter, const rooted_t *a, bool v,
                              const void *vcounts, const void *vdispls, mp_api_width_t width,
                              int root, mp_coll_sched_t **s_p)
{
    mp_coll_root_t ir;
    const mp_datatype_t *one_dt = NULL, *many_dt = NULL;
    size_t *counts = NULL;
    ptrdiff_t *displs = NULL;
    int rc = check_inter_root(cc, root, &ir);
    if (rc == MPI_SUCCESS && !ir.in_root_group) {
        rc = check_data(cc, a->one, a->one_count, a->one_type, is_scatter ? "recvbuf" : "sendbuf",
                        false, &one_dt);
    }
    if (rc == MPI_SUCCESS && ir.is_root) {
        rc = check_data(cc, a->many, v ? 0 : a->many_count, a->many_type,
                        is_scatter ? "sendbuf" : "recvbuf", false, &many_dt);
        if (rc == MPI_SUCCESS) {
            rc = alloc_arrays(cc, 2, &counts);
        }
        if (rc == MPI_SUCCESS) {
            displs = (ptrdiff_t *)(counts + cc->npeers);
            if (v) {
                rc = gather_vectors(cc, is_scatter, a, many_dt, vcounts, vdispls, width, counts,
                                    displs);
            }
            for (int i = 0; !v && i < cc->npeers; i++) {
                counts[i] = (size_t)a->many_count;
                displs[i] = (ptrdiff_t)a->many_count * i;
            }
        }
    }
    if (rc == MPI_SUCCESS) {
        rc = create(cc, s_p);
    }
    if (rc == MPI_SUCCESS) {
        mp_coll_inter_gatherv(*s_p, is_scatter, (void *)a->many, counts, displs, many_dt, a->one,
                              (size_t)a->one_count, one_dt, ir);
    }
    free(counts);
    return rc;
}

int mp_api_coll_gather(const char *call, bool is_scatter, const void *sendbuf, MPI_Count sendcount,
                       MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                       MPI_Datatype recvtype, const void *vcounts, const void *vdispls, bool v,
                       mp_api_width_t width, int root, MPI_Comm comm, mp_api_coll_mode_t mode,
                       MPI_Request *request)
{
    call_t cc;
    int rc = begin(&cc, call, comm, mode, request);
    if (rc == MPI_SUCCESS && !cc.comm->is_inter) {
        rc = check_root(&cc, root);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    rooted_t a;
    if (is_scatter) {
        a = (rooted_t){sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype};
    } else {
        a = (rooted_t){recvbuf, recvcount, recvtype, (void *)sendbuf, sendcount, sendtype};
    }
    mp_coll_sched_t *s = NULL;
    if (cc.comm->is_inter) {
        rc = gather_build_inter(&cc, is_scatter, &a, v, vcounts, vdispls, width, root, &s);
    } else {
        rc = gather_build(&cc, is_scatter, &a, v, vcounts, vdispls, width, root, &s);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return launch(&cc, s);
}

/* ---- Allgather and alltoall ---- */

int mp_api_coll_allgather(const char *call, const void *sendbuf, MPI_Count sendcount,
                          MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                          const void *rcounts, const void *displs, bool v, mp_api_width_t width,
                          MPI_Datatype recvtype, MPI_Comm comm, mp_api_coll_mode_t mode,
                          MPI_Request *request)
{
    call_t cc;
    const mp_datatype_t *sdt = NULL, *rdt = NULL;
    int rc = begin(&cc, call, comm, mode, request);
    bool inter = rc == MPI_SUCCESS && cc.comm->is_inter;
    if (rc == MPI_SUCCESS) {
        rc = check_data(&cc, sendbuf, sendcount, sendtype, "sendbuf", !inter, &sdt);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_data(&cc, recvbuf, v ? 0 : recvcount, recvtype, "recvbuf", false, &rdt);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t *arrays = NULL;
    if (v || inter) {
        rc = alloc_arrays(&cc, 2, &arrays);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    if (v) {
        rc = get_counts(&cc, rcounts, width, "recvcounts", arrays);
        if (rc == MPI_SUCCESS) {
            rc = get_displs(&cc, displs, width, "displs", (ptrdiff_t *)(arrays + cc.npeers));
        }
        if (rc == MPI_SUCCESS && sdt != NULL) {
            /* An intercommunicator's blocks all come from the other group: none is this rank's. */
            int me = cc.comm->rank;
            size_t total = 0;
            for (int i = 0; i < cc.npeers; i++) {
                total += arrays[i];
            }
            rc = check_alias(
                &cc, sendbuf, mp_datatype_bytes(sdt, (size_t)sendcount), recvbuf,
                mp_datatype_bytes(rdt, total),
                inter ? NULL : block_at(recvbuf, ((ptrdiff_t *)(arrays + cc.npeers))[me], rdt),
                inter ? 0 : mp_datatype_bytes(rdt, arrays[me]));
        }
    } else if (sdt != NULL) {
        for (int i = 0; inter && i < cc.npeers; i++) {
            arrays[i] = (size_t)recvcount;
            ((ptrdiff_t *)(arrays + cc.npeers))[i] = (ptrdiff_t)recvcount * i;
        }
        size_t rbytes = mp_datatype_bytes(rdt, (size_t)recvcount);
        rc = check_alias(
            &cc, sendbuf, mp_datatype_bytes(sdt, (size_t)sendcount), recvbuf, rbytes,
            inter ? NULL : block_at(recvbuf, (ptrdiff_t)recvcount * cc.comm->rank, rdt), rbytes);
    }
    mp_coll_shm_t sv;
    if (rc == MPI_SUCCESS && !v && mode == MP_API_COLL_BLOCKING && mp_coll_shm_open(cc.comm, &sv)) {
        bool pt2pt = false;
        mp_status_t st = mp_coll_shm_allgather(&sv, sendbuf, (size_t)sendcount, sdt, recvbuf,
                                               (size_t)recvcount, rdt, &pt2pt);
        if (!pt2pt) {
            free(arrays);
            return done(&cc, st);
        }
    }
    mp_coll_sched_t *s = NULL;
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc == MPI_SUCCESS) {
        if (inter) {
            mp_coll_inter_allgatherv(s, sendbuf, (size_t)sendcount, sdt, recvbuf, arrays,
                                     (ptrdiff_t *)(arrays + cc.npeers), rdt);
        } else if (v) {
            mp_coll_allgatherv(s, sendbuf, (size_t)sendcount, sdt, recvbuf, arrays,
                               (ptrdiff_t *)(arrays + cc.npeers), rdt);
        } else {
            mp_coll_allgather(s, sendbuf, (size_t)sendcount, sdt, recvbuf, (size_t)recvcount, rdt);
        }
        rc = launch(&cc, s);
    }
    free(arrays);
    return rc;
}

/* Intercommunicators: block i of sendbuf goes to remote rank i, block i of recvbuf comes from it.
 */
static int alltoall_inter(const call_t *cc, const void *sendbuf, size_t scount,
                          const mp_datatype_t *sdt, void *recvbuf, size_t rcount,
                          const mp_datatype_t *rdt, mp_coll_sched_t *s)
{
    int m = cc->npeers;
    size_t *arrays = NULL;
    const mp_datatype_t **types = malloc(2 * (size_t)m * sizeof(*types));
    int rc = alloc_arrays(cc, 4, &arrays);
    if (rc == MPI_SUCCESS && types == NULL) {
        rc = mp_api_error(cc->comm, cc->name, MPI_ERR_NO_MEM, "out of memory");
    }
    if (rc != MPI_SUCCESS) {
        mp_coll_sched_destroy(s);
        free(types);
        free(arrays);
        return rc;
    }
    size_t *scounts = arrays, *rcounts = arrays + m;
    ptrdiff_t *sd = (ptrdiff_t *)(arrays + 2 * m), *rd = (ptrdiff_t *)(arrays + 3 * m);
    for (int i = 0; i < m; i++) {
        scounts[i] = scount;
        rcounts[i] = rcount;
        sd[i] = (ptrdiff_t)scount * i;
        rd[i] = (ptrdiff_t)rcount * i;
        types[i] = sdt;
        types[m + i] = rdt;
    }
    mp_coll_inter_alltoallw(s, sendbuf, scounts, sd, (const mp_datatype_t *const *)types, recvbuf,
                            rcounts, rd, (const mp_datatype_t *const *)(types + m), false);
    free(types);
    free(arrays);
    return launch(cc, s);
}

int mp_api_coll_alltoall(const char *call, const void *sendbuf, MPI_Count sendcount,
                         MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                         MPI_Datatype recvtype, MPI_Comm comm, mp_api_coll_mode_t mode,
                         MPI_Request *request)
{
    call_t cc;
    const mp_datatype_t *sdt = NULL, *rdt = NULL;
    int rc = begin(&cc, call, comm, mode, request);
    bool inter = rc == MPI_SUCCESS && cc.comm->is_inter;
    if (rc == MPI_SUCCESS) {
        rc = check_data(&cc, sendbuf, sendcount, sendtype, "sendbuf", !inter, &sdt);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_data(&cc, recvbuf, recvcount, recvtype, "recvbuf", false, &rdt);
    }
    if (rc == MPI_SUCCESS && sdt != NULL) {
        size_t rbytes = mp_datatype_bytes(rdt, (size_t)recvcount);
        rc = check_alias(
            &cc, sendbuf, mp_datatype_bytes(sdt, (size_t)sendcount), recvbuf, rbytes,
            inter ? NULL : block_at(recvbuf, (ptrdiff_t)recvcount * cc.comm->rank, rdt), rbytes);
    }
    mp_coll_shm_t v;
    if (rc == MPI_SUCCESS && mode == MP_API_COLL_BLOCKING && mp_coll_shm_open(cc.comm, &v)) {
        bool pt2pt = false;
        mp_status_t st = mp_coll_shm_alltoall(&v, sendbuf, (size_t)sendcount, sdt, recvbuf,
                                              (size_t)recvcount, rdt, &pt2pt);
        if (!pt2pt) {
            return done(&cc, st);
        }
    }
    mp_coll_sched_t *s = NULL;
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (inter) {
        return alltoall_inter(&cc, sendbuf, (size_t)sendcount, sdt, recvbuf, (size_t)recvcount, rdt,
                              s);
    }
    mp_coll_alltoall(s, sendbuf, (size_t)sendcount, sdt, recvbuf, (size_t)recvcount, rdt);
    return launch(&cc, s);
}

/* Checks the per-peer types of alltoallw (types given) or repeats the one type of alltoallv;
 * a slot whose count is 0 may name MPI_DATATYPE_NULL. */
static int get_types(const call_t *cc, bool w, MPI_Datatype one, const MPI_Datatype *many,
                     const size_t *counts, const char *what, const mp_datatype_t **out)
{
    if (w && many == NULL) {
        return mp_api_error(cc->comm, cc->name, MPI_ERR_ARG,
                            "%s is NULL; pass an array of %d datatypes, one per rank", what,
                            cc->npeers);
    }
    for (int i = 0; i < cc->npeers; i++) {
        int rc = mp_api_datatype_check_count(cc->comm, cc->name, w ? many[i] : one,
                                             (MPI_Count)counts[i], &out[i]);
        if (rc != MPI_SUCCESS && !w) {
            return rc;
        }
        if (rc != MPI_SUCCESS) {
            return mp_api_error(cc->comm, cc->name, MPI_ERR_TYPE, "%s[%d] is not a usable type",
                                what, i);
        }
    }
    return MPI_SUCCESS;
}

int mp_api_coll_alltoallw(const char *call, const void *sendbuf, const void *sendcounts,
                          const void *sdispls, MPI_Datatype sendtype, const MPI_Datatype *sendtypes,
                          void *recvbuf, const void *recvcounts, const void *rdispls,
                          MPI_Datatype recvtype, const MPI_Datatype *recvtypes, bool w,
                          mp_api_width_t width, MPI_Comm comm, mp_api_coll_mode_t mode,
                          MPI_Request *request)
{
    call_t cc;
    int rc = begin(&cc, call, comm, mode, request);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (recvbuf == MPI_IN_PLACE) {
        return mp_api_error(cc.comm, call, MPI_ERR_BUFFER,
                            "recvbuf is MPI_IN_PLACE; only sendbuf may be, to work in place");
    }
    bool in_place = sendbuf == MPI_IN_PLACE;
    if (in_place && cc.comm->is_inter) {
        return mp_api_error(cc.comm, call, MPI_ERR_BUFFER,
                            "sendbuf is MPI_IN_PLACE, which intercommunicators such as %s do not "
                            "allow (the data goes to the other group); pass a buffer",
                            cc.comm->name);
    }
    int p = cc.npeers;
    size_t *arrays = NULL;
    const mp_datatype_t **types = malloc(2 * (size_t)p * sizeof(*types));
    rc = alloc_arrays(&cc, 4, &arrays);
    if (rc != MPI_SUCCESS || types == NULL) {
        free(types);
        free(arrays);
        return rc != MPI_SUCCESS ? rc
                                 : mp_api_error(cc.comm, call, MPI_ERR_NO_MEM, "out of memory");
    }
    size_t *scounts = arrays, *rcounts = arrays + p;
    ptrdiff_t *sd = (ptrdiff_t *)(arrays + 2 * p), *rd = (ptrdiff_t *)(arrays + 3 * p);
    const mp_datatype_t **sdts = types, **rdts = types + p;
    if (!in_place) {
        rc = get_counts(&cc, sendcounts, width, "sendcounts", scounts);
        if (rc == MPI_SUCCESS) {
            rc = get_displs(&cc, sdispls, width, "sdispls", sd);
        }
        if (rc == MPI_SUCCESS) {
            rc = get_types(&cc, w, sendtype, sendtypes, scounts, "sendtypes", sdts);
        }
    }
    if (rc == MPI_SUCCESS) {
        rc = get_counts(&cc, recvcounts, width, "recvcounts", rcounts);
    }
    if (rc == MPI_SUCCESS) {
        rc = get_displs(&cc, rdispls, width, "rdispls", rd);
    }
    if (rc == MPI_SUCCESS) {
        rc = get_types(&cc, w, recvtype, recvtypes, rcounts, "recvtypes", rdts);
    }
    if (rc == MPI_SUCCESS && !in_place && sendbuf == recvbuf && sendbuf != NULL) {
        rc = check_alias(&cc, sendbuf, 1, recvbuf, 1, NULL, 0);
    }
    mp_coll_sched_t *s = NULL;
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc == MPI_SUCCESS) {
        if (cc.comm->is_inter) {
            mp_coll_inter_alltoallw(s, sendbuf, scounts, sd, (const mp_datatype_t *const *)sdts,
                                    recvbuf, rcounts, rd, (const mp_datatype_t *const *)rdts, w);
        } else {
            mp_coll_alltoallw(s, sendbuf, scounts, sd, (const mp_datatype_t *const *)sdts, recvbuf,
                              rcounts, rd, (const mp_datatype_t *const *)rdts, w);
        }
        rc = launch(&cc, s);
    }
    free(types);
    free(arrays);
    return rc;
}

/* ---- Reductions ---- */

/* Checks op against dt; sets *op_p and whether it commutes. */
static int check_op(const call_t *cc, MPI_Op op, const mp_datatype_t *dt, const mp_op_t **op_p,
                    bool *commutative_p)
{
#if MP_COLL_HAVE_OP
    int rc = mp_api_reduction_op_check(cc->comm, cc->name, op, dt, op_p);
    if (rc == MPI_SUCCESS) {
        *commutative_p = mp_op_is_commutative(*op_p);
    }
    return rc;
#else
    (void)op;
    (void)dt;
    (void)op_p;
    (void)commutative_p;
    return mp_api_error(cc->comm, cc->name, MPI_ERR_OP,
                        "reduction operations are not built into this library yet");
#endif
}

/* Reduce and allreduce on an intercommunicator: a rank sends data unless it is in the root's
 * group, and gets a result at the root (reduce) or everywhere (allreduce). */
static int reduce_inter(call_t *cc, bool is_reduce, const void *sendbuf, void *recvbuf,
                        MPI_Count count, MPI_Datatype datatype, MPI_Op op, int root)
{
    mp_coll_root_t ir = {.root = root};
    const mp_datatype_t *dt = NULL;
    const mp_op_t *o = NULL;
    bool commutative = true;
    int rc = is_reduce ? check_inter_root(cc, root, &ir) : MPI_SUCCESS;
    bool sends = !ir.in_root_group, gets = !is_reduce || ir.is_root;
    if (rc == MPI_SUCCESS && sends) {
        rc = check_data(cc, sendbuf, count, datatype, "sendbuf", false, &dt);
    }
    if (rc == MPI_SUCCESS && gets) {
        rc = check_data(cc, recvbuf, count, datatype, "recvbuf", false, &dt);
    }
    if (rc == MPI_SUCCESS && sends && gets) {
        size_t bytes = mp_datatype_bytes(dt, (size_t)count);
        rc = check_alias(cc, sendbuf, bytes, recvbuf, bytes, NULL, 0);
    }
    if (rc == MPI_SUCCESS && dt != NULL) {
        rc = check_op(cc, op, dt, &o, &commutative);
    }
    mp_coll_sched_t *s = NULL;
    if (rc == MPI_SUCCESS) {
        rc = create(cc, &s);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (is_reduce) {
        mp_coll_inter_reduce(s, sendbuf, recvbuf, (size_t)count, dt, o, commutative, ir);
    } else {
        mp_coll_inter_allreduce(s, sendbuf, recvbuf, (size_t)count, dt, o, commutative);
    }
    return launch(cc, s);
}

int mp_api_coll_reduce(const char *call, mp_api_red_kind_t kind, const void *sendbuf, void *recvbuf,
                       MPI_Count count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
                       mp_api_coll_mode_t mode, MPI_Request *request)
{
    call_t cc;
    const mp_datatype_t *dt = NULL;
    const mp_op_t *o = NULL;
    bool commutative = true;
    int rc = begin(&cc, call, comm, mode, request);
    bool is_reduce = kind == MP_API_RED_REDUCE;
    if (rc == MPI_SUCCESS && cc.comm->is_inter) {
        if (kind == MP_API_RED_SCAN || kind == MP_API_RED_EXSCAN) {
            return mp_api_error(cc.comm, call, MPI_ERR_COMM,
                                "%s is an intercommunicator, on which the standard does not define "
                                "%s; use an intracommunicator (MPI_Intercomm_merge makes one)",
                                cc.comm->name, call);
        }
        return reduce_inter(&cc, is_reduce, sendbuf, recvbuf, count, datatype, op, root);
    }
    if (rc == MPI_SUCCESS && is_reduce) {
        rc = check_root(&cc, root);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    bool gets_result = !is_reduce || cc.comm->rank == root;
    /* MPI_IN_PLACE: at the root of a reduce, everywhere for the others. */
    rc = check_data(&cc, sendbuf, count, datatype, "sendbuf", gets_result, &dt);
    if (rc == MPI_SUCCESS && dt == NULL) {
        rc = mp_api_datatype_check(cc.comm, call, datatype, &dt);
    }
    if (rc == MPI_SUCCESS && gets_result) {
        const mp_datatype_t *rdt = NULL;
        rc = check_data(&cc, recvbuf, count, datatype, "recvbuf", false, &rdt);
    }
    if (rc == MPI_SUCCESS && gets_result && sendbuf != MPI_IN_PLACE) {
        size_t bytes = mp_datatype_bytes(dt, (size_t)count);
        rc = check_alias(&cc, sendbuf, bytes, recvbuf, bytes, NULL, 0);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_op(&cc, op, dt, &o, &commutative);
    }
    mp_coll_shm_t v;
    if (rc == MPI_SUCCESS && mode == MP_API_COLL_BLOCKING &&
        (kind == MP_API_RED_REDUCE || kind == MP_API_RED_ALLREDUCE) &&
        mp_coll_shm_reduce_fits((size_t)count, dt) && mp_coll_shm_open(cc.comm, &v)) {
        bool pt2pt = false;
        mp_status_t st = mp_coll_shm_reduce(&v, sendbuf, recvbuf, (size_t)count, dt, o, root,
                                            kind == MP_API_RED_ALLREDUCE, &pt2pt);
        if (!pt2pt) {
            return done(&cc, st);
        }
    }
    mp_coll_sched_t *s = NULL;
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    switch (kind) {
    case MP_API_RED_REDUCE:
        mp_coll_reduce(s, sendbuf, recvbuf, (size_t)count, dt, o, commutative, root);
        break;
    case MP_API_RED_ALLREDUCE:
        mp_coll_allreduce(s, sendbuf, recvbuf, (size_t)count, dt, o, commutative);
        break;
    case MP_API_RED_SCAN:
    case MP_API_RED_EXSCAN:
        mp_coll_scan(s, sendbuf, recvbuf, (size_t)count, dt, o, kind == MP_API_RED_EXSCAN);
        break;
    }
    return launch(&cc, s);
}

int mp_api_coll_reduce_scatter(const char *call, const void *sendbuf, void *recvbuf,
                               const void *recvcounts, MPI_Count block, bool v,
                               mp_api_width_t width, MPI_Datatype datatype, MPI_Op op,
                               MPI_Comm comm, mp_api_coll_mode_t mode, MPI_Request *request)
{
    call_t cc;
    const mp_datatype_t *dt = NULL;
    const mp_op_t *o = NULL;
    bool commutative = true;
    int rc = begin(&cc, call, comm, mode, request);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    bool inter = cc.comm->is_inter;
    cc.npeers = cc.comm->size; /* recvcounts: one per rank of the local group, even if inter */
    size_t *counts = NULL;
    rc = alloc_arrays(&cc, 1, &counts);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t total = 0;
    if (v) {
        rc = get_counts(&cc, recvcounts, width, "recvcounts", counts);
    } else {
        rc = check_count(&cc, block, "recvcount");
        for (int i = 0; rc == MPI_SUCCESS && i < cc.comm->size; i++) {
            counts[i] = (size_t)block;
        }
    }
    for (int i = 0; rc == MPI_SUCCESS && i < cc.comm->size; i++) {
        total += counts[i];
    }
    if (rc == MPI_SUCCESS) {
        rc = check_data(&cc, sendbuf, (MPI_Count)total, datatype, "sendbuf", !inter, &dt);
    }
    if (rc == MPI_SUCCESS) {
        size_t mine = counts[cc.comm->rank];
        /* In place, recvbuf holds the whole input. */
        rc = check_data(&cc, recvbuf, sendbuf == MPI_IN_PLACE ? (MPI_Count)total : (MPI_Count)mine,
                        datatype, "recvbuf", false, &dt);
        if (rc == MPI_SUCCESS && sendbuf != MPI_IN_PLACE) {
            rc = check_alias(&cc, sendbuf, mp_datatype_bytes(dt, total), recvbuf,
                             mp_datatype_bytes(dt, mine), NULL, 0);
        }
    }
    if (rc == MPI_SUCCESS) {
        rc = check_op(&cc, op, dt, &o, &commutative);
    }
    mp_coll_sched_t *s = NULL;
    if (rc == MPI_SUCCESS) {
        rc = create(&cc, &s);
    }
    if (rc == MPI_SUCCESS) {
        if (inter) {
            mp_coll_inter_reduce_scatter(s, sendbuf, recvbuf, counts, dt, o, commutative);
        } else {
            mp_coll_reduce_scatter(s, sendbuf, recvbuf, counts, dt, o, commutative);
        }
        rc = launch(&cc, s);
    }
    free(counts);
    return rc;
}
