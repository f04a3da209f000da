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

/* Adds a function that every poll calls after the transports (e.g. to advance the schedules of
 * nonblocking collectives); it returns events handled. At most MP_PROGRESS_HOOKS_MAX hooks. */
#define MP_PROGRESS_HOOKS_MAX 8
void mp_progress_hook_add(int (*hook)(void));

/* Drives progress until done(arg) is true. */
void mp_progress_wait(bool (*done)(void *arg), void *arg);

/* Chooses the waiting policy: cpus_shared says that other ranks compete for this rank's CPUs
 * (see mp_wireup_cpus_read), so it spins only briefly before it yields and sleeps. */
void mp_progress_init(bool cpus_shared);

#endif
