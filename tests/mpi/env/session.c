/*
 * The Sessions Model. "alone": no MPI_Init at all: a session (mpi_thread_support_level from its
 * info) names mpi://WORLD and mpi://SELF (lengths and names, the size in their info), makes their
 * groups, communicators from them (a sum over the world's checks every rank) and an
 * intercommunicator between the halves; a second session lives alongside; session error handlers
 * (given at init, set, called, returned) and the errors of bad process sets and handles; a
 * session's buffer for buffered sends (MPI 4.1), used by the communicators derived from that
 * session only, flushed, detached, automatic, and left attached at MPI_Session_finalize; the
 * errors of MPI_Comm_create_from_group and MPI_Intercomm_create_from_groups go to the handler
 * they are given for the new communicator; objects of two sessions (or of a session and the
 * world model) refused together in one call (mixing());
 * MPI_Initialized and MPI_Finalized stay false; the last MPI_Session_finalize ends the job's
 * runtime, and later sessions start it again (restart()). "mixed": a session and MPI_Init
 * together, the session outliving MPI_Finalize, then the same restarts. Usage:
 * session alone|mixed NPROCS
 */
#include <stdbool.h>

#include "../attr/attrtest.h"

static int handler_calls, handler_code;

static void on_error(MPI_Session *session, int *code, ...)
{
    (void)session;
    handler_calls++;
    handler_code = *code;
}

static void psets(MPI_Session s, int nprocs)
{
    int n = -1;
    AT_MPI(MPI_Session_get_num_psets(s, MPI_INFO_NULL, &n));
    MPT_CHECK(n == 2, "%d process sets", n);
    static const char *const names[] = {"mpi://WORLD", "mpi://SELF"};
    for (int i = 0; i < 2; i++) {
        int len = 0;
        AT_MPI(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, i, &len, NULL));
        MPT_CHECK(len == (int)strlen(names[i]) + 1, "pset %d: length %d", i, len);
        char name[64] = "";
        len = sizeof(name);
        AT_MPI(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, i, &len, name));
        MPT_CHECK(strcmp(name, names[i]) == 0, "pset %d is \"%s\", expected %s", i, name, names[i]);
        MPI_Info info = MPI_INFO_NULL;
        AT_MPI(MPI_Session_get_pset_info(s, names[i], &info));
        char v[32] = "";
        int flag = 0;
        AT_MPI(MPI_Info_get(info, "mpi_size", 31, v, &flag));
        MPT_CHECK(flag && atoi(v) == (i == 0 ? nprocs : 1), "%s: mpi_size \"%s\"", names[i], v);
        AT_MPI(MPI_Info_free(&info));
    }
}

/* Communicators from the session's groups: the world (a sum of ranks), self, and an
 * intercommunicator between the lower and the upper half of the world. */
