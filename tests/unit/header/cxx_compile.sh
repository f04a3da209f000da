#!/bin/sh
# Checks that include/mpi.h compiles as C++ (C++11, all warnings as errors), as a C++ program
# that includes it first would see it. Skips (exit 77) when no C++ compiler is installed.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
cxx=${CXX:-g++}

if ! command -v "${cxx%% *}" >/dev/null 2>&1; then
    echo "SKIP: no C++ compiler ($cxx) found"
    exit 77
fi

# The header alone, then a little code that uses its types, handles and prototypes.
$cxx -std=c++11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$top/include" -x c++ - <<'CXX'
#include <mpi.h>

static_assert(sizeof(MPI_Status) == 8 * sizeof(int), "MPI_Status has 8 ints");
static_assert(MPI_VERSION == 5 && MPI_SUBVERSION == 0, "MPI 5.0");
static_assert(MPI_ERR_LASTCODE > MPI_ERR_ABI, "error classes below MPI_ERR_LASTCODE");

static void on_error(MPI_Comm *comm, int *code, ...)
{
    (void)comm;
    (void)code;
}

int main(int argc, char **argv)
{
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0, rank = MPI_PROC_NULL, provided = MPI_THREAD_SINGLE;
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Datatype type = MPI_DOUBLE;
    MPI_Comm_errhandler_function *handler = on_error;
    MPI_Comm_copy_attr_function *copy = MPI_COMM_DUP_FN;
    MPI_Status status;
    int (*init)(int *, char ***) = &PMPI_Init;
    double (*wtime)(void) = &MPI_Wtime;

    status.MPI_SOURCE = MPI_ANY_SOURCE;
    (void)name, (void)len, (void)rank, (void)provided, (void)comm, (void)type;
    (void)handler, (void)copy, (void)status, (void)init, (void)wtime;
    (void)argc, (void)argv;
    return comm == MPI_COMM_NULL ? MPI_ERR_COMM : MPI_SUCCESS;
}
CXX
status=$?
if [ "$status" -ne 0 ]; then
    echo "FAIL: include/mpi.h does not compile as C++11 with $cxx"
    exit 1
fi
echo "PASS: include/mpi.h compiles as C++11 with $cxx"
exit 0
