/*
 * Gathering the parts of fences across hosts. Few fences are open at once (one per
 * participant set, usually the whole job), so a small array searched in order is enough.
 */
#include "mpirun/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void free_fence(mpirun_collect_t *f)
{
    mpirun_wire_buf_fini(&f->data);
    free(f->contributors);
}

int mpirun_collector_add(mpirun_collector_t *c, uint64_t sig, uint32_t seq, int expected, int who,
                         int status, const void *data, size_t len, mpirun_collect_t **done_p,
                         char *err, size_t errlen)
{
    size_t i = 0;
    while (i < c->nfences && (c->fences[i].sig != sig || c->fences[i].seq != seq)) {
        i++;
    }
    if (expected < 1) {
        snprintf(err, errlen, "a fence with %d hosts taking part", expected);
        return -1;
    }
    if (i == c->nfences) {
        mpirun_collect_t *grown = realloc(c->fences, (i + 1) * sizeof(*grown));
        if (grown == NULL) {
            snprintf(err, errlen, "out of memory gathering a fence");
            return -1;
        }
        c->fences = grown;
        c->fences[i] = (mpirun_collect_t){.sig = sig, .seq = seq, .expected = expected};
        c->fences[i].contributors = calloc((size_t)expected, sizeof(int));
        if (c->fences[i].contributors == NULL) {
            snprintf(err, errlen, "out of memory gathering a fence");
            return -1;
        }
        c->nfences++;
    }
    mpirun_collect_t *f = &c->fences[i];
    if (f->expected != expected) {
        snprintf(err, errlen, "fence %u: %d hosts take part, another host said %d", seq, expected,
                 f->expected);
        return -1;
    }
    for (int k = 0; k < f->got; k++) {
        if (f->contributors[k] == who) {
            snprintf(err, errlen, "fence %u: a second part from the same host", seq);
            return -1;
        }
    }
    mpirun_wire_put_raw(&f->data, data, len);
    if (f->data.oom) {
        snprintf(err, errlen, "out of memory gathering a fence");
        return -1;
    }
    f->contributors[f->got++] = who;
    if (f->status == 0) {
        f->status = status; /* one host short of ranks fails the fence for all */
    }
    if (f->got < f->expected) {
        return 0;
    }
    *done_p = f;
    return 1;
}

int mpirun_collector_adjust(mpirun_collector_t *c, int delta, char *err, size_t errlen)
{
    for (size_t i = 0; i < c->nfences; i++) {
        mpirun_collect_t *f = &c->fences[i];
        int expected = f->expected + delta;
        if (expected < 1 || expected < f->got) {
            snprintf(err, errlen, "fence %u: %d parts in, %d now expected", f->seq, f->got,
                     expected);
            return -1;
        }
        if (expected > f->expected) {
            int *grown = realloc(f->contributors, (size_t)expected * sizeof(int));
            if (grown == NULL) {
                snprintf(err, errlen, "out of memory gathering a fence");
                return -1;
            }
            f->contributors = grown;
        }
        f->expected = expected;
    }
    return 0;
}

mpirun_collect_t *mpirun_collector_complete(mpirun_collector_t *c)
{
    for (size_t i = 0; i < c->nfences; i++) {
        if (c->fences[i].got >= c->fences[i].expected) {
            return &c->fences[i];
        }
    }
    return NULL;
}

void mpirun_collector_release(mpirun_collector_t *c, mpirun_collect_t *done)
{
    size_t i = (size_t)(done - c->fences);
    free_fence(done);
    c->fences[i] = c->fences[--c->nfences];
}

void mpirun_collector_fini(mpirun_collector_t *c)
{
    for (size_t i = 0; i < c->nfences; i++) {
        free_fence(&c->fences[i]);
    }
    free(c->fences);
    c->fences = NULL;
    c->nfences = 0;
}
