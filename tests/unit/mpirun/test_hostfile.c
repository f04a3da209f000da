/*
 * Host lists: -H values and hostfiles in the Open MPI and MPICH formats, merging of repeated
 * hosts, and the exact messages for every kind of bad input. Files live in a temporary
 * directory that each test removes.
 */
#include "mpirun/hostfile.h"

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

/* The temporary directory of one test and the files written into it. */
struct tmp {
    char dir[64];
    char files[16][128];
    int nfiles;
};

static int tmp_setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return -1;
    }
    snprintf(t->dir, sizeof(t->dir), "/tmp/libmp-hostfile-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    struct tmp *t = *state;
    for (int i = 0; i < t->nfiles; i++) {
        unlink(t->files[i]);
    }
    int rc = rmdir(t->dir);
    free(t);
    return rc;
}

/* Writes content into a new file of the test's directory; returns its path. */
static const char *write_file(struct tmp *t, const char *content)
{
    char name[sizeof(t->files[0])];
    assert_true(t->nfiles < 16);
    snprintf(name, sizeof(name), "%s/hosts-XXXXXX", t->dir);
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    char *path = t->files[t->nfiles++];
    memcpy(path, name, sizeof(name));
    size_t len = strlen(content);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    return path;
}

/* Checks host i of the list. */
static void check_host(const mpirun_hostlist_t *list, int i, const char *name, int slots,
                       bool given)
{
    assert_true(i < list->nhosts);
    assert_string_equal(list->hosts[i].name, name);
    assert_int_equal(list->hosts[i].slots, slots);
    assert_int_equal(list->hosts[i].slots_given, given);
}

static void hosts_error(const char *spec, const char *expected)
{
    mpirun_hostlist_t list = {(mpirun_host_t *)1, 99};
    char err[512] = "";
    assert_int_equal(mpirun_hostlist_parse_hosts(spec, &list, err, sizeof(err)), -1);
    assert_null(list.hosts);
    assert_int_equal(list.nhosts, 0);
    assert_string_equal(err, expected);
}

/* Parses content as a hostfile, expecting an error equal to "hostfile PATH" + expected_tail. */
static void file_error(struct tmp *t, const char *content, const char *expected_tail)
{
    const char *path = write_file(t, content);
    mpirun_hostlist_t list;
    char err[512] = "";
    char want[640];
    assert_int_equal(mpirun_hostlist_parse_file(path, &list, err, sizeof(err)), -1);
    assert_null(list.hosts);
    assert_int_equal(list.nhosts, 0);
    snprintf(want, sizeof(want), "hostfile %s%s", path, expected_tail);
    assert_string_equal(err, want);
}

