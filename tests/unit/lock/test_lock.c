/*
 * Unit tests of the library lock (core/lock.c): off by default, recursion, a full drop and
 * retake at the same depth, waiters woken by a thread that leaves after doing something (and
 * not by one that did nothing), and the transport sleeper's wake-up: once per sleep, never by
 * the sleeper itself.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "core/lock.h"

static atomic_int stage;
static atomic_int wakes;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void wait_stage(int s)
{
    while (atomic_load(&stage) < s) {
        sched_yield();
    }
}

/* Off: the guard takes nothing. Must run first. */
static void test_off(void **state)
{
    (void)state;
    assert_false(mp_lock_on);
    mp_lock_guard_t g = mp_lock_guard_enter();
    assert_false(g.taken);
    assert_false(mp_lock_is_held());
    mp_lock_guard_leave(&g);
    mp_lock_enable();
    assert_true(mp_lock_on);
}

/* Tries to take the lock from another thread; sets stage 2 once it has it. */
static void *contender(void *arg)
{
    (void)arg;
    atomic_store(&stage, 1);
    mp_lock_enter();
    atomic_store(&stage, 2);
    mp_lock_leave();
    return NULL;
}

static void test_recursive_and_suspend(void **state)
{
    (void)state;
    atomic_store(&stage, 0);
    mp_lock_guard_t g1 = mp_lock_guard_enter();
    assert_true(g1.taken);
    mp_lock_enter(); /* depth 2 */
    assert_true(mp_lock_is_held());
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, contender, NULL), 0);
    wait_stage(1);
    mp_lock_leave(); /* depth 1: still held */
    struct timespec ms = {0, 20 * 1000 * 1000};
    nanosleep(&ms, NULL);
    assert_int_equal(atomic_load(&stage), 1);
    mp_lock_enter(); /* depth 2 again, then drop it all */
    unsigned depth = mp_lock_suspend();
    assert_int_equal(depth, 2);
    assert_false(mp_lock_is_held());
    wait_stage(2); /* the other thread got in */
    mp_lock_resume(depth);
    assert_true(mp_lock_is_held());
    pthread_join(th, NULL);
    mp_lock_leave();
    mp_lock_guard_leave(&g1);
    assert_false(mp_lock_is_held());
}

/* Enters and leaves (a call: may have completed anything) at stage 1. */
static void *caller(void *arg)
{
    (void)arg;
    wait_stage(1);
    struct timespec ms = {0, 10 * 1000 * 1000};
    nanosleep(&ms, NULL);
    mp_lock_enter();
    mp_lock_leave();
    return NULL;
}

static void test_wait_woken(void **state)
{
    (void)state;
    atomic_store(&stage, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, caller, NULL), 0);
    mp_lock_enter();
    mp_lock_enter();
    atomic_store(&stage, 1);
    uint64_t t0 = now_ns();
    mp_lock_wait(5ull * 1000 * 1000 * 1000); /* the caller's leave ends it, not the 5 s */
    assert_true(now_ns() - t0 < 4ull * 1000 * 1000 * 1000);
    assert_true(mp_lock_is_held());
    mp_lock_leave();
    assert_true(mp_lock_is_held()); /* the depth came back */
    mp_lock_leave();
    pthread_join(th, NULL);
}

static void test_wait_times_out(void **state)
{
    (void)state;
    mp_lock_enter();
    uint64_t t0 = now_ns();
    mp_lock_wait(30 * 1000 * 1000);
    mp_lock_wait(30 * 1000 * 1000); /* nothing happened in between: no wake-up of itself */
    assert_true(now_ns() - t0 >= 55 * 1000 * 1000);
    mp_lock_leave();
}

static void wake(void)
{
    atomic_fetch_add(&wakes, 1);
}

/* Two calls while the main thread is the announced sleeper; then one after it announced a new
 * sleep. */
static void *two_calls(void *arg)
{
    (void)arg;
    wait_stage(1);
    mp_lock_enter();
    mp_lock_leave();
    mp_lock_enter();
    mp_lock_leave();
    atomic_store(&stage, 2);
    wait_stage(3);
    mp_lock_enter();
    mp_lock_leave();
    atomic_store(&stage, 4);
    return NULL;
}

static void test_sleeper_wake(void **state)
{
    (void)state;
    atomic_store(&stage, 0);
    atomic_store(&wakes, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, two_calls, NULL), 0);
    mp_lock_enter();
    mp_lock_sleeper_set(wake);
    assert_true(mp_lock_sleeper_is_set());
    mp_lock_note_progress();
    unsigned depth = mp_lock_suspend(); /* the sleeper's own drop wakes nobody */
    assert_int_equal(atomic_load(&wakes), 0);
    atomic_store(&stage, 1);
    wait_stage(2);
    assert_int_equal(atomic_load(&wakes), 1); /* once per sleep */
    mp_lock_resume(depth);
    mp_lock_sleeper_set(wake); /* a new sleep */
    depth = mp_lock_suspend();
    atomic_store(&stage, 3);
    wait_stage(4);
    assert_int_equal(atomic_load(&wakes), 2);
    mp_lock_resume(depth);
    mp_lock_sleeper_clear();
    assert_false(mp_lock_sleeper_is_set());
    mp_lock_leave();
    pthread_join(th, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),          cmocka_unit_test(test_recursive_and_suspend),
        cmocka_unit_test(test_wait_woken),   cmocka_unit_test(test_wait_times_out),
        cmocka_unit_test(test_sleeper_wake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
