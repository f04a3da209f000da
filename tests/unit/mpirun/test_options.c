/*
 * mpirun's command line: every spelling of every option, the program boundary, the environment
 * timeout, the exact error messages users see, and the --help text.
 */
#include "mpirun/options.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

/* An argv that starts with "mpirun" and ends with NULL, living in the calling block. */
#define ARGV(...) ((char *[]){"mpirun", __VA_ARGS__, NULL})

static int count_args(char **argv)
{
    int n = 0;
    while (argv[n] != NULL) {
        n++;
    }
    return n;
}

/* Parses argv, expecting success. */
static void parse_ok(char **argv, mpirun_opts_t *opts)
{
    char err[512] = "";
    int rc = mpirun_opts_parse(count_args(argv), argv, opts, err, sizeof(err));
    if (rc != 0) {
        fail_msg("parse failed: %s", err);
    }
    assert_string_equal(err, "");
}

/* Parses argv, expecting failure; checks opts were left empty; returns the message in err. */
static void parse_fail(char **argv, char *err, size_t errlen)
{
    mpirun_opts_t opts;
    err[0] = '\0';
    assert_int_equal(mpirun_opts_parse(count_args(argv), argv, &opts, err, errlen), -1);
    assert_true(strlen(err) > 0);
    assert_null(opts.env);
    assert_int_equal(opts.nenv, 0);
    assert_null(opts.prog_argv);
    assert_int_equal(opts.prog_argc, 0);
    mpirun_opts_fini(&opts);
}

/* Expects argv to fail with exactly the message expected. */
static void expect_error(char **argv, const char *expected)
{
    char err[512];
    parse_fail(argv, err, sizeof(err));
    assert_string_equal(err, expected);
}

/* Expects argv to fail with a message containing every one of the NULL-terminated strings. */
static void expect_error_has(char **argv, ...)
{
    char err[512];
    va_list ap;
    const char *part;
    parse_fail(argv, err, sizeof(err));
    va_start(ap, argv);
    while ((part = va_arg(ap, const char *)) != NULL) {
        if (strstr(err, part) == NULL) {
            va_end(ap);
            fail_msg("message \"%s\" lacks \"%s\"", err, part);
        }
    }
    va_end(ap);
}

static int clear_env(void **state)
{
    (void)state;
    unsetenv("MPIEXEC_TIMEOUT");
    unsetenv("MP_END_GRACE");
    return 0;
}

static void test_end_grace(void **state)
{
    (void)state;
    mpirun_opts_t o;
    parse_ok(ARGV("prog"), &o);
    assert_true(o.end_grace == MPIRUN_END_GRACE_DEFAULT);
    mpirun_opts_fini(&o);
    setenv("MP_END_GRACE", "2.5", 1);
    parse_ok(ARGV("prog"), &o);
    assert_true(o.end_grace == 2.5);
    mpirun_opts_fini(&o);
    setenv("MP_END_GRACE", "0", 1);
    parse_ok(ARGV("prog"), &o);
    assert_true(o.end_grace == 0.0);
    mpirun_opts_fini(&o);
    setenv("MP_END_GRACE", "", 1);
    parse_ok(ARGV("prog"), &o);
    assert_true(o.end_grace == MPIRUN_END_GRACE_DEFAULT);
    mpirun_opts_fini(&o);
    setenv("MP_END_GRACE", "soon", 1);
    expect_error(ARGV("prog"), "MP_END_GRACE=\"soon\" (from the environment) is not a valid number "
                               "of seconds: set it to a number from 0 to 3600, or unset it");
    setenv("MP_END_GRACE", "-1", 1);
    expect_error_has(ARGV("prog"), "MP_END_GRACE=\"-1\"", NULL);
    setenv("MP_END_GRACE", "1e9", 1);
    expect_error_has(ARGV("prog"), "MP_END_GRACE=\"1e9\"", NULL);
    unsetenv("MP_END_GRACE");
}

static void test_defaults(void **state)
{
    (void)state;
    char **argv = ARGV("./a.out");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.np, -1);
    assert_null(o.hosts);
    assert_null(o.hostfile);
    assert_int_equal(o.map_by, MPIRUN_MAP_SLOT);
    assert_int_equal(o.bind_to, MPIRUN_BIND_DEFAULT);
    assert_false(o.report_bindings);
    assert_false(o.verbose);
    assert_false(o.tag_output);
    assert_false(o.oversubscribe_forbidden);
    assert_true(o.timeout == 0.0);
    assert_null(o.wdir);
    assert_null(o.launch_agent);
    assert_null(o.env);
    assert_int_equal(o.nenv, 0);
    assert_int_equal(o.prog_argc, 1);
    assert_ptr_equal(o.prog_argv[0], argv[1]);
    assert_false(o.help);
    assert_false(o.help_env);
    assert_false(o.version);
    mpirun_opts_fini(&o);
    assert_null(o.env);
    assert_int_equal(o.np, -1);
}

static void test_np_spellings(void **state)
{
    (void)state;
    struct {
        char **argv;
        int np;
    } cases[] = {
        {ARGV("-n", "4", "p"), 4},
        {ARGV("-np", "5", "p"), 5},
        {ARGV("-n=6", "p"), 6},
        {ARGV("--n", "7", "p"), 7},
        {ARGV("--np", "8", "p"), 8},
        {ARGV("--np=9", "p"), 9},
        {ARGV("-np=10", "p"), 10},
        {ARGV("--n=11", "p"), 11},
        {ARGV("-n", "1048576", "p"), 1048576},
        {ARGV("-n", "2", "-n", "3", "p"), 3}, /* the last one wins */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mpirun_opts_t o;
        parse_ok(cases[i].argv, &o);
        assert_int_equal(o.np, cases[i].np);
        assert_int_equal(o.prog_argc, 1);
        assert_string_equal(o.prog_argv[0], "p");
        mpirun_opts_fini(&o);
    }
}

static void test_program_keeps_its_arguments(void **state)
{
    (void)state;
    char **argv = ARGV("-n", "2", "./a.out", "-n", "5", "--bogus", "--", "x");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.np, 2);
    assert_int_equal(o.prog_argc, 6);
    assert_ptr_equal(o.prog_argv[0], argv[3]);
    assert_string_equal(o.prog_argv[0], "./a.out");
    assert_string_equal(o.prog_argv[1], "-n");
    assert_string_equal(o.prog_argv[2], "5");
    assert_string_equal(o.prog_argv[3], "--bogus");
    assert_string_equal(o.prog_argv[4], "--");
    assert_string_equal(o.prog_argv[5], "x");
    assert_null(o.prog_argv[6]);
    mpirun_opts_fini(&o);
}

