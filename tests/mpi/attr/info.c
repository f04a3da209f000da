/*
 * Info objects: set/get round trips, MPI_Info_get_string's buffer protocol, key order, dup,
 * delete, the length limits and their error classes, MPI_INFO_NULL, MPI_INFO_ENV's keys, and the
 * hints of a communicator (MPI_Comm_set_info / MPI_Comm_get_info).
 */
#include "attrtest.h"

static void check_value(MPI_Info info, const char *key, const char *expected)
{
    char value[MPI_MAX_INFO_VAL];
    int flag = 0, len = -1, buflen = sizeof(value);
    AT_MPI(MPI_Info_get_valuelen(info, key, &len, &flag));
    MPT_CHECK(flag == (expected != NULL), "key %s: valuelen flag %d", key, flag);
    AT_MPI(MPI_Info_get_string(info, key, &buflen, value, &flag));
    MPT_CHECK(flag == (expected != NULL), "key %s: get_string flag %d", key, flag);
    if (expected != NULL && flag) {
        MPT_CHECK(strcmp(value, expected) == 0, "key %s: value \"%s\", expected \"%s\"", key, value,
                  expected);
        MPT_CHECK(len == (int)strlen(expected), "key %s: valuelen %d", key, len);
        MPT_CHECK(buflen == len + 1, "key %s: get_string buflen %d, expected %d", key, buflen,
                  len + 1);
    }
}

static void check_round_trip(void)
{
    MPI_Info info;
    AT_MPI(MPI_Info_create(&info));
    int nkeys = -1;
    AT_MPI(MPI_Info_get_nkeys(info, &nkeys));
    MPT_CHECK(nkeys == 0, "a new info has %d keys", nkeys);

    AT_MPI(MPI_Info_set(info, "alpha", "1"));
    AT_MPI(MPI_Info_set(info, "beta", "two words"));
    AT_MPI(MPI_Info_set(info, "gamma", ""));
    AT_MPI(MPI_Info_set(info, "alpha", "replaced")); /* keeps its place */
    check_value(info, "alpha", "replaced");
    check_value(info, "beta", "two words");
    check_value(info, "gamma", "");
    check_value(info, "delta", NULL);

    const char *order[] = {"alpha", "beta", "gamma"};
    AT_MPI(MPI_Info_get_nkeys(info, &nkeys));
    MPT_CHECK(nkeys == 3, "%d keys, expected 3", nkeys);
    for (int i = 0; i < 3; i++) {
        char key[MPI_MAX_INFO_KEY];
        AT_MPI(MPI_Info_get_nthkey(info, i, key));
        MPT_CHECK(strcmp(key, order[i]) == 0, "key %d is %s, expected %s", i, key, order[i]);
    }
    char key[MPI_MAX_INFO_KEY];
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Info_get_nthkey(info, 3, key));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Info_get_nthkey(info, -1, key));

    /* MPI_Info_get_string: a small buffer gets a truncated value and the size it needs; a
     * zero-sized one only the size. MPI_Info_get (deprecated) truncates to valuelen. */
    char small[4];
    int buflen = sizeof(small), flag = 0;
    AT_MPI(MPI_Info_get_string(info, "beta", &buflen, small, &flag));
    MPT_CHECK(flag && buflen == 10 && strcmp(small, "two") == 0,
              "get_string into 4 bytes: flag %d buflen %d value \"%s\"", flag, buflen, small);
    buflen = 0;
    AT_MPI(MPI_Info_get_string(info, "beta", &buflen, NULL, &flag));
    MPT_CHECK(flag && buflen == 10, "get_string with buflen 0: buflen %d", buflen);
    char value[8];
    AT_MPI(MPI_Info_get(info, "beta", 3, value, &flag));
    MPT_CHECK(flag && strcmp(value, "two") == 0, "MPI_Info_get truncated: \"%s\"", value);

    /* Dup is deep; delete removes one key. */
    MPI_Info dup;
    AT_MPI(MPI_Info_dup(info, &dup));
    AT_MPI(MPI_Info_delete(info, "beta"));
    check_value(info, "beta", NULL);
    check_value(dup, "beta", "two words");
    AT_MPI(MPI_Info_get_nthkey(info, 1, key));
    MPT_CHECK(strcmp(key, "gamma") == 0, "after delete key 1 is %s", key);
    AT_MPI_FAILS(MPI_ERR_INFO_NOKEY, MPI_Info_delete(info, "beta"));

    AT_MPI(MPI_Info_free(&dup));
    MPT_CHECK(dup == MPI_INFO_NULL, "MPI_Info_free did not reset the handle");
    AT_MPI(MPI_Info_free(&info));
    MPT_CHECK(info == MPI_INFO_NULL, "MPI_Info_free did not reset the handle");
}

static void check_errors(void)
{
    MPI_Info info;
    AT_MPI(MPI_Info_create(&info));
    char longkey[MPI_MAX_INFO_KEY + 8];
    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    AT_MPI_FAILS(MPI_ERR_INFO_KEY, MPI_Info_set(info, longkey, "v"));
    longkey[MPI_MAX_INFO_KEY - 1] = '\0'; /* the longest key allowed */
    AT_MPI(MPI_Info_set(info, longkey, "v"));
    check_value(info, longkey, "v");
    AT_MPI_FAILS(MPI_ERR_INFO_KEY, MPI_Info_set(info, "", "v"));

    static char longval[MPI_MAX_INFO_VAL + 8];
    memset(longval, 'v', sizeof(longval) - 1);
    AT_MPI_FAILS(MPI_ERR_INFO_VALUE, MPI_Info_set(info, "k", longval));
    longval[MPI_MAX_INFO_VAL - 1] = '\0';
    AT_MPI(MPI_Info_set(info, "k", longval));
    check_value(info, "k", longval);
    AT_MPI_FAILS(MPI_ERR_INFO_VALUE, MPI_Info_set(info, "k", NULL));

    int nkeys;
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Info_get_nkeys(MPI_INFO_NULL, &nkeys));
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Info_set(MPI_INFO_NULL, "k", "v"));
    MPI_Info null = MPI_INFO_NULL;
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Info_free(&null));
    MPI_Info env = MPI_INFO_ENV;
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Info_free(&env));
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Info_set(MPI_INFO_ENV, "k", "v"));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Info_create(NULL));
    AT_MPI(MPI_Info_free(&info));
}

