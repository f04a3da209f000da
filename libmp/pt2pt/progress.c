/*
 * The progress engine and its waiting policy. A rank with a core to itself spins (a wake-up
 * from sleep costs ~30 us here, a cache line ~65 ns); a rank sharing cores yields once a poll
 * finds nothing, then sleeps on its transport's doorbell so the rank it waits for gets the CPU.
 */
#define _GNU_SOURCE
#include "pt2pt/progress.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "pt2pt/pt2pt_internal.h"

/* Waiting policy, in polls and nanoseconds; chosen once at init. */
static unsigned spin_polls;   /* empty polls before yielding */
static unsigned yield_polls;  /* empty polls (each after a yield) before sleeping */
static uint64_t sleep_max_ns; /* longest single sleep: a safety net against lost wake-ups */
static bool cores_shared;     /* this rank shares its cores with other ranks of the node */

void mp_progress_init(bool cpus_shared)
{
    cores_shared = cpus_shared;
    if (cpus_shared) {
        /* Yield after the second empty poll: with more ranks than cores, what a rank waits for
         * mostly comes from a rank that is not running, and every rank must run once per
         * collective anyway. Spinning 50 polls first cost 8 ranks on 2 cores a quarter of
         * each 8-byte allreduce (13.9 against 10.4 us) and a fifth to a third of a barrier. */
        spin_polls = 1;
        yield_polls = 20;
    } else {
        spin_polls = 200000; /* ~ tens of ms of spinning before giving the core away */
        yield_polls = 1000;
    }
    sleep_max_ns = 10 * 1000 * 1000;
}

unsigned mp_progress_spin_polls(void)
{
    return spin_polls;
}

bool mp_progress_cores_shared(void)
{
    return cores_shared;
}

static int (*hooks[MP_PROGRESS_HOOKS_MAX])(void);
static int nhooks;

void mp_progress_hook_add(int (*hook)(void))
{
    for (int i = 0; i < nhooks; i++) {
        if (hooks[i] == hook) {
            return;
        }
    }
    if (nhooks < MP_PROGRESS_HOOKS_MAX) {
        hooks[nhooks++] = hook;
    }
}

int mp_progress_poll(void)
{
    int events = mp_pt2pt_progress();
    for (int i = 0; i < nhooks; i++) {
        events += hooks[i]();
    }
    return events;
}

void mp_progress_wait(bool (*done)(void *arg), void *arg)
{
    mp_progress_wait_announced(done, arg, NULL);
}

void mp_progress_wait_announced(bool (*done)(void *arg), void *arg, void (*announce)(void *arg))
{
    unsigned idle = 0;
    while (!done(arg)) {
        if (mp_progress_poll() > 0) {
            idle = 0;
            continue;
        }
        idle++;
        if (idle <= spin_polls) {
            continue;
        }
        if (idle <= spin_polls + yield_polls) {
            sched_yield();
            continue;
        }
        /* Announce the sleep, then look once more: a packet that raced the announcement is
         * either seen here or its sender saw the flag and rings the doorbell. */
        if (announce != NULL) {
            announce(arg);
            /* What it stored comes before the last look at done() (see progress.h). */
            atomic_thread_fence(memory_order_seq_cst);
        }
        if (!mp_pt2pt_sleep_prepare()) {
            idle = 0;
            continue;
        }
        if (mp_progress_poll() == 0 && !done(arg)) {
            mp_pt2pt_sleep_wait(sleep_max_ns);
        }
        mp_pt2pt_sleep_done();
        idle = spin_polls; /* after a wake-up: yield a little before sleeping again */
    }
}
