/*
 * How two jobs part: MPI_Finalize acts as MPI_Comm_disconnect on every communicator that still
 * connects a process to another job. Parents spawn K children; both sides build up to four
 * communicators that join them (the intercommunicator, its duplicate, their merge, one made by
 * MPI_Comm_accept/connect), exchange checked messages on the intercommunicator (small ones and a
 * large one, one more small one sent just before the side parts), and then each side treats
 * each communicator as its actions say, in order: d MPI_Comm_disconnect, F MPI_Comm_free, f
 * nothing (MPI_Finalize ends it). Usage: farewell K PARENT-CHILD[-LATE[-OPTS]], e.g. farewell 2
 * f-d-c: the parents keep the intercommunicator to MPI_Finalize, the children disconnect it;
 * LATE p or c: that side sleeps 0.3 s before it receives, so the other one parts first; OPTS n:
 * the children spawn grandchildren in turn, with the same actions; r: only the children's rank
 * 0 disconnects, the other children leave everything to MPI_Finalize. Both action strings have the
 * same length, 1 to 4 (the number of communicators). A side that disconnects a communicator the
 * other side keeps waits for the other's MPI_Finalize, so from there on the other side must not
 * disconnect anything (in any MPI, that would wait for the first side: a deadlock); such modes
 * are refused.
 */
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

#define BIG_COUNT (1 << 18) /* 1 MiB of ints: past every eager limit, so rendezvous */
#define NCOMMS_MAX 4

typedef struct mode {
    char parent[NCOMMS_MAX + 1]; /* the spawning side's actions */
    char child[NCOMMS_MAX + 1];  /* the spawned side's actions */
    char late;                   /* 'p', 'c' or 0: the side that receives late */
    bool nested;                 /* the children spawn grandchildren */
    bool root_only;              /* only the children's rank 0 disconnects */
    int ncomms;
} mode_t_;

static void parse_mode(const char *text, mode_t_ *m)
{
    memset(m, 0, sizeof(*m));
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", text);
    char *save = NULL;
    const char *p = strtok_r(buf, "-", &save);
    const char *c = p != NULL ? strtok_r(NULL, "-", &save) : NULL;
    const char *late = c != NULL ? strtok_r(NULL, "-", &save) : NULL;
    const char *nest = late != NULL ? strtok_r(NULL, "-", &save) : NULL;
    size_t n = p != NULL ? strlen(p) : 0;
    bool ok = p != NULL && c != NULL && n >= 1 && n <= NCOMMS_MAX && strlen(c) == n &&
              strspn(p, "dFf") == n && strspn(c, "dFf") == n;
    if (late != NULL && strcmp(late, "p") != 0 && strcmp(late, "c") != 0 &&
        strcmp(late, "0") != 0) {
        ok = false;
    }
    if (nest != NULL && (nest[0] == '\0' || strspn(nest, "nr") != strlen(nest))) {
        ok = false;
    }
    /* The first communicator that one side disconnects and the other keeps: the keeping side
     * disconnects nothing after it. */
    for (size_t i = 0; ok && i < n; i++) {
        if ((p[i] == 'd') != (c[i] == 'd')) {
            const char *keeper = p[i] == 'd' ? c : p;
            ok = strchr(keeper + i + 1, 'd') == NULL;
            break;
        }
    }
    if (!ok) {
        fprintf(stderr,
                "bad mode '%s': PARENT-CHILD[-LATE[-OPTS]], actions d F f, 1 to %d each, "
                "same length, no 'd' after the first one that the other side keeps; LATE p, c or "
                "0; OPTS n, r\n",
                text, NCOMMS_MAX);
        exit(2);
    }
    memcpy(m->parent, p, n);
    memcpy(m->child, c, n);
    m->late = late != NULL && late[0] != '0' ? late[0] : 0;
    m->nested = nest != NULL && strchr(nest, 'n') != NULL;
    m->root_only = nest != NULL && strchr(nest, 'r') != NULL;
    m->ncomms = (int)n;
}

/* The values: from side (0 parents, 1 children) rank a to remote rank b, message i, level. */
static int value(int side, int a, int b, int i, int level)
{
    return 1000000 * level + 100000 * side + 1000 * a + 10 * b + i;
}