static void comms(MPI_Session s, int nprocs)
{
    MPI_Group wg, sg;
    MPI_Comm world, self;
    int rank = -1, size = -1, sum = -1;
    AT_MPI(MPI_Group_from_session_pset(s, "mpi://WORLD", &wg));
    AT_MPI(MPI_Group_size(wg, &size));
    MPT_CHECK(size == nprocs, "the world group has %d processes", size);
    AT_MPI(MPI_Comm_create_from_group(wg, "libmp.test.world", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                      &world));
    AT_MPI(MPI_Comm_rank(world, &rank));
    int grank = -2;
    AT_MPI(MPI_Group_rank(wg, &grank));
    MPT_CHECK(rank == grank, "rank %d in the communicator, %d in the group", rank, grank);
    mpt_set_rank(rank);
    AT_MPI(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, world));
    MPT_CHECK(sum == nprocs * (nprocs - 1) / 2, "sum of ranks %d", sum);
    AT_MPI(MPI_Group_from_session_pset(s, "mpi://SELF", &sg));
    AT_MPI(
        MPI_Comm_create_from_group(sg, "libmp.test.self", MPI_INFO_NULL, MPI_ERRORS_RETURN, &self));
    AT_MPI(MPI_Comm_size(self, &size));
    MPT_CHECK(size == 1, "the self communicator has %d processes", size);
    if (nprocs >= 2) {
        int half = nprocs / 2, lo[64], hi[64];
        for (int i = 0; i < nprocs; i++) {
            (i < half ? lo : hi)[i < half ? i : i - half] = i;
        }
        MPI_Group low, high;
        AT_MPI(MPI_Group_incl(wg, half, lo, &low));
        AT_MPI(MPI_Group_incl(wg, nprocs - half, hi, &high));
        bool in_low = rank < half;
        MPI_Comm inter;
        AT_MPI(MPI_Intercomm_create_from_groups(in_low ? low : high, 0, in_low ? high : low, 0,
                                                "libmp.test.inter", MPI_INFO_NULL,
                                                MPI_ERRORS_RETURN, &inter));
        int rsize = -1, mine = rank, theirs = -1;
        AT_MPI(MPI_Comm_remote_size(inter, &rsize));
        MPT_CHECK(rsize == (in_low ? nprocs - half : half), "remote size %d", rsize);
        /* Rank 0 of each side tells the other side's rank 0 its world rank. */
        int lrank;
        AT_MPI(MPI_Comm_rank(inter, &lrank));
        if (lrank == 0) {
            AT_MPI(MPI_Sendrecv(&mine, 1, MPI_INT, 0, 0, &theirs, 1, MPI_INT, 0, 0, inter,
                                MPI_STATUS_IGNORE));
            MPT_CHECK(theirs == (in_low ? half : 0), "the other leader is world rank %d", theirs);
        }
        AT_MPI(MPI_Comm_free(&inter));
        AT_MPI(MPI_Group_free(&low));
        AT_MPI(MPI_Group_free(&high));
    }
    AT_MPI(MPI_Comm_free(&world));
    AT_MPI(MPI_Comm_free(&self));
    AT_MPI(MPI_Group_free(&wg));
    AT_MPI(MPI_Group_free(&sg));
}

/* A ring of buffered sends on comm: each rank sends round + its rank to the next one, and checks
 * what the previous one sent. */
static void bsend_ring(MPI_Comm comm, int round, const char *what)
{
    int rank = -1, size = -1, got = -1;
    AT_MPI(MPI_Comm_rank(comm, &rank));
    AT_MPI(MPI_Comm_size(comm, &size));
    int v = round * 100 + rank;
    AT_MPI(MPI_Bsend(&v, 1, MPI_INT, (rank + 1) % size, round, comm));
    AT_MPI(MPI_Recv(&got, 1, MPI_INT, (rank + size - 1) % size, round, comm, MPI_STATUS_IGNORE));
    MPT_CHECK(got == round * 100 + (rank + size - 1) % size, "%s: round %d got %d", what, round,
              got);
}

/* A buffered send on comm finds no buffer: MPI_ERR_BUFFER (comm returns errors). */
static void bsend_refused(MPI_Comm comm, const char *what)
{
    int v = 1, cls = -1;
    int rc = MPI_Bsend(&v, 1, MPI_INT, 0, 99, comm);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_BUFFER, "%s: a buffered send without a buffer gave class %d", what,
              cls);
}

/* Session buffers: s1's serves the communicators derived from s1 (from its groups, their subsets,
 * duplicates), never one of s2's. */
