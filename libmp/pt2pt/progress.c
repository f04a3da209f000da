/*
 * The progress engine and its waiting policy. A rank with a core to itself spins (a wake-up
 * from sleep costs ~30 us here, a cache line ~65 ns); a rank sharing cores yields once a poll
 * finds nothing, then sleeps on its transport's doorbell so the rank it waits for gets the CPU;
 * its test calls (MPI_Test, MPI_Iprobe) give the core away after a run of empty polls.
 */
#define _GNU_SOURCE
#include "pt2pt/progress.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "core/lock.h"
#include "pt2pt/pt2pt_internal.h"

/* Waiting policy, in polls and nanoseconds; chosen once at init. */
static unsigned spin_polls;   /* empty polls before yielding */
static unsigned yield_polls;  /* empty polls (each after a yield) before sleeping */
static uint64_t sleep_max_ns; /* longest single sleep: a safety net against lost wake-ups */
static bool cores_shared;     /* this rank shares its cores with other ranks of the node */

/* The policy of a rank that shares its cores, and (MPI_THREAD_MULTIPLE) of a thread that waits
 * while other threads of its rank wait too: they compete for the rank's cores. Yield after the
 * second empty poll: with more ranks than cores, what a rank waits for mostly comes from a rank
 * that is not running, and every rank must run once per collective anyway. Spinning 50 polls
 * first cost 8 ranks on 2 cores a quarter of each 8-byte allreduce (13.9 against 10.4 us) and a
 * fifth to a third of a barrier. */
#define SHARED_SPIN_POLLS 1
#define SHARED_YIELD_POLLS 20

void mp_progress_init(bool cpus_shared)
{
    cores_shared = cpus_shared;
    if (cpus_shared) {
        spin_polls = SHARED_SPIN_POLLS;
        yield_polls = SHARED_YIELD_POLLS;
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

/* Empty polls in a row of a rank sharing its cores, before its test calls give the core away
 * once. Every empty poll would be too many: a program that tests now and then between work
 * would lose its core each time. */
#define TEST_YIELD_POLLS 16
static unsigned empty_tests;

int mp_progress_test(void)
{
    int events = mp_progress_poll();
    if (!cores_shared || mp_lock_on) {
        return events;
    }
    if (events > 0) {
        empty_tests = 0;
    } else if (++empty_tests >= TEST_YIELD_POLLS) {
        empty_tests = 0;
        sched_yield();
    }
    return events;
}

/* MPI_THREAD_MULTIPLE: the longest sleep of a thread that waits while another sleeps in the
 * transport (threads leaving the library wake it sooner), and of the transport's sleeper (a
 * safety net where no other thread can ring our doorbell: tcp's epoll). */
#define MULTI_WAIT_NS (1000 * 1000)

/* MPI_THREAD_MULTIPLE: the wait of a thread where the transport cannot sleep, between polls. */
#define NO_SLEEP_WAIT_NS (100 * 1000)

/* The waiting loop of a thread that holds the library lock (MPI_THREAD_MULTIPLE): as
 * mp_progress_wait, but it drops the lock between polls so that other threads run their calls,
 * and only one thread sleeps in the transport; the others wait on the lock's condition, which
 * any thread leaving the library signals. done() is looked at after every retake, so a wait
 * that another thread's progress completed ends there. */
static void wait_unlocked(bool (*done)(void *arg), void *arg)
{
    static int nwaiting; /* threads in this loop, under the lock */
    unsigned idle = 0;
    nwaiting++;
    while (!done(arg)) {
        if (mp_progress_poll() > 0) {
            mp_lock_note_progress();
            idle = 0;
            continue;
        }
        /* Alone, a waiting thread spins as the rank would; with others waiting, they would only
         * take turns at spinning on the same cores. */
        unsigned spin = nwaiting > 1 ? SHARED_SPIN_POLLS : spin_polls;
        unsigned yield = nwaiting > 1 ? SHARED_YIELD_POLLS : yield_polls;
        idle++;
        if (idle <= spin + yield) {
            if (idle > spin) {
                unsigned depth = mp_lock_suspend();
                sched_yield();
                mp_lock_resume(depth);
            } else {
                mp_lock_pause();
            }
            continue;
        }
        idle = spin; /* after a sleep: yield a little before sleeping again */
        if (mp_lock_sleeper_is_set()) {
            mp_lock_wait(MULTI_WAIT_NS);
            continue;
        }
        if (!mp_pt2pt_sleep_prepare()) {
            /* Packets arrived, or no transport can sleep here (a job of one process: then
             * only threads of this rank complete anything, and they signal the condition as
             * they leave MPI). Wait briefly unless the next poll finds work. */
            if (mp_progress_poll() > 0) {
                mp_lock_note_progress();
                idle = 0;
            } else {
                mp_lock_wait(NO_SLEEP_WAIT_NS);
                idle = spin + yield;
            }
            continue;
        }
        if (mp_progress_poll() == 0 && !done(arg)) {
            mp_lock_sleeper_set(mp_pt2pt_wake_self);
            unsigned depth = mp_lock_suspend();
            mp_pt2pt_sleep_wait(MULTI_WAIT_NS);
            mp_lock_resume(depth);
            mp_lock_sleeper_clear();
        } else {
            mp_lock_note_progress();
        }
        mp_pt2pt_sleep_done();
    }
    nwaiting--;
}

void mp_progress_wait(bool (*done)(void *arg), void *arg)
{
    mp_progress_wait_announced(done, arg, NULL);
}

void mp_progress_wait_announced(bool (*done)(void *arg), void *arg, void (*announce)(void *arg))
{
    if (mp_lock_on && mp_lock_is_held()) {
        /* MPI_THREAD_MULTIPLE: the collectives that announce (coll/shm.c) are off there. */
        wait_unlocked(done, arg);
        return;
    }
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
