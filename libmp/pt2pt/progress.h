/*
 * The one progress engine: every waiting call drives it. Polling is a pass over the
 * transports; waiting adapts: spin while the rank has a core to itself, then yield, then
 * sleep until a peer's send wakes it.
 */
#ifndef MP_PT2PT_PROGRESS_H
#define MP_PT2PT_PROGRESS_H

#include <stdbool.h>

/* One pass: delivers arrived packets and retries queued sends. Returns events handled. */
int mp_progress_poll(void);

/* mp_progress_poll for MPI's test calls (MPI_Test*, MPI_Iprobe, ...), which programs call in
 * loops until they succeed (HPL waits for a panel so): a rank sharing its cores yields after a
 * run of empty polls, so that the rank it waits for gets the core. */
int mp_progress_test(void);

/* Adds a function that every poll calls after the transports (e.g. to advance the schedules of
 * nonblocking collectives); it returns events handled. At most MP_PROGRESS_HOOKS_MAX hooks. */
#define MP_PROGRESS_HOOKS_MAX 16
void mp_progress_hook_add(int (*hook)(void));

/* Drives progress until done(arg) is true. */
void mp_progress_wait(bool (*done)(void *arg), void *arg);

/* The same; before each time it announces a sleep, it calls announce(arg) (when not NULL), and
 * a sequentially consistent fence follows before it looks at done(arg) once more. A waiter
 * whose peers wake it only when they see what it stored there (node memory: coll/shm.c) thus
 * stores nothing while it spins or yields, and its peers keep reading an unchanged line. */
void mp_progress_wait_announced(bool (*done)(void *arg), void *arg, void (*announce)(void *arg));

/* Empty polls that a waiting call may spin before it yields: small when this rank shares its
 * cores, so that a peer that needs the core gets it soon. */
unsigned mp_progress_spin_polls(void);

/* Chooses the waiting policy: cpus_shared says that other ranks compete for this rank's CPUs
 * (see mp_wireup_cpus_read), so it spins only briefly before it yields and sleeps. */
void mp_progress_init(bool cpus_shared);

/* Whether other ranks compete for this rank's CPUs (as given to mp_progress_init): waiting
 * ranks then sleep. */
bool mp_progress_cores_shared(void);

#endif
