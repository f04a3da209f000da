/*
 * What the files of libmp/wireup/ share among themselves (and nobody else sees): this
 * process's PMIx name and the table of other jobs' processes behind procs.h.
 */
#ifndef MP_WIREUP_INTERNAL_H
#define MP_WIREUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <pmix.h>

#include "core/status.h"

/* This process's PMIx name; NULL for a singleton (no server). */
const pmix_proc_t *mp_wireup_self(void);

/* At mp_wireup_init: this job's size and number, and whether other jobs can be named. */
void mp_wireup_procs_init(int size, bool has_secret);

/* The PMIx name of peer index (a process of another job); false when index is none. */
bool mp_wireup_proc_load(int index, pmix_proc_t *proc);

#endif
