/*
 * Info objects: an ordered list of (key, value) string pairs, as MPI_Info holds them. The api
 * layer checks lengths and handles; this is only the storage, so that unit tests can reach it.
 */
#ifndef MP_CORE_INFO_H
#define MP_CORE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "util/addr_span.h"

#define MP_INFO_MAGIC 0x6d70696eu /* "mpin" */

/* Where the info objects mp_info_create made lie (their handles are their addresses). */
extern mp_addr_span_t mp_info_span;

typedef struct mp_info_entry {
    struct mp_info_entry *next;
    char *key;
    char *value;
} mp_info_entry_t;

typedef struct mp_info {
    uint32_t magic;         /* MP_INFO_MAGIC while the object is valid */
    int nkeys;              /* entries in the list */
    mp_info_entry_t *first; /* in the order the keys were first set */
    mp_info_entry_t *last;
} mp_info_t;

/* Initialises an empty info object in place (no allocation). */
void mp_info_init(mp_info_t *info);

/* Frees every entry; the object stays valid and empty. */
void mp_info_clear(mp_info_t *info);

/* Allocates an empty info object. */
mp_status_t mp_info_create(mp_info_t **info_p);

/* Frees an object made by mp_info_create or mp_info_dup. */
void mp_info_destroy(mp_info_t *info);

/* Sets key to value (copies of both), replacing an existing value in place: a key keeps the
 * position where it was first set. */
mp_status_t mp_info_set(mp_info_t *info, const char *key, const char *value);

/* The value of key, or NULL when the key is not set. The string belongs to info. */
const char *mp_info_get(const mp_info_t *info, const char *key);

/* Removes key; MP_ERR_NOT_FOUND when it is not set. */
mp_status_t mp_info_delete(mp_info_t *info, const char *key);

/* The n-th key (0-based, in order of first setting), or NULL when n is out of range. */
const char *mp_info_nthkey(const mp_info_t *info, int n);

/* Allocates a copy of info with the same keys in the same order. */
mp_status_t mp_info_dup(const mp_info_t *info, mp_info_t **dup_p);

/* Sets every key of from in into (existing keys of into that from lacks stay). */
mp_status_t mp_info_merge(mp_info_t *into, const mp_info_t *from);

#endif