static void check_env(const char *argv0, int size)
{
    char value[MPI_MAX_INFO_VAL];
    int flag = 0, buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(MPI_INFO_ENV, "command", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, argv0) == 0, "command: flag %d \"%s\", expected \"%s\"", flag,
              flag ? value : "", argv0);
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(MPI_INFO_ENV, "argv", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "first second") == 0, "argv: flag %d \"%s\"", flag,
              flag ? value : "");
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(MPI_INFO_ENV, "maxprocs", &buflen, value, &flag));
    MPT_CHECK(flag && atoi(value) == size, "maxprocs: flag %d \"%s\", expected %d", flag,
              flag ? value : "", size);
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(MPI_INFO_ENV, "thread_level", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "MPI_THREAD_SINGLE") == 0, "thread_level: \"%s\"",
              flag ? value : "");
    char host[MPI_MAX_PROCESSOR_NAME];
    int len;
    MPI_Get_processor_name(host, &len);
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(MPI_INFO_ENV, "host", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, host) == 0, "host: \"%s\", expected \"%s\"", flag ? value : "",
              host);
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(MPI_INFO_ENV, "wdir", &buflen, value, &flag));
    char cwd[MPI_MAX_INFO_VAL];
    MPT_CHECK(flag && getcwd(cwd, sizeof(cwd)) != NULL && strcmp(value, cwd) == 0, "wdir: \"%s\"",
              flag ? value : "");

    /* MPI_Info_create_env gives a copy the program owns. */
    MPI_Info info;
    AT_MPI(MPI_Info_create_env(0, NULL, &info));
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(info, "command", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, argv0) == 0, "create_env command: \"%s\"", flag ? value : "");
    AT_MPI(MPI_Info_set(info, "command", "changed"));
    AT_MPI(MPI_Info_free(&info));
    /* With arguments, they describe the command line. */
    char prog[] = "prog", arg[] = "x";
    char *args[] = {prog, arg, NULL};
    AT_MPI(MPI_Info_create_env(2, args, &info));
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(info, "command", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "prog") == 0, "create_env(2) command: \"%s\"",
              flag ? value : "");
    buflen = sizeof(value);
    AT_MPI(MPI_Info_get_string(info, "argv", &buflen, value, &flag));
    MPT_CHECK(flag && strcmp(value, "x") == 0, "create_env(2) argv: \"%s\"", flag ? value : "");
    AT_MPI(MPI_Info_free(&info));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Info_create_env(-1, NULL, &info));
}

static void check_comm_hints(void)
{
    MPI_Info info, used;
    AT_MPI(MPI_Info_create(&info));
    AT_MPI(MPI_Info_set(info, "mpi_assert_no_any_tag", "true"));
    AT_MPI(MPI_Info_set(info, "my_hint", "42"));
    AT_MPI(MPI_Comm_set_info(MPI_COMM_SELF, info));
    AT_MPI(MPI_Info_free(&info));
    AT_MPI(MPI_Comm_get_info(MPI_COMM_SELF, &used));
    check_value(used, "mpi_assert_no_any_tag", "true");
    check_value(used, "my_hint", "42");
    AT_MPI(MPI_Info_free(&used));

    /* A later set changes the keys it names and keeps the others. */
    AT_MPI(MPI_Info_create(&info));
    AT_MPI(MPI_Info_set(info, "my_hint", "43"));
    AT_MPI(MPI_Comm_set_info(MPI_COMM_SELF, info));
    AT_MPI(MPI_Info_free(&info));
    AT_MPI(MPI_Comm_get_info(MPI_COMM_SELF, &used));
    check_value(used, "mpi_assert_no_any_tag", "true");
    check_value(used, "my_hint", "43");
    AT_MPI(MPI_Info_free(&used));

    /* A communicator without hints gives an empty object. */
    AT_MPI(MPI_Comm_get_info(MPI_COMM_WORLD, &used));
    int nkeys = -1;
    AT_MPI(MPI_Info_get_nkeys(used, &nkeys));
    MPT_CHECK(nkeys == 0, "MPI_COMM_WORLD has %d hints", nkeys);
    AT_MPI(MPI_Info_free(&used));
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Comm_set_info(MPI_COMM_WORLD, MPI_INFO_NULL));
}

int main(int argc, char **argv)
{
    int rank, size;
    /* Info objects work before MPI_Init. */
    MPI_Info early;
    int rc = MPI_Info_create(&early);
    MPT_CHECK(rc == MPI_SUCCESS, "MPI_Info_create before MPI_Init returned %d", rc);
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    AT_MPI(MPI_Info_free(&early));

    MPT_CHECK(argc == 3, "run me with the arguments \"first second\" (argc %d)", argc);
    check_round_trip();
    check_errors();
    check_env(argv[0], size);
    check_comm_hints();

    MPI_Finalize();
    return mpt_finish(rank);
}
