/*
 * Launcher test helper: one rank kills itself with a signal while the others sleep.
 * Usage: signal_self RANK SEGV|KILL|ABRT|TERM|BUS [OTHERS_SLEEP_S].
 */
#include "mptest.h"

#include <mpi.h>
#include <signal.h>

static int signal_from_name(const char *name)
{
    static const struct {
        const char *name;
        int sig;
    } sigs[] = {{"SEGV", SIGSEGV},
                {"KILL", SIGKILL},
                {"ABRT", SIGABRT},
                {"TERM", SIGTERM},
                {"BUS", SIGBUS}};

    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (strcmp(sigs[i].name, name) == 0) {
            return sigs[i].sig;
        }
    }
    fprintf(stderr, "bad signal '%s': expected SEGV, KILL, ABRT, TERM or BUS\n", name);
    exit(2);
}

int main(int argc, char **argv)
{
    int rank = -1, size = -1, sig;
    long who, others_s;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s RANK SIGNAME [OTHERS_SLEEP_S]\n", argv[0]);
        return 2;
    }
    who = mpt_parse_long(argv[1], "rank");
    sig = signal_from_name(argv[2]);
    others_s = argc > 3 ? mpt_parse_long(argv[3], "sleep seconds") : 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_announce(rank, size);

    if (rank == who) {
        mpt_sleep_ms(200);
        /* Whatever handler the library installed, the default action must end this process. */
        signal(sig, SIG_DFL);
        raise(sig);
        fprintf(stderr, "rank %d: still alive after raising signal %d\n", rank, sig);
        return 3;
    }
    mpt_sleep_ms(others_s * 1000);
    MPI_Finalize();
    return 0;
}
