/*
 * Ordering stress: every rank sends messages of random sizes and tags to every other; the
 * receiver keeps a window of receives with specific and wildcard sources and tags, and checks
 * the non-overtaking rule, that nothing is lost or duplicated, and every byte.
 * Usage: order [messages_per_pair] [max_size] [seed] [window].
 */
#include "p2ptest.h"

#define NTAGS 6
#define MAX_WINDOW 64
#define HDR_BYTES 8

/* One message of the sequence that a sender sends to one destination. */
struct msg {
    int tag;
    int size;
    int seq;  /* its index among the messages of the same source, destination and tag */
    int sync; /* sent with MPI_Issend rather than MPI_Isend */
};

/* One completed receive, kept by the order in which it was posted. */
struct record {
    int spec_source, spec_tag; /* what the receive asked for */
    int source, tag, count;    /* what its status said */
    int hdr_seq, hdr_k;        /* the header of the message, when it had one (else -1) */
    unsigned char small[HDR_BYTES];
};

/* A pending receive of the window. */
struct slot {
    int spec_source, spec_tag;
    long post; /* its index in the order of posting */
    unsigned char *buf;
};

static int nprocs, me, per_pair, max_size, window;
static uint64_t seed;
static struct msg *plan_of; /* plan_of[src * per_pair + k]: what src sends to me */
static int **class_k;       /* class_k[src * NTAGS + tag][seq]: the k of that message */
static long rem[8 * 64][NTAGS];

/* What 'src' sends to 'dst' as its k-th message (the same on both sides). */
static struct msg plan(int src, int dst, int k)
{
    uint64_t r = p2p_mix64(seed ^ p2p_mix64(((uint64_t)src << 40) ^ ((uint64_t)dst << 20) ^ k));
    uint64_t r2 = p2p_mix64(r);
    struct msg m = {0};
    int bits = 0;

    while ((1 << (bits + 1)) <= max_size) {
        bits++;
    }
    m.tag = (int)(r % NTAGS);
    if ((r2 & 7) == 0) {
        m.size = 0;
    } else {
        /* Log-uniform: as many small messages as large ones. */
        long range = 1L << ((r2 >> 3) % (uint64_t)(bits + 1));
        m.size = (int)((r2 >> 16) % (uint64_t)(range + 1));
        if (m.size > max_size) {
            m.size = max_size;
        }
    }
    m.sync = ((r >> 40) & 7) == 0;
    return m;
}

/* The pattern seed of message seq of the class (src, dst, tag). */
static uint64_t msg_seed(int src, int dst, int tag, int seq)
{
    return p2p_seed(src, tag, ((uint64_t)dst << 32) | (uint32_t)seq);
}

/* Fills a message: the pattern, then, when it has room, a header with seq and k. */
static void msg_fill(unsigned char *buf, int src, int dst, const struct msg *m, int k)
{
    uint32_t hdr[2] = {(uint32_t)m->seq, (uint32_t)k};

    p2p_fill(buf, (size_t)m->size, msg_seed(src, dst, m->tag, m->seq));
    if (m->size >= HDR_BYTES) {
        memcpy(buf, hdr, HDR_BYTES);
    }
}

static bool spec_matches(int spec_source, int spec_tag, int source, int tag)
{
    return (spec_source == MPI_ANY_SOURCE || spec_source == source) &&
           (spec_tag == MPI_ANY_TAG || spec_tag == tag);
}

static bool specs_overlap(const struct slot *a, const struct slot *b)
{
    return (a->spec_source == MPI_ANY_SOURCE || b->spec_source == MPI_ANY_SOURCE ||
            a->spec_source == b->spec_source) &&
           (a->spec_tag == MPI_ANY_TAG || b->spec_tag == MPI_ANY_TAG || a->spec_tag == b->spec_tag);
}

/* The number of messages not yet received that a receive with this spec accepts. */
static long available(const struct slot *s)
{
    long n = 0;

    for (int src = 0; src < nprocs; src++) {
        for (int tag = 0; tag < NTAGS; tag++) {
            if (spec_matches(s->spec_source, s->spec_tag, src, tag)) {
                n += rem[src][tag];
            }
        }
    }
    return n;
}

/*
 * Whether posting 'cand' next to the pending receives keeps every receive sure to complete
 * whatever the matching order: each pending receive must accept more not-yet-received messages
 * than there are other pending receives that could take them.
 */