static void test_double_dash_ends_options(void **state)
{
    (void)state;
    char **argv = ARGV("-n", "3", "--", "-weird-name", "--np", "1");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.np, 3);
    assert_int_equal(o.prog_argc, 3);
    assert_ptr_equal(o.prog_argv[0], argv[4]);
    assert_string_equal(o.prog_argv[0], "-weird-name");
    mpirun_opts_fini(&o);

    /* A lone "-" is not an option: it is the program. */
    char **argv2 = ARGV("-", "x");
    parse_ok(argv2, &o);
    assert_int_equal(o.prog_argc, 2);
    assert_string_equal(o.prog_argv[0], "-");
    mpirun_opts_fini(&o);
}

static void test_host_spellings(void **state)
{
    (void)state;
    const char *opts[] = {"-H", "--H", "--host", "-host", "--hosts", "-hosts"};
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char *argv[] = {"mpirun", (char *)opts[i], "a:2,b", "prog", NULL};
        mpirun_opts_t o;
        parse_ok(argv, &o);
        assert_ptr_equal(o.hosts, argv[2]);
        assert_null(o.hostfile);
        mpirun_opts_fini(&o);
    }
    char **argv = ARGV("--host=n1,n2", "prog");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_string_equal(o.hosts, "n1,n2");
    assert_ptr_equal(o.hosts, argv[1] + strlen("--host="));
    mpirun_opts_fini(&o);
}

static void test_hostfile_spellings(void **state)
{
    (void)state;
    const char *opts[] = {"--hostfile", "-hostfile", "--machinefile", "-machinefile", "-f", "--f"};
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char *argv[] = {"mpirun", (char *)opts[i], "hosts.txt", "prog", NULL};
        mpirun_opts_t o;
        parse_ok(argv, &o);
        assert_ptr_equal(o.hostfile, argv[2]);
        assert_null(o.hosts);
        mpirun_opts_fini(&o);
    }
    mpirun_opts_t o;
    parse_ok(ARGV("--machinefile=m.txt", "-H", "a", "prog"), &o);
    assert_string_equal(o.hostfile, "m.txt");
    assert_string_equal(o.hosts, "a");
    mpirun_opts_fini(&o);
}

static void test_map_by_values(void **state)
{
    (void)state;
    struct {
        const char *value;
        mpirun_map_t map;
    } cases[] = {
        {"slot", MPIRUN_MAP_SLOT},         {"core", MPIRUN_MAP_CORE}, {"socket", MPIRUN_MAP_SOCKET},
        {"package", MPIRUN_MAP_SOCKET},    {"numa", MPIRUN_MAP_NUMA}, {"node", MPIRUN_MAP_NODE},
        {"SLOT", MPIRUN_MAP_SLOT},         {"Core", MPIRUN_MAP_CORE}, {"SoCkEt", MPIRUN_MAP_SOCKET},
        {"PACKAGE", MPIRUN_MAP_SOCKET},    {"NUMA", MPIRUN_MAP_NUMA}, {"Node", MPIRUN_MAP_NODE},
        {"hwthread", MPIRUN_MAP_HWTHREAD},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char eq[64];
        mpirun_opts_t o;
        char *argv[] = {"mpirun", "--map-by", (char *)cases[i].value, "prog", NULL};
        parse_ok(argv, &o);
        assert_int_equal(o.map_by, cases[i].map);
        mpirun_opts_fini(&o);
        snprintf(eq, sizeof(eq), "-map-by=%s", cases[i].value);
        char *argv2[] = {"mpirun", eq, "prog", NULL};
        parse_ok(argv2, &o);
        assert_int_equal(o.map_by, cases[i].map);
        mpirun_opts_fini(&o);
    }
    assert_string_equal(mpirun_map_name(MPIRUN_MAP_NUMA), "numa");
    assert_string_equal(mpirun_map_name(MPIRUN_MAP_NODE), "node");
    assert_string_equal(mpirun_map_name(MPIRUN_MAP_HWTHREAD), "hwthread");
    /* Open MPI's hardware threads as cpus: a flag of its own. */
    mpirun_opts_t o;
    parse_ok(ARGV("--use-hwthread-cpus", "prog"), &o);
    assert_true(o.use_hwthreads);
    assert_int_equal(o.map_by, MPIRUN_MAP_SLOT);
    mpirun_opts_fini(&o);
}

static void test_bind_to_values(void **state)
{
    (void)state;
    struct {
        const char *value;
        mpirun_bind_t bind;
    } cases[] = {
        {"core", MPIRUN_BIND_CORE},         {"socket", MPIRUN_BIND_SOCKET},
        {"package", MPIRUN_BIND_SOCKET},    {"numa", MPIRUN_BIND_NUMA},
        {"none", MPIRUN_BIND_NONE},         {"CORE", MPIRUN_BIND_CORE},
        {"None", MPIRUN_BIND_NONE},         {"Package", MPIRUN_BIND_SOCKET},
        {"hwthread", MPIRUN_BIND_HWTHREAD},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mpirun_opts_t o;
        char *argv[] = {"mpirun", "--bind-to", (char *)cases[i].value, "prog", NULL};
        parse_ok(argv, &o);
        assert_int_equal(o.bind_to, cases[i].bind);
        mpirun_opts_fini(&o);
    }
    mpirun_opts_t o;
    parse_ok(ARGV("--bind-to=numa", "prog"), &o);
    assert_int_equal(o.bind_to, MPIRUN_BIND_NUMA);
    mpirun_opts_fini(&o);
    assert_string_equal(mpirun_bind_name(MPIRUN_BIND_SOCKET), "socket");
}

