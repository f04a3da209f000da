/*
 * Cross-memory attach for the shm transport: the probe that detects whether this kernel lets
 * ranks read each other's memory, and the single-copy read itself.
 */
#define _GNU_SOURCE
#include "transport/shm/cma.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

/* Read by peers through the kernel only; set once, before the card that names it is put. */
static uint64_t probe_word;

bool mp_shm_cma_is_enabled(void)
{
    const char *env = getenv("MP_SHM_SINGLE_COPY");
    return env == NULL || strcmp(env, "0") != 0;
}

void mp_shm_cma_probe(uint64_t *addr_p, uint64_t *value_p)
{
    while (probe_word == 0) {
        uint64_t value = 0;
        if (getrandom(&value, sizeof(value), GRND_NONBLOCK) != (ssize_t)sizeof(value)) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            value = ((uint64_t)now.tv_nsec << 32) ^ (uint64_t)now.tv_sec ^ (uint64_t)getpid() ^
                    (uint64_t)(uintptr_t)&value;
        }
        probe_word = value;
    }
    *addr_p = (uint64_t)(uintptr_t)&probe_word;
    *value_p = probe_word;
}

bool mp_shm_cma_can_read(pid_t pid, uint64_t addr, uint64_t value)
{
    uint64_t seen = 0;
    struct iovec local = {.iov_base = &seen, .iov_len = sizeof(seen)};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = sizeof(seen)};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return n == (ssize_t)sizeof(seen) && seen == value;
}

/* Copies len bytes between local and address remote of process pid: from the peer when
 * write is false, into it when true. */
static mp_status_t cma_copy(pid_t pid, int peer, void *local, uint64_t remote, size_t len,
                            bool write)
{
    size_t done = 0;
    while (done < len) {
        struct iovec liov = {.iov_base = (char *)local + done, .iov_len = len - done};
        struct iovec riov = {.iov_base = (void *)(uintptr_t)(remote + done), .iov_len = len - done};
        ssize_t n = write ? process_vm_writev(pid, &liov, 1, &riov, 1, 0)
                          : process_vm_readv(pid, &liov, 1, &riov, 1, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* n == 0: the first byte left is not mapped in the peer (a partial copy stops
             * there and the next call moves nothing). */
            mp_log_error("shm: %s of %zu bytes at 0x%" PRIx64 " of rank %d "
                         "(pid %ld) failed after %zu bytes: %s",
                         write ? "process_vm_writev" : "process_vm_readv", len, remote, peer,
                         (long)pid, done, n < 0 ? strerror(errno) : "address not mapped");
            return MP_ERR_SYSCALL;
        }
        done += (size_t)n;
    }
    return MP_OK;
}

mp_status_t mp_shm_cma_read(pid_t pid, int peer, void *local, uint64_t remote, size_t len)
{
    return cma_copy(pid, peer, local, remote, len, false);
}

mp_status_t mp_shm_cma_write(pid_t pid, int peer, const void *local, uint64_t remote, size_t len)
{
    return cma_copy(pid, peer, (void *)local, remote, len, true);
}
