/*
 * Helpers shared by the MPI-IO tests (tests/mpi/io/): a scratch directory that rank 0 creates
 * and removes (no file is left behind), the value every rank writes at every position, and
 * return-code checks. Plain MPI: they also build with mpicc.openmpi and mpicc.mpich.
 */
#ifndef IOTEST_H
#define IOTEST_H

#include <mpi.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../env/mptest.h"

/* The scratch directory of this run, the same on every rank. */
static char iot_dir[256];

/* Rank 0 makes a fresh directory under $TMPDIR (or /tmp) and tells the others its name. */
static inline void iot_dir_create(MPI_Comm comm)
{
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(iot_dir, sizeof(iot_dir), "%s/mpiio-XXXXXX", tmp != NULL ? tmp : "/tmp");
        if (mkdtemp(iot_dir) == NULL) {
            fprintf(stderr, "mkdtemp %s: %s\n", iot_dir, strerror(errno));
            MPI_Abort(comm, 2);
        }
    }
    MPI_Bcast(iot_dir, sizeof(iot_dir), MPI_CHAR, 0, comm);
}

/* The path of file name in the scratch directory. */
static inline const char *iot_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", iot_dir, name);
    return path;
}

/* Rank 0 removes the directory once every rank is done; a file left in it is an error. */
static inline void iot_dir_remove(MPI_Comm comm)
{
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Barrier(comm);
    if (rank == 0 && rmdir(iot_dir) != 0) {
        mpt_fail(__FILE__, __LINE__, "rmdir %s: %s (a test left a file behind?)", iot_dir,
                 strerror(errno));
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", iot_dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not remove %s\n", iot_dir);
        }
    }
}

/* The int that rank writes as its i-th value of test t: tells writer, test and index apart. */
static inline int iot_value(int t, int rank, long i)
{
    return (int)(((unsigned)t << 26) ^ ((unsigned)rank << 20) ^ (unsigned)(i * 7 + 1));
}

/* Checks that an MPI call returned MPI_SUCCESS. */
#define IOT_OK(call)                                                                               \
    do {                                                                                           \
        int iot_rc_ = (call);                                                                      \
        MPT_CHECK(iot_rc_ == MPI_SUCCESS, "%s returned %d", #call, iot_rc_);                       \
    } while (0)

/* Checks that an MPI call failed with error class cls. */
#define IOT_FAILS(call, cls)                                                                       \
    do {                                                                                           \
        int iot_rc_ = (call);                                                                      \
        int iot_cls_ = iot_rc_;                                                                    \
        MPI_Error_class(iot_rc_, &iot_cls_);                                                       \
        MPT_CHECK(iot_cls_ == (cls), "%s returned class %d, not %s (%d)", #call, iot_cls_, #cls,   \
                  (int)(cls));                                                                     \
    } while (0)

/* Checks that status reports count elements of datatype. */
#define IOT_COUNT(status, datatype, expect)                                                        \
    do {                                                                                           \
        int iot_n_ = -1;                                                                           \
        MPI_Get_count(&(status), (datatype), &iot_n_);                                             \
        MPT_CHECK(iot_n_ == (expect), "MPI_Get_count gives %d, not %d", iot_n_, (int)(expect));    \
    } while (0)

#endif