static void buffers(MPI_Session s1, MPI_Session s2, int nprocs)
{
    MPI_Group wg, sub, wg2;
    MPI_Comm world, dup, part, other;
    AT_MPI(MPI_Group_from_session_pset(s1, "mpi://WORLD", &wg));
    AT_MPI(MPI_Comm_create_from_group(wg, "libmp.test.bworld", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                      &world));
    AT_MPI(MPI_Comm_dup(world, &dup));
    int all[64];
    for (int i = 0; i < nprocs; i++) {
        all[i] = nprocs - 1 - i;
    }
    AT_MPI(MPI_Group_incl(wg, nprocs, all, &sub));
    AT_MPI(MPI_Comm_create_from_group(sub, "libmp.test.bpart", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                      &part));
    AT_MPI(MPI_Group_from_session_pset(s2, "mpi://WORLD", &wg2));
    AT_MPI(MPI_Comm_create_from_group(wg2, "libmp.test.bother", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                      &other));
    bsend_refused(world, "nothing attached");

    static char space[4096];
    AT_MPI(MPI_Session_attach_buffer(s1, space, sizeof(space)));
    int cls = -1;
    MPI_Error_class(MPI_Session_attach_buffer(s1, space, sizeof(space)), &cls);
    MPT_CHECK(cls == MPI_ERR_BUFFER, "a second buffer on the session gave class %d", cls);
    bsend_ring(world, 1, "the session's communicator");
    bsend_ring(dup, 2, "its duplicate");
    bsend_ring(part, 3, "a communicator of a subset of its group");
    bsend_refused(other, "another session's communicator");
    AT_MPI(MPI_Session_flush_buffer(s1));
    bsend_ring(world, 4, "after a flush");
    MPI_Request req = MPI_REQUEST_NULL;
    AT_MPI(MPI_Session_iflush_buffer(s1, &req));
    AT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    MPT_CHECK(req == MPI_REQUEST_NULL, "the flush's request was not freed");
    /* A communicator's own buffer comes first. */
    static char mine[2048];
    AT_MPI(MPI_Comm_attach_buffer(dup, mine, sizeof(mine)));
    bsend_ring(dup, 5, "a duplicate with a buffer of its own");
    void *back = NULL;
    int n = -1;
    AT_MPI(MPI_Comm_detach_buffer(dup, &back, &n));
    MPT_CHECK(back == mine && n == (int)sizeof(mine), "the duplicate's buffer came back as %p, %d",
              back, n);
    AT_MPI(MPI_Session_detach_buffer(s1, &back, &n));
    MPT_CHECK(back == space && n == (int)sizeof(space), "the session's buffer came back as %p, %d",
              back, n);
    bsend_refused(world, "after the detach");

    /* Automatic, through the _c forms: a message larger than any fixed buffer here. */
    AT_MPI(MPI_Session_attach_buffer_c(s1, MPI_BUFFER_AUTOMATIC, 0));
    int rank = -1, size = -1;
    AT_MPI(MPI_Comm_rank(part, &rank));
    AT_MPI(MPI_Comm_size(part, &size));
    enum { BIG = 20000 };
    int *big = malloc(BIG * sizeof(int)), *in = malloc(BIG * sizeof(int));
    for (int i = 0; i < BIG; i++) {
        big[i] = rank * BIG + i;
    }
    AT_MPI(MPI_Bsend(big, BIG, MPI_INT, (rank + 1) % size, 6, part));
    memset(big, 0, BIG * sizeof(int)); /* the message is the buffer's copy now */
    int from = (rank + size - 1) % size;
    AT_MPI(MPI_Recv(in, BIG, MPI_INT, from, 6, part, MPI_STATUS_IGNORE));
    for (int i = 0; i < BIG; i++) {
        MPT_CHECK(in[i] == from * BIG + i, "automatic buffer: int %d is %d", i, in[i]);
    }
    free(big);
    free(in);
    MPI_Count nc = -1;
    AT_MPI(MPI_Session_detach_buffer_c(s1, &back, &nc));
    MPT_CHECK(back == MPI_BUFFER_AUTOMATIC && nc == 0, "automatic buffer came back as %p, %lld",
              back, (long long)nc);

    /* s2 keeps a buffer until its MPI_Session_finalize, which sends what it holds. */
    AT_MPI(MPI_Session_attach_buffer(s2, MPI_BUFFER_AUTOMATIC, 0));
    bsend_ring(other, 7, "another session's communicator with its own buffer");
    AT_MPI(MPI_Comm_free(&world));
    AT_MPI(MPI_Comm_free(&dup));
    AT_MPI(MPI_Comm_free(&part));
    AT_MPI(MPI_Comm_free(&other));
    AT_MPI(MPI_Group_free(&wg));
    AT_MPI(MPI_Group_free(&sub));
    AT_MPI(MPI_Group_free(&wg2));
}

