/*
 * Info objects: a singly linked list of (key, value) copies, kept in the order keys were first
 * set, which is the order MPI_Info_get_nthkey reports. Lists are short (a few hints).
 */
#include <stdlib.h>
#include <string.h>

#include "core/info.h"

void mp_info_init(mp_info_t *info)
{
    info->magic = MP_INFO_MAGIC;
    info->nkeys = 0;
    info->first = NULL;
    info->last = NULL;
}

static void entry_free(mp_info_entry_t *e)
{
    free(e->key);
    free(e->value);
    free(e);
}

void mp_info_clear(mp_info_t *info)
{
    mp_info_entry_t *e = info->first;
    while (e != NULL) {
        mp_info_entry_t *next = e->next;
        entry_free(e);
        e = next;
    }
    info->first = NULL;
    info->last = NULL;
    info->nkeys = 0;
}

mp_addr_span_t mp_info_span = MP_ADDR_SPAN_EMPTY;

mp_status_t mp_info_create(mp_info_t **info_p)
{
    mp_info_t *info = malloc(sizeof(*info));
    if (info == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_addr_span_note(&mp_info_span, info, sizeof(*info));
    mp_info_init(info);
    *info_p = info;
    return MP_OK;
}

void mp_info_destroy(mp_info_t *info)
{
    mp_info_clear(info);
    info->magic = 0; /* a stale handle is then recognised as invalid while the memory lasts */
    free(info);
}

static mp_info_entry_t *find(const mp_info_t *info, const char *key, mp_info_entry_t **prev_p)
{
    mp_info_entry_t *prev = NULL;
    for (mp_info_entry_t *e = info->first; e != NULL; prev = e, e = e->next) {
        if (strcmp(e->key, key) == 0) {
            if (prev_p != NULL) {
                *prev_p = prev;
            }
            return e;
        }
    }
    return NULL;
}

mp_status_t mp_info_set(mp_info_t *info, const char *key, const char *value)
{
    char *v = strdup(value);
    if (v == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_info_entry_t *e = find(info, key, NULL);
    if (e != NULL) {
        free(e->value);
        e->value = v;
        return MP_OK;
    }
    e = malloc(sizeof(*e));
    char *k = strdup(key);
    if (e == NULL || k == NULL) {
        free(e);
        free(k);
        free(v);
        return MP_ERR_NOMEM;
    }
    e->next = NULL;
    e->key = k;
    e->value = v;
    if (info->last != NULL) {
        info->last->next = e;
    } else {
        info->first = e;
    }
    info->last = e;
    info->nkeys++;
    return MP_OK;
}

const char *mp_info_get(const mp_info_t *info, const char *key)
{
    const mp_info_entry_t *e = find(info, key, NULL);
    return e != NULL ? e->value : NULL;
}

mp_status_t mp_info_delete(mp_info_t *info, const char *key)
{
    mp_info_entry_t *prev = NULL;
    mp_info_entry_t *e = find(info, key, &prev);
    if (e == NULL) {
        return MP_ERR_NOT_FOUND;
    }
    if (prev != NULL) {
        prev->next = e->next;
    } else {
        info->first = e->next;
    }
    if (info->last == e) {
        info->last = prev;
    }
    entry_free(e);
    info->nkeys--;
    return MP_OK;
}

const char *mp_info_nthkey(const mp_info_t *info, int n)
{
    if (n < 0) {
        return NULL;
    }
    const mp_info_entry_t *e = info->first;
    for (int i = 0; e != NULL && i < n; i++) {
        e = e->next;
    }
    return e != NULL ? e->key : NULL;
}

mp_status_t mp_info_merge(mp_info_t *into, const mp_info_t *from)
{
    for (const mp_info_entry_t *e = from->first; e != NULL; e = e->next) {
        mp_status_t status = mp_info_set(into, e->key, e->value);
        if (status != MP_OK) {
            return status;
        }
    }
    return MP_OK;
}

mp_status_t mp_info_dup(const mp_info_t *info, mp_info_t **dup_p)
{
    mp_info_t *dup = NULL;
    mp_status_t status = mp_info_create(&dup);
    if (status != MP_OK) {
        return status;
    }
    status = mp_info_merge(dup, info);
    if (status != MP_OK) {
        mp_info_destroy(dup);
        return status;
    }
    *dup_p = dup;
    return MP_OK;
}
