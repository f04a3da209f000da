/*
 * Raises one error under the default handler (MPI_ERRORS_ARE_FATAL) or MPI_ERRORS_ABORT, for
 * tests/mpi/errors/fatal_handler.sh. Usage: fatal RANK [abort|added]: RANK sends to an invalid
 * rank (added: raises a code of a class it added instead); the others wait in a receive that never
 * completes.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int rank, size, buf = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int bad = argc > 1 ? atoi(argv[1]) : 0;
    if (argc > 2 && strcmp(argv[2], "abort") == 0) {
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ABORT);
    }
    if (rank == bad && argc > 2 && strcmp(argv[2], "added") == 0) {
        /* An error of a class the program added, raised through the default handler. */
        int cls, code;
        MPI_Add_error_class(&cls);
        MPI_Add_error_code(cls, &code);
        MPI_Add_error_string(code, "the input file is corrupt");
        MPI_Comm_call_errhandler(MPI_COMM_WORLD, code);
        printf("MPI_Comm_call_errhandler returned under a fatal handler\n");
        return 0;
    }
    if (rank == bad) {
        MPI_Send(&buf, 1, MPI_INT, size + 10, 0, MPI_COMM_WORLD);
        printf("MPI_Send returned under a fatal handler\n");
        return 0;
    }
    MPI_Recv(&buf, 1, MPI_INT, MPI_ANY_SOURCE, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Finalize();
    return 0;
}