static void test_flags(void **state)
{
    (void)state;
    mpirun_opts_t o;
    parse_ok(ARGV("--report-bindings", "--tag-output", "--nooversubscribe", "prog"), &o);
    assert_true(o.report_bindings);
    assert_true(o.tag_output);
    assert_true(o.oversubscribe_forbidden);
    mpirun_opts_fini(&o);

    parse_ok(ARGV("-report-bindings", "-tag-output", "--no-oversubscribe", "prog"), &o);
    assert_true(o.report_bindings);
    assert_true(o.tag_output);
    assert_true(o.oversubscribe_forbidden);
    mpirun_opts_fini(&o);

    parse_ok(ARGV("-v", "prog", "-v"), &o);
    assert_true(o.verbose);
    assert_string_equal(o.prog_argv[1], "-v"); /* the program's own -v */
    mpirun_opts_fini(&o);
    parse_ok(ARGV("--verbose", "prog"), &o);
    assert_true(o.verbose);
    mpirun_opts_fini(&o);

    /* --oversubscribe is the default; after --nooversubscribe, the last one wins. */
    parse_ok(ARGV("--nooversubscribe", "--oversubscribe", "prog"), &o);
    assert_false(o.oversubscribe_forbidden);
    mpirun_opts_fini(&o);
    parse_ok(ARGV("--oversubscribe", "-nooversubscribe", "prog"), &o);
    assert_true(o.oversubscribe_forbidden);
    mpirun_opts_fini(&o);

    /* The output options of Open MPI and MPICH. */
    parse_ok(ARGV("-l", "--merge-stderr-to-stdout", "--output-filename", "out", "prog"), &o);
    assert_true(o.prepend_rank);
    assert_true(o.merge_stderr);
    assert_string_equal(o.output_dir, "out");
    assert_false(o.output_nocopy);
    mpirun_opts_fini(&o);
    parse_ok(ARGV("-prepend-rank", "--output-directory=/tmp/a:b:nocopy", "prog"), &o);
    assert_true(o.prepend_rank);
    assert_string_equal(o.output_dir, "/tmp/a:b"); /* only the suffix is Open MPI's */
    assert_true(o.output_nocopy);
    mpirun_opts_fini(&o);
    parse_ok(ARGV("--output-filename", "dir:x", "prog"), &o);
    assert_string_equal(o.output_dir, "dir:x");
    assert_false(o.output_nocopy);
    mpirun_opts_fini(&o);
    expect_error_has(ARGV("--output-filename", ":nocopy", "prog"), "needs a directory", NULL);

    /* --allow-run-as-root changes nothing. */
    mpirun_opts_t plain;
    char **argv = ARGV("--allow-run-as-root", "-allow-run-as-root", "prog");
    parse_ok(argv, &o);
    parse_ok(ARGV("prog"), &plain);
    assert_int_equal(o.np, plain.np);
    assert_int_equal(o.bind_to, plain.bind_to);
    assert_int_equal(o.map_by, plain.map_by);
    assert_false(o.report_bindings || o.tag_output || o.oversubscribe_forbidden);
    assert_false(o.help || o.help_env || o.version);
    assert_int_equal(o.prog_argc, 1);
    assert_ptr_equal(o.prog_argv[0], argv[3]);
    mpirun_opts_fini(&o);
    mpirun_opts_fini(&plain);
}

static void test_env_exports(void **state)
{
    (void)state;
    char **argv = ARGV("-x", "FOO", "-x", "BAR=baz", "--x=QUX=1=2", "-x", "_u9=", "prog");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.nenv, 4);
    assert_ptr_equal(o.env[0], argv[2]);
    assert_ptr_equal(o.env[1], argv[4]);
    assert_string_equal(o.env[0], "FOO");
    assert_string_equal(o.env[1], "BAR=baz");
    assert_string_equal(o.env[2], "QUX=1=2");
    assert_string_equal(o.env[3], "_u9=");
    mpirun_opts_fini(&o);
    assert_null(o.env);
    assert_int_equal(o.nenv, 0);

    /* Many exports grow the array. */
    char *many[2 + 2 * 40 + 1];
    char names[40][32];
    int n = 0;
    many[n++] = "mpirun";
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof(names[i]), "V%d=%d", i, i);
        many[n++] = "-x";
        many[n++] = names[i];
    }
    many[n++] = "prog";
    many[n] = NULL;
    parse_ok(many, &o);
    assert_int_equal(o.nenv, 40);
    for (int i = 0; i < 40; i++) {
        assert_ptr_equal(o.env[i], names[i]);
    }
    mpirun_opts_fini(&o);
}

/* What MPICH and Open MPI users type besides -n and -x: -c, -ppn/-N/--npernode, -genv,
 * -genvlist, and --mca and -q, which are taken and change nothing. */
