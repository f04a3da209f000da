/*
 * The shared file pointer of MPI-IO: a counter of etypes in rank 0's part of a window over the
 * file's communicator, moved with MPI_Fetch_and_op so that concurrent MPI_File_*_shared calls
 * each take their own range. Ordered access (collective) places the ranks' data in rank order.
 */
#include <stdlib.h>
#include <string.h>

#include "api/file.h"

int mp_api_file_shared_open(const char *call, mp_api_file_t *f, MPI_Offset start)
{
    (void)call;
    MPI_Aint size = f->c->rank == 0 ? (MPI_Aint)sizeof(MPI_Offset) : 0;
    int rc = PMPI_Win_allocate(size, 1, MPI_INFO_NULL, f->comm, &f->shared_base, &f->shared);
    if (rc != MPI_SUCCESS) {
        f->shared = MPI_WIN_NULL;
        return rc;
    }
    if (f->c->rank == 0) {
        *f->shared_base = start;
    }
    /* Nobody moves the pointer before rank 0 has set it. */
    return PMPI_Barrier(f->comm);
}

void mp_api_file_shared_close(mp_api_file_t *f)
{
    if (f->shared != MPI_WIN_NULL) {
        PMPI_Win_free(&f->shared);
    }
}

/* Adds add to the shared pointer; *old_p gets its value before (MPI_NO_OP with add 0 reads). */
static int fetch_add(const char *call, mp_api_file_t *f, MPI_Offset add, MPI_Offset *old_p)
{
    int rc = PMPI_Win_lock(MPI_LOCK_SHARED, 0, 0, f->shared);
    if (rc == MPI_SUCCESS) {
        rc = PMPI_Fetch_and_op(&add, old_p, MPI_OFFSET, 0, 0, add != 0 ? MPI_SUM : MPI_NO_OP,
                               f->shared);
        int urc = PMPI_Win_unlock(0, f->shared);
        if (rc == MPI_SUCCESS) {
            rc = urc;
        }
    }
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "moving the shared file pointer of \"%s\" failed",
                            f->path);
    }
    return MPI_SUCCESS;
}

int mp_api_file_shared_reset(const char *call, mp_api_file_t *f, MPI_Offset value)
{
    int rc = MPI_SUCCESS;
    if (f->c->rank == 0) {
        rc = PMPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, f->shared);
        if (rc == MPI_SUCCESS) {
            rc =
                PMPI_Accumulate(&value, 1, MPI_OFFSET, 0, 0, 1, MPI_OFFSET, MPI_REPLACE, f->shared);
            int urc = PMPI_Win_unlock(0, f->shared);
            if (rc == MPI_SUCCESS) {
                rc = urc;
            }
        }
    }
    int brc = PMPI_Barrier(f->comm);
    if (rc == MPI_SUCCESS) {
        rc = brc;
    }
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "setting the shared file pointer of \"%s\" failed",
                            f->path);
    }
    return MPI_SUCCESS;
}

/* An access at the shared pointer, which moves past the etypes asked for first. */
static int shared_rw(const char *call, MPI_File fh, void *buf, MPI_Count count,
                     MPI_Datatype datatype, bool write, MPI_Status *status, size_t *bytes_p)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    MPI_Offset etypes = 0;
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_check_buf(call, f, buf, count, datatype, write, &etypes);
    }
    MPI_Offset at = 0;
    if (rc == MPI_SUCCESS) {
        rc = fetch_add(call, f, etypes, &at);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_access(call, f, at, buf, count, datatype, write, status, bytes_p);
    }
    return rc;
}

static int shared_irw(const char *call, MPI_File fh, void *buf, MPI_Count count,
                      MPI_Datatype datatype, bool write, MPI_Request *request)
{
    mp_api_file_t *f = NULL;
    size_t bytes = 0;
    int rc = mp_api_file_check_nonblocking(call, fh, request, &f);
    if (rc == MPI_SUCCESS) {
        rc = shared_rw(call, fh, buf, count, datatype, write, MPI_STATUS_IGNORE, &bytes);
    }
    return rc == MPI_SUCCESS ? mp_api_file_done_request(call, f, bytes, request) : rc;
}

/* Collective: rank r's data goes after that of ranks 0..r-1, from the shared pointer on, which
 * then points past all of it. Every rank learns every rank's count (and whether its arguments
 * were right) in one allgather, so a wrong argument anywhere fails the call everywhere. */
