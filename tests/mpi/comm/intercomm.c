/*
 * Intercommunicators: MPI_Intercomm_create between the even and the odd world ranks (leaders
 * chosen off rank 0 of each group to test the leader mapping), sizes and remote groups,
 * point-to-point between the groups (ranks name the remote group, statuses too), MPI_Comm_dup
 * of an intercommunicator, and MPI_Intercomm_merge with every high flag combination.
 */
#include "commtest.h"

static int wrank, wsize;

/* World rank of rank r of the even (color 0) or odd (color 1) group. */
static int member(int color, int r)
{
    return 2 * r + color;
}

/* Every rank sends its world rank to every remote rank (tag = its local rank) and receives one
 * message from every remote rank with MPI_ANY_SOURCE, checking source, tag and value. */
static void all_to_all(MPI_Comm inter, int color, const char *what)
{
    int lrank, rsize;
    P2P_MPI(MPI_Comm_rank(inter, &lrank));
    P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
    MPI_Request *reqs = malloc(sizeof(MPI_Request) * (size_t)rsize);
    for (int r = 0; r < rsize; r++) {
        P2P_MPI(MPI_Isend(&wrank, 1, MPI_INT, r, lrank, inter, &reqs[r]));
    }
    char *seen = calloc((size_t)rsize, 1);
    for (int i = 0; i < rsize; i++) {
        int v = -1;
        MPI_Status st;
        P2P_MPI(MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, inter, &st));
        int s = st.MPI_SOURCE;
        MPT_CHECK(s >= 0 && s < rsize && !seen[s] && st.MPI_TAG == s && v == member(1 - color, s),
                  "%s: got %d from source %d tag %d, expected world rank %d", what, v, s,
                  st.MPI_TAG, s >= 0 && s < rsize ? member(1 - color, s) : -1);
        if (s >= 0 && s < rsize) {
            seen[s] = 1;
        }
    }
    P2P_MPI(MPI_Waitall(rsize, reqs, MPI_STATUSES_IGNORE));
    /* The wildcard receives are done everywhere before the next messages go. */
    p2p_barrier(MPI_COMM_WORLD);
    free(seen);
    free(reqs);
}

/* Ping-pong between local rank 0 and remote rank 0, with a synchronous send. */
static void ping_pong(MPI_Comm inter, int color)
{
    int lrank, v = -1;
    MPI_Status st;
    P2P_MPI(MPI_Comm_rank(inter, &lrank));
    if (lrank != 0) {
        return;
    }
    for (int i = 0; i < 10; i++) {
        if (color == 0) {
            int out = 100 * i;
            P2P_MPI(MPI_Ssend(&out, 1, MPI_INT, 0, 77, inter));
            P2P_MPI(MPI_Recv(&v, 1, MPI_INT, 0, 78, inter, &st));
            MPT_CHECK(v == 100 * i + 1 && st.MPI_SOURCE == 0, "pong %d: got %d from %d", i, v,
                      st.MPI_SOURCE);
        } else {
            P2P_MPI(MPI_Recv(&v, 1, MPI_INT, 0, 77, inter, &st));
            MPT_CHECK(v == 100 * i && st.MPI_SOURCE == 0, "ping %d: got %d from %d", i, v,
                      st.MPI_SOURCE);
            v++;
            P2P_MPI(MPI_Send(&v, 1, MPI_INT, 0, 78, inter));
        }
    }
}

static void check_merge(MPI_Comm inter, int color, int high, int first_color)
{
    MPI_Comm merged;
    int ne = (wsize + 1) / 2, rank = -1, size = -1;
    P2P_MPI(MPI_Intercomm_merge(inter, high, &merged));
    P2P_MPI(MPI_Comm_rank(merged, &rank));
    P2P_MPI(MPI_Comm_size(merged, &size));
    int first_size = first_color == 0 ? ne : wsize - ne;
    int want = (color == first_color ? 0 : first_size) + wrank / 2;
    MPT_CHECK(size == wsize && rank == want,
              "merge (my high %d, odd first %d): rank %d size %d, expected %d %d", high,
              first_color, rank, size, want, wsize);
    for (int r = 0; r < size; r++) {
        int c = r < first_size ? first_color : 1 - first_color;
        int w = ct_world_rank(merged, r, 0);
        int expect = member(c, r < first_size ? r : r - first_size);
        MPT_CHECK(w == expect, "merge: rank %d is world rank %d, expected %d", r, w, expect);
    }
    ct_ring(merged, 8, 99, "merged");
    P2P_MPI(MPI_Comm_free(&merged));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    mpt_set_rank(wrank);
    if (wsize < 2) {
        MPI_Finalize();
        return mpt_finish(wrank);
    }
    int color = wrank % 2, flag = -1, size = -1, rsize = -1;
    int ne = (wsize + 1) / 2, no = wsize / 2;
    MPI_Comm local, inter, dup;
    P2P_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, 0, &local));
    /* Leaders: the last rank of each group, reached through MPI_COMM_WORLD. */
    int my_leader = (color == 0 ? ne : no) - 1;
    int remote_leader = member(1 - color, (color == 0 ? no : ne) - 1);
    P2P_MPI(MPI_Intercomm_create(local, my_leader, MPI_COMM_WORLD, remote_leader, 42, &inter));
    P2P_MPI(MPI_Comm_test_inter(inter, &flag));
    P2P_MPI(MPI_Comm_size(inter, &size));
    P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
    MPT_CHECK(flag == 1, "MPI_Comm_test_inter gave %d", flag);
    MPT_CHECK(size == (color == 0 ? ne : no) && rsize == (color == 0 ? no : ne),
              "intercomm: size %d remote size %d", size, rsize);
    for (int r = 0; r < rsize; r++) {
        int w = ct_world_rank(inter, r, 1);
        MPT_CHECK(w == member(1 - color, r), "remote rank %d is world rank %d, expected %d", r, w,
                  member(1 - color, r));
    }
    all_to_all(inter, color, "intercomm");
    ping_pong(inter, color);
    P2P_MPI(MPI_Comm_dup(inter, &dup));
    int cmp = -1;
    P2P_MPI(MPI_Comm_compare(inter, dup, &cmp));
    MPT_CHECK(cmp == MPI_CONGRUENT, "intercomm vs its dup: %d", cmp);
    all_to_all(dup, color, "dup of intercomm");
    /* The group passing high = 0 comes first; equal flags: the evens (leader world rank 0). */
    check_merge(inter, color, color, 0);
    check_merge(dup, color, 1 - color, 1);
    check_merge(inter, color, 0, 0);
    check_merge(dup, color, 1, 0);
    P2P_MPI(MPI_Comm_free(&dup));
    P2P_MPI(MPI_Comm_free(&inter));
    P2P_MPI(MPI_Comm_free(&local));
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
