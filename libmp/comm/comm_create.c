/*
 * Building communicators: the messages that agree on a free context id (MPICH's method: an
 * AND of every process's free-id mask) and that share what a new communicator needs (colors
 * and keys, the groups of an intercommunicator). Small binomial trees over internal pt2pt.
 */
#include "comm/comm_create.h"

#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/log.h"
#include "core/runtime.h"
#include "pt2pt/pt2pt.h"

/* The processes of one internal exchange: members of a communicator (all, or a list of its
 * ranks), trees rooted at one of them, messages on one context with one tag. */
typedef struct team {
    /* A copy of the communicator carrying the context to use; it outlives every request
     * started on it (each exchange waits for all of them), so it is marked predefined: the
     * references requests take never destroy it. */
    mp_comm_t wire;
    int n;            /* members */
    const int *ranks; /* wire rank of member i; NULL: i */
    int me;           /* my member index */
    int root;         /* the member trees are rooted at */
    int tag;
} team_t;

/* The tag of the next internal exchange on comm: collectives take theirs the same way. */
static int next_tag(mp_comm_t *comm)
{
    return (int)(comm->coll_seq++ & INT32_MAX);
}

static void team_init(team_t *t, const mp_comm_t *comm, bool coll_ctx, int tag)
{
    t->wire = *comm;
    t->wire.context_id = comm->context_id + (coll_ctx ? 1 : 0);
    t->wire.predefined = true;
    t->wire.freed = false;
    t->n = comm->size;
    t->ranks = NULL;
    t->me = comm->rank;
    t->root = 0;
    t->tag = tag;
}

static int member_rank(const team_t *t, int member)
{
    return t->ranks != NULL ? t->ranks[member] : member;
}

/* Member indices relative to the root, and back. */
static int rel_me(const team_t *t)
{
    return (t->me - t->root + t->n) % t->n;
}

static int abs_member(const team_t *t, int rel)
{
    return (rel + t->root) % t->n;
}

static const mp_datatype_t *byte_type(void)
{
    return mp_datatype_predefined((uintptr_t)MPI_BYTE);
}

static mp_status_t finish(mp_request_t *req)
{
    mp_request_wait(req);
    mp_status_t st = req->status.error;
    mp_request_free(req);
    return st;
}

/* Sends (send true) or receives bytes to or from member, and waits. */
static mp_status_t xfer(team_t *t, bool send, int member, void *buf, size_t bytes)
{
    mp_request_t *req = NULL;
    int peer = member_rank(t, member);
    mp_status_t st = send ? mp_pt2pt_isend(buf, bytes, byte_type(), peer, t->tag, &t->wire,
                                           MP_SEND_STANDARD, &req)
                          : mp_pt2pt_irecv(buf, bytes, byte_type(), peer, t->tag, &t->wire, &req);
    return st != MP_OK ? st : finish(req);
}

/* Exchanges bytes with member: both sides send and receive at once. */
static mp_status_t sendrecv(team_t *t, int member, const void *out, void *in, size_t bytes)
{
    mp_request_t *rreq = NULL, *sreq = NULL;
    int peer = member_rank(t, member);
    mp_status_t st = mp_pt2pt_irecv(in, bytes, byte_type(), peer, t->tag, &t->wire, &rreq);
    if (st != MP_OK) {
        return st;
    }
    st = mp_pt2pt_isend(out, bytes, byte_type(), peer, t->tag, &t->wire, MP_SEND_STANDARD, &sreq);
    mp_status_t rst = finish(rreq);
    if (st == MP_OK) {
        st = finish(sreq);
    }
    return st != MP_OK ? st : rst;
}

