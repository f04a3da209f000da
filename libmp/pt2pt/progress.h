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

/* Chooses the waiting policy: whether this rank shares its cores with other ranks. */
void mp_progress_init(int local_size);

/* Whether it does (more ranks on the node than cores to run them): waiting ranks then sleep. */
bool mp_progress_cores_shared(void);

#endif
