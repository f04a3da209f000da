/*
 * Internals of the shm transport that its unit test also sees: the business card each rank
 * publishes, and a counter of wake-ups.
 */
#ifndef MP_SHM_SHM_H
#define MP_SHM_SHM_H

#include <stdint.h>

#include "transport/shm/segment.h"

/* The card published under MP_SHM_CARD_KEY by a rank that has local peers. */
#define MP_SHM_CARD_KEY "shm"

typedef struct mp_shm_card {
    uint64_t magic;                 /* MP_SHM_MAGIC */
    uint32_t version;               /* MP_SHM_VERSION: the layout of this card and the segment */
    int32_t local_rank;             /* the owner's index among its node's ranks */
    int64_t pid;                    /* the owner's process id, for process_vm_readv */
    uint64_t seg_size;              /* bytes of the owner's segment */
    uint64_t probe_addr;            /* address of a random word in the owner... */
    uint64_t probe_value;           /* ...and its value: a peer reading this value there through
                                     * process_vm_readv knows single copy works; both 0 when
                                     * the owner turned single copy off */
    char seg_name[MP_SHM_NAME_MAX]; /* the owner's segment, for shm_open */
} mp_shm_card_t;

/* How many times this process has woken a sleeping peer (each is one futex system call). */
uint64_t mp_shm_wakeups(void);

#endif
