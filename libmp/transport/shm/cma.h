/*
 * Single copy between the ranks of a node through cross-memory attach (process_vm_readv):
 * detected at connect by reading a random probe word of the peer, never assumed.
 */
#ifndef MP_SHM_CMA_H
#define MP_SHM_CMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/status.h"

/* False when the environment says MP_SHM_SINGLE_COPY=0. */
bool mp_shm_cma_is_enabled(void);

/* The address and the (random, non-zero) value of this process's probe word, for its card. */
void mp_shm_cma_probe(uint64_t *addr_p, uint64_t *value_p);

/* Whether process_vm_readv reads the probe word of process pid and finds the value its card
 * announced (a pid of another namespace, or a refusal by the kernel, give false). */
bool mp_shm_cma_can_read(pid_t pid, uint64_t addr, uint64_t value);

/* Reads len bytes at address remote of process pid (job rank peer, for messages) into local.
 * Blocking. MP_ERR_SYSCALL, logged with the reason, if the kernel refuses or the range is not
 * all mapped in the peer. */
mp_status_t mp_shm_cma_read(pid_t pid, int peer, void *local, uint64_t remote, size_t len);

/* Writes len bytes of local at address remote of process pid, likewise. The same permission as
 * reading (the kernel checks both alike), so detection by a read covers it. */
mp_status_t mp_shm_cma_write(pid_t pid, int peer, const void *local, uint64_t remote, size_t len);

#endif
