/*
 * Attribute callbacks on MPI_Type_dup and MPI_Type_free, for derived and predefined types:
 * MPI_TYPE_NULL_COPY_FN drops, MPI_TYPE_DUP_FN copies, a user copy callback sees the old type;
 * MPI_Type_free runs the delete callbacks, newest first, with the freed type's handle.
 */
#include "attrtest.h"

static int deleted[8];
static MPI_Datatype deleted_type[8];
static int ndeleted;
static MPI_Datatype copied_from;

static int record_delete(MPI_Datatype type, int keyval, void *value, void *extra_state)
{
    (void)keyval;
    (void)extra_state;
    if (ndeleted < 8) {
        deleted_type[ndeleted] = type;
        deleted[ndeleted++] = (int)(intptr_t)value;
    }
    return MPI_SUCCESS;
}

static int plus_copy(MPI_Datatype oldtype, int keyval, void *extra_state, void *in, void *out,
                     int *flag)
{
    (void)keyval;
    (void)extra_state;
    copied_from = oldtype;
    *(void **)out = (void *)((intptr_t)in + 100);
    *flag = 1;
    return MPI_SUCCESS;
}

static void check_type(MPI_Datatype type, int key, int present, intptr_t value)
{
    void *v = NULL;
    int flag = -1;
    AT_MPI(MPI_Type_get_attr(type, key, &v, &flag));
    MPT_CHECK(flag == present && (!present || v == (void *)value),
              "key %d: flag %d value %ld, expected %d %ld", key, flag, (long)(intptr_t)v, present,
              (long)value);
}

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    int knull, kdup, kuser;
    AT_MPI(MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, record_delete, &knull, NULL));
    AT_MPI(MPI_Type_create_keyval(MPI_TYPE_DUP_FN, record_delete, &kdup, NULL));
    AT_MPI(MPI_Type_create_keyval(plus_copy, record_delete, &kuser, NULL));

    MPI_Datatype vec, copy;
    AT_MPI(MPI_Type_vector(3, 1, 2, MPI_INT, &vec));
    AT_MPI(MPI_Type_set_attr(vec, knull, (void *)1));
    AT_MPI(MPI_Type_set_attr(vec, kdup, (void *)2));
    AT_MPI(MPI_Type_set_attr(vec, kuser, (void *)3));
    AT_MPI(MPI_Type_dup(vec, &copy));
    MPT_CHECK(copied_from == vec, "the copy callback got type %p, expected %p", (void *)copied_from,
              (void *)vec);
    check_type(copy, knull, 0, 0);
    check_type(copy, kdup, 1, 2);
    check_type(copy, kuser, 1, 103);

    ndeleted = 0;
    MPI_Datatype freed = copy;
    AT_MPI(MPI_Type_free(&copy));
    MPT_CHECK(ndeleted == 2 && deleted[0] == 103 && deleted[1] == 2 && deleted_type[0] == freed,
              "free of the copy: %d deletes (%d, %d)", ndeleted, deleted[0], deleted[1]);
    ndeleted = 0;
    AT_MPI(MPI_Type_free(&vec));
    MPT_CHECK(ndeleted == 3 && deleted[0] == 3 && deleted[1] == 2 && deleted[2] == 1,
              "free of vec: %d deletes (%d, %d, %d)", ndeleted, deleted[0], deleted[1], deleted[2]);

    /* The dup of a predefined type carries its attributes too. */
    AT_MPI(MPI_Type_set_attr(MPI_INT, kdup, (void *)7));
    AT_MPI(MPI_Type_dup(MPI_INT, &copy));
    check_type(copy, kdup, 1, 7);
    ndeleted = 0;
    AT_MPI(MPI_Type_free(&copy));
    MPT_CHECK(ndeleted == 1 && deleted[0] == 7, "free of dup(MPI_INT): %d deletes", ndeleted);
    check_type(MPI_INT, kdup, 1, 7);
    AT_MPI(MPI_Type_delete_attr(MPI_INT, kdup));

    AT_MPI(MPI_Type_free_keyval(&knull));
    AT_MPI(MPI_Type_free_keyval(&kdup));
    AT_MPI(MPI_Type_free_keyval(&kuser));
    MPI_Finalize();
    return mpt_finish(rank);
}