/* Error handlers: MPI_ERRORS_RETURN from init, then a handler of the program's. */
static void errors(MPI_Session s)
{
    MPI_Group g;
    int len = 4;
    char name[4];
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Group_from_session_pset(s, "mpi://NOWHERE", &g));
    /* A predefined handle where the address of a group belongs. */
    AT_MPI_FAILS(MPI_ERR_ARG,
                 MPI_Group_from_session_pset(s, "mpi://WORLD", (MPI_Group *)MPI_GROUP_NULL));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Session_get_nth_pset(s, MPI_INFO_NULL, 2, &len, name));
    MPI_Errhandler eh, got;
    AT_MPI(MPI_Session_create_errhandler(on_error, &eh));
    AT_MPI(MPI_Session_set_errhandler(s, eh));
    AT_MPI(MPI_Session_get_errhandler(s, &got));
    MPT_CHECK(got == eh, "MPI_Session_get_errhandler gave another handler");
    AT_MPI(MPI_Errhandler_free(&got));
    int rc = MPI_Group_from_session_pset(s, "mpi://NOWHERE", &g);
    MPT_CHECK(handler_calls == 1 && handler_code == rc && rc != MPI_SUCCESS,
              "the session's handler: %d calls, code %d, call returned %d", handler_calls,
              handler_code, rc);
    AT_MPI(MPI_Session_call_errhandler(s, MPI_ERR_OTHER));
    MPT_CHECK(handler_calls == 2 && handler_code == MPI_ERR_OTHER,
              "MPI_Session_call_errhandler: %d calls, code %d", handler_calls, handler_code);
    AT_MPI(MPI_Session_set_errhandler(s, MPI_ERRORS_RETURN));
    AT_MPI(MPI_Errhandler_free(&eh));
    /* A handler for communicators does not suit a session. */
    MPI_Errhandler comm_eh;
    AT_MPI(MPI_Comm_create_errhandler((MPI_Comm_errhandler_function *)(void (*)(void))on_error,
                                      &comm_eh));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Session_set_errhandler(s, comm_eh));
    AT_MPI(MPI_Errhandler_free(&comm_eh));
}

static int comm_calls, comm_code;

static void on_comm_error(MPI_Comm *comm, int *code, ...)
{
    MPT_CHECK(*comm == MPI_COMM_NULL, "the handler of a new communicator got a communicator");
    comm_calls++;
    comm_code = *code;
}

/* The handler given to a *_from_group call is also invoked for the call's own errors (MPI 4.1,
 * 7.4.2), and then attached to the communicator it makes. */
