/*
 * Attributes on communicators: keyvals, set/get/delete, the delete callback on replacement and
 * deletion, deferred keyval free, the predefined read-only attributes, keys of the wrong kind,
 * and the order of the delete callbacks at MPI_Finalize (MPI_COMM_SELF's newest first, then
 * MPI_COMM_WORLD's).
 */
#include "attrtest.h"

#define MAX_EVENTS 64

/* What the callbacks saw, in order: "d<tag>" for a delete, with the value's tag. */
static int events[MAX_EVENTS];
static int nevents;
static MPI_Comm event_comm[MAX_EVENTS];

static int record_delete(MPI_Comm comm, int keyval, void *value, void *extra_state)
{
    (void)keyval;
    MPT_CHECK(extra_state == (void *)&events, "extra_state %p, expected %p", extra_state,
              (void *)&events);
    if (nevents < MAX_EVENTS) {
        event_comm[nevents] = comm;
        events[nevents++] = *(int *)value;
    }
    return MPI_SUCCESS;
}

/* A delete callback that fails while fail_deletes is set. */
static int fail_deletes = 1;
static int failing_delete(MPI_Comm comm, int keyval, void *value, void *extra_state)
{
    (void)comm;
    (void)keyval;
    (void)value;
    (void)extra_state;
    return fail_deletes ? MPI_ERR_OTHER : MPI_SUCCESS;
}

static void check_predefined(int size)
{
    int *v = NULL;
    int flag = 0;
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &v, &flag));
    MPT_CHECK(flag && *v >= 32767, "MPI_TAG_UB: flag %d value %d, expected >= 32767", flag,
              flag ? *v : 0);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &v, &flag));
    MPT_CHECK(flag && (*v == 0 || *v == 1), "MPI_WTIME_IS_GLOBAL: flag %d", flag);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &v, &flag));
    MPT_CHECK(!flag || *v >= size, "MPI_UNIVERSE_SIZE %d < size %d", flag ? *v : 0, size);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &v, &flag));
    MPT_CHECK(!flag || *v == 0, "MPI_APPNUM %d, expected 0", flag ? *v : 0);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_HOST, &v, &flag));
    MPT_CHECK(flag && (*v == MPI_PROC_NULL || (*v >= 0 && *v < size)), "MPI_HOST: flag %d", flag);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_IO, &v, &flag));
    MPT_CHECK(flag && (*v == MPI_ANY_SOURCE || *v == MPI_PROC_NULL || (*v >= 0 && *v < size)),
              "MPI_IO: flag %d", flag);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &v, &flag));
    MPT_CHECK(flag && *v >= MPI_ERR_LASTCODE, "MPI_LASTUSEDCODE %d < MPI_ERR_LASTCODE",
              flag ? *v : 0);

    /* Read-only: they can be neither set, deleted nor freed. */
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_TAG_UB, &flag));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_delete_attr(MPI_COMM_WORLD, MPI_TAG_UB));
    int key = MPI_TAG_UB;
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&key));
    MPT_CHECK(key == MPI_TAG_UB, "a failed MPI_Comm_free_keyval changed the key to %d", key);
}

static void check_set_get_delete(void)
{
    static int a = 1, b = 2, c = 3;
    int key = MPI_KEYVAL_INVALID;
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, record_delete, &key, &events));
    MPT_CHECK(key != MPI_KEYVAL_INVALID, "MPI_Comm_create_keyval gave MPI_KEYVAL_INVALID");

    int *v = NULL;
    int flag = 1;
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, &flag));
    MPT_CHECK(flag == 0, "unset attribute: flag %d", flag);

    AT_MPI(MPI_Comm_set_attr(MPI_COMM_WORLD, key, &a));
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, &flag));
    MPT_CHECK(flag == 1 && v == &a, "get after set: flag %d value %p, expected %p", flag, (void *)v,
              (void *)&a);
    /* Attributes are per communicator. */
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_SELF, key, &v, &flag));
    MPT_CHECK(flag == 0, "attribute set on MPI_COMM_WORLD seen on MPI_COMM_SELF");

    /* Replacing runs the delete callback on the old value. */
    nevents = 0;
    AT_MPI(MPI_Comm_set_attr(MPI_COMM_WORLD, key, &b));
    MPT_CHECK(nevents == 1 && events[0] == 1 && event_comm[0] == MPI_COMM_WORLD,
              "replacing: %d delete callbacks, first on value %d", nevents,
              nevents > 0 ? events[0] : -1);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, &flag));
    MPT_CHECK(flag == 1 && v == &b, "get after replace: flag %d", flag);

    /* Deleting runs it too; a second delete finds nothing. */
    nevents = 0;
    AT_MPI(MPI_Comm_delete_attr(MPI_COMM_WORLD, key));
    MPT_CHECK(nevents == 1 && events[0] == 2, "delete: %d callbacks", nevents);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, &flag));
    MPT_CHECK(flag == 0, "get after delete: flag %d", flag);
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_delete_attr(MPI_COMM_WORLD, key));

    /* Freeing the key while an attribute uses it: the attribute lives on and its delete
     * callback still runs with the key's extra_state. Once the last attribute is gone, the key
     * is gone too. */
    int saved = key;
    AT_MPI(MPI_Comm_set_attr(MPI_COMM_SELF, key, &c));
    AT_MPI(MPI_Comm_free_keyval(&key));
    MPT_CHECK(key == MPI_KEYVAL_INVALID, "MPI_Comm_free_keyval left %d", key);
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_SELF, saved, &v, &flag));
    MPT_CHECK(flag == 1 && v == &c, "attribute of a freed key: flag %d", flag);
    nevents = 0;
    AT_MPI(MPI_Comm_delete_attr(MPI_COMM_SELF, saved));
    MPT_CHECK(nevents == 1 && events[0] == 3, "delete through a freed key: %d callbacks", nevents);
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, saved, &a));

    /* Bad keys. */
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, &a));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_get_attr(MPI_COMM_WORLD, 123456, &v, &flag));
    int tkey;
    AT_MPI(MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, MPI_TYPE_NULL_DELETE_FN, &tkey, NULL));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, tkey, &a));
    AT_MPI_FAILS(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&tkey));
    AT_MPI(MPI_Type_free_keyval(&tkey));
    AT_MPI_FAILS(MPI_ERR_COMM, MPI_Comm_set_attr(MPI_COMM_NULL, saved, &a));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN,
                                                     NULL, NULL));
}