static void test_other_launchers_spellings(void **state)
{
    (void)state;
    mpirun_opts_t o;
    parse_ok(ARGV("-c", "3", "prog"), &o);
    assert_int_equal(o.np, 3);
    assert_int_equal(o.ppn, 0);
    mpirun_opts_fini(&o);
    char *ppn[] = {"-ppn", "--ppn", "-N", "--npernode", "-npernode"};
    for (size_t i = 0; i < sizeof(ppn) / sizeof(ppn[0]); i++) {
        parse_ok(ARGV(ppn[i], "2", "prog"), &o);
        assert_int_equal(o.ppn, 2);
        assert_int_equal(o.np, -1);
        mpirun_opts_fini(&o);
    }

    char **argv = ARGV("-genv", "OMP_NUM_THREADS", "4", "-x", "A", "-genvlist", "HOME,_X1",
                       "--genv", "E", "", "prog", "-genv");
    parse_ok(argv, &o);
    assert_int_equal(o.nenv, 5);
    assert_string_equal(o.env[0], "OMP_NUM_THREADS=4");
    assert_ptr_equal(o.env[1], argv[5]);
    assert_string_equal(o.env[2], "HOME");
    assert_string_equal(o.env[3], "_X1");
    assert_string_equal(o.env[4], "E="); /* an empty value is a value */
    assert_int_equal(o.prog_argc, 2);
    assert_string_equal(o.prog_argv[1], "-genv"); /* the program's own */
    mpirun_opts_fini(&o);
    assert_int_equal(o.nowned, 0);
    assert_null(o.owned);

    mpirun_opts_t plain;
    parse_ok(ARGV("--mca", "btl", "self,tcp", "-gmca", "pml", "ob1", "-q", "--quiet", "prog"), &o);
    parse_ok(ARGV("prog"), &plain);
    assert_int_equal(o.np, plain.np);
    assert_int_equal(o.nenv, 0);
    assert_int_equal(o.map_by, plain.map_by);
    assert_int_equal(o.bind_to, plain.bind_to);
    assert_int_equal(o.prog_argc, 1);
    assert_string_equal(o.prog_argv[0], "prog");
    mpirun_opts_fini(&o);
    mpirun_opts_fini(&plain);

    parse_ok(ARGV("--map-by", "ppr:3:node", "prog"), &o);
    assert_int_equal(o.ppn, 3);
    assert_int_equal(o.map_by, MPIRUN_MAP_SLOT);
    mpirun_opts_fini(&o);
    expect_error_has(ARGV("--map-by", "ppr:2:socket", "prog"), "only ppr:N:node", NULL);
    expect_error_has(ARGV("--map-by", "ppr:x:node", "prog"), "only ppr:N:node", NULL);
    expect_error_has(ARGV("--map-by", "ppr:2", "prog"), "only ppr:N:node", NULL);
    expect_error(ARGV("-ppn", "0", "prog"), "-ppn \"0\" is not a valid number of ranks per host: "
                                            "give a whole number from 1 to 1048576, e.g. -ppn 2");
    expect_error(ARGV("-genv", "ONLY"), "option -genv takes two values, e.g. -genv "
                                        "OMP_NUM_THREADS 1");
    expect_error(ARGV("--mca=btl", "tcp", "prog"), "option --mca takes two values, e.g. --mca "
                                                   "btl ^openib");
    expect_error_has(ARGV("-genv", "1A", "x", "prog"), "\"1A\" is not a valid environment", NULL);
    expect_error_has(ARGV("-genvlist", "A,,B", "prog"), "\"\" is not a valid environment", NULL);

    /* MPICH's -iface, -launcher/-bootstrap, -launcher-exec, -print-rank-map; Open MPI's -wd,
     * --display-map and its 1.x flags. */
    parse_ok(ARGV("-iface", "eth1", "-launcher", "rsh", "-print-rank-map", "-wd", "/w", "prog"),
             &o);
    assert_string_equal(o.net_if, "eth1");
    assert_string_equal(o.launch_agent, "rsh");
    assert_true(o.display_map);
    assert_string_equal(o.wdir, "/w");
    mpirun_opts_fini(&o);
    parse_ok(ARGV("-bootstrap", "ssh", "--display-map", "prog"), &o);
    assert_null(o.launch_agent); /* ssh is the default agent */
    assert_true(o.display_map);
    mpirun_opts_fini(&o);
    parse_ok(ARGV("-launcher-exec", "myssh", "prog"), &o);
    assert_string_equal(o.launch_agent, "myssh");
    assert_false(o.display_map);
    mpirun_opts_fini(&o);
    expect_error(ARGV("-launcher", "slurm", "prog"),
                 "-launcher \"slurm\": mpirun starts its daemons on other hosts with ssh (the "
                 "default) or rsh; for anything else give --launch-agent CMD (run as CMD HOST "
                 "COMMAND...)");
    const struct {
        const char *flag;
        mpirun_map_t map;
        mpirun_bind_t bind;
    } old_flags[] = {
        {"-bynode", MPIRUN_MAP_NODE, MPIRUN_BIND_DEFAULT},
        {"-byslot", MPIRUN_MAP_SLOT, MPIRUN_BIND_DEFAULT},
        {"--bycore", MPIRUN_MAP_CORE, MPIRUN_BIND_DEFAULT},
        {"--bind-to-core", MPIRUN_MAP_SLOT, MPIRUN_BIND_CORE},
        {"-bind-to-socket", MPIRUN_MAP_SLOT, MPIRUN_BIND_SOCKET},
        {"--bind-to-none", MPIRUN_MAP_SLOT, MPIRUN_BIND_NONE},
    };
    for (size_t i = 0; i < sizeof(old_flags) / sizeof(old_flags[0]); i++) {
        parse_ok(ARGV((char *)old_flags[i].flag, "prog"), &o);
        assert_int_equal(o.map_by, old_flags[i].map);
        assert_int_equal(o.bind_to, old_flags[i].bind);
        assert_string_equal(o.prog_argv[0], "prog"); /* the flag took no value */
        mpirun_opts_fini(&o);
    }
    expect_error(ARGV("--bind-to-core=yes", "prog"),
                 "option --bind-to-core takes no value (got \"--bind-to-core=yes\"): write just "
                 "--bind-to-core");
    expect_error_has(ARGV("-n", "1", "a", ":", "-n", "1", "-bynode", "b"),
                     "option -bynode after a ':' applies to the whole job", NULL);
}

static void test_timeout(void **state)
{
    (void)state;
    mpirun_opts_t o;
    parse_ok(ARGV("--timeout", "30", "prog"), &o);
    assert_true(o.timeout == 30.0);
    mpirun_opts_fini(&o);
    parse_ok(ARGV("-timeout=1.5", "prog"), &o);
    assert_true(o.timeout == 1.5);
    mpirun_opts_fini(&o);

    setenv("MPIEXEC_TIMEOUT", "12", 1);
    parse_ok(ARGV("prog"), &o);
    assert_true(o.timeout == 12.0);
    mpirun_opts_fini(&o);
    /* --timeout wins over the environment, which is then not even read. */
    setenv("MPIEXEC_TIMEOUT", "junk", 1);
    parse_ok(ARGV("--timeout", "5", "prog"), &o);
    assert_true(o.timeout == 5.0);
    mpirun_opts_fini(&o);
    /* An empty variable counts as unset. */
    setenv("MPIEXEC_TIMEOUT", "", 1);
    parse_ok(ARGV("prog"), &o);
    assert_true(o.timeout == 0.0);
    mpirun_opts_fini(&o);

    setenv("MPIEXEC_TIMEOUT", "soon", 1);
    expect_error(ARGV("prog"),
                 "MPIEXEC_TIMEOUT=\"soon\" (from the environment) is not a valid number of "
                 "seconds: set it to a positive number up to 1000000000, or unset it");
    setenv("MPIEXEC_TIMEOUT", "-3", 1);
    expect_error_has(ARGV("prog"), "MPIEXEC_TIMEOUT=\"-3\"", NULL);
    setenv("MPIEXEC_TIMEOUT", "0", 1);
    expect_error_has(ARGV("prog"), "MPIEXEC_TIMEOUT=\"0\"", NULL);
    /* Help does not need a valid environment. */
    parse_ok(ARGV("--help"), &o);
    assert_true(o.help);
    mpirun_opts_fini(&o);
    unsetenv("MPIEXEC_TIMEOUT");

    expect_error(ARGV("--timeout", "abc", "prog"),
                 "--timeout \"abc\" is not a valid number of seconds: give a positive number up "
                 "to 1000000000, e.g. --timeout 60");
    const char *bad[] = {"0", "-1", "inf", "nan", "1e10", "5s", " 5", "0x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[64];
        snprintf(want, sizeof(want), "--timeout \"%s\" is not a valid number", bad[i]);
        char *argv[] = {"mpirun", "--timeout", (char *)bad[i], "prog", NULL};
        expect_error_has(argv, want, NULL);
    }
}