/* The messages on inter: each process sends every remote rank two small ones and a large one,
 * receives theirs (after a sleep when late), then sends a last small one that the other side
 * receives after it (so a side that parts at once still has one in flight). */
static void exchange(MPI_Comm inter, int side, bool late, int level)
{
    int me, nremote;
    MPI_Comm_rank(inter, &me);
    MPI_Comm_remote_size(inter, &nremote);
    int *small = calloc(2 * (size_t)nremote, sizeof(int));
    int *big = malloc(sizeof(int) * BIG_COUNT);
    int *got = malloc(sizeof(int) * BIG_COUNT);
    MPI_Request *reqs = calloc(3 * (size_t)nremote, sizeof(MPI_Request));
    for (int i = 0; i < BIG_COUNT; i++) {
        big[i] = value(side, me, 0, 0, level) + i;
    }
    for (int o = 0; o < nremote; o++) {
        small[2 * o] = value(side, me, o, 1, level);
        small[2 * o + 1] = value(side, me, o, 2, level);
        CHECK_RC(MPI_Isend(&small[2 * o], 1, MPI_INT, o, 1, inter, &reqs[3 * o]));
        CHECK_RC(MPI_Isend(&small[2 * o + 1], 1, MPI_INT, o, 2, inter, &reqs[3 * o + 1]));
        CHECK_RC(MPI_Isend(big, BIG_COUNT, MPI_INT, o, 3, inter, &reqs[3 * o + 2]));
    }
    if (late) {
        mpt_sleep_ms(300);
    }
    for (int o = 0; o < nremote; o++) {
        for (int i = 1; i <= 2; i++) {
            int v = -1;
            CHECK_RC(MPI_Recv(&v, 1, MPI_INT, o, i, inter, MPI_STATUS_IGNORE));
            MPT_CHECK(v == value(1 - side, o, me, i, level), "from remote %d message %d: %d", o, i,
                      v);
        }
        memset(got, 0, sizeof(int) * BIG_COUNT);
        CHECK_RC(MPI_Recv(got, BIG_COUNT, MPI_INT, o, 3, inter, MPI_STATUS_IGNORE));
        int bad = 0;
        for (int i = 0; i < BIG_COUNT; i++) {
            bad += got[i] != value(1 - side, o, 0, 0, level) + i;
        }
        MPT_CHECK(bad == 0, "from remote %d: %d wrong ints of the large message", o, bad);
    }
    CHECK_RC(MPI_Waitall(3 * nremote, reqs, MPI_STATUSES_IGNORE));
    /* The last ones: the late side receives them, the other sends and parts at once. */
    for (int o = 0; o < nremote; o++) {
        int v = value(side, me, o, 9, level);
        if (late) {
            CHECK_RC(MPI_Recv(&v, 1, MPI_INT, o, 9, inter, MPI_STATUS_IGNORE));
            MPT_CHECK(v == value(1 - side, o, me, 9, level), "last from remote %d: %d", o, v);
        } else {
            CHECK_RC(MPI_Send(&v, 1, MPI_INT, o, 9, inter));
        }
    }
    free(small);
    free(big);
    free(got);
    free(reqs);
}

/* The communicators that join the two sides, built alike on both (collective calls in the same
 * order); the port's name travels over inter. */
static void build(MPI_Comm inter, int side, int ncomms, MPI_Comm comms[NCOMMS_MAX])
{
    comms[0] = inter;
    if (ncomms > 1) {
        CHECK_RC(MPI_Comm_dup(inter, &comms[1]));
    }
    if (ncomms > 2) {
        CHECK_RC(MPI_Intercomm_merge(inter, side, &comms[2]));
    }
    if (ncomms > 3) {
        char port[MPI_MAX_PORT_NAME] = "";
        int me;
        MPI_Comm_rank(inter, &me);
        if (side == 0) {
            if (me == 0) {
                CHECK_RC(MPI_Open_port(MPI_INFO_NULL, port));
            }
            CHECK_RC(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR,
                               me == 0 ? MPI_ROOT : MPI_PROC_NULL, inter));
            CHECK_RC(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &comms[3]));
            if (me == 0) {
                CHECK_RC(MPI_Close_port(port));
            }
        } else {
            CHECK_RC(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, inter));
            CHECK_RC(MPI_Comm_connect(port, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &comms[3]));
        }
    }
    /* Each one works: the sum of the ranks' (side + 1) over it. */
    for (int i = 1; i < ncomms; i++) {
        int mine = side + 1, sum = -1, size, rsize = 0, inter_flag = 0;
        MPI_Comm_size(comms[i], &size);
        MPI_Comm_test_inter(comms[i], &inter_flag);
        if (inter_flag) {
            MPI_Comm_remote_size(comms[i], &rsize);
        }
        CHECK_RC(MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, comms[i]));
        int nl, nr;
        MPI_Comm_size(inter, &nl);
        MPI_Comm_remote_size(inter, &nr);
        int want = inter_flag ? rsize * (2 - side) : nl * (side + 1) + nr * (2 - side);
        MPT_CHECK(sum == want, "communicator %d: allreduce gave %d, expected %d", i, sum, want);
    }
}

