/*
 * The job's table of published names: a small array searched linearly (a job publishes a few
 * names, not thousands).
 */
#define _GNU_SOURCE
#include "mpirun/names.h"

#include <stdlib.h>
#include <string.h>

static mpirun_name_t *find(const mpirun_names_t *names, const char *service)
{
    for (size_t i = 0; i < names->n; i++) {
        if (strcmp(names->items[i].service, service) == 0) {
            return &names->items[i];
        }
    }
    return NULL;
}

mpirun_names_status_t mpirun_names_publish(mpirun_names_t *names, const char *service,
                                           const char *port, int owner)
{
    if (find(names, service) != NULL) {
        return MPIRUN_NAMES_DUPLICATE;
    }
    if (names->n == names->cap) {
        size_t cap = names->cap == 0 ? 8 : 2 * names->cap;
        mpirun_name_t *grown = realloc(names->items, cap * sizeof(*grown));
        if (grown == NULL) {
            return MPIRUN_NAMES_NO_MEMORY;
        }
        names->items = grown;
        names->cap = cap;
    }
    char *s = strdup(service), *p = strdup(port);
    if (s == NULL || p == NULL) {
        free(s);
        free(p);
        return MPIRUN_NAMES_NO_MEMORY;
    }
    names->items[names->n++] = (mpirun_name_t){.service = s, .port = p, .owner = owner};
    return MPIRUN_NAMES_OK;
}

const mpirun_name_t *mpirun_names_lookup(const mpirun_names_t *names, const char *service)
{
    return find(names, service);
}

mpirun_names_status_t mpirun_names_unpublish(mpirun_names_t *names, const char *service, int owner)
{
    mpirun_name_t *e = find(names, service);
    if (e == NULL) {
        return MPIRUN_NAMES_NOT_FOUND;
    }
    if (e->owner != owner) {
        return MPIRUN_NAMES_NOT_OWNER;
    }
    free(e->service);
    free(e->port);
    *e = names->items[--names->n];
    return MPIRUN_NAMES_OK;
}

void mpirun_names_clear(mpirun_names_t *names)
{
    for (size_t i = 0; i < names->n; i++) {
        free(names->items[i].service);
        free(names->items[i].port);
    }
    free(names->items);
    *names = (mpirun_names_t){0};
}