static void test_hosts_basic(void **state)
{
    (void)state;
    mpirun_hostlist_t list;
    char err[256] = "";
    assert_int_equal(mpirun_hostlist_parse_hosts("a:2,b,c:4", &list, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_int_equal(list.nhosts, 3);
    check_host(&list, 0, "a", 2, true);
    check_host(&list, 1, "b", 1, false);
    check_host(&list, 2, "c", 4, true);
    assert_int_equal(mpirun_hostlist_total_slots(&list), 7);
    mpirun_hostlist_fini(&list);
    assert_null(list.hosts);
    assert_int_equal(list.nhosts, 0);

    assert_int_equal(mpirun_hostlist_parse_hosts("localhost", &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 1);
    check_host(&list, 0, "localhost", 1, false);
    mpirun_hostlist_fini(&list);

    assert_int_equal(
        mpirun_hostlist_parse_hosts(" node-1.example_x:16 , n2 ", &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 2);
    check_host(&list, 0, "node-1.example_x", 16, true);
    check_host(&list, 1, "n2", 1, false);
    mpirun_hostlist_fini(&list);
}

static void test_hosts_merge(void **state)
{
    (void)state;
    mpirun_hostlist_t list;
    char err[256];
    assert_int_equal(mpirun_hostlist_parse_hosts("a,b,a:3,a,c,b:2", &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 3);
    check_host(&list, 0, "a", 5, true);
    check_host(&list, 1, "b", 3, true);
    check_host(&list, 2, "c", 1, false);
    mpirun_hostlist_fini(&list);

    /* Naming a host twice is a count of 2, as in Open MPI. */
    assert_int_equal(mpirun_hostlist_parse_hosts("x,x", &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 1);
    check_host(&list, 0, "x", 2, true);
    mpirun_hostlist_fini(&list);

    /* Names are compared whole: "a" and "ab" are different hosts. */
    assert_int_equal(mpirun_hostlist_parse_hosts("ab,a,abc", &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 3);
    check_host(&list, 0, "ab", 1, false);
    check_host(&list, 1, "a", 1, false);
    check_host(&list, 2, "abc", 1, false);
    mpirun_hostlist_fini(&list);

    /* Many hosts grow the array. */
    char spec[2048];
    size_t pos = 0;
    for (int i = 0; i < 100; i++) {
        pos += (size_t)snprintf(spec + pos, sizeof(spec) - pos, "%sh%d:%d", i ? "," : "", i, i + 1);
    }
    assert_int_equal(mpirun_hostlist_parse_hosts(spec, &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 100);
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof(name), "h%d", i);
        check_host(&list, i, name, i + 1, true);
    }
    assert_int_equal(mpirun_hostlist_total_slots(&list), 5050);
    mpirun_hostlist_fini(&list);
}

static void test_hosts_errors(void **state)
{
    (void)state;
    hosts_error("", "-H \"\": empty host name (expected a comma-separated list such as "
                    "node1:4,node2:4)");
    hosts_error("a,,b", "-H \"a,,b\": empty host name in the list (expected a comma-separated "
                        "list such as node1:4,node2:4)");
    hosts_error("a,", "-H \"a,\": empty host name in the list (expected a comma-separated list "
                      "such as node1:4,node2:4)");
    hosts_error("a:0", "-H \"a:0\": \"a:0\" is not a number of slots (expected host:N with N "
                       ">= 1)");
    hosts_error("b,a:x", "-H \"b,a:x\": \"a:x\" is not a number of slots (expected host:N with N "
                         ">= 1)");
    hosts_error("a:", "-H \"a:\": \"a:\" is not a number of slots (expected host:N with N >= 1)");
    hosts_error("a:-1", "-H \"a:-1\": \"a:-1\" is not a number of slots (expected host:N with N "
                        ">= 1)");
    hosts_error("a:2:3", "-H \"a:2:3\": \"a:2:3\" is not a number of slots (expected host:N "
                         "with N >= 1)");
    hosts_error("a:1048577", "-H \"a:1048577\": \"a:1048577\" is not a number of slots "
                             "(expected host:N with N >= 1)");
    hosts_error(":4", "-H \":4\": a host name is missing (expected host, host:N or host "
                      "slots=N)");
    hosts_error("user@node", "-H \"user@node\": \"user@node\" is not a valid host name (it "
                             "contains '@'; a host name has letters, digits, '-', '.' and '_' "
                             "only)");
    hosts_error("a b", "-H \"a b\": \"a b\" is not a valid host name (it contains ' '; a host "
                       "name has letters, digits, '-', '.' and '_' only)");
    hosts_error("a:1048576,a:1", "-H \"a:1048576,a:1\": host a has more than 1048576 slots in "
                                 "all");

    char longname[300];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    mpirun_hostlist_t list;
    char err[512];
    assert_int_equal(mpirun_hostlist_parse_hosts(longname, &list, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is longer than 253 characters"));
    /* Long user text is cut in messages. */
    assert_non_null(strstr(err, "xxx...\""));
    assert_true(strlen(err) < 200);
}

static void test_file_formats(void **state)
{
    struct tmp *t = *state;
    const char *path = write_file(t, "# a cluster\n"
                                     "\n"
                                     "node1 slots=4\n"
                                     "   node2   slots=2   max_slots=8   # two more\n"
                                     "node3\n"
                                     "node4:3\n"
                                     "\tnode5 slots = 6\r\n"
                                     "node6 slots= 2 max-slots =3\n"
                                     "node7 cpu=5\n"
                                     "node8 count=7\n"
                                     "# the end\n"
                                     "   \n"
                                     "node9 slots=1"); /* no newline at the end */
    mpirun_hostlist_t list;
    char err[512] = "";
    assert_int_equal(mpirun_hostlist_parse_file(path, &list, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_int_equal(list.nhosts, 9);
    check_host(&list, 0, "node1", 4, true);
    check_host(&list, 1, "node2", 2, true);
    check_host(&list, 2, "node3", 1, false);
    check_host(&list, 3, "node4", 3, true);
    check_host(&list, 4, "node5", 6, true);
    check_host(&list, 5, "node6", 2, true);
    check_host(&list, 6, "node7", 5, true);
    check_host(&list, 7, "node8", 7, true);
    check_host(&list, 8, "node9", 1, true);
    assert_int_equal(mpirun_hostlist_total_slots(&list), 31);
    mpirun_hostlist_fini(&list);
}

static void test_file_merge(void **state)
{
    struct tmp *t = *state;
    const char *path = write_file(t, "a slots=2\nb\na:3\nb\nc # one\na\n#a slots=100\n");
    mpirun_hostlist_t list;
    char err[512];
    assert_int_equal(mpirun_hostlist_parse_file(path, &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 3);
    check_host(&list, 0, "a", 6, true);
    check_host(&list, 1, "b", 2, true);
    check_host(&list, 2, "c", 1, false);
    mpirun_hostlist_fini(&list);

    /* A long line is read whole. */
    char content[9000];
    memset(content, ' ', 8000);
    strcpy(content + 8000, "far slots=3\n");
    path = write_file(t, content);
    assert_int_equal(mpirun_hostlist_parse_file(path, &list, err, sizeof(err)), 0);
    assert_int_equal(list.nhosts, 1);
    check_host(&list, 0, "far", 3, true);
    mpirun_hostlist_fini(&list);
}

static void test_file_errors(void **state)
{
    struct tmp *t = *state;
    file_error(t, "node1\nnode2 slots=4\nnode3 slots=abc\n",
               " line 3: \"slots=abc\" is not a number of slots (expected slots=N with N >= 1)");
    file_error(t, "node1 slots=0\n",
               " line 1: \"slots=0\" is not a number of slots (expected slots=N with N >= 1)");
    file_error(t, "node1 slots=-2\n",
               " line 1: \"slots=-2\" is not a number of slots (expected slots=N with N >= 1)");
    file_error(t, "node1 slots=\n",
               " line 1: \"slots=\" is not a number of slots (expected slots=N with N >= 1)");
    file_error(t, "node1 cpu=x\n",
               " line 1: \"cpu=x\" is not a number of slots (expected cpu=N with N >= 1)");
    file_error(t, "node1 slots=2 max_slots=many\n",
               " line 1: \"max_slots=many\" is not a number of slots (expected max_slots=N with "
               "N >= 1)");
    file_error(t, "# x\n\nnode1:abc\n",
               " line 3: \"node1:abc\" is not a number of slots (expected host:N with N >= 1)");
    file_error(t, "node1 slots\n",
               " line 1: unexpected \"slots\" after the host name (expected slots=N, and "
               "optionally max_slots=N)");
    file_error(t, "node1 node2\n",
               " line 1: unexpected \"node2\" after the host name (expected slots=N, and "
               "optionally max_slots=N)");
    file_error(t, "node1 user=bob\n",
               " line 1: unknown keyword \"user\" in \"user=bob\" (known: slots=N, "
               "max_slots=N)");
    file_error(t, "node1:2 slots=3\n",
               " line 1: \"slots=3\" gives the slot count a second time (after \"node1:2\"): "
               "give it once");
    file_error(t, "node1 slots=2 slots=3\n",
               " line 1: \"slots=3\" gives the slot count a second time (after \"slots=2\"): "
               "give it once");
    file_error(t,
               "ok\nn\xc3\xb6"
               "de slots=1\n",
               " line 2: \"n??de\" is not a valid host name (it contains '?'; a host name has "
               "letters, digits, '-', '.' and '_' only)");
    file_error(t, "slots=4\n",
               " line 1: \"slots=4\" is not a valid host name (it contains '='; a host name has "
               "letters, digits, '-', '.' and '_' only)");
    file_error(t, "",
               " lists no hosts (it has only blank lines and comments): write one host "
               "per line, e.g. \"node1 slots=4\"");
    file_error(t, "# only\n   \n\t# comments\n",
               " lists no hosts (it has only blank lines and comments): write one host per "
               "line, e.g. \"node1 slots=4\"");
}

static void test_file_unreadable(void **state)
{
    struct tmp *t = *state;
    mpirun_hostlist_t list;
    char err[512];
    char want[512];
    char path[128];

    snprintf(path, sizeof(path), "%s/missing.txt", t->dir);
    assert_int_equal(mpirun_hostlist_parse_file(path, &list, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "hostfile %s cannot be opened: No such file or directory", path);
    assert_string_equal(err, want);
    assert_null(list.hosts);

    /* A directory opens but cannot be read. */
    assert_int_equal(mpirun_hostlist_parse_file(t->dir, &list, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "hostfile %s cannot be read: Is a directory", t->dir);
    assert_string_equal(err, want);
    assert_null(list.hosts);

    assert_int_equal(mpirun_hostlist_parse_file("", &list, err, sizeof(err)), -1);
    assert_string_equal(err, "hostfile: no file name given");

    /* A small error buffer still gets a terminated, cut message. */
    char small[12];
    assert_int_equal(mpirun_hostlist_parse_file(path, &list, small, sizeof(small)), -1);
    assert_string_equal(small, "hostfile /t");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosts_basic),
        cmocka_unit_test(test_hosts_merge),
        cmocka_unit_test(test_hosts_errors),
        cmocka_unit_test_setup_teardown(test_file_formats, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_merge, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_unreadable, tmp_setup, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
