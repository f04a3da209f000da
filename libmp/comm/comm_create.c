/*
 * Building communicators: the messages that agree on a free context id (MPICH's method: an
 * AND of every process's free-id mask) and that share what a new communicator needs (colors
 * and keys, the groups of an intercommunicator). Small binomial trees over internal pt2pt.
 */
#include "comm/comm_create.h"

#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/lock.h"
#include "core/log.h"
#include "core/runtime.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"
#include "wireup/procs.h"

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

/* An offered mask: a bit per context-id pair, then a word that is 1 when the process offered
 * every id it has free (so an empty AND then means that ids ran out, not that some were held
 * back by agreements in flight). */
#define MASK_WORDS (MP_COMM_CTX_WORDS + 1)

/* Ids offered by nonblocking agreements whose round is in flight: nobody else offers them. */
static uint64_t reserved[MP_COMM_CTX_WORDS];

/* The first words of the table are never offered by nonblocking agreements, and they are all
 * a blocking one offers while a nonblocking one is in flight here: the two kinds never pick the
 * same id, and a blocking call never waits for a nonblocking round that waits for the blocked
 * process (MPICH's eager ids). Agreements take them last, so they stay free for that case. */
#define EAGER_WORDS 1

/* Nonblocking agreements in flight on this process (the list is further down). */
static bool nb_any(void);

/* MPI_THREAD_MULTIPLE: the last word of the table is kept for agreements of this process alone
 * (parents of one process, such as MPI_COMM_SELF): the others never offer it, nor count it as
 * held back. A round of several processes reserves all it offers until it ends, which may take
 * as long as its other processes take to join it; an agreement of this process alone must not
 * wait for that (see blocking_round_t), so it always finds ids there. */
#define LOCAL_WORD (MP_COMM_CTX_WORDS - 1)

/* What an agreement offers now (alone: of this process only); the last word says whether
 * nothing free was held back. */
static void offer(uint64_t mask[MASK_WORDS], bool nonblocking, bool alone)
{
    uint64_t withheld = 0;
    bool rest = nonblocking || !nb_any();
    mp_comm_ctx_free_mask(mask);
    for (int i = 0; i < MP_COMM_CTX_WORDS; i++) {
        uint64_t ok =
            i < EAGER_WORDS ? (nonblocking ? 0 : ~UINT64_C(0)) : (rest ? ~reserved[i] : 0);
        if (mp_lock_on && i == LOCAL_WORD) {
            ok = alone ? ~reserved[i] : 0;
            if (!alone) {
                mask[i] = 0; /* not theirs: never counted as held back from them */
            }
        }
        withheld |= mask[i] & ~ok;
        mask[i] &= ok;
    }
    mask[MP_COMM_CTX_WORDS] = withheld == 0;
}

/* Agreements in flight together on one process (of several threads, or nonblocking ones) take
 * turns (below), and the one whose turn it is reserves all it offers until its round ends. The
 * first round of an agreement may wait as long as its other processes take to start it, which
 * can be until another of these agreements ends (a program may start one only after another
 * completed): so every other round (even ones, the first included) offers only the agreement's
 * stripe of ids, whatever the turns: one bit of every word, chosen by the parent's pair. Parents
 * in flight together on a process have different context ids, so their stripes mostly differ.
 * A stripe without an id free everywhere leaves the next (odd) round to the turns, as before. */
static void keep_stripe(uint64_t mask[MASK_WORDS], uint32_t key_ctx)
{
    /* Word plus bit of the parent's pair: children of one parent, which a striped round puts on
     * one bit of successive words, get stripes of their own. */
    uint32_t pair = key_ctx / 2;
    uint64_t bit = UINT64_C(1) << ((pair / 64 + pair % 64) % 64);
    for (int i = 0; i < MP_COMM_CTX_WORDS; i++) {
        mask[i] &= bit;
    }
    mask[MP_COMM_CTX_WORDS] = 0; /* held back: the next round may find ids */
}

