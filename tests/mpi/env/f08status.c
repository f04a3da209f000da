/*
 * Statuses in the Fortran 2008 form: MPI_Status_c2f08, _f082c, _f2f08 and _f082f keep source, tag,
 * error, count and the cancelled flag through every chain of conversions; MPI_F08_status names the
 * public fields; the four Fortran ignore constants exist and are no status to convert
 * (MPI_ERR_ARG).
 */
#include <mpi.h>

#include "mptest.h"

#define AT(call) CHECK_RC(call)

/* What a status must still say after a round of conversions. */
static void check_same(const MPI_Status *st, int source, int tag, int count, int cancelled,
                       const char *path)
{
    int n = -1, e = -1, c = -1;
    AT(MPI_Get_count(st, MPI_INT, &n));
    AT(MPI_Get_elements(st, MPI_INT, &e));
    AT(MPI_Test_cancelled(st, &c));
    MPT_CHECK(st->MPI_SOURCE == source && st->MPI_TAG == tag && st->MPI_ERROR == MPI_ERR_OTHER,
              "%s: source %d tag %d error %d, expected %d %d %d", path, st->MPI_SOURCE, st->MPI_TAG,
              st->MPI_ERROR, source, tag, MPI_ERR_OTHER);
    MPT_CHECK(n == count && e == count && c == cancelled,
              "%s: count %d elements %d cancelled %d, expected %d %d %d", path, n, e, c, count,
              count, cancelled);
}

/* Every chain from C and back: through the f08 form, through both Fortran forms in each order. */
static void round_trips(MPI_Status st, int source, int tag, int count, int cancelled)
{
    MPI_F08_status f08, f08b;
    MPI_Fint f[MPI_F_STATUS_SIZE];
    MPI_Status back;

    st.MPI_ERROR = MPI_ERR_OTHER; /* a value of its own, to see it carried */
    memset(&f08, 0xff, sizeof(f08));
    AT(MPI_Status_c2f08(&st, &f08));
    MPT_CHECK(f08.MPI_SOURCE == source && f08.MPI_TAG == tag && f08.MPI_ERROR == MPI_ERR_OTHER,
              "c2f08: fields %d %d %d", f08.MPI_SOURCE, f08.MPI_TAG, f08.MPI_ERROR);
    memset(&back, 0xff, sizeof(back));
    AT(MPI_Status_f082c(&f08, &back));
    check_same(&back, source, tag, count, cancelled, "c -> f08 -> c");

    memset(f, 0xff, sizeof(f));
    AT(MPI_Status_f082f(&f08, f));
    MPT_CHECK(f[MPI_F_SOURCE] == source && f[MPI_F_TAG] == tag && f[MPI_F_ERROR] == MPI_ERR_OTHER,
              "f082f: fields %d %d %d", f[MPI_F_SOURCE], f[MPI_F_TAG], f[MPI_F_ERROR]);
    memset(&back, 0xff, sizeof(back));
    AT(MPI_Status_f2c(f, &back));
    check_same(&back, source, tag, count, cancelled, "c -> f08 -> f -> c");

    AT(MPI_Status_c2f(&st, f));
    memset(&f08b, 0xff, sizeof(f08b));
    AT(MPI_Status_f2f08(f, &f08b));
    memset(&back, 0xff, sizeof(back));
    AT(MPI_Status_f082c(&f08b, &back));
    check_same(&back, source, tag, count, cancelled, "c -> f -> f08 -> c");
}

int main(int argc, char **argv)
{
    int rank = -1, size = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);

    /* A received message: from the left neighbour (itself when alone), 3 ints. */
    int out[3] = {rank, rank + 1, rank + 2}, in[3] = {-1, -1, -1};
    int left = (rank + size - 1) % size, right = (rank + 1) % size;
    MPI_Status st;
    AT(MPI_Sendrecv(out, 3, MPI_INT, right, 40 + right, in, 3, MPI_INT, left, 40 + rank,
                    MPI_COMM_WORLD, &st));
    MPT_CHECK(in[0] == left && in[2] == left + 2, "received %d %d %d from %d", in[0], in[1], in[2],
              left);
    round_trips(st, left, 40 + rank, 3, 0);

    /* A cancelled receive: the flag must travel too. */
    MPI_Request req;
    AT(MPI_Irecv(in, 3, MPI_INT, 0, 99, MPI_COMM_SELF, &req));
    AT(MPI_Cancel(&req));
    AT(MPI_Wait(&req, &st));
    int cancelled = 0;
    AT(MPI_Test_cancelled(&st, &cancelled));
    MPT_CHECK(cancelled, "the receive was not cancelled");
    /* A cancelled receive's count is 0 elements whatever the type. */
    round_trips(st, st.MPI_SOURCE, st.MPI_TAG, 0, 1);

    /* The ignore constants: usable in comparisons, and refused as statuses. */
    MPI_F08_status f08;
    MPI_Fint f[MPI_F_STATUS_SIZE];
    MPT_CHECK(MPI_F_STATUS_IGNORE != f && MPI_F_STATUSES_IGNORE != f &&
                  MPI_F08_STATUS_IGNORE != &f08 && MPI_F08_STATUSES_IGNORE != &f08,
              "an ignore constant compares equal to a real status");
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    EXPECT_CLASS(MPI_Status_c2f08(MPI_STATUS_IGNORE, &f08), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_c2f08(&st, MPI_F08_STATUS_IGNORE), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_f082c(MPI_F08_STATUS_IGNORE, &st), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_f082c(&f08, MPI_STATUS_IGNORE), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_f2f08(MPI_F_STATUS_IGNORE, &f08), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_f2f08(f, MPI_F08_STATUSES_IGNORE), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_f082f(MPI_F08_STATUS_IGNORE, f), MPI_ERR_ARG);
    EXPECT_CLASS(MPI_Status_f082f(&f08, MPI_F_STATUSES_IGNORE), MPI_ERR_ARG);

    MPI_Finalize();
    return mpt_finish(rank);
}
