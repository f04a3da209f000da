/*
 * Attributes on datatypes (predefined ones here) and windows: type keyvals with their
 * callbacks, per-type storage, and window keyvals, whose set/get/delete report MPI_ERR_WIN while
 * no window can exist.
 */
#include "attrtest.h"

static int ndeletes;
static MPI_Datatype deleted_type;

static int count_delete(MPI_Datatype type, int keyval, void *value, void *extra_state)
{
    (void)keyval;
    (void)value;
    MPT_CHECK(extra_state == (void *)&ndeletes, "extra_state %p", extra_state);
    deleted_type = type;
    ndeletes++;
    return MPI_SUCCESS;
}

static void check_types(void)
{
    static int a = 1, b = 2;
    int key;
    AT_MPI(MPI_Type_create_keyval(MPI_TYPE_DUP_FN, count_delete, &key, &ndeletes));
    AT_MPI(MPI_Type_set_attr(MPI_INT, key, &a));
    AT_MPI(MPI_Type_set_attr(MPI_DOUBLE, key, &b));

    int *v = NULL;
    int flag = 0;
    AT_MPI(MPI_Type_get_attr(MPI_INT, key, &v, &flag));
    MPT_CHECK(flag == 1 && v == &a, "MPI_INT's attribute: flag %d", flag);
    AT_MPI(MPI_Type_get_attr(MPI_DOUBLE, key, &v, &flag));
    MPT_CHECK(flag == 1 && v == &b, "MPI_DOUBLE's attribute: flag %d", flag);
    AT_MPI(MPI_Type_get_attr(MPI_CHAR, key, &v, &flag));
    MPT_CHECK(flag == 0, "MPI_CHAR has an attribute it was never given");

    ndeletes = 0;
    AT_MPI(MPI_Type_delete_attr(MPI_INT, key));
    MPT_CHECK(ndeletes == 1 && deleted_type == MPI_INT, "delete on MPI_INT: %d callbacks",
              ndeletes);
    AT_MPI(MPI_Type_get_attr(MPI_INT, key, &v, &flag));
    MPT_CHECK(flag == 0, "MPI_INT kept its attribute after the delete");
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Type_delete_attr(MPI_INT, key));

    /* Wrong kinds and bad handles. */
    int ckey;
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &ckey, NULL));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Type_set_attr(MPI_INT, ckey, &a));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Type_free_keyval(&ckey));
    AT_MPI(MPI_Comm_free_keyval(&ckey));
    AT_MPI_FAILS(MPI_ERR_TYPE, MPI_Type_set_attr(MPI_DATATYPE_NULL, key, &a));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Type_get_attr(MPI_INT, key, NULL, &flag));

    int saved = key;
    AT_MPI(MPI_Type_free_keyval(&key));
    MPT_CHECK(key == MPI_KEYVAL_INVALID, "MPI_Type_free_keyval left %d", key);
    /* MPI_DOUBLE still holds an attribute of the freed key: deleting it runs the callback. */
    ndeletes = 0;
    AT_MPI(MPI_Type_delete_attr(MPI_DOUBLE, saved));
    MPT_CHECK(ndeletes == 1 && deleted_type == MPI_DOUBLE, "delete on MPI_DOUBLE: %d callbacks",
              ndeletes);
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Type_get_attr(MPI_DOUBLE, saved, &v, &flag));
}

static void check_windows(void)
{
    int key;
    AT_MPI(MPI_Win_create_keyval(MPI_WIN_DUP_FN, MPI_WIN_NULL_DELETE_FN, &key, NULL));
    MPT_CHECK(key != MPI_KEYVAL_INVALID, "MPI_Win_create_keyval gave MPI_KEYVAL_INVALID");
    int x = 0, flag = 0;
    void *v = NULL;
    AT_MPI_FAILS(MPI_ERR_WIN, MPI_Win_set_attr(MPI_WIN_NULL, key, &x));
    AT_MPI_FAILS(MPI_ERR_WIN, MPI_Win_get_attr(MPI_WIN_NULL, MPI_WIN_BASE, &v, &flag));
    AT_MPI_FAILS(MPI_ERR_WIN, MPI_Win_delete_attr(MPI_WIN_NULL, key));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, key, &x));
    int predefined = MPI_WIN_BASE;
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Win_free_keyval(&predefined));
    AT_MPI(MPI_Win_free_keyval(&key));
    MPT_CHECK(key == MPI_KEYVAL_INVALID, "MPI_Win_free_keyval left %d", key);
}

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    /* Calls without a communicator raise their errors on MPI_COMM_SELF. */
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    check_types();
    check_windows();

    MPI_Finalize();
    return mpt_finish(rank);
}
