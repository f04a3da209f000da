/*
 * Launcher test helper for jobs across hosts, a plain PMIx client (no cross-host MPI traffic
 * needed): each rank checks the job's size, hosts and locality as its daemon registered them,
 * exchanges a value with every rank through a collecting fence, announces itself, then acts.
 * Usage: pmix_hosts HOSTS ACTION [ARGS], HOSTS the host of each rank ("a,a,b,b"), ACTION one of
 *   hello                   every rank prints "hello from rank R of N on HOST" and finalizes
 *   missing                 a Get of a key nobody put, of the next rank, must fail (not hang)
 *   direct                  before any fence, every rank Puts and Commits a value and Gets
 *                           every other rank's: PMIx asks the owner's host (direct modex)
 *   fencedie RANK STATUS    RANK exits with STATUS (no finalize) while the others wait in the
 *                           collecting fence: mpirun must end them, none may hang there
 *   late                    before anything is committed, every rank Gets a key of the next
 *                           rank with a 2 s PMIX_TIMEOUT: it fails in time (the owner's host
 *                           answers only once the rank commits, later, in the fence)
 *   gone RANK               RANK finalizes and exits 0 at once; every other rank then Gets a
 *                           key of it: an error within seconds, not a hang
 *   sleep SECONDS           every rank sleeps
 *   lines COUNT             every rank prints COUNT lines "R K L xxx..." (L letters), each
 *                           written in pieces, for checks that lines arrive whole
 *   exit RANK STATUS        RANK finalizes and exits with STATUS
 *   signal RANK SIGNAL      RANK raises SIGNAL
 *   abort RANK STATUS       RANK calls PMIx_Abort with STATUS
 * With exit, signal and abort the other ranks sleep 30 s, so that mpirun must end them.
 */
#include "mptest.h"

#include <pmix.h>
#include <signal.h>

static pmix_proc_t me;

static bool get_value(pmix_rank_t rank, const char *key, pmix_value_t **val)
{
    pmix_proc_t proc;
    PMIX_LOAD_PROCID(&proc, me.nspace, rank);
    if (PMIx_Get(&proc, key, NULL, 0, val) != PMIX_SUCCESS) {
        MPT_CHECK(0, "PMIx_Get(%s) of rank %u failed", key, rank);
        return false;
    }
    return true;
}

static long get_number(pmix_rank_t rank, const char *key)
{
    pmix_value_t *val = NULL;
    long num = -1;
    if (!get_value(rank, key, &val)) {
        return -1;
    }
    if (val->type == PMIX_UINT32) {
        num = val->data.uint32;
    } else if (val->type == PMIX_UINT16) {
        num = val->data.uint16;
    } else {
        MPT_CHECK(0, "PMIx_Get(%s): unexpected type %d", key, (int)val->type);
    }
    PMIX_VALUE_RELEASE(val);
    return num;
}

/* Splits "a,a,b" into hosts[]; returns the count. */
static int split_hosts(char *list, char **hosts, int max)
{
    int n = 0;
    for (char *save = NULL, *h = strtok_r(list, ",", &save); h != NULL && n < max;
         h = strtok_r(NULL, ",", &save)) {
        hosts[n++] = h;
    }
    return n;
}

static void check_job(char **hosts, int n)
{
    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_JOB_SIZE) == n, "PMIX_JOB_SIZE wrong");
    int nlocal = 0, local_rank = 0, nnodes = 0;
    for (int r = 0; r < n; r++) {
        bool same = strcmp(hosts[r], hosts[me.rank]) == 0;
        nlocal += same;
        local_rank += same && r < (int)me.rank;
        bool first = true;
        for (int k = 0; k < r; k++) {
            first = first && strcmp(hosts[k], hosts[r]) != 0;
        }
        nnodes += first;
    }
    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_LOCAL_SIZE) == nlocal, "PMIX_LOCAL_SIZE wrong");
    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_NUM_NODES) == nnodes, "PMIX_NUM_NODES wrong");
    MPT_CHECK(get_number(me.rank, PMIX_LOCAL_RANK) == local_rank, "PMIX_LOCAL_RANK wrong");
    pmix_value_t *val = NULL;
    if (get_value(me.rank, PMIX_HOSTNAME, &val)) {
        MPT_CHECK(val->type == PMIX_STRING && strcmp(val->data.string, hosts[me.rank]) == 0,
                  "PMIX_HOSTNAME \"%s\", expected \"%s\"",
                  val->type == PMIX_STRING ? val->data.string : "?", hosts[me.rank]);
        PMIX_VALUE_RELEASE(val);
    }
}

