/*
 * Unit tests of the launch agent's command line: splitting, the host and daemon words in
 * place, and the refusals (empty agent, quotes, words a remote shell would change).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "mpirun/agent.h"

static char err[256];
static char *daemon_words[] = {
    "/opt/libmp/bin/mpirun", "--libmp-daemon", "1", "4242", "10.0.0.1,127.0.0.1", NULL};

static void expect_argv(char **argv, const char *const *want)
{
    assert_non_null(argv);
    size_t i = 0;
    for (; want[i] != NULL; i++) {
        assert_non_null(argv[i]);
        assert_string_equal(argv[i], want[i]);
    }
    assert_null(argv[i]);
}

static void test_netns(void **state)
{
    (void)state;
    char **argv = mpirun_agent_argv("ip netns exec", "nsA", daemon_words, err, sizeof(err));
    const char *const want[] = {"ip",
                                "netns",
                                "exec",
                                "nsA",
                                "/opt/libmp/bin/mpirun",
                                "--libmp-daemon",
                                "1",
                                "4242",
                                "10.0.0.1,127.0.0.1",
                                NULL};
    expect_argv(argv, want);
    mpirun_agent_argv_free(argv);
}

static void test_default_and_blanks(void **state)
{
    (void)state;
    char **argv = mpirun_agent_argv(MPIRUN_AGENT_DEFAULT, "node7", daemon_words, err, sizeof(err));
    assert_string_equal(argv[0], "ssh");
    assert_string_equal(argv[3], "node7");
    mpirun_agent_argv_free(argv);
    /* Runs of blanks and tabs separate words; leading and trailing ones vanish. */
    argv = mpirun_agent_argv("  rsh \t -l  me ", "h", daemon_words, err, sizeof(err));
    const char *const want[] = {"rsh",
                                "-l",
                                "me",
                                "h",
                                "/opt/libmp/bin/mpirun",
                                "--libmp-daemon",
                                "1",
                                "4242",
                                "10.0.0.1,127.0.0.1",
                                NULL};
    expect_argv(argv, want);
    mpirun_agent_argv_free(argv);
}

static void test_refusals(void **state)
{
    (void)state;
    assert_null(mpirun_agent_argv("", "h", daemon_words, err, sizeof(err)));
    assert_non_null(strstr(err, "--launch-agent is empty"));
    assert_null(mpirun_agent_argv(" \t ", "h", daemon_words, err, sizeof(err)));
    assert_non_null(strstr(err, "empty"));
    assert_null(mpirun_agent_argv("ssh -o 'X Y'", "h", daemon_words, err, sizeof(err)));
    assert_non_null(strstr(err, "quotes"));
    char *spaced[] = {"/opt/my libmp/mpirun", "--libmp-daemon", NULL};
    assert_null(mpirun_agent_argv("ssh", "h", spaced, err, sizeof(err)));
    assert_non_null(strstr(err, "/opt/my libmp/mpirun"));
    char *dollar[] = {"/opt/$HOME/mpirun", NULL};
    assert_null(mpirun_agent_argv("ssh", "h", dollar, err, sizeof(err)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netns),
        cmocka_unit_test(test_default_and_blanks),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests_name("mpirun launch agent", tests, NULL, NULL);
}
