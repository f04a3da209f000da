/*
 * The library lock of MPI_THREAD_MULTIPLE: a plain mutex made recursive by a per-thread depth,
 * so that a waiting call can drop it fully and take it back at the same depth.
 */
#include "core/lock.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

bool mp_lock_on;

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond; /* threads in mp_lock_wait; initialised by mp_lock_enable */
static _Thread_local unsigned depth;
/* Threads blocked on the mutex: a waiting thread that drops the lock between polls lets them in
 * first (a mutex goes to whoever asks first after an unlock, which is the dropping thread). */
static atomic_uint wanting;

/* Under the mutex. */
static unsigned waiters;           /* threads in mp_lock_wait */
static void (*sleeper_wake)(void); /* set while a thread sleeps in the transport */
static bool sleeper_woken;         /* wake() was called for this sleep */
static bool dirty; /* something may have completed since the waiters were last told */
static _Thread_local bool i_sleep; /* this thread is the one sleeping in the transport */

void mp_lock_enable(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&cond, &attr);
    pthread_condattr_destroy(&attr);
    mp_lock_on = true;
}

bool mp_lock_is_held(void)
{
    return depth > 0;
}

/* Takes the mutex, counted in wanting while it has to wait for it. */
static void take(void)
{
    if (pthread_mutex_trylock(&mutex) != 0) {
        atomic_fetch_add_explicit(&wanting, 1, memory_order_relaxed);
        pthread_mutex_lock(&mutex);
        atomic_fetch_sub_explicit(&wanting, 1, memory_order_relaxed);
    }
}

void mp_lock_enter(void)
{
    if (depth++ == 0) {
        take();
        dirty = true; /* a call may complete anything, a send to self for one */
    }
}

/* Before the mutex goes: whatever this thread did may have completed what others wait for. */
static void notify(void)
{
    if (!dirty) {
        return; /* waiters that wake each other for nothing would never rest */
    }
    dirty = false;
    if (waiters > 0) {
        pthread_cond_broadcast(&cond);
    }
    if (sleeper_wake != NULL && !sleeper_woken && !i_sleep) {
        sleeper_woken = true;
        sleeper_wake();
    }
}

void mp_lock_leave(void)
{
    if (--depth == 0) {
        notify();
        pthread_mutex_unlock(&mutex);
    }
}

unsigned mp_lock_suspend(void)
{
    unsigned saved = depth;
    depth = 0;
    notify();
    pthread_mutex_unlock(&mutex);
    return saved;
}

void mp_lock_resume(unsigned saved)
{
    take();
    depth = saved;
}

void mp_lock_pause(void)
{
    unsigned saved = mp_lock_suspend();
    /* Let a thread that waits for the lock have it; bounded, in case it is slow to wake. */
    for (int i = 0; i < 64 && atomic_load_explicit(&wanting, memory_order_relaxed) > 0; i++) {
        sched_yield();
    }
    mp_lock_resume(saved);
}

void mp_lock_wait(uint64_t max_ns)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    uint64_t ns = (uint64_t)until.tv_nsec + max_ns;
    until.tv_sec += (time_t)(ns / 1000000000u);
    until.tv_nsec = (long)(ns % 1000000000u);
    unsigned saved = depth;
    depth = 0;
    notify();
    waiters++;
    pthread_cond_timedwait(&cond, &mutex, &until);
    waiters--;
    depth = saved;
}

void mp_lock_note_progress(void)
{
    dirty = true;
}

void mp_lock_sleeper_set(void (*wake)(void))
{
    i_sleep = true;
    sleeper_wake = wake;
    sleeper_woken = false;
}

void mp_lock_sleeper_clear(void)
{
    i_sleep = false;
    sleeper_wake = NULL;
}

bool mp_lock_sleeper_is_set(void)
{
    return sleeper_wake != NULL;
}
