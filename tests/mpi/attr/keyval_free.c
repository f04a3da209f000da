/*
 * Freeing a keyval more than once (MPICH's attr/keyval_double_free): while attributes still use
 * a freed key, freeing it again (through a copy of the int, or from its own delete callback)
 * succeeds and changes nothing; the key lives until its last attribute goes, and then any
 * use of it, a free included, is MPI_ERR_KEYVAL. Communicator and datatype keys.
 */
#include "attrtest.h"

static int ndeletes;

/* Frees the key it is called for, as MPICH's test and ROMIO do; that must always succeed. */
static int freeing_delete(MPI_Comm comm, int keyval, void *value, void *extra_state)
{
    (void)comm;
    (void)value;
    (void)extra_state;
    ndeletes++;
    int rc = MPI_Keyval_free(&keyval);
    MPT_CHECK(rc == MPI_SUCCESS, "MPI_Keyval_free in the delete callback returned %d", rc);
    MPT_CHECK(keyval == MPI_KEYVAL_INVALID, "MPI_Keyval_free left the key at %d", keyval);
    return MPI_SUCCESS;
}

static int freeing_type_delete(MPI_Datatype type, int keyval, void *value, void *extra_state)
{
    (void)type;
    (void)value;
    (void)extra_state;
    ndeletes++;
    int rc = MPI_Type_free_keyval(&keyval);
    MPT_CHECK(rc == MPI_SUCCESS, "MPI_Type_free_keyval in the delete callback returned %d", rc);
    return MPI_SUCCESS;
}

/* MPICH's keyval_double_free: the last free happens in MPI_Finalize, on MPI_COMM_SELF. */
static int self_value = 7;
static void check_double_free_comm(void)
{
    MPI_Comm dup;
    int keyval = MPI_KEYVAL_INVALID;
    AT_MPI(MPI_Comm_dup(MPI_COMM_SELF, &dup));
    AT_MPI(MPI_Keyval_create(MPI_NULL_COPY_FN, freeing_delete, &keyval, NULL));
    int copy = keyval, copy2 = keyval;
    AT_MPI(MPI_Attr_put(MPI_COMM_SELF, keyval, &self_value));
    AT_MPI(MPI_Attr_put(dup, keyval, NULL));

    ndeletes = 0;
    AT_MPI(MPI_Comm_free(&dup)); /* first free, in the callback */
    MPT_CHECK(ndeletes == 1, "MPI_Comm_free ran %d delete callbacks", ndeletes);
    AT_MPI(MPI_Keyval_free(&keyval)); /* second */
    MPT_CHECK(keyval == MPI_KEYVAL_INVALID, "MPI_Keyval_free left the key at %d", keyval);
    AT_MPI(MPI_Comm_free_keyval(&copy)); /* third */
    MPT_CHECK(copy == MPI_KEYVAL_INVALID, "MPI_Comm_free_keyval left the key at %d", copy);

    /* The attribute on MPI_COMM_SELF still holds the key and its value. */
    int *v = NULL, flag = 0;
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_SELF, copy2, &v, &flag));
    MPT_CHECK(flag && v == &self_value, "the attribute of a freed key: flag %d value %p", flag,
              (void *)v);
    MPT_CHECK(ndeletes == 1, "freeing the key ran %d delete callbacks", ndeletes);
}

/* Once the last attribute goes, the key is gone: a free or any use reports MPI_ERR_KEYVAL. */
static void check_gone(void)
{
    int keyval = MPI_KEYVAL_INVALID;
    MPI_Comm dup;
    AT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &keyval, NULL));
    int copy = keyval, copy2 = keyval;
    AT_MPI(MPI_Comm_set_attr(dup, keyval, NULL));
    AT_MPI(MPI_Comm_free_keyval(&keyval));
    AT_MPI(MPI_Comm_free_keyval(&copy)); /* still used by dup: no error */
    MPT_CHECK(copy == MPI_KEYVAL_INVALID, "MPI_Comm_free_keyval left the key at %d", copy);
    AT_MPI(MPI_Comm_delete_attr(dup, copy2)); /* the last use */
    copy = copy2;
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&copy));
    MPT_CHECK(copy == copy2, "a failed free changed the key to %d", copy);
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_set_attr(dup, copy2, NULL));
    int *v = NULL, flag = 0;
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_get_attr(dup, copy2, &v, &flag));
    AT_MPI(MPI_Comm_free(&dup));

    /* A key without attributes goes at its first free. */
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &keyval, NULL));
    copy = keyval;
    AT_MPI(MPI_Comm_free_keyval(&keyval));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&copy));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&keyval)); /* MPI_KEYVAL_INVALID */
}

/* MPICH's keyval_double_free_type. */
static void check_double_free_type(void)
{
    MPI_Datatype type, type_dup;
    int keyval = MPI_KEYVAL_INVALID;
    AT_MPI(MPI_Type_dup(MPI_INT, &type));
    AT_MPI(MPI_Type_dup(MPI_INT, &type_dup));
    AT_MPI(MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, freeing_type_delete, &keyval, NULL));
    int copy = keyval, copy2 = keyval;
    AT_MPI(MPI_Type_set_attr(type, keyval, NULL));
    AT_MPI(MPI_Type_set_attr(type_dup, keyval, NULL));

    ndeletes = 0;
    AT_MPI(MPI_Type_free(&type_dup)); /* first free, in the callback */
    AT_MPI(MPI_Type_free_keyval(&keyval));
    AT_MPI(MPI_Type_free_keyval(&copy));
    MPT_CHECK(ndeletes == 1, "%d delete callbacks ran, expected 1", ndeletes);
    int flag = 0;
    void *v = &flag;
    AT_MPI(MPI_Type_get_attr(type, copy2, &v, &flag));
    MPT_CHECK(flag && v == NULL, "the attribute of a freed key: flag %d value %p", flag, v);
    AT_MPI(MPI_Type_free(&type)); /* the last use: the callback frees once more */
    MPT_CHECK(ndeletes == 2, "%d delete callbacks ran, expected 2", ndeletes);
    copy = copy2;
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Type_free_keyval(&copy));
}

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    check_gone();
    check_double_free_type();
    check_double_free_comm(); /* last: it leaves an attribute on MPI_COMM_SELF */

    ndeletes = 0;
    MPI_Finalize(); /* the fourth free, in the callback on MPI_COMM_SELF */
    MPT_CHECK(ndeletes == 1, "MPI_Finalize ran %d delete callbacks, expected 1", ndeletes);
    return mpt_finish(rank);
}