/* A round holds the ids it offered (outside the eager ones) until it ends. */
static void reserve(const uint64_t mask[MASK_WORDS], bool hold)
{
    for (int i = mp_lock_on ? 0 : EAGER_WORDS; i < MP_COMM_CTX_WORDS; i++) {
        reserved[i] = hold ? reserved[i] | mask[i] : reserved[i] & ~mask[i];
    }
}

/* MPI_THREAD_MULTIPLE: blocking agreements of several threads can be in flight on one process
 * (each on its own parent). Only the one with the lowest (context id, tag) offers anything, and
 * what it offers is reserved, eager ids included, until its round ends: two of them can never
 * pick the same id, and the lowest one in the whole job gets full offers, as with the
 * nonblocking ones. An agreement of this process alone (a parent of one process, such as
 * MPI_COMM_SELF, whose context id every process shares) is not ordered among them: it offers
 * what nobody reserved and ends without letting go of the lock, so it never waits for the
 * others, which would deadlock when the thread it waits for needs a thread of another process
 * that waits in such an agreement (MPICH's threads/comm/comm_dup_deadlock). */
typedef struct blocking_round {
    struct blocking_round *next;
    uint32_t key_ctx;
    int key_tag;
} blocking_round_t;

static blocking_round_t *blocking_list;

/* How long a thread whose agreement found no id waits for the others before its next round. */
#define AGREE_RETRY_NS 1000000u

static void blocking_enter(blocking_round_t *b, const team_t *t)
{
    b->key_ctx = t->wire.context_id;
    b->key_tag = t->tag;
    b->next = blocking_list;
    blocking_list = b;
}

static void blocking_leave(blocking_round_t *b)
{
    blocking_round_t **p = &blocking_list;
    while (*p != b) {
        p = &(*p)->next;
    }
    *p = b->next;
}

static bool blocking_is_first(const blocking_round_t *a)
{
    for (const blocking_round_t *b = blocking_list; b != NULL; b = b->next) {
        if (b->key_ctx < a->key_ctx || (b->key_ctx == a->key_ctx && b->key_tag < a->key_tag)) {
            return false;
        }
    }
    return true;
}

static void offer_blocking(uint64_t mask[MASK_WORDS], const blocking_round_t *b, bool alone,
                           bool striped)
{
    offer(mask, false, alone);
    if (!mp_lock_on) {
        return;
    }
    if (striped && !alone) {
        for (int i = 0; i < EAGER_WORDS; i++) {
            mask[i] &= ~reserved[i];
        }
        keep_stripe(mask, b->key_ctx);
        return;
    }
    bool first = alone || blocking_is_first(b);
    for (int i = 0; i < EAGER_WORDS; i++) {
        if (!first || (mask[i] & reserved[i]) != 0) {
            mask[MP_COMM_CTX_WORDS] = 0; /* held back: another round may find ids */
        }
        mask[i] = first ? mask[i] & ~reserved[i] : 0;
    }
    if (!first) {
        memset(mask, 0, sizeof(uint64_t) * MP_COMM_CTX_WORDS);
    }
}

/* Whether an agreed mask holds count ids (MP_OK), none can come (MP_ERR_AGAIN: every process
 * offered all it had), or another round may find them (MP_INPROGRESS). */
static mp_status_t judge(const uint64_t mask[MASK_WORDS], int count)
{
    int found = 0;
    for (int w = 0; w < MP_COMM_CTX_WORDS; w++) {
        found += __builtin_popcountll(mask[w]);
    }
    if (found >= count) {
        return MP_OK;
    }
    if (mask[MP_COMM_CTX_WORDS] == 0) {
        return MP_INPROGRESS;
    }
    return MP_ERR_AGAIN; /* the api layer says why, through the communicator's error handler */
}

/* Takes the lowest count pairs of an agreed mask (judged MP_OK) into ids (as context ids). */
static void pick_ids(const uint64_t *mask, int count, uint32_t *ids)
{
    int found = 0;
    /* The eager ids last (see EAGER_WORDS). */
    for (int k = 0; k < MP_COMM_CTX_WORDS && found < count; k++) {
        int w = (k + EAGER_WORDS) % MP_COMM_CTX_WORDS;
        uint64_t bits = mask[w];
        while (bits != 0 && found < count) {
            int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            ids[found++] = (uint32_t)(2 * (64 * w + b));
        }
    }
}