static int ordered(const char *call, MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                   bool write, MPI_Status *status)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    MPI_Offset etypes = 0;
    int mine = mp_api_file_check_buf(call, f, buf, count, datatype, write, &etypes);
    MPI_Offset *all = malloc(2 * (size_t)f->c->size * sizeof(*all));
    if (all == NULL) {
        return mp_api_error(f->c, call, MPI_ERR_NO_MEM, "no memory for %d ranks' counts",
                            f->c->size);
    }
    MPI_Offset me[2] = {mine, etypes};
    rc = PMPI_Allgather(me, 2, MPI_OFFSET, all, 2, MPI_OFFSET, f->comm);
    MPI_Offset before = 0;
    MPI_Offset total = 0;
    int others = MPI_SUCCESS;
    for (int r = 0; rc == MPI_SUCCESS && r < f->c->size; r++) {
        if (all[2 * r] != MPI_SUCCESS) {
            others = (int)all[2 * r];
        }
        if (r < f->c->rank) {
            before += all[2 * r + 1];
        }
        total += all[2 * r + 1];
    }
    free(all);
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "exchanging counts over the file's ranks failed");
    }
    if (mine != MPI_SUCCESS) {
        return mine;
    }
    if (others != MPI_SUCCESS) {
        return mp_api_error(f->c, call, others,
                            "another rank's arguments were wrong; its own error names them");
    }
    MPI_Offset base = 0;
    if (f->c->rank == 0) {
        rc = fetch_add(call, f, total, &base);
    }
    int brc = PMPI_Bcast(&base, 1, MPI_OFFSET, 0, f->comm);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (brc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, brc, "sharing the shared pointer's position failed");
    }
    return mp_api_file_access(call, f, base + before, buf, count, datatype, write, status, NULL);
}

static int ordered_begin(const char *call, MPI_File fh, void *buf, MPI_Count count,
                         MPI_Datatype datatype, bool write)
{
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_split_begin(call, fh, &f);
    MPI_Status status = {0};
    return rc != MPI_SUCCESS
               ? rc
               : mp_api_file_split_start(
                     f, buf, ordered(call, fh, buf, count, datatype, write, &status), &status);
}

#pragma weak MPI_File_get_position_shared = PMPI_File_get_position_shared
int PMPI_File_get_position_shared(MPI_File fh, MPI_Offset *offset)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_get_position_shared";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc == MPI_SUCCESS && offset == NULL) {
        rc = mp_api_error(f->c, call, MPI_ERR_ARG, "offset is NULL");
    }
    if (rc == MPI_SUCCESS) {
        rc = fetch_add(call, f, 0, offset);
    }
    return rc;
}

#pragma weak MPI_File_seek_shared = PMPI_File_seek_shared
int PMPI_File_seek_shared(MPI_File fh, MPI_Offset offset, int whence)
{
    MP_API_LOCK();
    static const char call[] = "MPI_File_seek_shared";
    mp_api_file_t *f = NULL;
    int rc = mp_api_file_check(call, fh, &f);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Collective, with the same arguments everywhere: rank 0 decides, the others learn. */
    MPI_Offset v[4] = {offset, -offset, whence, -whence};
    rc = PMPI_Allreduce(MPI_IN_PLACE, v, 4, MPI_OFFSET, MPI_MAX, f->comm);
    if (rc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, rc, "agreeing over the file's ranks failed");
    }
    if (v[0] != -v[1] || v[2] != -v[3]) {
        return mp_api_error(f->c, call, MPI_ERR_NOT_SAME,
                            "the ranks passed different offsets or whence values; "
                            "MPI_File_seek_shared needs the same on every rank");
    }
    MPI_Offset current = 0;
    MPI_Offset target = 0;
    rc = fetch_add(call, f, 0, &current);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_file_seek_target(call, f, current, offset, whence, &target);
    }
    /* The same arguments give the same result on every rank: all fail or none. Wait until
     * every rank has read the pointer before it changes. */
    int brc = PMPI_Barrier(f->comm);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (brc != MPI_SUCCESS) {
        return mp_api_error(f->c, call, brc, "the barrier over the file's ranks failed");
    }
    return mp_api_file_shared_reset(call, f, target);
}

/* ---- The standard's calls: int counts and the large-count _c forms ---- */