static void test_wdir(void **state)
{
    (void)state;
    const char *opts[] = {"--wdir", "-wdir", "--cwd", "-cwd"};
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char *argv[] = {"mpirun", (char *)opts[i], "/tmp/d", "prog", NULL};
        mpirun_opts_t o;
        parse_ok(argv, &o);
        assert_ptr_equal(o.wdir, argv[2]);
        mpirun_opts_fini(&o);
    }
}

/* -path: before the first program every program's default, after a ':' that program's own. */
static void test_path(void **state)
{
    (void)state;
    char **argv = ARGV("-path", "/opt/a:bin", "-n", "1", "./a", ":", "-n", "2", "--path", "/opt/b",
                       "b", ":", "-n", "1", "c");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.napps, 3);
    assert_string_equal(o.path, "/opt/a:bin");
    assert_null(o.apps[0].path);
    assert_string_equal(o.apps[1].path, "/opt/b");
    assert_null(o.apps[2].path);
    mpirun_opts_fini(&o);
    expect_error(ARGV("-path=", "prog"),
                 "option -path has an empty value: give one, e.g. -path /opt/app/bin:$HOME/bin");
}

static void test_launch_agent(void **state)
{
    (void)state;
    const char *opts[] = {"--launch-agent", "-launch-agent", "--bootstrap-exec"};
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char *argv[] = {"mpirun", (char *)opts[i], "ip netns exec", "prog", NULL};
        mpirun_opts_t o;
        parse_ok(argv, &o);
        assert_string_equal(o.launch_agent, "ip netns exec");
        assert_string_equal(o.prog_argv[0], "prog");
        mpirun_opts_fini(&o);
    }
}

static void test_net_if(void **state)
{
    (void)state;
    char *argv[] = {"mpirun", "--net-if", "^docker0,10.1.0.0/16", "prog", NULL};
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_ptr_equal(o.net_if, argv[2]);
    mpirun_opts_fini(&o);
    char *none[] = {"mpirun", "prog", NULL};
    parse_ok(none, &o);
    assert_null(o.net_if);
    mpirun_opts_fini(&o);
    expect_error_has(ARGV("--net-if", "", "prog"), "--net-if", "eth0,10.1.0.0/16", NULL);
}

static void test_help_and_version(void **state)
{
    (void)state;
    struct {
        char **argv;
        bool help, help_env, version;
    } cases[] = {
        {ARGV("-h"), true, false, false},
        {ARGV("--help"), true, false, false},
        {ARGV("-help"), true, false, false},
        {ARGV("--help-env"), false, true, false},
        {ARGV("-V"), false, false, true},
        {ARGV("--version"), false, false, true},
        {ARGV("-n", "2", "--help", "prog"), true, false, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mpirun_opts_t o;
        parse_ok(cases[i].argv, &o);
        assert_int_equal(o.help, cases[i].help);
        assert_int_equal(o.help_env, cases[i].help_env);
        assert_int_equal(o.version, cases[i].version);
        mpirun_opts_fini(&o);
    }
}

static void test_errors_options(void **state)
{
    (void)state;
    expect_error(ARGV("--bogus", "prog"),
                 "unknown option \"--bogus\": run mpirun --help for the list of options (options "
                 "meant for the program go after the program's name)");
    expect_error_has(ARGV("-z", "prog"), "unknown option \"-z\"", "mpirun --help", NULL);
    expect_error(ARGV("-np4", "prog"),
                 "unknown option \"-np4\": did you mean \"-np 4\"? (put a space between an "
                 "option and its value)");
    expect_error_has(ARGV("--n12", "prog"), "did you mean \"--n 12\"?", NULL);
    /* Short options are case-sensitive: -h is help, -H a host list, -n ranks, -N per host. */
    expect_error_has(ARGV("-C", "2", "prog"), "unknown option \"-C\"", NULL);

    char *nothing[] = {"mpirun", NULL};
    expect_error(nothing, "no program to run: give one after the options, e.g. mpirun -n 4 "
                          "./a.out (see mpirun --help)");
    expect_error_has(ARGV("-n", "2"), "no program to run", NULL);
    expect_error_has(ARGV("-n", "2", "--"), "no program to run", NULL);

    expect_error(ARGV("-n"), "option -n needs a value, e.g. -n 4");
    expect_error(ARGV("--hostfile"), "option --hostfile needs a value, e.g. --hostfile hosts.txt");
    expect_error(ARGV("-x"), "option -x needs a value, e.g. -x OMP_NUM_THREADS=1");
    expect_error(ARGV("--wdir=", "prog"),
                 "option --wdir has an empty value: give one, e.g. --wdir /tmp/run");
    expect_error(ARGV("--report-bindings=yes", "prog"),
                 "option --report-bindings takes no value (got \"--report-bindings=yes\"): write "
                 "just --report-bindings");
    expect_error(ARGV("-H", "a", "--host", "b", "prog"),
                 "--host given twice (\"a\" and \"b\"): give it once, with all hosts in one "
                 "list, e.g. -H node1:4,node2:4");
    expect_error_has(ARGV("-f", "a", "--hostfile", "b", "prog"), "--hostfile given twice", NULL);
}

static void test_errors_np(void **state)
{
    (void)state;
    expect_error(ARGV("-n", "0", "prog"),
                 "-n \"0\" is not a valid number of ranks: give a whole number from 1 to "
                 "1048576, e.g. -n 4");
    const char *bad[] = {"-1", "abc", "4x", "", "1048577", "99999999999999999999",
                         "+3", " 2",  "2.0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[80];
        char *argv[] = {"mpirun", "-np", (char *)bad[i], "prog", NULL};
        if (bad[i][0] == '\0') {
            expect_error_has(argv, "option -np has an empty value", NULL);
            continue;
        }
        snprintf(want, sizeof(want), "-np \"%s\" is not a valid number of ranks", bad[i]);
        expect_error_has(argv, want, "from 1 to 1048576", NULL);
    }
    expect_error_has(ARGV("--np=-2", "prog"), "--np \"-2\" is not a valid number of ranks", NULL);
    /* The program's name is not a number of ranks. */
    expect_error_has(ARGV("-n", "./a.out"), "-n \"./a.out\" is not a valid number of ranks", NULL);
}

static void test_errors_map_bind(void **state)
{
    (void)state;
    expect_error(ARGV("--map-by", "board", "prog"),
                 "--map-by \"board\" is not a mapping policy: use one of slot, core, hwthread, "
                 "socket (or package), numa or node");
    expect_error(ARGV("--map-by", "core:PE=2", "prog"),
                 "--map-by \"core:PE=2\": modifiers after ':' (\"PE=2\") are not supported: give "
                 "the policy alone, e.g. --map-by core");
    expect_error(ARGV("--map-by", "slot:oversubscribe", "prog"),
                 "--map-by \"slot:oversubscribe\": modifiers after ':' (\"oversubscribe\") are "
                 "not supported: give the policy alone, e.g. --map-by slot (oversubscription is "
                 "allowed by default; --nooversubscribe forbids it)");
    expect_error_has(ARGV("--map-by", "ppr:2:core", "prog"), "\"ppr:2:core\"", "only ppr:N:node",
                     "--map-by ppr:2:node", NULL);
    expect_error_has(ARGV("--map-by", "pack", "prog"), "\"pack\" is not a mapping policy",
                     "slot, core, hwthread, socket (or package), numa or node", NULL);
    expect_error(ARGV("--bind-to", "l3cache", "prog"),
                 "--bind-to \"l3cache\" is not a binding: use one of core, hwthread, socket (or "
                 "package), numa or none");
    expect_error(ARGV("--bind-to", "core:overload-allowed", "prog"),
                 "--bind-to \"core:overload-allowed\": modifiers after ':' (\"overload-allowed\") "
                 "are not supported: give the binding alone, e.g. --bind-to core");
    expect_error_has(ARGV("--bind-to", "cores", "prog"), "\"cores\" is not a binding", NULL);
}

static void test_errors_env(void **state)
{
    (void)state;
    expect_error(ARGV("-x", "1FOO", "prog"),
                 "-x \"1FOO\": \"1FOO\" is not a valid environment variable name (letters, digits "
                 "and '_', not starting with a digit): write -x VAR or -x VAR=value");
    expect_error_has(ARGV("-x", "A-B=1", "prog"), "\"A-B\" is not a valid environment variable",
                     NULL);
    expect_error_has(ARGV("-x", "=x", "prog"), "-x \"=x\": \"\" is not a valid", NULL);
    expect_error_has(ARGV("-x", "OK", "-x", "NOT OK", "prog"), "\"NOT OK\" is not a valid", NULL);
}

/* Whether text contains needle as a whole word (not inside a longer option name). */
static bool has_word(const char *text, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle)) {
        bool start_ok = p == text || p[-1] == ' ' || p[-1] == ',' || p[-1] == '(';
        bool end_ok = p[n] == ' ' || p[n] == ',' || p[n] == '\n' || p[n] == ')' || p[n] == '=';
        if (start_ok && end_ok) {
            return true;
        }
    }
    return false;
}