/* A failing delete callback fails MPI_Comm_delete_attr and MPI_Comm_set_attr (replacing), and
 * the attribute stays. */
static void check_failing_delete(void)
{
    static int x = 7, y = 8;
    int key;
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, failing_delete, &key, NULL));
    AT_MPI(MPI_Comm_set_attr(MPI_COMM_WORLD, key, &x));
    AT_MPI_FAILS(MPI_ERR_OTHER, MPI_Comm_delete_attr(MPI_COMM_WORLD, key));
    AT_MPI_FAILS(MPI_ERR_OTHER, MPI_Comm_set_attr(MPI_COMM_WORLD, key, &y));
    int *v = NULL;
    int flag = 0;
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, &flag));
    MPT_CHECK(flag == 1 && v == &x, "the attribute changed despite a failing delete callback");
    fail_deletes = 0;
    AT_MPI(MPI_Comm_delete_attr(MPI_COMM_WORLD, key));
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, &flag));
    MPT_CHECK(flag == 0, "the attribute stayed after a successful delete");
    AT_MPI(MPI_Comm_free_keyval(&key));
}

/* MPI-1 names: the same calls. */
static void check_deprecated(void)
{
    static int x = 9;
    int key;
    AT_MPI(MPI_Keyval_create(MPI_NULL_COPY_FN, MPI_NULL_DELETE_FN, &key, NULL));
    AT_MPI(MPI_Attr_put(MPI_COMM_SELF, key, &x));
    int *v = NULL;
    int flag = 0;
    AT_MPI(MPI_Attr_get(MPI_COMM_SELF, key, &v, &flag));
    MPT_CHECK(flag == 1 && v == &x, "MPI_Attr_get: flag %d", flag);
    AT_MPI(MPI_Attr_delete(MPI_COMM_SELF, key));
    AT_MPI(MPI_Keyval_free(&key));
}

/* Values set for MPI_Finalize to delete: their tags in the expected order of deletion. */
static int fin_values[] = {101, 102, 103, 201, 202};
static const int fin_expected[] = {103, 102, 101, 202, 201};

static void set_for_finalize(int *keys)
{
    for (int i = 0; i < 5; i++) {
        AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, record_delete, &keys[i], &events));
    }
    /* Set in the order 101, 102, 103 on self and 201, 202 on world; MPI_Finalize must delete
     * self's first, newest first, then world's. */
    for (int i = 0; i < 3; i++) {
        AT_MPI(MPI_Comm_set_attr(MPI_COMM_SELF, keys[i], &fin_values[i]));
    }
    for (int i = 3; i < 5; i++) {
        AT_MPI(MPI_Comm_set_attr(MPI_COMM_WORLD, keys[i], &fin_values[i]));
    }
    /* Freeing the keys now must not stop the callbacks at MPI_Finalize. */
    for (int i = 0; i < 5; i++) {
        AT_MPI(MPI_Comm_free_keyval(&keys[i]));
    }
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    check_predefined(size);
    check_set_get_delete();
    check_deprecated();
    check_failing_delete();

    int keys[5];
    set_for_finalize(keys);
    nevents = 0;
    int rc = MPI_Finalize();
    MPT_CHECK(rc == MPI_SUCCESS, "MPI_Finalize returned %d", rc);
    MPT_CHECK(nevents == 5, "%d delete callbacks at MPI_Finalize, expected 5", nevents);
    for (int i = 0; i < 5 && i < nevents; i++) {
        MPT_CHECK(events[i] == fin_expected[i], "delete %d at MPI_Finalize: value %d, expected %d",
                  i, events[i], fin_expected[i]);
        MPT_CHECK(event_comm[i] == (i < 3 ? MPI_COMM_SELF : MPI_COMM_WORLD),
                  "delete %d at MPI_Finalize on the wrong communicator", i);
    }
    return mpt_finish(rank);
}
