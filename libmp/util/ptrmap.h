/*
 * A hash map from non-NULL pointers to integers (open addressing, linear probing, tombstones):
 * which blocks MPI_Alloc_mem gave out, which Fortran integer a handle has. Knows nothing of MPI.
 */
#ifndef MP_PTRMAP_H
#define MP_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mp_ptrmap_slot {
    const void *key; /* NULL: empty; MP_PTRMAP_GONE: a removed entry */
    uintptr_t value;
} mp_ptrmap_slot_t;

typedef struct mp_ptrmap {
    mp_ptrmap_slot_t *slots;
    size_t cap;  /* a power of two, or 0 while nothing was ever put */
    size_t used; /* live entries plus tombstones */
    size_t live; /* live entries */
} mp_ptrmap_t;

/* An empty map (all zero; as static storage it needs no init). */
void mp_ptrmap_init(mp_ptrmap_t *map);

/* Frees the map's memory; it is empty afterwards and may be used again. */
void mp_ptrmap_fini(mp_ptrmap_t *map);

/* Sets key's value (adding key, or replacing its value). key must not be NULL. Returns false
 * when memory runs out (the map is then unchanged). */
bool mp_ptrmap_put(mp_ptrmap_t *map, const void *key, uintptr_t value);

/* Whether key is in the map; if so and value_p is not NULL, sets *value_p. */
bool mp_ptrmap_get(const mp_ptrmap_t *map, const void *key, uintptr_t *value_p);

/* Removes key; returns whether it was there. The map's memory goes with its last entry. */
bool mp_ptrmap_remove(mp_ptrmap_t *map, const void *key);

/* The number of entries. */
size_t mp_ptrmap_size(const mp_ptrmap_t *map);

#endif /* MP_PTRMAP_H */