/* Binomial broadcast of bytes from the root. */
static mp_status_t team_bcast(team_t *t, void *buf, size_t bytes)
{
    int r = rel_me(t), mask = 1;
    while (mask < t->n) {
        if (r & mask) {
            mp_status_t st = xfer(t, false, abs_member(t, r - mask), buf, bytes);
            if (st != MP_OK) {
                return st;
            }
            break;
        }
        mask <<= 1;
    }
    for (mask >>= 1; mask > 0; mask >>= 1) {
        if (r + mask < t->n) {
            mp_status_t st = xfer(t, true, abs_member(t, r + mask), buf, bytes);
            if (st != MP_OK) {
                return st;
            }
        }
    }
    return MP_OK;
}

/* Binomial reduction of words with AND at the root (the others' words are left partial). */
static mp_status_t team_reduce_and(team_t *t, uint64_t *words, int nwords)
{
    uint64_t *tmp = malloc(sizeof(uint64_t) * (size_t)nwords);
    if (tmp == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_status_t st = MP_OK;
    int r = rel_me(t);
    for (int mask = 1; mask < t->n && st == MP_OK; mask <<= 1) {
        if (r & mask) {
            st = xfer(t, true, abs_member(t, r - mask), words, sizeof(uint64_t) * (size_t)nwords);
            break;
        }
        if (r + mask < t->n) {
            st = xfer(t, false, abs_member(t, r + mask), tmp, sizeof(uint64_t) * (size_t)nwords);
            for (int i = 0; i < nwords && st == MP_OK; i++) {
                words[i] &= tmp[i];
            }
        }
    }
    free(tmp);
    return st;
}

/* Every member's each bytes at mine end up in all (member order), on every member. */
static mp_status_t team_allgather(team_t *t, const void *mine, size_t each, void *all)
{
    mp_status_t st = MP_OK;
    if (t->me == t->root) {
        memcpy((char *)all + each * (size_t)t->me, mine, each);
        for (int i = 0; i < t->n && st == MP_OK; i++) {
            if (i != t->root) {
                st = xfer(t, false, i, (char *)all + each * (size_t)i, each);
            }
        }
    } else {
        st = xfer(t, true, t->root, (void *)mine, each);
    }
    return st != MP_OK ? st : team_bcast(t, all, each * (size_t)t->n);
}

/* ---- context ids ---- */

/* Takes the lowest count free pairs of an agreed mask into ids (as context ids). */
static mp_status_t pick_ids(const uint64_t *mask, int count, uint32_t *ids)
{
    int found = 0;
    for (int w = 0; w < MP_COMM_CTX_WORDS && found < count; w++) {
        uint64_t bits = mask[w];
        while (bits != 0 && found < count) {
            int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            ids[found++] = (uint32_t)(2 * (64 * w + b));
        }
    }
    if (found < count) {
        mp_log_error("no free context id left: %d communicators exist at once at most; free "
                     "communicators you no longer use",
                     MP_COMM_CTX_PAIRS);
        return MP_ERR_AGAIN;
    }
    return MP_OK;
}

/* The AND of the free masks of every member of t, on every member. */
static mp_status_t agree_mask(team_t *t, uint64_t mask[MP_COMM_CTX_WORDS])
{
    mp_comm_ctx_free_mask(mask);
    mp_status_t st = team_reduce_and(t, mask, MP_COMM_CTX_WORDS);
    return st != MP_OK ? st : team_bcast(t, mask, sizeof(uint64_t) * MP_COMM_CTX_WORDS);
}

/* One context id free at every member of t (which all take it when take is true). */
static mp_status_t agree_id(team_t *t, bool take, uint32_t *id_p)
{
    uint64_t mask[MP_COMM_CTX_WORDS];
    mp_status_t st = agree_mask(t, mask);
    if (st == MP_OK) {
        st = pick_ids(mask, 1, id_p);
    }
    if (st == MP_OK && take) {
        mp_comm_ctx_take(*id_p);
    }
    return st;
}

/* ---- building ---- */

static mp_status_t new_intra(mp_comm_t *parent, mp_group_t *group, uint32_t id,
                             mp_comm_t **newcomm_p)
{
    mp_comm_t *c = NULL;
    mp_status_t st = mp_comm_create(group, NULL, id, &c);
    if (st != MP_OK) {
        mp_comm_ctx_give(id);
        return st;
    }
    c->errhandler = parent->errhandler;
    *newcomm_p = c;
    return MP_OK;
}

typedef struct color_key {
    int color, key, rank;
} color_key_t;

static int by_key(const void *a, const void *b)
{
    const color_key_t *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The group of my color, ordered by key then parent rank. */
static mp_status_t split_group(mp_comm_t *parent, color_key_t *all, int color, mp_group_t **g_p)
{
    int n = 0;
    for (int i = 0; i < parent->size; i++) {
        if (all[i].color == color) {
            all[n++] = (color_key_t){color, all[i].key, i};
        }
    }
    qsort(all, (size_t)n, sizeof(*all), by_key);
    mp_group_t *g = NULL;
    mp_status_t st = mp_group_create(n, &g);
    if (st != MP_OK) {
        return st;
    }
    for (int i = 0; i < n; i++) {
        g->world_ranks[i] = parent->group->world_ranks[all[i].rank];
    }
    mp_group_seal(g);
    *g_p = g;
    return MP_OK;
}

mp_status_t mp_comm_split(mp_comm_t *parent, int color, int key, mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    color_key_t mine = {color < 0 ? -1 : color, key, parent->rank};
    color_key_t *all = malloc(sizeof(*all) * (size_t)parent->size);
    if (all == NULL) {
        return MP_ERR_NOMEM;
    }
    team_t t;
    team_init(&t, parent, true, next_tag(parent));
    mp_status_t st = team_allgather(&t, &mine, sizeof(mine), all);
    /* Every color may use the same id: their processes are disjoint. */
    uint32_t id = 0;
    if (st == MP_OK) {
        t.tag = next_tag(parent);
        st = agree_id(&t, color >= 0, &id);
    }
    mp_group_t *g = NULL;
    if (st == MP_OK && color >= 0) {
        st = split_group(parent, all, mine.color, &g);
        if (st != MP_OK) {
            mp_comm_ctx_give(id);
        } else {
            st = new_intra(parent, g, id, newcomm_p);
            mp_group_release(g);
        }
    }
    free(all);
    return st;
}

void mp_comm_release(mp_comm_t *comm)
{
    comm->freed = true;
    comm->magic = 0; /* the handle is gone, even while requests still hold the object */
    mp_comm_unref(comm);
}

mp_status_t mp_comm_create_from(mp_comm_t *parent, mp_group_t *group, mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    team_t t;
    team_init(&t, parent, true, next_tag(parent));
    uint32_t id = 0;
    mp_status_t st = agree_id(&t, group->rank >= 0, &id);
    if (st != MP_OK || group->rank < 0) {
        return st;
    }
    return new_intra(parent, group, id, newcomm_p);
}

/* A tag for create_group's exchanges: negative, so never one of the collectives' tags (which
 * are 0..INT32_MAX) nor MPI_ANY_TAG. */
static int group_tag(int tag)
{
    return INT32_MIN + tag % (INT32_MAX - 4);
}

mp_status_t mp_comm_create_group(mp_comm_t *parent, mp_group_t *group, int tag,
                                 mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    int *ranks = malloc(sizeof(int) * (size_t)group->size);
    if (ranks == NULL) {
        return MP_ERR_NOMEM;
    }
    for (int i = 0; i < group->size; i++) {
        ranks[i] = mp_group_rank_of(parent->group, group->world_ranks[i]);
    }
    team_t t;
    team_init(&t, parent, true, group_tag(tag));
    t.n = group->size;
    t.ranks = ranks;
    t.me = group->rank;
    uint32_t id = 0;
    mp_status_t st = agree_id(&t, true, &id);
    free(ranks);
    return st != MP_OK ? st : new_intra(parent, group, id, newcomm_p);
}

/* ---- intercommunicators ---- */

/* What a leader tells the other leader, then its own group. */
typedef struct inter_hello {
    uint64_t mask[MP_COMM_CTX_WORDS]; /* the AND of the group's free masks */
    int32_t size;                     /* processes in the group */
    int32_t high;                     /* Intercomm_merge: the group's high flag */
    int32_t leader;                   /* the job rank of the group's leader */
} inter_hello_t;

/* The AND over both groups of the free masks, and the other group's hello, on every member of
 * local; link is how the local leader reaches the remote leader (member remote of link). */
static mp_status_t agree_inter(team_t *local, team_t *link, int remote, inter_hello_t *mine,
                               inter_hello_t *theirs)
{
    mp_comm_ctx_free_mask(mine->mask);
    mp_status_t st = team_reduce_and(local, mine->mask, MP_COMM_CTX_WORDS);
    if (st == MP_OK && local->me == local->root) {
        st = sendrecv(link, remote, mine, theirs, sizeof(*mine));
        for (int i = 0; i < MP_COMM_CTX_WORDS; i++) {
            theirs->mask[i] &= mine->mask[i];
        }
    }
    return st != MP_OK ? st : team_bcast(local, theirs, sizeof(*theirs));
}

/* The remote group's job ranks: the leaders swap their groups, then tell their members. */
static mp_status_t swap_groups(team_t *local, team_t *link, int remote, const mp_group_t *mine,
                               int remote_size, mp_group_t **remote_p)
{
    mp_group_t *g = NULL;
    mp_status_t st = mp_group_create(remote_size, &g);
    if (st != MP_OK) {
        return st;
    }
    if (local->me == local->root) {
        mp_request_t *rreq = NULL, *sreq = NULL;
        int peer = member_rank(link, remote);
        st = mp_pt2pt_irecv(g->world_ranks, sizeof(int) * (size_t)remote_size, byte_type(), peer,
                            link->tag, &link->wire, &rreq);
        if (st == MP_OK) {
            st = mp_pt2pt_isend(mine->world_ranks, sizeof(int) * (size_t)mine->size, byte_type(),
                                peer, link->tag, &link->wire, MP_SEND_STANDARD, &sreq);
            mp_status_t rst = finish(rreq);
            st = st != MP_OK ? st : finish(sreq);
            st = st != MP_OK ? st : rst;
        }
    }
    if (st == MP_OK) {
        st = team_bcast(local, g->world_ranks, sizeof(int) * (size_t)remote_size);
    }
    if (st != MP_OK) {
        mp_group_release(g);
        return st;
    }
    mp_group_seal(g);
    *remote_p = g;
    return MP_OK;
}

/* An intercommunicator over group and remote with ids[0], and its local intracommunicator with
 * ids[1]; both ids are taken. */
static mp_status_t new_inter(mp_comm_t *parent, mp_group_t *group, mp_group_t *remote,
                             const uint32_t ids[2], mp_comm_t **newcomm_p)
{
    mp_comm_t *c = NULL, *l = NULL;
    mp_status_t st = mp_comm_create(group, remote, ids[0], &c);
    if (st == MP_OK) {
        st = mp_comm_create(group, NULL, ids[1], &l);
    }
    if (st != MP_OK) {
        if (c != NULL) {
            mp_comm_release(c); /* gives ids[0] back */
        } else {
            mp_comm_ctx_give(ids[0]);
        }
        mp_comm_ctx_give(ids[1]);
        return st;
    }
    c->local_comm = l;
    c->errhandler = parent->errhandler;
    *newcomm_p = c;
    return MP_OK;
}

static mp_status_t take_two(const uint64_t *mask, uint32_t ids[2])
{
    mp_status_t st = pick_ids(mask, 2, ids);
    if (st == MP_OK) {
        mp_comm_ctx_take(ids[0]);
        mp_comm_ctx_take(ids[1]);
    }
    return st;
}

mp_status_t mp_comm_intercomm_create(mp_comm_t *local, int local_leader, mp_comm_t *peer,
                                     int remote_leader, int tag, mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    team_t lt, link;
    team_init(&lt, local, true, next_tag(local));
    lt.root = local_leader;
    memset(&link, 0, sizeof(link));
    if (peer != NULL) { /* the local leader only */
        team_init(&link, peer, false, tag);
    }
    inter_hello_t mine = {.size = local->size}, theirs;
    memset(&theirs, 0, sizeof(theirs));
    mp_status_t st = agree_inter(&lt, &link, remote_leader, &mine, &theirs);
    mp_group_t *remote = NULL;
    if (st == MP_OK) {
        st = swap_groups(&lt, &link, remote_leader, local->group, theirs.size, &remote);
    }
    uint32_t ids[2];
    if (st == MP_OK) {
        st = take_two(theirs.mask, ids);
    }
    if (st == MP_OK) {
        st = new_inter(local, local->group, remote, ids, newcomm_p);
    }
    mp_group_release(remote);
    return st;
}

/* The exchanges between the two groups of inter: inside each on its local communicator, and
 * between the leaders (rank 0 of each group) on inter's collective context. */
static void inter_teams(mp_comm_t *inter, team_t *lt, team_t *link)
{
    team_init(lt, inter->local_comm, true, next_tag(inter->local_comm));
    team_init(link, inter, true, next_tag(inter));
}

static mp_status_t dup_inter(mp_comm_t *parent, mp_comm_t **newcomm_p)
{
    team_t lt, link;
    inter_teams(parent, &lt, &link);
    inter_hello_t mine = {.size = parent->size}, theirs;
    mp_status_t st = agree_inter(&lt, &link, 0, &mine, &theirs);
    uint32_t ids[2];
    if (st == MP_OK) {
        st = take_two(theirs.mask, ids);
    }
    return st != MP_OK ? st
                       : new_inter(parent, parent->group, parent->remote_group, ids, newcomm_p);
}

mp_status_t mp_comm_dup(mp_comm_t *parent, mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    if (parent->is_inter) {
        return dup_inter(parent, newcomm_p);
    }
    team_t t;
    team_init(&t, parent, true, next_tag(parent));
    uint32_t id = 0;
    mp_status_t st = agree_id(&t, true, &id);
    return st != MP_OK ? st : new_intra(parent, parent->group, id, newcomm_p);
}

/* The merged group: first's members, then second's. */
static mp_status_t concat(const mp_group_t *first, const mp_group_t *second, mp_group_t **g_p)
{
    mp_group_t *g = NULL;
    mp_status_t st = mp_group_create(first->size + second->size, &g);
    if (st != MP_OK) {
        return st;
    }
    memcpy(g->world_ranks, first->world_ranks, sizeof(int) * (size_t)first->size);
    memcpy(g->world_ranks + first->size, second->world_ranks, sizeof(int) * (size_t)second->size);
    mp_group_seal(g);
    *g_p = g;
    return MP_OK;
}

mp_status_t mp_comm_intercomm_merge(mp_comm_t *inter, bool high, mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    team_t lt, link;
    inter_teams(inter, &lt, &link);
    inter_hello_t mine = {.size = inter->size,
                          .high = high,
                          .leader = inter->group->world_ranks[0]},
                  theirs;
    mp_status_t st = agree_inter(&lt, &link, 0, &mine, &theirs);
    uint32_t id = 0;
    if (st == MP_OK) {
        st = pick_ids(theirs.mask, 1, &id);
    }
    if (st != MP_OK) {
        return st;
    }
    mp_comm_ctx_take(id);
    /* The bcast overwrote nothing of mine: my group's flag is high, theirs theirs.high. */
    bool me_first = high != (theirs.high != 0) ? !high : mine.leader < theirs.leader;
    mp_group_t *g = NULL;
    st = me_first ? concat(inter->group, inter->remote_group, &g)
                  : concat(inter->remote_group, inter->group, &g);
    if (st != MP_OK) {
        mp_comm_ctx_give(id);
        return st;
    }
    st = new_intra(inter, g, id, newcomm_p);
    mp_group_release(g);
    return st;
}