/* The AND of the offers of every member of t, on every member, until it holds count ids. */
static mp_status_t agree_mask(team_t *t, uint64_t mask[MASK_WORDS], int count)
{
    mp_status_t st = MP_INPROGRESS;
    blocking_round_t b;
    blocking_enter(&b, t);
    for (unsigned round = 0; st == MP_INPROGRESS; round++) {
        uint64_t mine[MASK_WORDS];
        offer_blocking(mask, &b, t->n == 1, round % 2 == 0);
        memcpy(mine, mask, sizeof(mine));
        reserve(mine, true);
        st = team_reduce_and(t, mask, MASK_WORDS);
        if (st == MP_OK) {
            st = team_bcast(t, mask, sizeof(uint64_t) * MASK_WORDS);
        }
        reserve(mine, false);
        if (st == MP_OK) {
            st = judge(mask, count);
        }
        if (st == MP_INPROGRESS && mp_lock_on) {
            /* Another thread's agreement goes first (or holds ids back). A round of a team that
             * needs no other process (MPI_COMM_SELF) never waits, so the next one would come at
             * once, again and again, with the library lock held: the thread whose agreement
             * goes first could never take the lock back to finish it. Let it run. */
            mp_lock_wait(AGREE_RETRY_NS);
        }
    }
    blocking_leave(&b);
    return st;
}