/* ---- several programs (MPMD): mpirun -n 1 ./a : -n 4 ./b ---- */

static void test_mpmd_contexts(void **state)
{
    (void)state;
    char **argv = ARGV("-n", "1", "-x", "G=1", "./a", "x", ":", "-n", "4", "./b", ":", "--np", "2",
                       "c", "-n", "9", ":", "-c=3", "--", "-d");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.napps, 4);
    assert_int_equal(o.np, 10); /* the sum */
    int np[] = {1, 4, 2, 3};
    const char *prog[] = {"./a", "./b", "c", "-d"};
    int argc[] = {2, 1, 3, 1};
    for (int a = 0; a < 4; a++) {
        assert_int_equal(o.apps[a].np, np[a]);
        assert_int_equal(o.apps[a].argc, argc[a]);
        assert_string_equal(o.apps[a].argv[0], prog[a]);
        assert_null(o.apps[a].argv[argc[a]]); /* ready for execve */
        assert_int_equal(o.apps[a].nenv, 0);
        assert_null(o.apps[a].wdir);
    }
    assert_string_equal(o.apps[0].argv[1], "x");
    assert_string_equal(o.apps[2].argv[1], "-n"); /* a program's own arguments stay its own */
    assert_string_equal(o.apps[2].argv[2], "9");
    assert_ptr_equal(o.prog_argv, o.apps[0].argv);
    assert_int_equal(o.prog_argc, 2);
    assert_int_equal(o.nenv, 1); /* -x before the first program: every rank's */
    assert_string_equal(o.env[0], "G=1");
    mpirun_opts_fini(&o);
    assert_int_equal(o.napps, 0);
    assert_null(o.apps);
}

static void test_mpmd_env_and_wdir(void **state)
{
    (void)state;
    char **argv = ARGV("-env", "A", "first", "--wdir", "/tmp/all", "-x", "G", "-n", "1", "./a", ":",
                       "-n", "2", "-x", "B=2", "-env", "C", "three", "-wdir", "/tmp/b", "-x",
                       "HOME", "./b", ":", "-n", "1", "--cwd=/tmp/c", "./c");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.napps, 3);
    assert_int_equal(o.np, 4);
    assert_string_equal(o.wdir, "/tmp/all"); /* the first context's: every program's default */
    assert_int_equal(o.nenv, 1);
    assert_string_equal(o.env[0], "G");
    assert_int_equal(o.apps[0].nenv, 1); /* -env is the first program's own */
    assert_string_equal(o.apps[0].env[0], "A=first");
    assert_null(o.apps[0].wdir);
    assert_int_equal(o.apps[1].nenv, 3);
    assert_string_equal(o.apps[1].env[0], "B=2");
    assert_string_equal(o.apps[1].env[1], "C=three");
    assert_string_equal(o.apps[1].env[2], "HOME");
    assert_string_equal(o.apps[1].wdir, "/tmp/b");
    assert_int_equal(o.apps[2].nenv, 0);
    assert_string_equal(o.apps[2].wdir, "/tmp/c");
    mpirun_opts_fini(&o);
}

static void test_mpmd_single_program(void **state)
{
    (void)state;
    char **argv = ARGV("-env", "A", "1", "./a");
    mpirun_opts_t o;
    parse_ok(argv, &o);
    assert_int_equal(o.napps, 1);
    assert_int_equal(o.np, -1); /* one program needs no -n: one rank per slot */
    assert_int_equal(o.apps[0].np, -1);
    assert_int_equal(o.apps[0].nenv, 1);
    assert_string_equal(o.apps[0].env[0], "A=1");
    mpirun_opts_fini(&o);
}