static void from_group_errors(MPI_Session s, int nprocs)
{
    MPI_Group g;
    MPI_Comm c = MPI_COMM_NULL;
    MPI_Errhandler eh, got;
    AT_MPI(MPI_Group_from_session_pset(s, "mpi://WORLD", &g));
    AT_MPI(MPI_Comm_create_errhandler(on_comm_error, &eh));
    struct {
        int rc, cls;
        const char *what;
    } cases[4] = {
        {MPI_Comm_create_from_group(g, "libmp.test.e1", MPI_INFO_NULL, eh, NULL), MPI_ERR_ARG,
         "a NULL newcomm"},
        {MPI_Comm_create_from_group(g, NULL, MPI_INFO_NULL, eh, &c), MPI_ERR_ARG,
         "a NULL stringtag"},
        {MPI_Comm_create_from_group(MPI_GROUP_NULL, "libmp.test.e2", MPI_INFO_NULL, eh, &c),
         MPI_ERR_GROUP, "MPI_GROUP_NULL"},
        {MPI_Intercomm_create_from_groups(g, 0, MPI_GROUP_EMPTY, 0, "libmp.test.e3", MPI_INFO_NULL,
                                          eh, &c),
         MPI_ERR_RANK, "a remote leader outside the empty remote group"},
    };
    for (int i = 0; i < 4; i++) {
        int cls = -1;
        MPI_Error_class(cases[i].rc, &cls);
        MPT_CHECK(cls == cases[i].cls, "%s: class %d, expected %d", cases[i].what, cls,
                  cases[i].cls);
    }
    MPT_CHECK(comm_calls == 4 && comm_code == cases[3].rc,
              "the new communicator's handler: %d calls (4 expected), last code %d", comm_calls,
              comm_code);
    AT_MPI(MPI_Comm_create_from_group(g, "libmp.test.e4", MPI_INFO_NULL, eh, &c));
    AT_MPI(MPI_Comm_get_errhandler(c, &got));
    MPT_CHECK(got == eh, "the new communicator's handler is %p, not %p", (void *)got, (void *)eh);
    AT_MPI(MPI_Errhandler_free(&got));
    int sum = 0, one = 1;
    AT_MPI(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, c));
    MPT_CHECK(sum == nprocs, "allreduce over the new communicator: %d", sum);
    AT_MPI(MPI_Comm_free(&c));
    AT_MPI(MPI_Errhandler_free(&eh));
    AT_MPI(MPI_Group_free(&g));
}

/* Opens a session asking for thread level `level`; `expect` is what it must get (the runtime
 * keeps the level the first session or MPI_Init started it with). */
static MPI_Session open_session(const char *level, const char *expect)
{
    MPI_Info info;
    MPI_Session s = MPI_SESSION_NULL;
    AT_MPI(MPI_Info_create(&info));
    AT_MPI(MPI_Info_set(info, "mpi_thread_support_level", level));
    AT_MPI(MPI_Session_init(info, MPI_ERRORS_RETURN, &s));
    AT_MPI(MPI_Info_free(&info));
    MPI_Info used;
    char v[64] = "";
    int flag = 0;
    AT_MPI(MPI_Session_get_info(s, &used));
    AT_MPI(MPI_Info_get(used, "mpi_thread_support_level", 63, v, &flag));
    MPT_CHECK(flag && strcmp(v, expect) == 0, "mpi_thread_support_level \"%s\", expected %s", v,
              expect);
    AT_MPI(MPI_Info_free(&used));
    return s;
}

/* A communicator of mpi://WORLD from session s, returning errors. */
static MPI_Comm world_of(MPI_Session s, const char *tag)
{
    MPI_Group g;
    MPI_Comm c;
    AT_MPI(MPI_Group_from_session_pset(s, "mpi://WORLD", &g));
    AT_MPI(MPI_Comm_create_from_group(g, tag, MPI_INFO_NULL, MPI_ERRORS_RETURN, &c));
    AT_MPI(MPI_Group_free(&g));
    return c;
}

/*
 * Objects of two sessions, or of a session and the world model, never meet in one call (MPI
 * 4.1, 11.3): comparing their communicators or making a communicator of one from the group of
 * the other is refused; the same calls within one session work.
 */
