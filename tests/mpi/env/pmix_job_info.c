/*
 * Checks what mpirun's PMIx server tells a PMIx client (any launcher's client, not only libmp):
 * job, node and rank facts, and a fence that collects every rank's data. Also run under Slurm's
 * srun --mpi=pmix (tests/slurm), whose facts libmp relies on alike. With "secret", the job's
 * secret (libmp.job_secret, 32 bytes) must be found the way libmp reads it (PMIX_OPTIONAL: from
 * the job data, not asking the server); with "nosecret" (other launchers) it must be absent.
 * Usage: pmix_job_info expected_size [secret|nosecret].
 */
#include "mptest.h"

#include <pmix.h>

static pmix_proc_t me;

/* Fetches key for rank (or PMIX_RANK_WILDCARD for the job) as an unsigned number. */
static long get_number(pmix_rank_t rank, const char *key)
{
    pmix_proc_t proc;
    pmix_value_t *val = NULL;
    long num = -1;

    PMIX_LOAD_PROCID(&proc, me.nspace, rank);
    if (PMIx_Get(&proc, key, NULL, 0, &val) != PMIX_SUCCESS) {
        MPT_CHECK(0, "PMIx_Get(%s) of rank %u failed", key, rank);
        return -1;
    }
    switch (val->type) {
    case PMIX_UINT16:
        num = val->data.uint16;
        break;
    case PMIX_UINT32:
        num = val->data.uint32;
        break;
    case PMIX_PROC_RANK:
        num = val->data.rank;
        break;
    case PMIX_INT: /* Slurm 22.05 stores PMIX_APPNUM as an int, not the standard's uint32 */
        num = val->data.integer;
        break;
    default:
        MPT_CHECK(0, "PMIx_Get(%s): unexpected type %d", key, (int)val->type);
    }
    PMIX_VALUE_RELEASE(val);
    return num;
}

static void get_string(pmix_rank_t rank, const char *key, char *buf, size_t len)
{
    pmix_proc_t proc;
    pmix_value_t *val = NULL;

    buf[0] = '\0';
    PMIX_LOAD_PROCID(&proc, me.nspace, rank);
    if (PMIx_Get(&proc, key, NULL, 0, &val) != PMIX_SUCCESS) {
        MPT_CHECK(0, "PMIx_Get(%s) of rank %u failed", key, rank);
        return;
    }
    MPT_CHECK(val->type == PMIX_STRING, "PMIx_Get(%s): type %d, not a string", key, val->type);
    if (val->type == PMIX_STRING) {
        snprintf(buf, len, "%s", val->data.string);
    }
    PMIX_VALUE_RELEASE(val);
}

static void check_job(long size)
{
    char peers[4096], expected[4096] = "", host[256], my_host[256] = "";

    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_JOB_SIZE) == size, "PMIX_JOB_SIZE wrong");
    /* The hosts' slots (MPI_UNIVERSE_SIZE), at least the job. */
    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_UNIV_SIZE) >= size, "PMIX_UNIV_SIZE wrong");
    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_LOCAL_SIZE) == size, "PMIX_LOCAL_SIZE wrong");
    MPT_CHECK(get_number(PMIX_RANK_WILDCARD, PMIX_NUM_NODES) == 1, "PMIX_NUM_NODES wrong");
    get_string(PMIX_RANK_WILDCARD, PMIX_LOCAL_PEERS, peers, sizeof(peers));
    for (long r = 0; r < size; r++) {
        size_t n = strlen(expected);
        snprintf(expected + n, sizeof(expected) - n, r == 0 ? "%ld" : ",%ld", r);
    }
    MPT_CHECK(strcmp(peers, expected) == 0, "PMIX_LOCAL_PEERS \"%s\", expected \"%s\"", peers,
              expected);
    MPT_CHECK(get_number(me.rank, PMIX_LOCAL_RANK) == (long)me.rank, "PMIX_LOCAL_RANK wrong");
    MPT_CHECK(get_number(me.rank, PMIX_NODE_RANK) == (long)me.rank, "PMIX_NODE_RANK wrong");
    MPT_CHECK(get_number(me.rank, PMIX_NODEID) == 0, "PMIX_NODEID wrong");
    MPT_CHECK(get_number(me.rank, PMIX_APPNUM) == 0, "PMIX_APPNUM wrong");
    get_string(me.rank, PMIX_HOSTNAME, host, sizeof(host));
    gethostname(my_host, sizeof(my_host) - 1);
    MPT_CHECK(strcmp(host, my_host) == 0, "PMIX_HOSTNAME \"%s\", expected \"%s\"", host, my_host);
}

