/*
 * MPI_THREAD_MULTIPLE through the Sessions Model: a session asking for it gets it (its info says
 * so), then T threads each build a communicator from the session's mpi://WORLD group at the same
 * time (a string tag per thread) and use it: a ring of blocking MPI_Sendrecv and an allreduce,
 * every value checked. Usage: session THREADS [thread_level]: with thread_level, the session asks
 * under MPICH's name for the key (libmp takes it too), and MPI_Init_thread(MPI_THREAD_MULTIPLE)
 * after it must provide MPI_THREAD_MULTIPLE (OSU's osu_latency_mt -I does both).
 */
#include "mttest.h"

#include <string.h>

typedef struct targ {
    int t;
    MPI_Group group;
} targ_t;

static void *worker(void *p)
{
    const targ_t *a = p;
    char tag[64];
    MPI_Comm comm = MPI_COMM_NULL;
    snprintf(tag, sizeof(tag), "libmp.test.threads.%d", a->t);
    MT_MPI(MPI_Comm_create_from_group(a->group, tag, MPI_INFO_NULL, MPI_ERRORS_RETURN, &comm));
    if (comm == MPI_COMM_NULL) {
        MPT_CHECK(0, "thread %d: no communicator", a->t);
        return NULL;
    }
    int rank = -1, size = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    for (int it = 0; it < 20; it++) {
        uint32_t out[64], in[64];
        MPI_Status st;
        mt_fill(out, 64, rank, a->t, it);
        MT_MPI(MPI_Sendrecv(out, 64, MPI_UINT32_T, right, a->t, in, 64, MPI_UINT32_T, left, a->t,
                            comm, &st));
        MPT_CHECK(st.MPI_SOURCE == left && st.MPI_TAG == a->t, "thread %d: status source %d tag %d",
                  a->t, st.MPI_SOURCE, st.MPI_TAG);
        mt_check(in, 64, left, a->t, it);
        int x = rank + a->t + it, sum = -1;
        MT_MPI(MPI_Allreduce(&x, &sum, 1, MPI_INT, MPI_SUM, comm));
        MPT_CHECK(sum == size * (size - 1) / 2 + size * (a->t + it), "thread %d: allreduce %d",
                  a->t, sum);
    }
    MT_MPI(MPI_Comm_free(&comm));
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2 && (argc != 3 || strcmp(argv[2], "thread_level") != 0)) {
        fprintf(stderr, "usage: session THREADS [thread_level]\n");
        return 2;
    }
    const char *key = argc == 3 ? "thread_level" : "mpi_thread_support_level";
    int nthreads = (int)mpt_parse_long(argv[1], "THREADS");
    if (nthreads < 1 || nthreads > MT_THREADS_MAX) {
        fprintf(stderr, "session: 1..%d threads\n", MT_THREADS_MAX);
        return 2;
    }
    MPI_Info info;
    MPI_Session s = MPI_SESSION_NULL;
    MT_MPI(MPI_Info_create(&info));
    MT_MPI(MPI_Info_set(info, key, "MPI_THREAD_MULTIPLE"));
    MT_MPI(MPI_Session_init(info, MPI_ERRORS_RETURN, &s));
    MT_MPI(MPI_Info_free(&info));
    if (argc == 3) {
        int provided = -1;
        MT_MPI(MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided));
        MPT_CHECK(provided == MPI_THREAD_MULTIPLE, "MPI_Init_thread after the session: provided %d",
                  provided);
    }
    MPI_Info used;
    char v[64] = "";
    int flag = 0;
    MT_MPI(MPI_Session_get_info(s, &used));
    MT_MPI(MPI_Info_get(used, "mpi_thread_support_level", 63, v, &flag));
    MPT_CHECK(flag && strcmp(v, "MPI_THREAD_MULTIPLE") == 0, "mpi_thread_support_level \"%s\"", v);
    MT_MPI(MPI_Info_free(&used));

    MPI_Group group;
    int rank = -1;
    MT_MPI(MPI_Group_from_session_pset(s, "mpi://WORLD", &group));
    MPI_Group_rank(group, &rank);
    mpt_set_rank(rank);
    targ_t args[MT_THREADS_MAX];
    for (int t = 0; t < nthreads; t++) {
        args[t] = (targ_t){.t = t, .group = group};
    }
    mt_run(nthreads, worker, args, sizeof(targ_t));
    MT_MPI(MPI_Group_free(&group));
    MT_MPI(MPI_Session_finalize(&s));
    if (argc == 3) {
        MT_MPI(MPI_Finalize());
    }
    return mpt_finish(rank);
}
