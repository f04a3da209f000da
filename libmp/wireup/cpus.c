/*
 * Which ranks of a node compete for this rank's CPUs, from their affinity masks. Launchers bind
 * differently: libmp's mpirun gives each rank a core or leaves all unbound, Slurm may bind
 * several ranks to one core; the masks tell all cases apart.
 */
#define _GNU_SOURCE
#include "wireup/cpus.h"

void mp_wireup_cpus_overlap(const cpu_set_t *mine, const cpu_set_t *peers, int npeers,
                            int *nranks_p, int *ncpus_p)
{
    cpu_set_t all = *mine;
    int nranks = 1;
    for (int i = 0; i < npeers; i++) {
        cpu_set_t common;
        CPU_AND(&common, mine, &peers[i]);
        if (CPU_COUNT(&common) > 0) {
            CPU_OR(&all, &all, &peers[i]);
            nranks++;
        }
    }
    *nranks_p = nranks;
    *ncpus_p = CPU_COUNT(&all);
}
