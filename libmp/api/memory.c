/*
 * MPI_Alloc_mem and MPI_Free_mem (environmental management, memory allocation): cache-line
 * aligned memory, or the alignment the mpi_minimum_memory_alignment hint asks for. The live
 * blocks are kept in a pointer map, so that freeing anything else is an error, not a crash.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/info.h"
#include "util/ptrmap.h"

/* Blocks start on a cache line unless a hint asks for more: it is what communication and
 * vectorised reductions on them like best. */
#define MEM_ALIGN_DEFAULT 64u

/* A larger alignment than this in the hint is ignored as the hint it is (a 1 GiB alignment
 * would waste up to as much memory). */
#define MEM_ALIGN_MAX (1u << 21)

/* The blocks given out and not yet freed (values unused). */
static mp_ptrmap_t live_blocks;

/* The alignment asked for by info's mpi_minimum_memory_alignment (MPI 4.1), if it is a power of
 * two no larger than MEM_ALIGN_MAX; otherwise the default (a hint may be ignored). */
static size_t hint_alignment(const mp_info_t *info)
{
    const char *v = info ? mp_info_get(info, "mpi_minimum_memory_alignment") : NULL;
    if (v == NULL) {
        return MEM_ALIGN_DEFAULT;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long a = strtoull(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || a == 0 || (a & (a - 1)) != 0 ||
        a > MEM_ALIGN_MAX) {
        return MEM_ALIGN_DEFAULT;
    }
    return a > MEM_ALIGN_DEFAULT ? (size_t)a : MEM_ALIGN_DEFAULT;
}

#pragma weak MPI_Alloc_mem = PMPI_Alloc_mem
int PMPI_Alloc_mem(MPI_Aint size, MPI_Info info, void *baseptr)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Alloc_mem";
    mp_info_t *hints = NULL;

    if (size < 0) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "size = %ld is negative", (long)size);
    }
    if (baseptr == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "baseptr is NULL; pass the address of a pointer to set");
    }
    if (info != MPI_INFO_NULL) {
        int rc = mp_api_info_check(NULL, call, info, &hints);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    size_t align = hint_alignment(hints);
    void *p = NULL;
    /* A zero-byte block is still a distinct block that MPI_Free_mem accepts. */
    if (posix_memalign(&p, align, size > 0 ? (size_t)size : 1) != 0) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "cannot allocate %ld bytes", (long)size);
    }
    if (!mp_ptrmap_put(&live_blocks, p, 0)) {
        free(p);
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    memcpy(baseptr, &p, sizeof(p));
    return MPI_SUCCESS;
}

#pragma weak MPI_Free_mem = PMPI_Free_mem
int PMPI_Free_mem(void *base)
{
    MP_API_LOCK();
    /* Like free(NULL): nothing to do (MPICH and Open MPI accept it too). */
    if (base == NULL) {
        return MPI_SUCCESS;
    }
    if (!mp_ptrmap_remove(&live_blocks, base)) {
        return mp_api_error(NULL, "MPI_Free_mem", MPI_ERR_BASE,
                            "base = %p is not memory from MPI_Alloc_mem (or was freed already)",
                            base);
    }
    free(base);
    return MPI_SUCCESS;
}
