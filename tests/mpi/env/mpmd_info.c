/*
 * Launcher test helper for several programs in one job (mpirun -n 1 ./a : -n 2 ./b): each rank
 * checks its MPI_APPNUM and PMIx's application facts against the programs' sizes it is given,
 * exchanges a value with every other rank, and prints one line for the script to check.
 * Usage: mpmd_info SIZES NAME [VAR]; SIZES: each program's -n in order ("1,2").
 * Prints "rank R of S app A tag NAME argc N VAR=value|VAR unset wdir DIR".
 */
#include "mptest.h"

#include <mpi.h>
#include <pmix.h>

#define MAX_APPS 16

/* The program of world rank r given the programs' sizes. */
static int app_of(int r, const int *sizes, int napps)
{
    for (int a = 0; a < napps; a++) {
        if (r < sizes[a]) {
            return a;
        }
        r -= sizes[a];
    }
    return -1;
}

static long pmix_number(const pmix_proc_t *proc, const char *key)
{
    pmix_value_t *val = NULL;
    long n = -1;
    if (PMIx_Get(proc, key, NULL, 0, &val) != PMIX_SUCCESS || val == NULL) {
        return -1;
    }
    if (val->type == PMIX_UINT32) {
        n = val->data.uint32;
    } else if (val->type == PMIX_PROC_RANK) {
        n = val->data.rank;
    }
    PMIX_VALUE_RELEASE(val);
    return n;
}

/* PMIx's facts of this rank's application: number, rank in it, leader; and its size. */
static void check_pmix(int rank, int app, int leader, int size)
{
    pmix_proc_t me, proc;
    if (PMIx_Init(&me, NULL, 0) != PMIX_SUCCESS) {
        MPT_CHECK(0, "PMIx_Init failed");
        return;
    }
    MPT_CHECK(pmix_number(&me, PMIX_APPNUM) == app, "PMIX_APPNUM %ld, expected %d",
              pmix_number(&me, PMIX_APPNUM), app);
    MPT_CHECK(pmix_number(&me, PMIX_APPLDR) == leader, "PMIX_APPLDR %ld, expected %d",
              pmix_number(&me, PMIX_APPLDR), leader);
    MPT_CHECK(pmix_number(&me, PMIX_APP_RANK) == rank - leader, "PMIX_APP_RANK %ld, expected %d",
              pmix_number(&me, PMIX_APP_RANK), rank - leader);
    /* The application's size: asked of the job with the application's number. */
    uint32_t appnum = (uint32_t)app;
    pmix_info_t info[2];
    bool yes = true;
    pmix_value_t *val = NULL;
    PMIX_LOAD_PROCID(&proc, me.nspace, PMIX_RANK_WILDCARD);
    PMIX_INFO_LOAD(&info[0], PMIX_APP_INFO, &yes, PMIX_BOOL);
    PMIX_INFO_LOAD(&info[1], PMIX_APPNUM, &appnum, PMIX_UINT32);
    pmix_status_t rc = PMIx_Get(&proc, PMIX_APP_SIZE, info, 2, &val);
    MPT_CHECK(rc == PMIX_SUCCESS && val != NULL && val->type == PMIX_UINT32 &&
                  val->data.uint32 == (uint32_t)size,
              "PMIX_APP_SIZE of app %d: %s, expected %d", app, PMIx_Error_string(rc), size);
    if (val != NULL) {
        PMIX_VALUE_RELEASE(val);
    }
    PMIX_INFO_DESTRUCT(&info[0]);
    PMIX_INFO_DESTRUCT(&info[1]);
    PMIx_Finalize(NULL, 0);
}

int main(int argc, char **argv)
{
    int rank = -1, size = -1, sizes[MAX_APPS], napps = 0, total = 0;
    char wdir[4096];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    if (argc < 3) {
        fprintf(stderr, "usage: mpmd_info SIZES NAME [VAR]\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    for (char *s = argv[1]; napps < MAX_APPS && *s != '\0'; napps++) {
        char *end;
        sizes[napps] = (int)strtol(s, &end, 10);
        total += sizes[napps];
        s = *end == ',' ? end + 1 : end;
    }
    MPT_CHECK(size == total, "MPI_COMM_WORLD has %d ranks, expected %d (%s)", size, total, argv[1]);

    int *appnum = NULL, flag = 0;
    CHECK_RC(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &appnum, &flag));
    int app = app_of(rank, sizes, napps);
    MPT_CHECK(flag && appnum != NULL && *appnum == app, "MPI_APPNUM %d (flag %d), expected %d",
              flag && appnum != NULL ? *appnum : -1, flag, app);
    int leader = 0;
    for (int a = 0; a < app; a++) {
        leader += sizes[a];
    }
    if (app >= 0) {
        check_pmix(rank, app, leader, sizes[app]);
    }

    /* Every rank sends every other its rank and program; each value is checked. */
    int *send = malloc(2 * (size_t)size * sizeof(int));
    int *recv = malloc(2 * (size_t)size * sizeof(int));
    for (int r = 0; r < size; r++) {
        send[2 * r] = rank * 1000 + r;
        send[2 * r + 1] = app;
    }
    CHECK_RC(MPI_Alltoall(send, 2, MPI_INT, recv, 2, MPI_INT, MPI_COMM_WORLD));
    for (int r = 0; r < size; r++) {
        MPT_CHECK(recv[2 * r] == r * 1000 + rank && recv[2 * r + 1] == app_of(r, sizes, napps),
                  "from rank %d: %d app %d, expected %d app %d", r, recv[2 * r], recv[2 * r + 1],
                  r * 1000 + rank, app_of(r, sizes, napps));
    }
    /* And point to point with the ranks of every other program, both ways at once. */
    for (int r = 0; r < size; r++) {
        int out = rank * 7 + 1, in = -1;
        if (r == rank) {
            continue;
        }
        CHECK_RC(MPI_Sendrecv(&out, 1, MPI_INT, r, 5, &in, 1, MPI_INT, r, 5, MPI_COMM_WORLD,
                              MPI_STATUS_IGNORE));
        MPT_CHECK(in == r * 7 + 1, "sendrecv with rank %d: %d, expected %d", r, in, r * 7 + 1);
    }
    free(send);
    free(recv);

    const char *var = argc > 3 ? argv[3] : "MPMD_VAR";
    const char *value = getenv(var);
    if (getcwd(wdir, sizeof(wdir)) == NULL) {
        snprintf(wdir, sizeof(wdir), "?");
    }
    char line[8192];
    if (value != NULL) {
        snprintf(line, sizeof(line), "rank %d of %d app %d tag %s argc %d %s=%s wdir %s", rank,
                 size, app, argv[2], argc, var, value, wdir);
    } else {
        snprintf(line, sizeof(line), "rank %d of %d app %d tag %s argc %d %s unset wdir %s", rank,
                 size, app, argv[2], argc, var, wdir);
    }
    int errs = *mpt_errs_p(), all = 0;
    MPI_Allreduce(&errs, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    printf("%s%s\n", line, all == 0 ? "" : " ERRORS");
    fflush(stdout);
    MPI_Finalize();
    return errs == 0 ? 0 : 1;
}