static void mixing(MPI_Session s1, MPI_Session s2, bool mixed)
{
    MPI_Comm a = world_of(s1, "libmp.test.mix.a"), b = world_of(s2, "libmp.test.mix.b"), dup, c;
    MPI_Group ga, gb;
    int result = -1;
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_compare(a, b, &result));
    AT_MPI(MPI_Comm_dup(a, &dup));
    AT_MPI(MPI_Comm_compare(a, dup, &result));
    MPT_CHECK(result == MPI_CONGRUENT, "a session's communicator and its dup compare %d", result);
    AT_MPI(MPI_Comm_group(a, &ga));
    AT_MPI(MPI_Comm_group(b, &gb));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_create(a, gb, &c));
    AT_MPI(MPI_Comm_create(a, ga, &c)); /* its own group: a communicator like a */
    AT_MPI(MPI_Comm_compare(a, c, &result));
    MPT_CHECK(result == MPI_CONGRUENT, "MPI_Comm_create of its own group compares %d", result);
    AT_MPI(MPI_Comm_free(&c));
    AT_MPI(MPI_Comm_create(a, MPI_GROUP_EMPTY, &c));
    MPT_CHECK(c == MPI_COMM_NULL, "MPI_Comm_create of MPI_GROUP_EMPTY gave a communicator");
    if (mixed) {
        AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
        AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_compare(MPI_COMM_WORLD, a, &result));
        AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_create(MPI_COMM_WORLD, ga, &c));
        AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    }
    AT_MPI(MPI_Group_free(&ga));
    AT_MPI(MPI_Group_free(&gb));
    AT_MPI(MPI_Comm_free(&dup));
    AT_MPI(MPI_Comm_free(&a));
    AT_MPI(MPI_Comm_free(&b));
}

/* A ring of N ints (past the eager size) around comm, checked element by element. */
static void ring(MPI_Comm comm, int round)
{
    enum { N = 300000 };
    int rank, size;
    AT_MPI(MPI_Comm_rank(comm, &rank));
    AT_MPI(MPI_Comm_size(comm, &size));
    int *out = malloc(N * sizeof(int)), *in = malloc(N * sizeof(int));
    MPT_CHECK(out != NULL && in != NULL, "out of memory");
    for (int i = 0; i < N; i++) {
        out[i] = round * 1000000 + rank * 100000 + i % 99991;
        in[i] = -1;
    }
    int from = (rank + size - 1) % size;
    AT_MPI(MPI_Sendrecv(out, N, MPI_INT, (rank + 1) % size, round, in, N, MPI_INT, from, round,
                        comm, MPI_STATUS_IGNORE));
    for (int i = 0; i < N; i++) {
        int want = round * 1000000 + from * 100000 + i % 99991;
        if (in[i] != want) {
            MPT_CHECK(0, "round %d: ring int %d = %d, expected %d", round, i, in[i], want);
            break;
        }
    }
    free(out);
    free(in);
}

/*
 * After the last session ended (and MPI_Finalize, in "mixed"), MPI is not running: a session's
 * error handler can still be made and freed (MPI 4.1, Table 11.1), and new sessions start it
 * again, each with the thread level it asks for under the MPI 4.0 key thread_level. Their
 * communicators carry MPI_TAG_UB but none of the world model's other attributes.
 */
