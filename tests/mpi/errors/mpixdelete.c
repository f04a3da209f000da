/*
 * MPICH 4.0's names for removing added error classes, codes and strings (MPIX_Delete_error_*),
 * which programs written for it call: each removes what its MPI 4.1 counterpart removes, with the
 * same checks (a class with codes left, a code with a string left, a value never added).
 */
#include <string.h>

#include "../attr/attrtest.h"

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    for (int round = 0; round < 3; round++) {
        int cls = -1, code = -1, got = -1, len = -1;
        char s[MPI_MAX_ERROR_STRING];
        AT_MPI(MPI_Add_error_class(&cls));
        AT_MPI(MPI_Add_error_code(cls, &code));
        AT_MPI(MPI_Add_error_string(code, "mpix code"));
        AT_MPI(MPI_Error_string(code, s, &len));
        MPT_CHECK(strcmp(s, "mpix code") == 0, "round %d: code %d has string \"%s\"", round, code,
                  s);

        /* The checks come with the names: a class with a code, a code with a string. */
        AT_MPI_FAILS(MPI_ERR_ARG, MPIX_Delete_error_class(cls));
        AT_MPI_FAILS(MPI_ERR_ARG, MPIX_Delete_error_code(code));
        AT_MPI(MPIX_Delete_error_string(code));
        AT_MPI_FAILS(MPI_ERR_ARG, MPIX_Delete_error_string(code)); /* no string left */
        AT_MPI(MPIX_Delete_error_code(code));
        AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_class(code, &got));
        AT_MPI(MPIX_Delete_error_class(cls));
        AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_class(cls, &got));
        AT_MPI_FAILS(MPI_ERR_ARG, MPIX_Delete_error_class(cls));             /* already gone */
        AT_MPI_FAILS(MPI_ERR_ARG, MPIX_Delete_error_code(MPI_ERR_TRUNCATE)); /* predefined */
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
