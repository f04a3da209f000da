/*
 * Adding and removing error classes, codes and strings over and over (as MPICH's errhan/adderr
 * does): removed values are reused, so 10,000 rounds of 32 classes with 5 codes each never run
 * out of codes; every round checks each string and class, and MPI_LASTUSEDCODE stays at or
 * above every code in use. Local calls only, so it is quick.
 */
#include <stdio.h>
#include <string.h>

#include "../attr/attrtest.h"

#define NROUNDS 10000
#define NCLASSES 32
#define NCODES 5

static int lastused(void)
{
    int *v = NULL, flag = 0;
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &v, &flag));
    return flag ? *v : -1;
}

static void check_string(int code, const char *expected)
{
    char s[MPI_MAX_ERROR_STRING];
    int len = -1;
    AT_MPI(MPI_Error_string(code, s, &len));
    MPT_CHECK(strcmp(s, expected) == 0 && len == (int)strlen(expected),
              "code %d has string \"%s\" (%d), expected \"%s\"", code, s, len, expected);
}

/* The strings of a round, which name it: [i][0] for class i, [i][1 + j] for its code j. */
static char texts[NCLASSES][NCODES + 1][48];

/* Adds the classes and codes of one round, with their strings, and checks them. */
static void add_round(int round, int classes[NCLASSES], int codes[NCLASSES][NCODES])
{
    for (int i = 0; i < NCLASSES; i++) {
        snprintf(texts[i][0], sizeof(texts[i][0]), "round %d class %d", round, i);
        AT_MPI(MPI_Add_error_class(&classes[i]));
        AT_MPI(MPI_Add_error_string(classes[i], texts[i][0]));
        for (int j = 0; j < NCODES; j++) {
            snprintf(texts[i][1 + j], sizeof(texts[i][1 + j]), "round %d class %d code %d", round,
                     i, j);
            AT_MPI(MPI_Add_error_code(classes[i], &codes[i][j]));
            AT_MPI(MPI_Add_error_string(codes[i][j], texts[i][1 + j]));
        }
    }
    int last = lastused();
    for (int i = 0; i < NCLASSES; i++) {
        check_string(classes[i], texts[i][0]);
        int cls = -1;
        AT_MPI(MPI_Error_class(classes[i], &cls));
        MPT_CHECK(cls == classes[i], "class %d has class %d", classes[i], cls);
        MPT_CHECK(classes[i] > MPI_ERR_LASTCODE && classes[i] <= last,
                  "class %d is outside (MPI_ERR_LASTCODE, MPI_LASTUSEDCODE = %d]", classes[i],
                  last);
        for (int j = 0; j < NCODES; j++) {
            check_string(codes[i][j], texts[i][1 + j]);
            AT_MPI(MPI_Error_class(codes[i][j], &cls));
            MPT_CHECK(cls == classes[i], "code %d has class %d, expected %d", codes[i][j], cls,
                      classes[i]);
            MPT_CHECK(codes[i][j] > MPI_ERR_LASTCODE && codes[i][j] <= last,
                      "code %d is outside (MPI_ERR_LASTCODE, MPI_LASTUSEDCODE = %d]", codes[i][j],
                      last);
        }
    }
}

/* Removes them again, in the order MPI 4.1 asks for: strings, codes, then the class. */
static void remove_round(int classes[NCLASSES], int codes[NCLASSES][NCODES])
{
    for (int i = 0; i < NCLASSES; i++) {
        AT_MPI(MPI_Remove_error_string(classes[i]));
        /* The class still has codes: removing it must fail, and leave it whole. */
        AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_class(classes[i]));
        for (int j = 0; j < NCODES; j++) {
            AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_code(codes[i][j])); /* has a string */
            AT_MPI(MPI_Remove_error_string(codes[i][j]));
            AT_MPI(MPI_Remove_error_code(codes[i][j]));
            AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_class(codes[i][j], &(int){0}));
        }
        AT_MPI(MPI_Remove_error_class(classes[i]));
        AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_class(classes[i], &(int){0}));
    }
}

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    int classes[NCLASSES];
    int codes[NCLASSES][NCODES];
    int last_first = -1;
    for (int round = 0; round < NROUNDS && *mpt_errs_p() == 0; round++) {
        add_round(round, classes, codes);
        if (round == 0) {
            last_first = lastused();
        }
        remove_round(classes, codes);
        /* Removed values are reused: the range of codes does not grow round after round. */
        MPT_CHECK(lastused() == last_first, "round %d: MPI_LASTUSEDCODE %d, %d after round 0",
                  round, lastused(), last_first);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
