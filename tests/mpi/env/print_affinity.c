/*
 * Launcher test helper for binding: each rank prints "rank R cpus LIST", LIST being the CPUs
 * of its sched_getaffinity mask in increasing order, comma-separated. Usage: print_affinity.
 */
#include "mptest.h"

#include <mpi.h>
#include <sched.h>

int main(int argc, char **argv)
{
    int rank = -1;
    cpu_set_t set;
    const char *sep = "";

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        fprintf(stderr, "rank %d: sched_getaffinity: %s\n", rank, strerror(errno));
        return 1;
    }
    printf("rank %d cpus ", rank);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            printf("%s%d", sep, cpu);
            sep = ",";
        }
    }
    printf("\n");
    fflush(stdout);
    MPI_Finalize();
    return 0;
}
