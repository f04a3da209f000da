/*
 * Attribute callbacks on MPI_Comm_dup and MPI_Comm_free: MPI_COMM_NULL_COPY_FN drops,
 * MPI_COMM_DUP_FN copies the value, a user copy callback decides by its flag and may change the
 * value; copies keep the order of setting; the delete callbacks run on free, newest first, on the
 * freed communicator; a failing copy callback fails the dup and leaves nothing behind; the
 * error handler and the hints go with the copy.
 */
#include "attrtest.h"

#define MAX_EVENTS 64

static int events[MAX_EVENTS]; /* values deleted, in order */
static MPI_Comm event_comm[MAX_EVENTS];
static int nevents;
static int ncopies;
static int fail_copy;

static int record_delete(MPI_Comm comm, int keyval, void *value, void *extra_state)
{
    (void)keyval;
    (void)extra_state;
    if (nevents < MAX_EVENTS) {
        event_comm[nevents] = comm;
        events[nevents++] = (int)(intptr_t)value;
    }
    return MPI_SUCCESS;
}

/* Copies even values as value + 1000, drops odd ones. */
static int even_copy(MPI_Comm oldcomm, int keyval, void *extra_state, void *in, void *out,
                     int *flag)
{
    (void)oldcomm;
    (void)keyval;
    MPT_CHECK(extra_state == (void *)&ncopies, "copy callback extra_state %p", extra_state);
    ncopies++;
    if (fail_copy) {
        return MPI_ERR_OTHER;
    }
    intptr_t v = (intptr_t)in;
    *flag = v % 2 == 0;
    if (*flag) {
        *(void **)out = (void *)(v + 1000);
    }
    return MPI_SUCCESS;
}

static MPI_Comm handler_comm;
static int handler_code;
static void comm_handler(MPI_Comm *comm, int *code, ...)
{
    handler_comm = *comm;
    handler_code = *code;
}

static void *val(intptr_t v)
{
    return (void *)v;
}

