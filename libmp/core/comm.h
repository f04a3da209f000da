/*
 * Communicator objects. For now the two predefined ones exist; creation, groups and context-id
 * agreement come with the communicators work.
 */
#ifndef MP_CORE_COMM_H
#define MP_CORE_COMM_H

#include <stdint.h>

#define MP_COMM_NAME_MAX 128

typedef struct mp_comm {
    int rank;            /* my rank in this communicator */
    int size;            /* ranks in this communicator */
    uint32_t context_id; /* distinguishes this communicator's messages on the wire */
    char name[MP_COMM_NAME_MAX];
} mp_comm_t;

#endif
