/*
 * The library lock of MPI_THREAD_MULTIPLE: one recursive lock that every MPI call holds, which
 * waiting calls drop fully while they wait. Off (a bool test) at every lower thread level.
 */
#ifndef MP_CORE_LOCK_H
#define MP_CORE_LOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Whether the lock is in use: set once, by the call that starts the runtime at
 * MPI_THREAD_MULTIPLE, before the program can have other threads in MPI. */
extern bool mp_lock_on;

/* Turns the lock on (MPI_Init_thread or MPI_Session_init at MPI_THREAD_MULTIPLE). */
void mp_lock_enable(void);

/* Whether this thread holds the lock (false whenever the lock is off). */
bool mp_lock_is_held(void);

/* Takes the lock; a thread that holds it takes it again (depth + 1). */
void mp_lock_enter(void);

/* Undoes one mp_lock_enter; the last one wakes the threads waiting in mp_lock_wait and the
 * thread sleeping in the transport (their operations may have completed) and lets go. Waiters
 * are woken only after a call or a poll that may have changed something. */
void mp_lock_leave(void);

/* Drops the lock completely (whatever the depth) so that other threads can run their calls
 * while this one waits; returns the depth for mp_lock_resume. */
unsigned mp_lock_suspend(void);

/* Takes the lock back at the depth mp_lock_suspend returned. */
void mp_lock_resume(unsigned depth);

/* Drops the lock for a moment between two polls of a waiting call: threads blocked on it get
 * it first. */
void mp_lock_pause(void);

/* Waits without the lock until another thread leaves the library or max_ns pass, then takes
 * it back at the same depth. The caller holds the lock. */
void mp_lock_wait(uint64_t max_ns);

/* Says that a poll of this thread handled events: they may complete other threads' waits. */
void mp_lock_note_progress(void);

/* The thread that sleeps in the transport while others may run: wake() is called (lock held)
 * when a thread leaves the library while a sleeper is announced, at most once per sleep. */
void mp_lock_sleeper_set(void (*wake)(void));
void mp_lock_sleeper_clear(void);

/* Whether a thread sleeps in the transport (announced by mp_lock_sleeper_set). */
bool mp_lock_sleeper_is_set(void);

/* For MP_API_LOCK: a guard that takes the lock when it is on and gives it back at scope end. */
typedef struct mp_lock_guard {
    bool taken;
} mp_lock_guard_t;

static inline mp_lock_guard_t mp_lock_guard_enter(void)
{
    if (!mp_lock_on) {
        return (mp_lock_guard_t){.taken = false};
    }
    mp_lock_enter();
    return (mp_lock_guard_t){.taken = true};
}

static inline void mp_lock_guard_leave(mp_lock_guard_t *guard)
{
    if (guard->taken) {
        mp_lock_leave();
    }
}

#endif