/* Every rank publishes "HOST/RANK"; after the fence every rank reads every rank's value. */
static void check_fence(char **hosts, int n)
{
    char mine[300], want[300];
    pmix_value_t val = {.type = PMIX_STRING, .data.string = mine};
    pmix_info_t info;
    bool collect = true;
    snprintf(mine, sizeof(mine), "%s/%u", hosts[me.rank], me.rank);
    MPT_CHECK(PMIx_Put(PMIX_GLOBAL, "test.where", &val) == PMIX_SUCCESS, "PMIx_Put failed");
    MPT_CHECK(PMIx_Commit() == PMIX_SUCCESS, "PMIx_Commit failed");
    PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &collect, PMIX_BOOL);
    pmix_status_t rc = PMIx_Fence(NULL, 0, &info, 1);
    MPT_CHECK(rc == PMIX_SUCCESS, "PMIx_Fence: %s", PMIx_Error_string(rc));
    PMIX_INFO_DESTRUCT(&info);
    for (int r = 0; r < n; r++) {
        pmix_value_t *got = NULL;
        if (!get_value((pmix_rank_t)r, "test.where", &got)) {
            continue;
        }
        snprintf(want, sizeof(want), "%s/%d", hosts[r], r);
        MPT_CHECK(got->type == PMIX_STRING && strcmp(got->data.string, want) == 0,
                  "rank %d's value \"%s\", expected \"%s\"", r,
                  got->type == PMIX_STRING ? got->data.string : "?", want);
        PMIX_VALUE_RELEASE(got);
    }
    /* Two more fences without data over the same ranks: told apart by their sequence. */
    for (int i = 0; i < 2; i++) {
        rc = PMIx_Fence(NULL, 0, NULL, 0);
        MPT_CHECK(rc == PMIX_SUCCESS, "plain PMIx_Fence %d: %s", i, PMIx_Error_string(rc));
    }
}

/* A key nobody put, of the next rank (on another host when this is its host's last rank): an
 * error within seconds (PMIx waits up to 2 s for a late commit), never a hang. */
static void check_missing(int n)
{
    pmix_proc_t peer;
    pmix_value_t *none = NULL;
    PMIX_LOAD_PROCID(&peer, me.nspace, (me.rank + 1) % (pmix_rank_t)n);
    pmix_status_t rc = PMIx_Get(&peer, "test.nobody-put-this", NULL, 0, &none);
    MPT_CHECK(rc != PMIX_SUCCESS, "PMIx_Get of a key nobody put succeeded");
}

/* No fence brings the values here: each Get of another host's rank goes to that host (direct
 * modex), and waits there until the rank has committed. */
static void check_direct(char **hosts, int n)
{
    char mine[300], want[300];
    pmix_value_t val = {.type = PMIX_STRING, .data.string = mine};
    snprintf(mine, sizeof(mine), "direct/%s/%u", hosts[me.rank], me.rank);
    MPT_CHECK(PMIx_Put(PMIX_GLOBAL, "test.direct", &val) == PMIX_SUCCESS, "PMIx_Put failed");
    MPT_CHECK(PMIx_Commit() == PMIX_SUCCESS, "PMIx_Commit failed");
    for (int k = 1; k <= n; k++) {
        int r = ((int)me.rank + k) % n; /* every rank starts with a different peer */
        pmix_value_t *got = NULL;
        if (!get_value((pmix_rank_t)r, "test.direct", &got)) {
            continue;
        }
        snprintf(want, sizeof(want), "direct/%s/%d", hosts[r], r);
        MPT_CHECK(got->type == PMIX_STRING && strcmp(got->data.string, want) == 0,
                  "rank %d's direct value \"%s\", expected \"%s\"", r,
                  got->type == PMIX_STRING ? got->data.string : "?", want);
        PMIX_VALUE_RELEASE(got);
    }
}

/* Nobody committed yet: the Get of another host's rank waits on that host until the Get's
 * timeout ends it, then the late answer (after the commit in check_fence) is dropped. */
static void check_late(int n)
{
    pmix_proc_t peer;
    pmix_value_t *none = NULL;
    pmix_info_t info;
    int timeout = 2;
    PMIX_INFO_LOAD(&info, PMIX_TIMEOUT, &timeout, PMIX_INT);
    PMIX_LOAD_PROCID(&peer, me.nspace, (me.rank + 1) % (pmix_rank_t)n);
    pmix_status_t rc = PMIx_Get(&peer, "test.direct", &info, 1, &none);
    MPT_CHECK(rc != PMIX_SUCCESS, "PMIx_Get of a key not committed yet succeeded");
    PMIX_INFO_DESTRUCT(&info);
}

