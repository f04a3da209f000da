/*
 * Three jobs: mpirun's job spawns job 1 (2 processes), whose world spawns job 2 (2 processes).
 * Jobs 0 and 1 merge their intercommunicator, jobs 1 and 2 theirs; then MPI_Intercomm_create
 * joins the first merge with job 2 (leaders meeting in the second merge), and that is merged
 * in turn: processes of jobs 0 and 2, which never met, learn of each other and talk directly.
 * All check sizes, ranks, an allreduce, a ring and a direct exchange. Usage: nested.
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "../env/mptest.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int level =
        argc > 2 && strcmp(argv[1], "level") == 0 ? (int)mpt_parse_long(argv[2], "level") : 0;
    int wrank, wsize;
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    MPI_Comm parent, inter = MPI_COMM_NULL, m01 = MPI_COMM_NULL, m12 = MPI_COMM_NULL;
    MPI_Comm big, all;
    MPI_Comm_get_parent(&parent);
    MPT_CHECK((parent == MPI_COMM_NULL) == (level == 0), "level %d: parent %s", level,
              parent == MPI_COMM_NULL ? "missing" : "present");
    if (level < 2) {
        char *args[] = {"level", level == 0 ? "1" : "2", NULL};
        CHECK_RC(MPI_Comm_spawn(argv[0], args, 2, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &inter,
                                MPI_ERRCODES_IGNORE));
    }
    if (level == 0) {
        CHECK_RC(MPI_Intercomm_merge(inter, 0, &m01));
    } else if (level == 1) {
        CHECK_RC(MPI_Intercomm_merge(parent, 1, &m01));
        CHECK_RC(MPI_Intercomm_merge(inter, 0, &m12));
    } else {
        CHECK_RC(MPI_Intercomm_merge(parent, 1, &m12));
    }
    /* Job 1's rank 0 leads jobs 0+1 (rank n0 of m01, after job 0's n0 processes); job 2's rank
     * 0 leads job 2, rank 2 of m12 (job 1's two processes come first there). */
    if (level < 2) {
        int n0 = wsize;
        if (level == 1) {
            MPI_Comm_remote_size(parent, &n0);
        }
        CHECK_RC(MPI_Intercomm_create(m01, n0, m12, 2, 77, &big));
    } else {
        CHECK_RC(MPI_Intercomm_create(MPI_COMM_WORLD, 0, m12, 0, 77, &big));
    }
    CHECK_RC(MPI_Intercomm_merge(big, level == 2, &all));
    int r, n, one = 1, sum = 0;
    MPI_Comm_rank(all, &r);
    MPI_Comm_size(all, &n);
    int n0 = n - 4; /* job 0's processes; jobs 1 and 2 have 2 each */
    int want_r = level == 0 ? wrank : level == 1 ? n0 + wrank : n0 + 2 + wrank;
    MPT_CHECK(r == want_r, "level %d: rank %d in the three-job communicator, expected %d", level, r,
              want_r);
    CHECK_RC(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, all));
    MPT_CHECK(sum == n, "allreduce over %d processes gave %d", n, sum);
    int v = 1000 + r, got = -1;
    CHECK_RC(MPI_Sendrecv(&v, 1, MPI_INT, (r + 1) % n, 1, &got, 1, MPI_INT, (r + n - 1) % n, 1, all,
                          MPI_STATUS_IGNORE));
    MPT_CHECK(got == 1000 + (r + n - 1) % n, "ring: got %d", got);
    /* Job 0's rank 0 and job 2's last process, which never met before. */
    if (r == 0 || r == n - 1) {
        int o = r == 0 ? n - 1 : 0, x = r * 11, y = -1;
        CHECK_RC(MPI_Sendrecv(&x, 1, MPI_INT, o, 2, &y, 1, MPI_INT, o, 2, all, MPI_STATUS_IGNORE));
        MPT_CHECK(y == o * 11, "direct exchange: got %d from %d", y, o);
    }
    MPI_Comm_free(&all);
    MPI_Comm_free(&big);
    if (m01 != MPI_COMM_NULL) {
        MPI_Comm_free(&m01);
    }
    if (m12 != MPI_COMM_NULL) {
        MPI_Comm_free(&m12);
    }
    if (inter != MPI_COMM_NULL) {
        CHECK_RC(MPI_Comm_disconnect(&inter));
    }
    if (parent != MPI_COMM_NULL) {
        CHECK_RC(MPI_Comm_disconnect(&parent));
    }
    MPI_Finalize();
    return mpt_finish(level == 0 ? wrank : -1);
}