static bool safe_to_post(const struct slot *slots, const struct slot *cand)
{
    int overlaps = 0;

    for (int i = 0; i < window; i++) {
        if (slots[i].buf == NULL || !specs_overlap(&slots[i], cand)) {
            continue;
        }
        overlaps++;
        int others = 1; /* cand */
        for (int j = 0; j < window; j++) {
            if (j != i && slots[j].buf != NULL && specs_overlap(&slots[i], &slots[j])) {
                others++;
            }
        }
        if (available(&slots[i]) < others + 1) {
            return false;
        }
    }
    return available(cand) >= overlaps + 1;
}

/* Chooses the spec of the next receive; returns false when none can be posted safely now. */
static bool choose_spec(const struct slot *slots, struct slot *cand, uint64_t *rng, long left)
{
    long pick;
    int src = 0, tag = 0, kind;

    if (left == 0) {
        return false;
    }
    *rng = p2p_mix64(*rng);
    pick = (long)(*rng % (uint64_t)left);
    for (src = 0; src < nprocs; src++) {
        for (tag = 0; tag < NTAGS; tag++) {
            if (pick < rem[src][tag]) {
                goto found;
            }
            pick -= rem[src][tag];
        }
    }
    return false;
found:
    kind = (int)((*rng >> 32) % 5);
    cand->spec_source = (kind == 1 || kind == 3) ? MPI_ANY_SOURCE : src;
    cand->spec_tag = (kind == 2 || kind == 3) ? MPI_ANY_TAG : tag;
    if (safe_to_post(slots, cand)) {
        return true;
    }
    cand->spec_source = src;
    cand->spec_tag = tag;
    return safe_to_post(slots, cand);
}

