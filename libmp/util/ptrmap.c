/*
 * The pointer map of ptrmap.h: open addressing with linear probing; removals leave tombstones
 * that the next growth drops, and the table is rebuilt at 3/4 occupancy.
 */
#include "util/ptrmap.h"

#include <stdlib.h>
#include <string.h>

#define GONE ((const void *)1)

static size_t slot_of(const void *key, size_t cap)
{
    /* Fibonacci hashing of the address: the low bits of heap addresses carry little. */
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;
    return (size_t)(h >> 32) & (cap - 1);
}

void mp_ptrmap_init(mp_ptrmap_t *map)
{
    memset(map, 0, sizeof(*map));
}

void mp_ptrmap_fini(mp_ptrmap_t *map)
{
    free(map->slots);
    mp_ptrmap_init(map);
}

/* Rebuilds the table with room for four times the live entries, dropping tombstones. */
static bool rebuild(mp_ptrmap_t *map)
{
    size_t cap = 16;
    while (cap < 4 * (map->live + 1)) {
        cap *= 2;
    }
    mp_ptrmap_slot_t *slots = calloc(cap, sizeof(*slots));
    if (slots == NULL) {
        return false;
    }
    for (size_t i = 0; i < map->cap; i++) {
        const void *key = map->slots[i].key;
        if (key != NULL && key != GONE) {
            size_t s = slot_of(key, cap);
            while (slots[s].key != NULL) {
                s = (s + 1) & (cap - 1);
            }
            slots[s] = map->slots[i];
        }
    }
    free(map->slots);
    map->slots = slots;
    map->cap = cap;
    map->used = map->live;
    return true;
}

/* The slot holding key, or NULL. */
static mp_ptrmap_slot_t *find(const mp_ptrmap_t *map, const void *key)
{
    if (map->cap == 0) {
        return NULL;
    }
    for (size_t s = slot_of(key, map->cap);; s = (s + 1) & (map->cap - 1)) {
        if (map->slots[s].key == key) {
            return &map->slots[s];
        }
        if (map->slots[s].key == NULL) {
            return NULL;
        }
    }
}

bool mp_ptrmap_put(mp_ptrmap_t *map, const void *key, uintptr_t value)
{
    mp_ptrmap_slot_t *slot = find(map, key);
    if (slot != NULL) {
        slot->value = value;
        return true;
    }
    if (4 * (map->used + 1) > 3 * map->cap && !rebuild(map)) {
        return false;
    }
    size_t s = slot_of(key, map->cap);
    while (map->slots[s].key != NULL && map->slots[s].key != GONE) {
        s = (s + 1) & (map->cap - 1);
    }
    if (map->slots[s].key == NULL) {
        map->used++;
    }
    map->slots[s].key = key;
    map->slots[s].value = value;
    map->live++;
    return true;
}

bool mp_ptrmap_get(const mp_ptrmap_t *map, const void *key, uintptr_t *value_p)
{
    const mp_ptrmap_slot_t *slot = find(map, key);
    if (slot != NULL && value_p != NULL) {
        *value_p = slot->value;
    }
    return slot != NULL;
}

bool mp_ptrmap_remove(mp_ptrmap_t *map, const void *key)
{
    mp_ptrmap_slot_t *slot = find(map, key);
    if (slot == NULL) {
        return false;
    }
    slot->key = GONE;
    if (--map->live == 0) {
        mp_ptrmap_fini(map);
    }
    return true;
}

size_t mp_ptrmap_size(const mp_ptrmap_t *map)
{
    return map->live;
}