static void check_secret(bool expected)
{
    pmix_proc_t job;
    pmix_info_t info;
    pmix_value_t *val = NULL;
    bool yes = true;

    PMIX_LOAD_PROCID(&job, me.nspace, PMIX_RANK_WILDCARD);
    PMIX_INFO_LOAD(&info, PMIX_OPTIONAL, &yes, PMIX_BOOL);
    pmix_status_t rc = PMIx_Get(&job, "libmp.job_secret", &info, 1, &val);
    PMIX_INFO_DESTRUCT(&info);
    if (!expected) {
        MPT_CHECK(rc == PMIX_ERR_NOT_FOUND, "libmp.job_secret: %s, expected NOT-FOUND",
                  PMIx_Error_string(rc));
    } else if (rc != PMIX_SUCCESS) {
        MPT_CHECK(0, "libmp.job_secret not found: %s", PMIx_Error_string(rc));
    } else {
        MPT_CHECK(val->type == PMIX_BYTE_OBJECT && val->data.bo.size == 32,
                  "libmp.job_secret: type %d, %zu bytes; expected a 32-byte byte object",
                  (int)val->type, val->type == PMIX_BYTE_OBJECT ? val->data.bo.size : 0);
    }
    if (val != NULL) {
        PMIX_VALUE_RELEASE(val);
    }
}

/* Every rank publishes a value; after a collecting fence every rank reads every value. */
static void check_fence(long size)
{
    pmix_value_t val;
    pmix_info_t info;
    bool collect = true;
    uint32_t mine = 1000 + me.rank;

    val.type = PMIX_UINT32;
    val.data.uint32 = mine;
    MPT_CHECK(PMIx_Put(PMIX_GLOBAL, "test.card", &val) == PMIX_SUCCESS, "PMIx_Put failed");
    MPT_CHECK(PMIx_Commit() == PMIX_SUCCESS, "PMIx_Commit failed");
    PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &collect, PMIX_BOOL);
    MPT_CHECK(PMIx_Fence(NULL, 0, &info, 1) == PMIX_SUCCESS, "PMIx_Fence failed");
    PMIX_INFO_DESTRUCT(&info);
    for (long r = 0; r < size; r++) {
        pmix_proc_t proc;
        pmix_value_t *got = NULL;
        PMIX_LOAD_PROCID(&proc, me.nspace, (pmix_rank_t)r);
        if (PMIx_Get(&proc, "test.card", NULL, 0, &got) != PMIX_SUCCESS) {
            MPT_CHECK(0, "rank %ld's card not found after the fence", r);
            continue;
        }
        MPT_CHECK(got->type == PMIX_UINT32 && got->data.uint32 == 1000 + r,
                  "rank %ld's card: %u, expected %ld", r, got->data.uint32, 1000 + r);
        PMIX_VALUE_RELEASE(got);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 ||
        (argc == 3 && strcmp(argv[2], "secret") != 0 && strcmp(argv[2], "nosecret") != 0)) {
        fprintf(stderr, "usage: pmix_job_info expected_size [secret|nosecret]\n");
        return 2;
    }
    long size = mpt_parse_long(argv[1], "expected size");
    if (PMIx_Init(&me, NULL, 0) != PMIX_SUCCESS) {
        fprintf(stderr, "PMIx_Init failed: is this run under mpirun?\n");
        return 1;
    }
    mpt_set_rank((int)me.rank);
    check_job(size);
    if (argc == 3) {
        check_secret(strcmp(argv[2], "secret") == 0);
    }
    check_fence(size);
    PMIx_Finalize(NULL, 0);
    return mpt_finish((int)me.rank);
}