/* Checks what can be checked at once of a completed receive and records it. */
static void complete(struct slot *s, const MPI_Status *st, struct record *rec)
{
    int count = -1;

    MPI_Get_count(st, MPI_BYTE, &count);
    rec->spec_source = s->spec_source;
    rec->spec_tag = s->spec_tag;
    rec->source = st->MPI_SOURCE;
    rec->tag = st->MPI_TAG;
    rec->count = count;
    rec->hdr_seq = rec->hdr_k = -1;
    if (st->MPI_SOURCE < 0 || st->MPI_SOURCE >= nprocs || st->MPI_SOURCE == me || st->MPI_TAG < 0 ||
        st->MPI_TAG >= NTAGS || count < 0 || count > max_size ||
        !spec_matches(s->spec_source, s->spec_tag, st->MPI_SOURCE, st->MPI_TAG)) {
        mpt_fail(__FILE__, __LINE__,
                 "receive %ld (source %d, tag %d) got source %d tag %d count %d", s->post,
                 s->spec_source, s->spec_tag, st->MPI_SOURCE, st->MPI_TAG, count);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    if (--rem[rec->source][rec->tag] < 0) {
        mpt_fail(__FILE__, __LINE__, "one message too many from rank %d with tag %d", rec->source,
                 rec->tag);
    }
    if (count >= HDR_BYTES) {
        uint32_t hdr[2];
        memcpy(hdr, s->buf, HDR_BYTES);
        rec->hdr_seq = (int)hdr[0];
        rec->hdr_k = (int)hdr[1];
        const struct msg *m = rec->hdr_k >= 0 && rec->hdr_k < per_pair
                                  ? &plan_of[rec->source * per_pair + rec->hdr_k]
                                  : NULL;
        if (m == NULL || m->tag != rec->tag || m->seq != rec->hdr_seq || m->size != count) {
            mpt_fail(__FILE__, __LINE__,
                     "message from rank %d tag %d count %d has header seq %d k %d, which is not "
                     "a message that rank sent",
                     rec->source, rec->tag, count, rec->hdr_seq, rec->hdr_k);
        } else {
            char what[96];
            snprintf(what, sizeof(what), "message %d from rank %d (tag %d, %d bytes)", rec->hdr_k,
                     rec->source, rec->tag, count);
            p2p_check_from(s->buf, HDR_BYTES, (size_t)count,
                           msg_seed(rec->source, me, rec->tag, rec->hdr_seq), what);
        }
    } else {
        memcpy(rec->small, s->buf, (size_t)count);
    }
    p2p_guard_check(s->buf, (size_t)max_size, "order receive buffer");
}

/*
 * The checks that need every receive: in the order of posting, the receives that got messages
 * of one source and tag got its sequence numbers 0, 1, 2, ... (non-overtaking, nothing lost or
 * duplicated), and the wildcard-tag receives got each sender's messages in the order sent.
 */
static void check_order(const struct record *recs, long nrecs)
{
    static int next_seq[8 * 64][NTAGS];
    static int last_k[8 * 64];
    int reported = 0;

    for (int src = 0; src < nprocs; src++) {
        last_k[src] = -1;
    }
    for (long i = 0; i < nrecs && reported < 10; i++) {
        const struct record *r = &recs[i];
        int seq = next_seq[r->source][r->tag]++;
        int k = class_k[r->source * NTAGS + r->tag][seq];
        const struct msg *m = &plan_of[r->source * per_pair + k];

        if (r->hdr_seq >= 0 && r->hdr_seq != seq) {
            mpt_fail(__FILE__, __LINE__,
                     "receive %ld got message seq %d of rank %d tag %d, expected seq %d "
                     "(overtaking, loss or duplicate)",
                     i, r->hdr_seq, r->source, r->tag, seq);
            reported++;
            continue;
        }
        if (r->count != m->size) {
            mpt_fail(__FILE__, __LINE__,
                     "receive %ld: message seq %d of rank %d tag %d has %d bytes, expected %d", i,
                     seq, r->source, r->tag, r->count, m->size);
            reported++;
            continue;
        }
        if (r->count < HDR_BYTES) {
            char what[96];
            snprintf(what, sizeof(what), "small message seq %d from rank %d (tag %d)", seq,
                     r->source, r->tag);
            reported +=
                !p2p_check(r->small, (size_t)r->count, msg_seed(r->source, me, r->tag, seq), what);
        }
        if (r->spec_tag == MPI_ANY_TAG) {
            if (k < last_k[r->source]) {
                mpt_fail(__FILE__, __LINE__,
                         "wildcard-tag receive %ld got message %d of rank %d after message %d", i,
                         k, r->source, last_k[r->source]);
                reported++;
            }
            last_k[r->source] = k;
        }
    }
}

/* Builds what this rank expects from each source, and the index of every class. */
static void make_plans(void)
{
    int counts[NTAGS];

    plan_of = p2p_malloc(sizeof(*plan_of) * (size_t)nprocs * (size_t)per_pair);
    class_k = p2p_malloc(sizeof(*class_k) * (size_t)nprocs * NTAGS);
    for (int src = 0; src < nprocs; src++) {
        memset(counts, 0, sizeof(counts));
        for (int t = 0; t < NTAGS; t++) {
            class_k[src * NTAGS + t] = p2p_malloc(sizeof(int) * (size_t)per_pair);
        }
        if (src == me) {
            continue;
        }
        for (int k = 0; k < per_pair; k++) {
            struct msg m = plan(src, me, k);
            m.seq = counts[m.tag]++;
            class_k[src * NTAGS + m.tag][m.seq] = k;
            plan_of[src * per_pair + k] = m;
            rem[src][m.tag]++;
        }
    }
}

int main(int argc, char **argv)
{
    MPI_Request *sreqs, rreqs[MAX_WINDOW];
    struct slot slots[MAX_WINDOW];
    unsigned char **sbufs;
    struct record *recs;
    long nsends, total, posted = 0, done = 0;
    int indices[MAX_WINDOW], outcount;
    MPI_Status statuses[MAX_WINDOW];
    uint64_t rng;
    double t0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
    mpt_set_rank(me);
    per_pair = argc > 1 ? (int)mpt_parse_long(argv[1], "messages per pair") : 200;
    max_size = argc > 2 ? (int)p2p_parse_size(argv[2], "maximum size") : 256 * 1024;
    seed = argc > 3 ? (uint64_t)mpt_parse_long(argv[3], "seed") : 1;
    window = argc > 4 ? (int)mpt_parse_long(argv[4], "window") : 16;
    if (nprocs < 2 || nprocs > 8 * 64 || per_pair < 1 || max_size < 0 || window < 1 ||
        window > MAX_WINDOW) {
        fprintf(stderr, "order: needs 2 to 512 processes, 1 or more messages, window 1 to %d\n",
                MAX_WINDOW);
        return 2;
    }
    make_plans();
    rng = p2p_mix64(seed + (uint64_t)me * 7919);
    t0 = p2p_now();

    /* Every message to every other rank, interleaved across destinations, sent at once. */
    nsends = (long)(nprocs - 1) * per_pair;
    sreqs = p2p_malloc(sizeof(*sreqs) * (size_t)nsends);
    sbufs = p2p_malloc(sizeof(*sbufs) * (size_t)nsends);
    {
        int counts[8 * 64][NTAGS];
        long i = 0;
        memset(counts, 0, sizeof(counts));
        for (int k = 0; k < per_pair; k++) {
            for (int d = 1; d < nprocs; d++) {
                /* A rotating order of destinations, the same message index for each. */
                int dst = (me + 1 + (d - 1 + k) % (nprocs - 1)) % nprocs;
                struct msg m = plan(me, dst, k);
                m.seq = counts[dst][m.tag]++;
                sbufs[i] = p2p_malloc((size_t)m.size);
                msg_fill(sbufs[i], me, dst, &m, k);
                if (m.sync) {
                    P2P_MPI(MPI_Issend(sbufs[i], m.size, MPI_BYTE, dst, m.tag, MPI_COMM_WORLD,
                                       &sreqs[i]));
                } else {
                    P2P_MPI(MPI_Isend(sbufs[i], m.size, MPI_BYTE, dst, m.tag, MPI_COMM_WORLD,
                                      &sreqs[i]));
                }
                i++;
            }
        }
    }

    /* The receives: a window of specific and wildcard ones, completed in several ways. */
    total = nsends;
    recs = p2p_malloc(sizeof(*recs) * (size_t)total);
    for (int i = 0; i < window; i++) {
        slots[i].buf = NULL;
        rreqs[i] = MPI_REQUEST_NULL;
    }
    while (done < total) {
        for (int i = 0; i < window; i++) {
            struct slot cand;
            if (slots[i].buf != NULL || posted == total ||
                !choose_spec(slots, &cand, &rng, total - done)) {
                continue;
            }
            cand.post = posted++;
            cand.buf = p2p_malloc((size_t)max_size + P2P_GUARD_BYTES);
            p2p_guard_set(cand.buf, (size_t)max_size);
            slots[i] = cand;
            P2P_MPI(MPI_Irecv(cand.buf, max_size, MPI_BYTE, cand.spec_source, cand.spec_tag,
                              MPI_COMM_WORLD, &rreqs[i]));
        }
        rng = p2p_mix64(rng);
        switch (rng % 3) {
        case 0:
            P2P_MPI(MPI_Waitany(window, rreqs, &indices[0], &statuses[0]));
            outcount = indices[0] == MPI_UNDEFINED ? MPI_UNDEFINED : 1;
            break;
        case 1:
            P2P_MPI(MPI_Waitsome(window, rreqs, &outcount, indices, statuses));
            break;
        default:
            P2P_MPI(MPI_Testsome(window, rreqs, &outcount, indices, statuses));
            break;
        }
        if (outcount == MPI_UNDEFINED) {
            mpt_fail(__FILE__, __LINE__, "no receive pending with %ld messages to come",
                     total - done);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        for (int j = 0; j < outcount; j++) {
            struct slot *s = &slots[indices[j]];
            complete(s, &statuses[j], &recs[s->post]);
            free(s->buf);
            s->buf = NULL;
            done++;
        }
    }
    check_order(recs, total);
    if (me == 0) {
        long kinds[4] = {0};
        for (long i = 0; i < total; i++) {
            kinds[(recs[i].spec_source == MPI_ANY_SOURCE) +
                  2 * (recs[i].spec_tag == MPI_ANY_TAG)]++;
        }
        printf("rank 0 receives: %ld specific, %ld any-source, %ld any-tag, %ld both wildcards\n",
               kinds[0], kinds[1], kinds[2], kinds[3]);
    }

    P2P_MPI(MPI_Waitall((int)nsends, sreqs, MPI_STATUSES_IGNORE));
    for (long i = 0; i < nsends; i++) {
        free(sbufs[i]);
    }
    if (me == 0) {
        printf("%ld messages received by rank 0 in %.2f s\n", total, p2p_now() - t0);
    }
    for (int t = 0; t < nprocs * NTAGS; t++) {
        free(class_k[t]);
    }
    free(class_k);
    free(plan_of);
    free(sbufs);
    free(sreqs);
    free(recs);
    MPI_Finalize();
    return mpt_finish(me);
}
