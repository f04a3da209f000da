/*
 * CPU sharing among the ranks of a node, computed from their affinity masks: whether a rank has
 * the CPUs it may run on to itself decides how it waits (spin, or yield and sleep). Plain
 * computation, no PMIx: wireup.c exchanges the masks.
 */
#ifndef MP_WIREUP_CPUS_H
#define MP_WIREUP_CPUS_H

/* cpu_set_t needs _GNU_SOURCE, defined by the including file before any header. */
#include <sched.h>

/* Among mine and the npeers masks of the node's other ranks, takes the ranks whose mask shares
 * a CPU with mine (this rank included): *nranks_p is how many they are, *ncpus_p how many CPUs
 * they may run on together. More ranks than CPUs means this rank competes for its CPUs. */
void mp_wireup_cpus_overlap(const cpu_set_t *mine, const cpu_set_t *peers, int npeers,
                            int *nranks_p, int *ncpus_p);

#endif