/* Rank who is gone (finalized, exited 0) without putting anything: its key is not found. */
static void check_gone(long who)
{
    pmix_proc_t peer;
    pmix_value_t *none = NULL;
    mpt_sleep_ms(1000); /* until it has surely been reaped */
    PMIX_LOAD_PROCID(&peer, me.nspace, (pmix_rank_t)who);
    pmix_status_t rc = PMIx_Get(&peer, "test.never-put", NULL, 0, &none);
    MPT_CHECK(rc != PMIX_SUCCESS, "PMIx_Get of a key of a rank that is gone succeeded");
}

/* COUNT lines of varied length, each written in three pieces straight to the pipe, so that
 * only line-whole forwarding keeps them apart from the other ranks' lines. */
static void print_lines(int rank, long count)
{
    static char letters[4096];
    memset(letters, 'a' + rank % 26, sizeof(letters));
    for (long k = 0; k < count; k++) {
        int len = (int)((rank * 131 + k * 17) % 3000) + 1;
        char head[64];
        int hlen = snprintf(head, sizeof(head), "%d %ld %d ", rank, k, len);
        if (write(STDOUT_FILENO, head, (size_t)hlen) != hlen ||
            write(STDOUT_FILENO, letters, (size_t)len) != len ||
            write(STDOUT_FILENO, "\n", 1) != 1) {
            MPT_CHECK(0, "write to stdout failed");
            return;
        }
    }
}

int main(int argc, char **argv)
{
    char *hosts[4096];
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: pmix_hosts HOSTS hello | sleep SECONDS | "
                        "exit|signal|abort RANK VALUE\n");
        return 2;
    }
    int n = split_hosts(argv[1], hosts, 4096);
    const char *action = argv[2];
    long value = argc > 3 ? mpt_parse_long(argv[argc - 1], "value") : 0;
    long who = argc == 5 ? mpt_parse_long(argv[3], "rank") : -1;
    if (strcmp(argv[2], "gone") == 0) {
        who = value; /* the only argument */
    }
    if (PMIx_Init(&me, NULL, 0) != PMIX_SUCCESS) {
        fprintf(stderr, "PMIx_Init failed: is this run under mpirun?\n");
        return 1;
    }
    mpt_set_rank((int)me.rank);
    check_job(hosts, n);
    bool me_acts = (long)me.rank == who;
    if (strcmp(action, "direct") == 0) {
        check_direct(hosts, n);
    } else if (strcmp(action, "late") == 0) {
        check_late(n);
    } else if (strcmp(action, "fencedie") == 0 && me_acts) {
        mpt_sleep_ms(300); /* the others are in the fence by then */
        _exit((int)value);
    }
    if (strcmp(action, "gone") == 0 && me_acts) {
        PMIx_Finalize(NULL, 0);
        return 0;
    } else if (strcmp(action, "gone") == 0) {
        /* No fence after this: the gone rank would never arrive. */
        check_gone(who);
        mpt_announce((int)me.rank, n);
        PMIx_Finalize(NULL, 0);
        return mpt_finish((int)me.rank);
    }
    check_fence(hosts, n);
    mpt_announce((int)me.rank, n);
    if (strcmp(action, "direct") == 0 || strcmp(action, "late") == 0) {
        /* done before the fences */
    } else if (strcmp(action, "hello") == 0) {
        printf("hello from rank %u of %d on %s\n", me.rank, n, hosts[me.rank]);
        fflush(stdout);
    } else if (strcmp(action, "missing") == 0) {
        check_missing(n);
    } else if (strcmp(action, "sleep") == 0) {
        mpt_sleep_ms(value * 1000);
    } else if (strcmp(action, "lines") == 0) {
        print_lines((int)me.rank, value);
    } else if (strcmp(action, "signal") == 0 && me_acts) {
        mpt_sleep_ms(200);
        raise((int)value);
    } else if (strcmp(action, "abort") == 0 && me_acts) {
        mpt_sleep_ms(200);
        PMIx_Abort((int)value, "test abort", NULL, 0);
        return (int)value;
    } else if (strcmp(action, "exit") != 0 && strcmp(action, "signal") != 0 &&
               strcmp(action, "abort") != 0 && strcmp(action, "fencedie") != 0) {
        fprintf(stderr, "unknown action '%s'\n", action);
        return 2;
    } else if (!me_acts) {
        mpt_sleep_ms(30000); /* the others wait to be ended by mpirun */
    }
    PMIx_Finalize(NULL, 0);
    if (strcmp(action, "exit") == 0 && me_acts) {
        return (int)value;
    }
    return mpt_finish((int)me.rank);
}