static void expect_attr(MPI_Comm comm, int key, int present, intptr_t value)
{
    void *v = NULL;
    int flag = -1;
    AT_MPI(MPI_Comm_get_attr(comm, key, &v, &flag));
    MPT_CHECK(flag == present, "key %d: flag %d, expected %d", key, flag, present);
    if (present && flag) {
        MPT_CHECK(v == val(value), "key %d: value %ld, expected %ld", key, (long)(intptr_t)v,
                  (long)value);
    }
}

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    int knull, kdup, kuser1, kuser2;
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, record_delete, &knull, NULL));
    AT_MPI(MPI_Comm_create_keyval(MPI_COMM_DUP_FN, record_delete, &kdup, NULL));
    AT_MPI(MPI_Comm_create_keyval(even_copy, record_delete, &kuser1, &ncopies));
    AT_MPI(MPI_Comm_create_keyval(even_copy, record_delete, &kuser2, &ncopies));

    MPI_Comm base;
    AT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &base));
    AT_MPI(MPI_Comm_set_attr(base, knull, val(1)));
    AT_MPI(MPI_Comm_set_attr(base, kdup, val(2)));
    AT_MPI(MPI_Comm_set_attr(base, kuser1, val(4)));
    AT_MPI(MPI_Comm_set_attr(base, kuser2, val(5)));
    MPI_Info hints;
    AT_MPI(MPI_Info_create(&hints));
    AT_MPI(MPI_Info_set(hints, "my_hint", "yes"));
    AT_MPI(MPI_Comm_set_info(base, hints));
    AT_MPI(MPI_Info_free(&hints));

    /* The copy: NULL_COPY dropped, DUP_FN copied as is, user copy: 4 -> 1004, 5 dropped. */
    MPI_Comm copy;
    ncopies = 0;
    AT_MPI(MPI_Comm_dup(base, &copy));
    MPT_CHECK(ncopies == 2, "%d user copy callbacks, expected 2", ncopies);
    expect_attr(copy, knull, 0, 0);
    expect_attr(copy, kdup, 1, 2);
    expect_attr(copy, kuser1, 1, 1004);
    expect_attr(copy, kuser2, 0, 0);
    expect_attr(base, kuser1, 1, 4); /* the original is untouched */
    MPI_Errhandler eh;
    AT_MPI(MPI_Comm_get_errhandler(copy, &eh));
    MPT_CHECK(eh == MPI_ERRORS_RETURN, "the copy's error handler is %p", (void *)eh);
    AT_MPI(MPI_Errhandler_free(&eh));
    AT_MPI(MPI_Comm_get_info(copy, &hints));
    char value[16];
    int buflen = sizeof(value), flag = 0;
    AT_MPI(MPI_Info_get_string(hints, "my_hint", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "yes") == 0, "the copy lost the hint");
    AT_MPI(MPI_Info_free(&hints));

    /* MPI_Comm_dup_with_info: the hints are those given, not the original's. */
    MPI_Comm with_info;
    MPI_Info given;
    AT_MPI(MPI_Info_create(&given));
    AT_MPI(MPI_Info_set(given, "other_hint", "no"));
    AT_MPI(MPI_Comm_dup_with_info(base, given, &with_info));
    AT_MPI(MPI_Info_free(&given));
    AT_MPI(MPI_Comm_get_info(with_info, &hints));
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(hints, "my_hint", &buflen, value, &flag));
    MPT_CHECK(!flag, "MPI_Comm_dup_with_info kept the original's hint");
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(hints, "other_hint", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "no") == 0, "MPI_Comm_dup_with_info lost the given hint");
    AT_MPI(MPI_Info_free(&hints));
    expect_attr(with_info, kdup, 1, 2); /* attributes are copied as by MPI_Comm_dup */
    nevents = 0;
    AT_MPI(MPI_Comm_free(&with_info));
    MPT_CHECK(nevents == 2, "free of the dup with info: %d deletes, expected 2", nevents);

    /* MPI_Comm_idup_with_info: the same, with the info freed before the dup completes. */
    MPI_Request req;
    AT_MPI(MPI_Info_create(&given));
    AT_MPI(MPI_Info_set(given, "other_hint", "later"));
    AT_MPI(MPI_Comm_idup_with_info(base, given, &with_info, &req));
    AT_MPI(MPI_Info_free(&given));
    AT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    AT_MPI(MPI_Comm_get_info(with_info, &hints));
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(hints, "other_hint", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "later") == 0, "MPI_Comm_idup_with_info lost the given hint");
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(hints, "my_hint", &buflen, value, &flag));
    MPT_CHECK(!flag, "MPI_Comm_idup_with_info kept the original's hint");
    AT_MPI(MPI_Info_free(&hints));
    expect_attr(with_info, kuser1, 1, 1004);
    AT_MPI(MPI_Comm_free(&with_info));

    /* Freeing the copy deletes its attributes, newest first: user1 (1004), then dup (2). */
    nevents = 0;
    MPI_Comm freed = copy;
    AT_MPI(MPI_Comm_free(&copy));
    MPT_CHECK(nevents == 2 && events[0] == 1004 && events[1] == 2,
              "free of the copy: %d deletes (%d, %d), expected 1004 then 2", nevents,
              nevents > 0 ? events[0] : -1, nevents > 1 ? events[1] : -1);
    MPT_CHECK(nevents < 1 || event_comm[0] == freed, "the delete callback got another comm");

    /* A failing copy callback fails the dup; the attributes copied before it are deleted. */
    fail_copy = 1;
    nevents = 0;
    MPI_Comm bad = MPI_COMM_SELF; /* whatever it held, a failed dup sets MPI_COMM_NULL */
    AT_MPI_FAILS(MPI_ERR_OTHER, MPI_Comm_dup(base, &bad));
    MPT_CHECK(bad == MPI_COMM_NULL, "a failed dup left newcomm %p, not MPI_COMM_NULL", (void *)bad);
    MPT_CHECK(nevents == 1 && events[0] == 2, "after a failed dup: %d deletes", nevents);
    fail_copy = 0;

    /* Freeing base: newest first (5, 4, 2, 1). The keys freed before stay alive for it. */
    AT_MPI(MPI_Comm_free_keyval(&knull));
    AT_MPI(MPI_Comm_free_keyval(&kdup));
    AT_MPI(MPI_Comm_free_keyval(&kuser1));
    AT_MPI(MPI_Comm_free_keyval(&kuser2));
    nevents = 0;
    AT_MPI(MPI_Comm_free(&base));
    const int expected[] = {5, 4, 2, 1};
    MPT_CHECK(nevents == 4, "free of base: %d deletes, expected 4", nevents);
    for (int i = 0; i < 4 && i < nevents; i++) {
        MPT_CHECK(events[i] == expected[i], "delete %d on free: %d, expected %d", i, events[i],
                  expected[i]);
    }

    /* A user error handler follows the communicator into its copy, outlives its handle and
     * the first communicator, and is called with the communicator the error was raised on. */
    MPI_Comm c1, c2;
    MPI_Errhandler user;
    AT_MPI(MPI_Comm_create_errhandler(comm_handler, &user));
    AT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &c1));
    AT_MPI(MPI_Comm_set_errhandler(c1, user));
    AT_MPI(MPI_Errhandler_free(&user));
    AT_MPI(MPI_Comm_dup(c1, &c2));
    AT_MPI(MPI_Comm_free(&c1));
    int size, buf = 0;
    MPI_Comm_size(c2, &size);
    handler_comm = MPI_COMM_NULL;
    int rc = MPI_Send(&buf, 1, MPI_INT, size, 0, c2);
    int cls = -1;
    MPI_Error_class(rc, &cls);
    MPT_CHECK(handler_comm == c2 && handler_code == rc && cls == MPI_ERR_RANK,
              "handler on the dup: comm %p (expected %p), code %d, call returned %d",
              (void *)handler_comm, (void *)c2, handler_code, rc);
    AT_MPI(MPI_Comm_free(&c2));

    MPI_Finalize();
    return mpt_finish(rank);
}