static void test_mpmd_errors(void **state)
{
    (void)state;
    expect_error(ARGV("-n", "1", "./a", ":", "./b"),
                 "program 2 (./b) has no number of ranks: with several programs give -n before "
                 "each, e.g. mpirun -n 1 ./a : -n 4 ./b");
    expect_error(ARGV("./a", ":", "-n", "2", "./b"),
                 "program 1 (./a) has no number of ranks: with several programs give -n before "
                 "each, e.g. mpirun -n 1 ./a : -n 4 ./b");
    expect_error(ARGV("-n", "1", "./a", ":"),
                 "no program after the last ':': give one after it (e.g. mpirun -n 1 ./a : -n 4 "
                 "./b) or remove the ':'");
    expect_error(ARGV("-n", "1", "./a", ":", "-n", "2"),
                 "no program after the last ':': give one after it (e.g. mpirun -n 1 ./a : -n 4 "
                 "./b) or remove the ':'");
    expect_error(ARGV("-n", "1", "./a", ":", ":", "-n", "1", "./b"),
                 "program 2 has no program name before its ':': each ':' separates two programs, "
                 "e.g. mpirun -n 1 ./a : -n 4 ./b");
    expect_error(ARGV("-n", "1", ":", "-n", "1", "./b"),
                 "program 1 has no program name before its ':': each ':' separates two programs, "
                 "e.g. mpirun -n 1 ./a : -n 4 ./b");
    expect_error(ARGV("-n", "1", "./a", ":", "-n", "1", "--map-by", "node", "./b"),
                 "option --map-by after a ':' applies to the whole job: give it before the first "
                 "program (after a ':' only -n, -x, -env, --wdir and -path, which concern that "
                 "program's ranks)");
    const char *global[] = {"-H", "-genv", "--timeout", "--tag-output", "-ppn", "--help"};
    for (size_t i = 0; i < sizeof(global) / sizeof(global[0]); i++) {
        char err[512];
        char *argv[] = {"mpirun", "-n", "1", "./a", ":", (char *)global[i], "x", "y", "./b", NULL};
        parse_fail(argv, err, sizeof(err));
        assert_non_null(strstr(err, "applies to the whole job"));
    }
    expect_error(ARGV("-n", "1", "./a", ":", "-n", "0", "./b"),
                 "-n \"0\" is not a valid number of ranks: give a whole number from 1 to 1048576, "
                 "e.g. -n 4");
    expect_error(ARGV("-n", "1", "./a", ":", "-n", "1", "-x", "1BAD", "./b"),
                 "-x \"1BAD\": \"1BAD\" is not a valid environment variable name (letters, digits "
                 "and '_', not starting with a digit): write -x VAR or -x VAR=value");
    expect_error(ARGV("-n", "1", "./a", ":", "-n", "1", "-env", "A-B", "1", "./b"),
                 "-env \"A-B\": \"A-B\" is not a valid environment variable name (letters, digits "
                 "and '_', not starting with a digit)");
    expect_error(ARGV("-n", "1", "./a", ":", "-n", "1", "-env", "A"),
                 "option -env takes two values, e.g. -env OMP_NUM_THREADS 1");
    expect_error(ARGV("-n", "1048576", "./a", ":", "-n", "1", "./b"),
                 "the programs' -n add up to 1048577 ranks: at most 1048576 ranks may run in one "
                 "job");
}

static void test_help_text(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    mpirun_opts_print_help(f);
    fclose(f);

    const char *options[] = {"-n",
                             "-np",
                             "-H",
                             "--host",
                             "--hosts",
                             "--hostfile",
                             "--machinefile",
                             "-f",
                             "--map-by",
                             "--bind-to",
                             "--report-bindings",
                             "-x",
                             "--tag-output",
                             "-l",
                             "--prepend-rank",
                             "--merge-stderr-to-stdout",
                             "--output-filename",
                             "--output-directory",
                             "--timeout",
                             "--oversubscribe",
                             "--nooversubscribe",
                             "--no-oversubscribe",
                             "--allow-run-as-root",
                             "--wdir",
                             "--cwd",
                             "--launch-agent",
                             "-h",
                             "--help",
                             "--help-env",
                             "-V",
                             "--version",
                             "--",
                             "-env",
                             "MPI_APPNUM",
                             "MPIEXEC_TIMEOUT"};
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        if (!has_word(text, options[i])) {
            fail_msg("the help does not mention %s", options[i]);
        }
    }
    /* The phrases, with the text's line breaks and indents collapsed into single spaces. */
    char *flat = strdup(text);
    size_t k = 0;
    assert_non_null(flat);
    for (size_t i = 0; text[i] != '\0'; i++) {
        bool space = text[i] == ' ' || text[i] == '\n';
        if (!space || (k > 0 && flat[k - 1] != ' ')) {
            flat[k++] = space ? ' ' : text[i];
        }
    }
    flat[k] = '\0';
    const char *phrases[] = {
        "slot (the default)",
        "socket (or package)",
        "numa",
        "node",
        "or none",
        "allow more ranks than slots and cores. This is the default",
        "ranks of a host with more ranks than cores are not bound",
        "Default: core (hwthread when mapping by hwthread) when a host's ranks fit its cores, "
        "else none",
        "--use-hwthread-cpus count hardware threads as cores",
        "--help-env list the MP_* environment variables",
    };
    for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
        if (strstr(flat, phrases[i]) == NULL) {
            fail_msg("the help does not say \"%s\"", phrases[i]);
        }
    }
    free(flat);
    /* Every line fits an 80-column terminal. */
    for (const char *line = text; *line != '\0';) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        assert_true(end - line <= 80);
        line = end + 1;
    }
    free(text);
}

/* ---- program files: mpirun -configfile FILE, mpirun --app FILE ---- */