/* One context id free at every member of t (which all take it when take is true). */
static mp_status_t agree_id(team_t *t, bool take, uint32_t *id_p)
{
    uint64_t mask[MASK_WORDS];
    mp_status_t st = agree_mask(t, mask, 1);
    if (st == MP_OK) {
        pick_ids(mask, 1, id_p);
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
    c->session = parent->session;
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

/* The group of my color among the n members of base (all: their colors and keys, reordered
 * here), ordered by key then rank in base. */
static mp_status_t split_group(const mp_group_t *base, int n, color_key_t *all, int color,
                               mp_group_t **g_p)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (all[i].color == color) {
            all[k++] = (color_key_t){color, all[i].key, i};
        }
    }
    qsort(all, (size_t)k, sizeof(*all), by_key);
    mp_group_t *g = NULL;
    mp_status_t st = mp_group_create(k, &g);
    if (st != MP_OK) {
        return st;
    }
    for (int i = 0; i < k; i++) {
        g->world_ranks[i] = base->world_ranks[all[i].rank];
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
        st = split_group(parent->group, parent->size, all, mine.color, &g);
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

/* Tags for the exchanges of constructors that only a group calls: negative, so never one of
 * the collectives' tags (0..INT32_MAX) nor MPI_ANY_TAG; create_group's below -2^30, those
 * named by a string tag (the *_from_group calls) from -2^30 to -8. */
#define GROUP_TAG_SPAN (1 << 30)

static int group_tag(int tag)
{
    return INT32_MIN + (tag & (GROUP_TAG_SPAN - 1));
}

static int string_tag(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return -GROUP_TAG_SPAN + (int)(h % (GROUP_TAG_SPAN - 8));
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
    uint64_t mask[MASK_WORDS]; /* the AND of the group's offers */
    int32_t size;              /* processes in the group */
    int32_t high;              /* Intercomm_merge: the group's high flag */
    uint64_t leader;           /* the global id of the group's leader (wireup/procs.h): the
                                  same on both sides, whichever jobs they belong to */
} inter_hello_t;

/* One round of agree_inter. */
static mp_status_t inter_round(team_t *local, team_t *link, int remote, inter_hello_t *mine,
                               inter_hello_t *theirs, const blocking_round_t *b)
{
    uint64_t offered[MASK_WORDS];
    /* an intercommunicator has another process; its agreements keep the turns only */
    offer_blocking(mine->mask, b, false, false);
    memcpy(offered, mine->mask, sizeof(offered));
    reserve(offered, true);
    mp_status_t st = team_reduce_and(local, mine->mask, MASK_WORDS);
    if (st == MP_OK && local->me == local->root) {
        st = sendrecv(link, remote, mine, theirs, sizeof(*mine));
        for (int i = 0; i < MASK_WORDS; i++) {
            theirs->mask[i] &= mine->mask[i];
        }
    }
    if (st == MP_OK) {
        st = team_bcast(local, theirs, sizeof(*theirs));
    }
    reserve(offered, false);
    return st;
}

/* The AND over both groups of their offers, with count ids in it, and the other group's hello,
 * on every member of local; link is how the local leader reaches the remote leader (member
 * remote of link). */
static mp_status_t agree_inter(team_t *local, team_t *link, int remote, int count,
                               inter_hello_t *mine, inter_hello_t *theirs)
{
    mp_status_t st = MP_INPROGRESS;
    /* Keyed by the local group's context: the same on its members. A group of one (the
     * MPI_COMM_SELF of MPI_Comm_accept/connect or MPI_Comm_join, say) takes the link's key
     * instead, which the remote leader shares: agreements of several threads on such groups
     * then take turns in one order on both sides, where keys of each side's own MPI_COMM_SELF
     * could order two of them oppositely on two processes and leave both waiting forever. */
    blocking_round_t b;
    blocking_enter(&b, local->n == 1 ? link : local);
    while (st == MP_INPROGRESS) {
        st = inter_round(local, link, remote, mine, theirs, &b);
        if (st == MP_OK) {
            st = judge(theirs->mask, count);
        }
    }
    blocking_leave(&b);
    return st;
}

/* The local leader swaps out (out_bytes) for in (in_bytes) with the remote leader. */
static mp_status_t leader_swap(team_t *link, int remote, const void *out, size_t out_bytes,
                               void *in, size_t in_bytes)
{
    mp_request_t *rreq = NULL, *sreq = NULL;
    int peer = member_rank(link, remote);
    mp_status_t st = mp_pt2pt_irecv(in, in_bytes, byte_type(), peer, link->tag, &link->wire, &rreq);
    if (st != MP_OK) {
        return st;
    }
    st = mp_pt2pt_isend(out, out_bytes, byte_type(), peer, link->tag, &link->wire, MP_SEND_STANDARD,
                        &sreq);
    mp_status_t rst = finish(rreq);
    st = st != MP_OK ? st : finish(sreq);
    return st != MP_OK ? st : rst;
}

/* The remote group's processes: the leaders swap their groups, then tell their members. They
 * travel as global ids (wireup/procs.h), since the groups may hold processes of other jobs,
 * whose peer indices differ from process to process; each member turns them into its own. */
static mp_status_t swap_groups(team_t *local, team_t *link, int remote, const mp_group_t *mine,
                               int remote_size, mp_group_t **remote_p)
{
    mp_group_t *g = NULL;
    mp_status_t st = mp_group_create(remote_size, &g);
    if (st != MP_OK) {
        return st;
    }
    uint64_t *theirs = malloc(sizeof(uint64_t) * (size_t)(remote_size > 0 ? remote_size : 1));
    uint64_t *ours = NULL;
    if (theirs == NULL) {
        st = MP_ERR_NOMEM;
    }
    if (st == MP_OK && local->me == local->root) {
        ours = malloc(sizeof(uint64_t) * (size_t)(mine->size > 0 ? mine->size : 1));
        for (int i = 0; ours != NULL && i < mine->size; i++) {
            ours[i] = mp_wireup_proc_gid(mine->world_ranks[i]);
        }
        st = ours != NULL ? leader_swap(link, remote, ours, sizeof(uint64_t) * (size_t)mine->size,
                                        theirs, sizeof(uint64_t) * (size_t)remote_size)
                          : MP_ERR_NOMEM;
    }
    if (st == MP_OK) {
        st = team_bcast(local, theirs, sizeof(uint64_t) * (size_t)remote_size);
    }
    for (int i = 0; st == MP_OK && i < remote_size; i++) {
        st = mp_wireup_proc_index(theirs[i], &g->world_ranks[i]);
    }
    free(ours);
    free(theirs);
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
    c->session = parent->session;
    *newcomm_p = c;
    return MP_OK;
}

static mp_status_t take_two(const uint64_t *mask, uint32_t ids[2])
{
    pick_ids(mask, 2, ids);
    mp_comm_ctx_take(ids[0]);
    mp_comm_ctx_take(ids[1]);
    return MP_OK;
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
    mp_status_t st = agree_inter(&lt, &link, remote_leader, 2, &mine, &theirs);
    if (st != MP_OK) {
        return st;
    }
    /* Taken before the groups travel: another thread's agreement may run while this one waits
     * for them, and the ids are no longer reserved. */
    uint32_t ids[2];
    take_two(theirs.mask, ids);
    mp_group_t *remote = NULL;
    st = swap_groups(&lt, &link, remote_leader, local->group, theirs.size, &remote);
    if (st != MP_OK) {
        mp_comm_ctx_give(ids[0]);
        mp_comm_ctx_give(ids[1]);
        return st;
    }
    st = new_inter(local, local->group, remote, ids, newcomm_p);
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
    mp_status_t st = agree_inter(&lt, &link, 0, 2, &mine, &theirs);
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

/* Colors and keys of both groups of inter, on every member: mine in all, the remote group's
 * in rall. */
static mp_status_t inter_colors(mp_comm_t *inter, team_t *lt, team_t *link, color_key_t *mine,
                                color_key_t *all, color_key_t *rall)
{
    int m = inter->remote_group->size;
    mp_status_t st = team_allgather(lt, mine, sizeof(*mine), all);
    if (st == MP_OK && lt->me == lt->root) {
        st = leader_swap(link, 0, all, sizeof(*all) * (size_t)inter->size, rall,
                         sizeof(*rall) * (size_t)m);
    }
    return st != MP_OK ? st : team_bcast(lt, rall, sizeof(*rall) * (size_t)m);
}

/* My color's groups on both sides; *newcomm_p stays NULL when either is empty. */
static mp_status_t inter_split_build(mp_comm_t *inter, color_key_t *all, color_key_t *rall,
                                     int color, const uint64_t *mask, mp_comm_t **newcomm_p)
{
    mp_group_t *g = NULL, *rg = NULL;
    mp_status_t st = split_group(inter->group, inter->size, all, color, &g);
    if (st == MP_OK) {
        st = split_group(inter->remote_group, inter->remote_group->size, rall, color, &rg);
    }
    if (st == MP_OK && rg->size > 0) {
        uint32_t ids[2];
        take_two(mask, ids);
        st = new_inter(inter, g, rg, ids, newcomm_p);
    }
    mp_group_release(g);
    mp_group_release(rg);
    return st;
}

mp_status_t mp_comm_inter_split(mp_comm_t *inter, int color, int key, mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    color_key_t mine = {color < 0 ? -1 : color, key, inter->rank};
    color_key_t *all = malloc(sizeof(*all) * (size_t)inter->size);
    color_key_t *rall = malloc(sizeof(*rall) * (size_t)inter->remote_group->size);
    mp_status_t st = all != NULL && rall != NULL ? MP_OK : MP_ERR_NOMEM;
    team_t lt, link;
    inter_teams(inter, &lt, &link);
    if (st == MP_OK) {
        st = inter_colors(inter, &lt, &link, &mine, all, rall);
    }
    inter_hello_t hello = {.size = inter->size}, theirs;
    if (st == MP_OK) {
        st = agree_inter(&lt, &link, 0, 2, &hello, &theirs);
    }
    if (st == MP_OK && color >= 0) {
        st = inter_split_build(inter, all, rall, color, theirs.mask, newcomm_p);
    }
    free(all);
    free(rall);
    return st;
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
                          .leader = mp_wireup_proc_gid(inter->group->world_ranks[0])},
                  theirs;
    mp_status_t st = agree_inter(&lt, &link, 0, 1, &mine, &theirs);
    if (st != MP_OK) {
        return st;
    }
    uint32_t id = 0;
    pick_ids(theirs.mask, 1, &id);
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

/* ---- nonblocking duplication (MPI_Comm_idup) ----
 *
 * The same agreement as a state machine that a progress hook advances. Two agreements in
 * flight on one process must never pick the same id, and must not starve each other: a round
 * reserves what it offers until it ends, and only the agreement with the lowest (parent
 * context id, tag) on a process offers anything. That key is the same on every process, so the
 * lowest one in the whole job gets full offers within a few rounds, finishes, and lets the next
 * one through. Meanwhile blocking agreements here offer the eager ids only (EAGER_WORDS).
 * An intercommunicator's agreement reduces within each group (on its local communicator), the
 * leaders swap their groups' ANDs on the intercommunicator, and each sends the AND of both
 * down; its key is the intercommunicator's, which both groups share. */

typedef enum nb_phase {
    NB_OFFER,  /* a new round: offer, post the receives from the children */
    NB_REDUCE, /* waiting for the children's masks */
    NB_UP,     /* sent ours up, waiting for the result from the parent */
    NB_LINK,   /* intercommunicator leader: swapping the group's AND with the remote leader */
    NB_DOWN,   /* sending the result down */
} nb_phase_t;

#define NB_MAX_CHILDREN 32

typedef struct nb_agree {
    struct nb_agree *next;
    team_t t;    /* the tree: the parent's group (the local group of an intercommunicator) */
    team_t link; /* intercommunicator: the leaders' exchange, member 0 the remote leader */
    bool inter;
    int count; /* ids to agree on: the new communicator's, and its local one's if inter */
    /* The order of agreements in flight (see nb_is_first): the same on every process of the
     * parent, both groups of an intercommunicator included. */
    uint32_t key_ctx;
    int key_tag;
    mp_comm_t *parent;
    nb_phase_t phase;
    uint64_t offer[MASK_WORDS];   /* what this round offered (and reserved) */
    uint64_t acc[MASK_WORDS];     /* the AND so far, then the result */
    uint64_t result[MASK_WORDS];  /* the result, from the parent (or the remote leader) */
    uint64_t (*kids)[MASK_WORDS]; /* the children's masks */
    int children[NB_MAX_CHILDREN];
    int nchildren;
    int up; /* the parent member, or -1 at the root */
    mp_request_t *reqs[NB_MAX_CHILDREN + 2];
    int nreqs;
    mp_status_t error;
    unsigned round; /* rounds ended without ids: even ones offer the stripe (keep_stripe) */
    mp_request_t *user_req;
    mp_comm_done_fn *done;
    void *arg;
} nb_agree_t;

static nb_agree_t *nb_list;
static bool nb_in_hook; /* done callbacks may call MPI: never re-enter the hook */

static bool nb_any(void)
{
    return nb_list != NULL;
}

static bool nb_is_first(const nb_agree_t *a)
{
    for (const nb_agree_t *b = nb_list; b != NULL; b = b->next) {
        if (b->key_ctx < a->key_ctx || (b->key_ctx == a->key_ctx && b->key_tag < a->key_tag)) {
            return false;
        }
    }
    return true;
}

/* Posts a mask's send or receive to member of team t (a->t or a->link). */
static void nb_post_on(nb_agree_t *a, team_t *t, bool send, int member, void *buf)
{
    mp_request_t *req = NULL;
    int peer = member_rank(t, member);
    size_t bytes = sizeof(uint64_t) * MASK_WORDS;
    mp_status_t st = send ? mp_pt2pt_isend(buf, bytes, byte_type(), peer, t->tag, &t->wire,
                                           MP_SEND_STANDARD, &req)
                          : mp_pt2pt_irecv(buf, bytes, byte_type(), peer, t->tag, &t->wire, &req);
    if (st != MP_OK) {
        a->error = st;
        return;
    }
    a->reqs[a->nreqs++] = req;
}

static void nb_post(nb_agree_t *a, bool send, int member, void *buf)
{
    nb_post_on(a, &a->t, send, member, buf);
}

/* Whether every posted request completed; then they are freed. */
static bool nb_reqs_done(nb_agree_t *a)
{
    for (int i = 0; i < a->nreqs; i++) {
        if (!mp_request_is_complete(a->reqs[i])) {
            return false;
        }
    }
    for (int i = 0; i < a->nreqs; i++) {
        if (a->reqs[i]->status.error != MP_OK) {
            a->error = a->reqs[i]->status.error;
        }
        mp_request_free(a->reqs[i]);
    }
    a->nreqs = 0;
    return true;
}

static void nb_offer(nb_agree_t *a)
{
    memset(a->offer, 0, sizeof(a->offer));
    bool striped = a->round % 2 == 0;
    if (striped || nb_is_first(a)) {
        offer(a->offer, true, false);
        if (striped) {
            keep_stripe(a->offer, a->key_ctx);
        }
        reserve(a->offer, true);
    }
    memcpy(a->acc, a->offer, sizeof(a->acc));
    for (int i = 0; i < a->nchildren; i++) {
        nb_post(a, false, abs_member(&a->t, a->children[i]), a->kids[i]);
    }
    a->phase = NB_REDUCE;
}

/* The round ended: free the reservation, then finish, or start another round. Returns whether
 * the agreement is over. */
static bool nb_round_end(nb_agree_t *a)
{
    reserve(a->offer, false);
    mp_status_t st = a->error != MP_OK ? a->error : judge(a->acc, a->count);
    if (st == MP_INPROGRESS) {
        a->round++;
        a->phase = NB_OFFER;
        return false;
    }
    mp_comm_t *newcomm = NULL;
    if (st == MP_OK && a->inter) {
        uint32_t ids[2];
        take_two(a->acc, ids);
        st = new_inter(a->parent, a->parent->group, a->parent->remote_group, ids, &newcomm);
    } else if (st == MP_OK) {
        uint32_t id = 0;
        pick_ids(a->acc, 1, &id);
        mp_comm_ctx_take(id);
        st = new_intra(a->parent, a->parent->group, id, &newcomm);
    }
    a->done(a->arg, newcomm, st);
    a->user_req->status.error = st;
    mp_request_complete(a->user_req);
    return true;
}

/* Sends the result (acc) down the tree. */
static void nb_down(nb_agree_t *a)
{
    for (int i = a->nchildren - 1; i >= 0; i--) {
        nb_post(a, true, abs_member(&a->t, a->children[i]), a->acc);
    }
    a->phase = NB_DOWN;
}

static void nb_and(uint64_t *acc, const uint64_t *mask)
{
    for (int w = 0; w < MASK_WORDS; w++) {
        acc[w] &= mask[w];
    }
}

/* Advances a; returns whether it is over. */
static bool nb_step(nb_agree_t *a)
{
    if (a->phase == NB_OFFER) {
        nb_offer(a);
    }
    if (a->phase == NB_REDUCE && nb_reqs_done(a)) {
        for (int i = 0; i < a->nchildren; i++) {
            nb_and(a->acc, a->kids[i]);
        }
        if (a->up >= 0) {
            nb_post(a, true, abs_member(&a->t, a->up), a->acc);
            nb_post(a, false, abs_member(&a->t, a->up), a->result);
            a->phase = NB_UP;
        } else if (a->inter) {
            /* Both leaders send their group's AND and take the other's: both groups end
             * with the same mask, so they judge alike and pick the same ids. */
            nb_post_on(a, &a->link, false, 0, a->result);
            nb_post_on(a, &a->link, true, 0, a->acc);
            a->phase = NB_LINK;
        } else {
            nb_down(a);
        }
    }
    if (a->phase == NB_LINK && nb_reqs_done(a)) {
        nb_and(a->acc, a->result);
        nb_down(a);
    }
    if (a->phase == NB_UP && nb_reqs_done(a)) {
        memcpy(a->acc, a->result, sizeof(a->acc));
        nb_down(a);
    }
    return a->phase == NB_DOWN && nb_reqs_done(a) && nb_round_end(a);
}

static int nb_progress(void)
{
    if (nb_in_hook || nb_list == NULL) {
        return 0;
    }
    nb_in_hook = true;
    int events = 0;
    nb_agree_t **pp = &nb_list;
    while (*pp != NULL) {
        nb_agree_t *a = *pp;
        if (nb_step(a)) {
            *pp = a->next;
            mp_comm_unref(a->parent);
            free(a->kids);
            free(a);
            events++;
        } else {
            pp = &a->next;
        }
    }
    nb_in_hook = false;
    return events;
}

/* The binomial tree around the root (member 0), in members relative to it. */
static void nb_tree(nb_agree_t *a)
{
    int r = rel_me(&a->t);
    a->up = -1;
    for (int mask = 1; mask < a->t.n; mask <<= 1) {
        if (r & mask) {
            a->up = r - mask;
            break;
        }
        if (r + mask < a->t.n && a->nchildren < NB_MAX_CHILDREN) {
            a->children[a->nchildren++] = r + mask;
        }
    }
}

/* The tree over the parent's (local) group; for an intercommunicator also the leaders' link,
 * on the parent's collective context, as in dup_inter. */
static void nb_teams(nb_agree_t *a, mp_comm_t *parent)
{
    a->inter = parent->is_inter;
    a->count = a->inter ? 2 : 1;
    if (a->inter) {
        inter_teams(parent, &a->t, &a->link);
        a->key_ctx = a->link.wire.context_id;
        a->key_tag = a->link.tag;
    } else {
        team_init(&a->t, parent, true, next_tag(parent));
        a->key_ctx = a->t.wire.context_id;
        a->key_tag = a->t.tag;
    }
}

mp_status_t mp_comm_idup(mp_comm_t *parent, mp_comm_done_fn *done, void *arg, mp_request_t **req_p)
{
    nb_agree_t *a = calloc(1, sizeof(*a));
    mp_request_t *req = mp_request_create(MP_REQ_COLL);
    if (a != NULL) {
        nb_teams(a, parent);
        nb_tree(a);
        a->kids = calloc((size_t)a->nchildren + 1, sizeof(*a->kids));
    }
    if (a == NULL || req == NULL || a->kids == NULL) {
        if (a != NULL) {
            free(a->kids);
        }
        free(a);
        if (req != NULL) {
            mp_request_free(req);
        }
        return MP_ERR_NOMEM;
    }
    a->parent = parent;
    mp_comm_retain(parent); /* a free of the parent waits for this to end */
    a->done = done;
    a->arg = arg;
    a->user_req = req;
    req->comm = parent;
    req->owner = a;
    req->status.source = -1; /* MPI_ANY_SOURCE, MPI_ANY_TAG: the empty status */
    req->status.tag = -2;
    a->phase = NB_OFFER;
    a->next = nb_list;
    nb_list = a;
    mp_progress_hook_add(nb_progress);
    *req_p = req;
    return MP_OK;
}

/* ---- from groups (MPI 4) ---- */

/* A team of the members of group, talking on MPI_COMM_WORLD's collective context. */
static void world_team(team_t *t, mp_group_t *group, int root, const char *stringtag)
{
    team_init(t, &mp_runtime.world, true, string_tag(stringtag));
    t->n = group->size;
    t->ranks = group->world_ranks;
    t->me = group->rank;
    t->root = root;
}

mp_status_t mp_comm_create_from_group(mp_group_t *group, const char *stringtag,
                                      mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    team_t t;
    world_team(&t, group, 0, stringtag);
    uint32_t id = 0;
    mp_status_t st = agree_id(&t, true, &id);
    return st != MP_OK ? st : new_intra(&mp_runtime.world, group, id, newcomm_p);
}

mp_status_t mp_comm_intercomm_from_groups(mp_group_t *local, int local_leader, mp_group_t *remote,
                                          int remote_leader, const char *stringtag,
                                          mp_comm_t **newcomm_p)
{
    *newcomm_p = NULL;
    team_t lt, link;
    world_team(&lt, local, local_leader, stringtag);
    team_init(&link, &mp_runtime.world, true, lt.tag);
    inter_hello_t mine = {.size = local->size}, theirs;
    mp_status_t st = agree_inter(&lt, &link, remote->world_ranks[remote_leader], 2, &mine, &theirs);
    if (st == MP_OK && theirs.size != remote->size) {
        mp_log_error("the remote group has %d processes here but %d at its leader: both sides "
                     "must pass the same two groups",
                     remote->size, theirs.size);
        st = MP_ERR_INVALID;
    }
    uint32_t ids[2];
    if (st == MP_OK) {
        st = take_two(theirs.mask, ids);
    }
    return st != MP_OK ? st : new_inter(&mp_runtime.world, local, remote, ids, newcomm_p);
}