#pragma weak MPI_File_read_shared = PMPI_File_read_shared
int PMPI_File_read_shared(MPI_File fh, void *buf, int count, MPI_Datatype datatype,
                          MPI_Status *status)
{
    MP_API_LOCK();
    return shared_rw("MPI_File_read_shared", fh, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_shared = PMPI_File_iread_shared
int PMPI_File_iread_shared(MPI_File fh, void *buf, int count, MPI_Datatype datatype,
                           MPI_Request *request)
{
    MP_API_LOCK();
    return shared_irw("MPI_File_iread_shared", fh, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_ordered = PMPI_File_read_ordered
int PMPI_File_read_ordered(MPI_File fh, void *buf, int count, MPI_Datatype datatype,
                           MPI_Status *status)
{
    MP_API_LOCK();
    return ordered("MPI_File_read_ordered", fh, buf, count, datatype, false, status);
}

#pragma weak MPI_File_read_ordered_begin = PMPI_File_read_ordered_begin
int PMPI_File_read_ordered_begin(MPI_File fh, void *buf, int count, MPI_Datatype datatype)
{
    MP_API_LOCK();
    return ordered_begin("MPI_File_read_ordered_begin", fh, buf, count, datatype, false);
}

#pragma weak MPI_File_read_ordered_end = PMPI_File_read_ordered_end
int PMPI_File_read_ordered_end(MPI_File fh, void *buf, MPI_Status *status)
{
    MP_API_LOCK();
    return mp_api_file_split_end("MPI_File_read_ordered_end", fh, buf, status);
}

#pragma weak MPI_File_write_shared = PMPI_File_write_shared
int PMPI_File_write_shared(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                           MPI_Status *status)
{
    MP_API_LOCK();
    return shared_rw("MPI_File_write_shared", fh, (void *)buf, count, datatype, true, status, NULL);
}

#pragma weak MPI_File_iwrite_shared = PMPI_File_iwrite_shared
int PMPI_File_iwrite_shared(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                            MPI_Request *request)
{
    MP_API_LOCK();
    return shared_irw("MPI_File_iwrite_shared", fh, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_ordered = PMPI_File_write_ordered
int PMPI_File_write_ordered(MPI_File fh, const void *buf, int count, MPI_Datatype datatype,
                            MPI_Status *status)
{
    MP_API_LOCK();
    return ordered("MPI_File_write_ordered", fh, (void *)buf, count, datatype, true, status);
}

#pragma weak MPI_File_write_ordered_begin = PMPI_File_write_ordered_begin
int PMPI_File_write_ordered_begin(MPI_File fh, const void *buf, int count, MPI_Datatype datatype)
{
    MP_API_LOCK();
    return ordered_begin("MPI_File_write_ordered_begin", fh, (void *)buf, count, datatype, true);
}

#pragma weak MPI_File_write_ordered_end = PMPI_File_write_ordered_end
int PMPI_File_write_ordered_end(MPI_File fh, const void *buf, MPI_Status *status)
{
    MP_API_LOCK();
    return mp_api_file_split_end("MPI_File_write_ordered_end", fh, buf, status);
}

#pragma weak MPI_File_read_shared_c = PMPI_File_read_shared_c
int PMPI_File_read_shared_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                            MPI_Status *status)
{
    MP_API_LOCK();
    return shared_rw("MPI_File_read_shared_c", fh, buf, count, datatype, false, status, NULL);
}

#pragma weak MPI_File_iread_shared_c = PMPI_File_iread_shared_c
int PMPI_File_iread_shared_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                             MPI_Request *request)
{
    MP_API_LOCK();
    return shared_irw("MPI_File_iread_shared_c", fh, buf, count, datatype, false, request);
}

#pragma weak MPI_File_read_ordered_c = PMPI_File_read_ordered_c
int PMPI_File_read_ordered_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype,
                             MPI_Status *status)
{
    MP_API_LOCK();
    return ordered("MPI_File_read_ordered_c", fh, buf, count, datatype, false, status);
}

#pragma weak MPI_File_read_ordered_begin_c = PMPI_File_read_ordered_begin_c
int PMPI_File_read_ordered_begin_c(MPI_File fh, void *buf, MPI_Count count, MPI_Datatype datatype)
{
    MP_API_LOCK();
    return ordered_begin("MPI_File_read_ordered_begin_c", fh, buf, count, datatype, false);
}

#pragma weak MPI_File_write_shared_c = PMPI_File_write_shared_c
int PMPI_File_write_shared_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                             MPI_Status *status)
{
    MP_API_LOCK();
    return shared_rw("MPI_File_write_shared_c", fh, (void *)buf, count, datatype, true, status,
                     NULL);
}

#pragma weak MPI_File_iwrite_shared_c = PMPI_File_iwrite_shared_c
int PMPI_File_iwrite_shared_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                              MPI_Request *request)
{
    MP_API_LOCK();
    return shared_irw("MPI_File_iwrite_shared_c", fh, (void *)buf, count, datatype, true, request);
}

#pragma weak MPI_File_write_ordered_c = PMPI_File_write_ordered_c
int PMPI_File_write_ordered_c(MPI_File fh, const void *buf, MPI_Count count, MPI_Datatype datatype,
                              MPI_Status *status)
{
    MP_API_LOCK();
    return ordered("MPI_File_write_ordered_c", fh, (void *)buf, count, datatype, true, status);
}

#pragma weak MPI_File_write_ordered_begin_c = PMPI_File_write_ordered_begin_c
int PMPI_File_write_ordered_begin_c(MPI_File fh, const void *buf, MPI_Count count,
                                    MPI_Datatype datatype)
{
    MP_API_LOCK();
    return ordered_begin("MPI_File_write_ordered_begin_c", fh, (void *)buf, count, datatype, true);
}