/* Writes text into a new temporary file; returns its path (malloc'd). */
static char *program_file(const char *text)
{
    char *path = strdup("/tmp/mp-test-options-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_appfile_programs(void **state)
{
    (void)state;
    char *path = program_file("# master, then workers\n"
                              "-n 1 -x A=1 ./a x\n"
                              "-np 2 -env B 'two words' --wdir /tmp/b \\\n"
                              "   ./b -n 9 : -n 3 ./c\n"
                              "-n 1 -path /opt/d:bin d\n");
    const char *spellings[] = {"--app", "-app", "-configfile", "--configfile"};
    for (int k = 0; k < 4; k++) {
        mpirun_opts_t o;
        parse_ok(ARGV("-x", "G=1", "--tag-output", (char *)spellings[k], path), &o);
        assert_int_equal(o.napps, 4);
        assert_int_equal(o.np, 7);
        assert_true(o.tag_output);
        assert_int_equal(o.nenv, 1); /* the command line's -x: every rank's */
        assert_string_equal(o.env[0], "G=1");
        assert_int_equal(o.apps[0].np, 1);
        assert_int_equal(o.apps[0].nenv, 1); /* -x on a line: that program's only */
        assert_string_equal(o.apps[0].env[0], "A=1");
        assert_int_equal(o.apps[0].argc, 2);
        assert_string_equal(o.apps[0].argv[1], "x");
        assert_ptr_equal(o.prog_argv, o.apps[0].argv);
        assert_int_equal(o.apps[1].np, 2);
        assert_string_equal(o.apps[1].env[0], "B=two words");
        assert_string_equal(o.apps[1].wdir, "/tmp/b");
        assert_int_equal(o.apps[1].argc, 3); /* the program's own -n stays its own */
        assert_string_equal(o.apps[1].argv[1], "-n");
        assert_null(o.apps[1].argv[3]);
        assert_int_equal(o.apps[2].np, 3);
        assert_string_equal(o.apps[2].argv[0], "./c");
        assert_null(o.apps[2].path);
        assert_string_equal(o.apps[3].path, "/opt/d:bin"); /* a line's -path: its program's */
        assert_null(o.wdir);
        assert_null(o.path);
        mpirun_opts_fini(&o);
        assert_null(o.file.words);
    }
    unlink(path);
    free(path);

    /* One program: no -n needed, one rank per slot. */
    path = program_file("./only arg\n");
    mpirun_opts_t o;
    parse_ok(ARGV("--app", path), &o);
    assert_int_equal(o.napps, 1);
    assert_int_equal(o.np, -1);
    assert_int_equal(o.prog_argc, 2);
    mpirun_opts_fini(&o);
    unlink(path);
    free(path);
}

/* Expects a program file holding text to fail with "program file PATH, " and what. */
static void expect_file_error(const char *text, const char *what)
{
    char *path = program_file(text);
    char expected[1024];
    snprintf(expected, sizeof(expected), "program file %s, %s", path, what);
    expect_error(ARGV("--app", path), expected);
    unlink(path);
    free(path);
}

static void test_appfile_errors(void **state)
{
    (void)state;
    char *path = program_file("-n 1 ./a\n");
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "a program on the command line (./b) and a program file (%s): put every program in "
             "the file, a line each, or give no program file",
             path);
    expect_error(ARGV("--app", path, "./b"), expected);
    snprintf(expected, sizeof(expected),
             "-n on the command line with a program file (%s): it concerns one program, so give "
             "it on that program's line of the file",
             path);
    expect_error(ARGV("-n", "2", "--app", path), expected);
    snprintf(expected, sizeof(expected),
             "-env on the command line with a program file (%s): it concerns one program, so "
             "give it on that program's line of the file",
             path);
    expect_error(ARGV("-env", "A", "1", "-configfile", path), expected);
    snprintf(expected, sizeof(expected),
             "--app given twice (\"%s\" and \"%s\"): give one program file", path, path);
    expect_error(ARGV("--app", path, "--app", path), expected);
    unlink(path);
    snprintf(expected, sizeof(expected),
             "cannot open the program file %s: No such file or directory", path);
    expect_error(ARGV("--app", path), expected);
    free(path);

    expect_file_error("-n 1 ./a\n-n 2 --host b ./b\n",
                      "line 2: option --host applies to the whole job: give it on mpirun's "
                      "command line (a program file holds only -n, -x, -env, --wdir and -path, "
                      "which concern the program of their line)");
    path = program_file("-n 1 ./a\n./b\n");
    expect_error(ARGV("--app", path),
                 "program 2 (./b) has no number of ranks: with several programs give -n before "
                 "each, e.g. mpirun -n 1 ./a : -n 4 ./b");
    unlink(path);
    free(path);
    expect_file_error("-n 1 ./a\n-n 2\n-n 3 ./c\n",
                      "line 2: options but no program: give the program after them, e.g. -n 4 "
                      "./worker");
    expect_file_error("-n 1 ./a\n\n-n 2 -x B=1\n",
                      "line 3: options but no program: give the program after them, e.g. -n 4 "
                      "./worker");
    expect_file_error("# nothing\n\n",
                      "no program in it: give one program a line, e.g. -n 4 ./a.out");
    expect_file_error("-n 1 ./a\n-n zero ./b\n",
                      "line 2: -n \"zero\" is not a valid number of ranks: give a whole number "
                      "from 1 to 1048576, e.g. -n 4");
    expect_file_error("-n 1 './a\n", "line 1: the quote ' opened there is never closed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, clear_env),
        cmocka_unit_test_setup(test_np_spellings, clear_env),
        cmocka_unit_test_setup(test_program_keeps_its_arguments, clear_env),
        cmocka_unit_test_setup(test_double_dash_ends_options, clear_env),
        cmocka_unit_test_setup(test_host_spellings, clear_env),
        cmocka_unit_test_setup(test_hostfile_spellings, clear_env),
        cmocka_unit_test_setup(test_map_by_values, clear_env),
        cmocka_unit_test_setup(test_bind_to_values, clear_env),
        cmocka_unit_test_setup(test_flags, clear_env),
        cmocka_unit_test_setup(test_env_exports, clear_env),
        cmocka_unit_test_setup(test_other_launchers_spellings, clear_env),
        cmocka_unit_test_setup(test_timeout, clear_env),
        cmocka_unit_test_setup(test_wdir, clear_env),
        cmocka_unit_test_setup(test_path, clear_env),
        cmocka_unit_test_setup(test_launch_agent, clear_env),
        cmocka_unit_test_setup(test_net_if, clear_env),
        cmocka_unit_test_setup(test_help_and_version, clear_env),
        cmocka_unit_test_setup(test_errors_options, clear_env),
        cmocka_unit_test_setup(test_errors_np, clear_env),
        cmocka_unit_test_setup(test_errors_map_bind, clear_env),
        cmocka_unit_test_setup(test_errors_env, clear_env),
        cmocka_unit_test_setup(test_end_grace, clear_env),
        cmocka_unit_test(test_help_text),
        cmocka_unit_test_setup(test_mpmd_contexts, clear_env),
        cmocka_unit_test_setup(test_mpmd_env_and_wdir, clear_env),
        cmocka_unit_test_setup(test_mpmd_single_program, clear_env),
        cmocka_unit_test_setup(test_mpmd_errors, clear_env),
        cmocka_unit_test_setup(test_appfile_programs, clear_env),
        cmocka_unit_test_setup(test_appfile_errors, clear_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
