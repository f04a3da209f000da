/*
 * A C++ program built with mpicxx (tests/mpi/launcher/cxx.sh): mpi.h compiles as C++ with
 * warnings as errors, and the C++ datatypes carry C++'s own types through reductions and
 * messages. Prints "No Errors" at rank 0; exits non-zero on any wrong value.
 */
#include <mpi.h>

#include <complex>
#include <cstdio>
#include <vector>

static int errors = 0;

static void expect(bool ok, const char *what, int rank)
{
    if (!ok) {
        std::printf("rank %d: wrong %s\n", rank, what);
        errors++;
    }
}

template <typename T> static void expect_size(MPI_Datatype dt, const char *name, int rank)
{
    int size = -1;
    MPI_Type_size(dt, &size);
    expect(size == static_cast<int>(sizeof(T)), name, rank);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    expect_size<bool>(MPI_CXX_BOOL, "size of MPI_CXX_BOOL", rank);
    expect_size<std::complex<float>>(MPI_CXX_FLOAT_COMPLEX, "size of MPI_CXX_FLOAT_COMPLEX",
                                     rank);
    expect_size<std::complex<double>>(MPI_CXX_DOUBLE_COMPLEX, "size of MPI_CXX_DOUBLE_COMPLEX",
                                      rank);
    expect_size<std::complex<long double>>(MPI_CXX_LONG_DOUBLE_COMPLEX,
                                           "size of MPI_CXX_LONG_DOUBLE_COMPLEX", rank);

    /* Sum and product of complex numbers; every term is exact in binary. */
    std::complex<double> mine(rank + 1, 2.0 * rank), sum, prod;
    MPI_Allreduce(&mine, &sum, 1, MPI_CXX_DOUBLE_COMPLEX, MPI_SUM, MPI_COMM_WORLD);
    std::complex<double> want_sum, want_prod(1, 0);
    for (int r = 0; r < size; r++) {
        std::complex<double> v(r + 1, 2.0 * r);
        want_sum += v;
        want_prod *= v;
    }
    expect(sum == want_sum, "MPI_SUM of MPI_CXX_DOUBLE_COMPLEX", rank);
    MPI_Allreduce(&mine, &prod, 1, MPI_CXX_DOUBLE_COMPLEX, MPI_PROD, MPI_COMM_WORLD);
    expect(prod == want_prod, "MPI_PROD of MPI_CXX_DOUBLE_COMPLEX", rank);

    std::complex<float> fmine(1.0f, static_cast<float>(rank)), fsum;
    MPI_Reduce(&fmine, &fsum, 1, MPI_CXX_FLOAT_COMPLEX, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        expect(fsum == std::complex<float>(static_cast<float>(size),
                                           static_cast<float>(size * (size - 1) / 2)),
               "MPI_SUM of MPI_CXX_FLOAT_COMPLEX", rank);
    }

    /* Logical ops on bool: only the last rank says false. */
    bool flag = rank != size - 1, all = true, any = false;
    MPI_Allreduce(&flag, &all, 1, MPI_CXX_BOOL, MPI_LAND, MPI_COMM_WORLD);
    MPI_Allreduce(&flag, &any, 1, MPI_CXX_BOOL, MPI_LOR, MPI_COMM_WORLD);
    expect(!all, "MPI_LAND of MPI_CXX_BOOL", rank);
    expect(any == (size > 1), "MPI_LOR of MPI_CXX_BOOL", rank);

    /* A ring of std::vector<std::complex<long double>> with MPI_Sendrecv. */
    const int n = 1000;
    std::vector<std::complex<long double>> out(n), in(n);
    for (int i = 0; i < n; i++) {
        out[i] = std::complex<long double>(rank * n + i, -i);
    }
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Status st;
    MPI_Sendrecv(out.data(), n, MPI_CXX_LONG_DOUBLE_COMPLEX, right, 7, in.data(), n,
                 MPI_CXX_LONG_DOUBLE_COMPLEX, left, 7, MPI_COMM_WORLD, &st);
    int count = -1;
    MPI_Get_count(&st, MPI_CXX_LONG_DOUBLE_COMPLEX, &count);
    expect(count == n, "count of the ring message", rank);
    for (int i = 0; i < n; i++) {
        if (in[i] != std::complex<long double>(left * n + i, -i)) {
            expect(false, "value in the ring message", rank);
            break;
        }
    }

    int total = 0;
    MPI_Reduce(&errors, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0 && total == 0) {
        std::printf("No Errors\n");
    }
    MPI_Finalize();
    return total == 0 ? 0 : 1;
}