static void restart(int nprocs)
{
    MPI_Errhandler eh;
    AT_MPI(MPI_Session_create_errhandler(on_error, &eh));
    static const char *const level[] = {"MPI_THREAD_SERIALIZED", "MPI_THREAD_FUNNELED"};
    for (int round = 0; round < 2; round++) {
        MPI_Info info, used;
        MPI_Session s = MPI_SESSION_NULL;
        AT_MPI(MPI_Info_create(&info));
        AT_MPI(MPI_Info_set(info, "thread_level", level[round]));
        AT_MPI(MPI_Session_init(info, eh, &s));
        AT_MPI(MPI_Info_free(&info));
        AT_MPI(MPI_Session_get_info(s, &used));
        static const char *const keys[] = {"mpi_thread_support_level", "thread_level"};
        for (int k = 0; k < 2; k++) {
            char v[64] = "";
            int flag = 0;
            AT_MPI(MPI_Info_get(used, keys[k], 63, v, &flag));
            MPT_CHECK(flag && strcmp(v, level[round]) == 0, "restart %d: %s \"%s\", expected %s",
                      round, keys[k], v, level[round]);
        }
        AT_MPI(MPI_Info_free(&used));
        comms(s, nprocs);
        MPI_Group g;
        MPI_Comm world;
        AT_MPI(MPI_Group_from_session_pset(s, "mpi://WORLD", &g));
        AT_MPI(MPI_Comm_create_from_group(g, "libmp.test.restart", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                          &world));
        AT_MPI(MPI_Group_free(&g));
        ring(world, round);
        int *value = NULL, flag = 0;
        AT_MPI(MPI_Comm_get_attr(world, MPI_TAG_UB, &value, &flag));
        MPT_CHECK(flag && *value >= 32767, "MPI_TAG_UB of a session's communicator: flag %d", flag);
        static const int world_only[] = {MPI_HOST, MPI_IO, MPI_WTIME_IS_GLOBAL, MPI_UNIVERSE_SIZE,
                                         MPI_APPNUM};
        for (int k = 0; k < 5; k++) {
            flag = -1;
            AT_MPI(MPI_Comm_get_attr(world, world_only[k], &value, &flag));
            MPT_CHECK(flag == 0, "key %d is on a session's communicator", world_only[k]);
        }
        AT_MPI(MPI_Comm_free(&world));
        int calls = handler_calls;
        int rc = MPI_Group_from_session_pset(s, "mpi://NOWHERE", &g);
        MPT_CHECK(rc == MPI_ERR_ARG && handler_calls == calls + 1,
                  "restart %d: a bad process set gave %d, %d handler calls", round, rc,
                  handler_calls - calls);
        AT_MPI(MPI_Session_finalize(&s));
    }
    AT_MPI(MPI_Errhandler_free(&eh));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: session alone|mixed NPROCS\n");
        return 2;
    }
    bool mixed = strcmp(argv[1], "mixed") == 0;
    int nprocs = (int)mpt_parse_long(argv[2], "NPROCS");
    int flag = -1;

    /* Before anything else starts MPI (MPI 4.1, Table 11.1). */
    MPI_Errhandler early;
    AT_MPI(MPI_Session_create_errhandler(on_error, &early));
    AT_MPI(MPI_Errhandler_free(&early));
    MPT_CHECK(early == MPI_ERRHANDLER_NULL, "MPI_Errhandler_free left the handle");
    if (mixed) {
        AT_MPI(MPI_Init(&argc, &argv));
    }
    MPI_Session s1 = open_session(mixed ? "MPI_THREAD_SERIALIZED" : "MPI_THREAD_FUNNELED",
                                  mixed ? "MPI_THREAD_SINGLE" : "MPI_THREAD_FUNNELED");
    MPI_Session s2 =
        open_session("MPI_THREAD_MULTIPLE", mixed ? "MPI_THREAD_SINGLE" : "MPI_THREAD_FUNNELED");
    AT_MPI(MPI_Initialized(&flag));
    MPT_CHECK(flag == mixed, "MPI_Initialized says %d", flag);
    psets(s1, nprocs);
    comms(s1, nprocs);
    buffers(s1, s2, nprocs);
    mixing(s1, s2, mixed);
    errors(s2);
    from_group_errors(s1, nprocs);
    AT_MPI(MPI_Session_finalize(&s2));
    MPT_CHECK(s2 == MPI_SESSION_NULL, "MPI_Session_finalize left the handle");
    if (mixed) {
        AT_MPI(MPI_Finalize());
        AT_MPI(MPI_Finalized(&flag));
        MPT_CHECK(flag == 1, "MPI_Finalized says %d after MPI_Finalize", flag);
    }
    comms(s1, nprocs); /* the session still works (after MPI_Finalize too) */
    AT_MPI(MPI_Session_finalize(&s1));
    AT_MPI(MPI_Finalized(&flag));
    MPT_CHECK(flag == mixed, "MPI_Finalized says %d at the end", flag);
    restart(nprocs);
    AT_MPI(MPI_Finalized(&flag));
    MPT_CHECK(flag == mixed, "MPI_Finalized says %d after the restarts", flag);
    int rank = 0;
    /* The rank to report: comms() recorded it. */
    rank = *mpt_rank_p();
    return mpt_finish(rank);
}
