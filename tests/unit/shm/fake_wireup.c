/*
 * The fake wire-up of the shm unit test: mp_wireup_card_put/get/fence between forked processes,
 * with cards as files in a temporary directory and the fence as a process-shared barrier.
 */
#define _GNU_SOURCE
#include "fake_wireup.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/runtime.h"
#include "wireup/procs.h"
#include "wireup/wireup.h"

/* log.c prefixes its lines with mp_runtime.rank; the real one lives in core/runtime.c. */
mp_runtime_t mp_runtime = {.state = MP_RUNTIME_NEW, .rank = -1};

static char card_dir[PATH_MAX];
static pthread_barrier_t *barrier;
static int my_rank;

void fake_wireup_setup(int nranks)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(card_dir, sizeof(card_dir), "%s/test_shm.XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(card_dir) == NULL) {
        perror("mkdtemp");
        abort();
    }
    barrier =
        mmap(NULL, sizeof(*barrier), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (barrier == MAP_FAILED) {
        perror("mmap");
        abort();
    }
    pthread_barrierattr_t attr;
    pthread_barrierattr_init(&attr);
    pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_barrier_init(barrier, &attr, (unsigned)nranks);
    pthread_barrierattr_destroy(&attr);
}

void fake_wireup_set_rank(int rank)
{
    my_rank = rank;
    mp_runtime.rank = rank;
}

void fake_wireup_teardown(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", card_dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", card_dir);
    }
    /* Not pthread_barrier_destroy: it would wait for ranks that were killed inside the
     * barrier. Unmapping the page is all it needs. */
    munmap(barrier, sizeof(*barrier));
}

static void card_path(char *path, size_t size, int rank, const char *key)
{
    snprintf(path, size, "%s/%d.%s", card_dir, rank, key);
}

/* Written to a temporary file and renamed, so a reader sees a whole card or none. */
mp_status_t mp_wireup_card_put(const char *key, const void *data, size_t len)
{
    char path[PATH_MAX + 64];
    char tmp[PATH_MAX + 72];
    card_path(path, sizeof(path), my_rank, key);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        return MP_ERR_SYSCALL;
    }
    size_t written = len > 0 ? fwrite(data, 1, len, f) : 0;
    if (fclose(f) != 0 || written != len || rename(tmp, path) != 0) {
        return MP_ERR_SYSCALL;
    }
    return MP_OK;
}

mp_status_t mp_wireup_fence(bool collect)
{
    (void)collect;
    pthread_barrier_wait(barrier);
    return MP_OK;
}

mp_status_t mp_wireup_card_get(int rank, const char *key, void **data_p, size_t *len_p)
{
    char path[PATH_MAX + 64];
    card_path(path, sizeof(path), rank, key);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return MP_ERR_NOT_FOUND;
    }
    char buf[4096];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    void *data = malloc(len > 0 ? len : 1);
    if (data == NULL) {
        return MP_ERR_NOMEM;
    }
    memcpy(data, buf, len);
    *data_p = data;
    *len_p = len;
    return MP_OK;
}

/* One job: peer indices are job ranks (wireup/procs.h). */
uint32_t mp_wireup_job_number(void)
{
    return 0;
}

uint64_t mp_wireup_proc_gid(int index)
{
    return mp_wireup_gid_make(0, (uint32_t)index);
}

mp_status_t mp_wireup_proc_index(uint64_t gid, int *index_p)
{
    if (mp_wireup_gid_job(gid) != 0) {
        return MP_ERR_UNSUPPORTED;
    }
    *index_p = (int)mp_wireup_gid_rank(gid);
    return MP_OK;
}

mp_status_t mp_wireup_commit(void)
{
    return MP_OK;
}
