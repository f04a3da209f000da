/*
 * A helper of the launcher test spawn.sh: the parents spawn 2 children and wait for a message
 * from them that never comes; the children announce themselves ("rank R of N pid P", their
 * ranks in their own job) and child 1 then fails as MODE says, child 0 waits too:
 *   abort       MPI_Abort(MPI_COMM_WORLD, 7)
 *   signal      kills itself with SIGKILL
 *   nofinalize  returns from main without MPI_Finalize
 *   sleep       sleeps 60 s like the others (for timeouts and interrupts)
 *   ok          no failure: everyone disconnects and finalizes
 *   affinity    as ok, but nobody announces itself: each process prints "rank R cpus LIST"
 *               (parents) or "job 2 rank R cpus LIST" (children), LIST its sched_getaffinity
 * Usage: fail MODE.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <mpi.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../env/mptest.h"

/* "[job 2 ]rank R cpus LIST": the CPUs this process may run on, in increasing order. */
static void print_affinity(const char *job, int rank)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        fprintf(stderr, "%srank %d: sched_getaffinity: %s\n", job, rank, strerror(errno));
        exit(1);
    }
    char line[4096];
    int n = snprintf(line, sizeof(line), "%srank %d cpus ", job, rank);
    const char *sep = "";
    for (int cpu = 0; cpu < CPU_SETSIZE && n < (int)sizeof(line) - 16; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%d", sep, cpu);
            sep = ",";
        }
    }
    printf("%s\n", line);
    fflush(stdout);
}

static int child(const char *mode)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (strcmp(mode, "affinity") == 0) {
        print_affinity("job 2 ", rank);
    } else {
        mpt_announce(rank, size);
    }
    MPI_Comm parent;
    MPI_Comm_get_parent(&parent);
    if (strcmp(mode, "ok") == 0 || strcmp(mode, "affinity") == 0) {
        MPI_Comm_disconnect(&parent);
        MPI_Finalize();
        return 0;
    }
    if (rank == 1 && strcmp(mode, "abort") == 0) {
        MPI_Abort(MPI_COMM_WORLD, 7);
    } else if (rank == 1 && strcmp(mode, "signal") == 0) {
        raise(SIGKILL);
    } else if (rank == 1 && strcmp(mode, "nofinalize") == 0) {
        return 0;
    }
    sleep(60);
    MPI_Finalize();
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        return child(argv[2]);
    }
    const char *mode = argc > 1 ? argv[1] : "ok";
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char *args[] = {"child", (char *)mode, NULL};
    if (strcmp(mode, "affinity") == 0) {
        print_affinity("", rank);
    }
    MPI_Comm inter;
    MPI_Comm_spawn(argv[0], args, 2, MPI_INFO_NULL, 0, MPI_COMM_WORLD, &inter, MPI_ERRCODES_IGNORE);
    if (strcmp(mode, "ok") == 0 || strcmp(mode, "affinity") == 0) {
        MPI_Comm_disconnect(&inter);
        MPI_Finalize();
        return 0;
    }
    int v;
    MPI_Recv(&v, 1, MPI_INT, 0, 0, inter, MPI_STATUS_IGNORE);
    MPI_Finalize();
    return 0;
}