/* Takes each action in turn; what is left ('f') MPI_Finalize ends. */
static void part(MPI_Comm comms[NCOMMS_MAX], const char *actions, int ncomms)
{
    for (int i = 0; i < ncomms; i++) {
        if (actions[i] == 'd') {
            CHECK_RC(MPI_Comm_disconnect(&comms[i]));
            MPT_CHECK(comms[i] == MPI_COMM_NULL, "disconnect left handle %d", i);
        } else if (actions[i] == 'F') {
            CHECK_RC(MPI_Comm_free(&comms[i]));
        }
    }
}

static void spawn_children(const char *prog, const char *k_text, const char *mode_text, int level,
                           const mode_t_ *m)
{
    int k = (int)mpt_parse_long(k_text, "children");
    char lv[16];
    snprintf(lv, sizeof(lv), "%d", level + 1);
    char *args[] = {"child", (char *)k_text, (char *)mode_text, lv, NULL};
    MPI_Comm inter = MPI_COMM_NULL, comms[NCOMMS_MAX];
    CHECK_RC(MPI_Comm_spawn(prog, args, k, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &inter,
                            MPI_ERRCODES_IGNORE));
    build(inter, 0, m->ncomms, comms);
    exchange(inter, 0, m->late == 'p', level);
    part(comms, m->parent, m->ncomms);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    bool is_child = argc > 4 && strcmp(argv[1], "child") == 0;
    if (argc < (is_child ? 5 : 3)) {
        fprintf(stderr, "usage: %s K PARENT-CHILD[-LATE[-OPTS]]\n", argv[0]);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    const char *k_text = argv[is_child ? 2 : 1], *mode_text = argv[is_child ? 3 : 2];
    mode_t_ m;
    parse_mode(mode_text, &m);
    MPI_Comm parent;
    CHECK_RC(MPI_Comm_get_parent(&parent));
    MPT_CHECK((parent != MPI_COMM_NULL) == is_child, "MPI_Comm_get_parent: %s",
              parent == MPI_COMM_NULL ? "none" : "a parent");
    int level = is_child ? (int)mpt_parse_long(argv[4], "level") : 0;
    if (is_child && parent != MPI_COMM_NULL) {
        MPI_Comm comms[NCOMMS_MAX];
        build(parent, 1, m.ncomms, comms);
        /* Grandchildren first, so that this job parts from both at its end. */
        if (m.nested && level == 1) {
            spawn_children(argv[0], k_text, mode_text, level, &m);
        }
        exchange(parent, 1, m.late == 'c', level - 1);
        if (m.root_only && rank != 0) {
            /* The others keep what the children's rank 0 disconnects: MPI_Finalize ends it. */
            for (int i = 0; i < m.ncomms; i++) {
                m.child[i] = m.child[i] == 'd' ? 'f' : m.child[i];
            }
        }
        part(comms, m.child, m.ncomms);
        if (m.child[0] == 'd' && !(m.root_only && rank != 0)) {
            CHECK_RC(MPI_Comm_get_parent(&parent));
            MPT_CHECK(parent == MPI_COMM_NULL, "MPI_Comm_get_parent after the disconnect");
        }
        MPI_Finalize();
        return mpt_finish(-1); /* the first job's rank 0 says "No Errors" */
    }
    spawn_children(argv[0], k_text, mode_text, level, &m);
    MPI_Finalize();
    return mpt_finish(rank);
}
