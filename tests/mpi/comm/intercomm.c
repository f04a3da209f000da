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
static void all_to_all(MPI_Comm inter, const char *what)
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
        int want = s >= 0 && s < rsize ? ct_world_rank(inter, s, 1) : -1;
        MPT_CHECK(s >= 0 && s < rsize && !seen[s] && st.MPI_TAG == s && v == want,
                  "%s: got %d from source %d tag %d, expected world rank %d", what, v, s,
                  st.MPI_TAG, want);
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

/* Split both groups by the parity of the local rank, keys reversing the order; the parts of
 * one parity are joined across. Then MPI_Comm_create with local ranks 0 and 1 of each side. */
static void check_split(MPI_Comm inter, int color)
{
    int lrank, lsize, rsize;
    MPI_Comm part, two;
    P2P_MPI(MPI_Comm_rank(inter, &lrank));
    P2P_MPI(MPI_Comm_size(inter, &lsize));
    P2P_MPI(MPI_Comm_remote_size(inter, &rsize));
    int par = lrank % 2;
    P2P_MPI(MPI_Comm_split(inter, par, -lrank, &part));
    int want_local = (lsize - par + 1) / 2, want_remote = (rsize - par + 1) / 2;
    if (want_remote == 0) {
        MPT_CHECK(part == MPI_COMM_NULL, "split: no remote process of my color, yet a result");
    } else {
        int s = -1, rs = -1, r = -1;
        P2P_MPI(MPI_Comm_size(part, &s));
        P2P_MPI(MPI_Comm_remote_size(part, &rs));
        P2P_MPI(MPI_Comm_rank(part, &r));
        MPT_CHECK(s == want_local && rs == want_remote && r == (lsize - 1 - lrank) / 2,
                  "split: size %d remote %d rank %d, expected %d %d %d", s, rs, r, want_local,
                  want_remote, (lsize - 1 - lrank) / 2);
        for (int i = 0; i < rs; i++) {
            /* Remote rank i: the remote local rank of my parity, i-th from the top. */
            int rl = par + 2 * ((rsize - 1 - par) / 2 - i);
            int w = ct_world_rank(part, i, 1);
            MPT_CHECK(w == member(1 - color, rl), "split: remote rank %d is world %d, expected %d",
                      i, w, member(1 - color, rl));
        }
    }
    /* Traffic on the parts (all_to_all ends with a barrier over the world: everyone joins). */
    if (part != MPI_COMM_NULL) {
        all_to_all(part, "split intercomm");
        P2P_MPI(MPI_Comm_free(&part));
    } else {
        p2p_barrier(MPI_COMM_WORLD);
    }
    MPI_Group g, two_g;
    int first[2] = {0, 1};
    P2P_MPI(MPI_Comm_group(inter, &g));
    P2P_MPI(MPI_Group_incl(g, lsize < 2 ? 1 : 2, first, &two_g));
    P2P_MPI(MPI_Comm_create(inter, two_g, &two));
    if (lrank >= 2) {
        MPT_CHECK(two == MPI_COMM_NULL, "create: a process outside the group got a result");
    } else {
        int s = -1, rs = -1;
        P2P_MPI(MPI_Comm_size(two, &s));
        P2P_MPI(MPI_Comm_remote_size(two, &rs));
        MPT_CHECK(s == (lsize < 2 ? 1 : 2) && rs == (rsize < 2 ? 1 : 2),
                  "create on intercomm: size %d remote %d", s, rs);
        P2P_MPI(MPI_Comm_free(&two));
    }
    P2P_MPI(MPI_Group_free(&two_g));
    P2P_MPI(MPI_Group_free(&g));
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
    all_to_all(inter, "intercomm");
    ping_pong(inter, color);
    P2P_MPI(MPI_Comm_dup(inter, &dup));
    int cmp = -1;
    P2P_MPI(MPI_Comm_compare(inter, dup, &cmp));
    MPT_CHECK(cmp == MPI_CONGRUENT, "intercomm vs its dup: %d", cmp);
    all_to_all(dup, "dup of intercomm");
    check_split(inter, color);
    /* The group passing high = 0 comes first; equal flags: the evens (leader world rank 0). */
    check_merge(inter, color, color, 0);
    check_merge(dup, color, 1 - color, 1);
    check_merge(inter, color, 0, 0);
    check_merge(dup, color, 1, 0);
    /* The same two groups through MPI_Intercomm_create_from_groups, leaders 0 and last. */
    MPI_Group wg, eg, og, mg;
    MPI_Comm fg;
    int range_e[1][3] = {{0, wsize - 1, 2}}, range_o[1][3] = {{1, wsize - 1, 2}};
    P2P_MPI(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    P2P_MPI(MPI_Group_range_incl(wg, 1, range_e, &eg));
    P2P_MPI(MPI_Group_range_incl(wg, 1, range_o, &og));
    P2P_MPI(MPI_Group_size(color == 0 ? og : eg, &rsize));
    P2P_MPI(MPI_Intercomm_create_from_groups(
        color == 0 ? eg : og, color == 0 ? 0 : no - 1, color == 0 ? og : eg,
        color == 0 ? no - 1 : 0, "intercomm test", MPI_INFO_NULL, MPI_ERRORS_RETURN, &fg));
    P2P_MPI(MPI_Comm_remote_group(fg, &mg));
    int cmpg = -1;
    P2P_MPI(MPI_Group_compare(mg, color == 0 ? og : eg, &cmpg));
    MPT_CHECK(cmpg == MPI_IDENT, "from_groups: the remote group differs (%d)", cmpg);
    all_to_all(fg, "from groups");
    P2P_MPI(MPI_Comm_free(&fg));
    MPI_Group *gs[] = {&wg, &eg, &og, &mg};
    for (int i = 0; i < 4; i++) {
        P2P_MPI(MPI_Group_free(gs[i]));
    }
    P2P_MPI(MPI_Comm_free(&dup));
    P2P_MPI(MPI_Comm_free(&inter));
    P2P_MPI(MPI_Comm_free(&local));
    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(wrank);
}
