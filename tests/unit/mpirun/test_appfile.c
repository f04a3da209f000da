/*
 * Program files (-configfile, --app): the words and program separators that a file's lines,
 * quotes, escapes, comments and continued lines give, and the errors that name a line.
 */
#include "mpirun/appfile.h"

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

/* Splits text and checks the words (NULL-terminated list) and, when lines is not NULL, the line
 * of each. */
static void expect_words(const char *text, const char *const *words, const int *lines)
{
    mpirun_appfile_t af;
    char err[256] = "";
    if (mpirun_appfile_split(text, &af, err, sizeof(err)) != 0) {
        fail_msg("split failed: %s", err);
    }
    int n = 0;
    while (words[n] != NULL) {
        n++;
    }
    assert_int_equal(af.nwords, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(af.words[i], words[i]);
        if (lines != NULL) {
            assert_int_equal(af.lines[i], lines[i]);
        }
    }
    if (n > 0) {
        assert_null(af.words[n]); /* NULL-terminated; no list at all for no words */
    }
    mpirun_appfile_fini(&af);
    assert_int_equal(af.nwords, 0);
}

static void expect_split_error(const char *text, const char *expected)
{
    mpirun_appfile_t af;
    char err[256] = "";
    assert_int_equal(mpirun_appfile_split(text, &af, err, sizeof(err)), -1);
    assert_string_equal(err, expected);
    assert_null(af.words);
    assert_int_equal(af.nwords, 0);
}

static void test_lines_are_programs(void **state)
{
    (void)state;
    expect_words(
        "-n 1 ./master\n-n 4 ./worker a b\n",
        (const char *[]){"-n", "1", "./master", ":", "-n", "4", "./worker", "a", "b", NULL},
        (const int[]){1, 1, 1, 1, 2, 2, 2, 2, 2});
    /* No newline at the end, blank lines, blanks of every kind, and ':' inside a line. */
    expect_words(
        "\n\n  -n\t2 ./a  \r\n\n-n 1 ./b : -n 3 ./c",
        (const char *[]){"-n", "2", "./a", ":", "-n", "1", "./b", ":", "-n", "3", "./c", NULL},
        (const int[]){3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5});
    /* A ':' at the end of a line does not make an empty program. */
    expect_words("-n 1 ./a :\n-n 2 ./b\n",
                 (const char *[]){"-n", "1", "./a", ":", "-n", "2", "./b", NULL}, NULL);
    expect_words("", (const char *[]){NULL}, NULL);
    expect_words("\n \n\t\n", (const char *[]){NULL}, NULL);
}

static void test_comments(void **state)
{
    (void)state;
    expect_words("# the job\n-n 1 ./a # the master\n  # indented\n-n 2 ./b#c x\n",
                 (const char *[]){"-n", "1", "./a", ":", "-n", "2", "./b#c", "x", NULL},
                 (const int[]){2, 2, 2, 2, 4, 4, 4, 4});
    expect_words("# only a comment\n", (const char *[]){NULL}, NULL);
    expect_words("-n 1 ./a '#not' \"#not\" \\#not",
                 (const char *[]){"-n", "1", "./a", "#not", "#not", "#not", NULL}, NULL);
}

static void test_quotes_and_escapes(void **state)
{
    (void)state;
    expect_words(
        "-env ROLE \"a worker\" ./w 'it''s' \"say \\\"hi\\\" \\\\ \\$HOME \\n\"",
        (const char *[]){"-env", "ROLE", "a worker", "./w", "its", "say \"hi\" \\ $HOME \\n", NULL},
        NULL);
    /* Quotes join with what touches them; empty quotes are an argument of their own. */
    expect_words("./a pre'mid'\"post\" '' \"\" x",
                 (const char *[]){"./a", "premidpost", "", "", "x", NULL}, NULL);
    expect_words("./a 'one\ntwo' b\n./c",
                 (const char *[]){"./a", "one\ntwo", "b", ":", "./c", NULL},
                 (const int[]){1, 1, 2, 2, 3});
    expect_words("./a sp\\ ace \\: \\'q\\'", (const char *[]){"./a", "sp ace", ":", "'q'", NULL},
                 NULL);
}

static void test_continued_lines(void **state)
{
    (void)state;
    expect_words(
        "-n 3 \\\n  -x A=1 \\\n  ./w arg\n-n 1 ./m",
        (const char *[]){"-n", "3", "-x", "A=1", "./w", "arg", ":", "-n", "1", "./m", NULL},
        (const int[]){1, 1, 2, 2, 3, 3, 3, 4, 4, 4});
    expect_words("./a lo\\\nng \"x\\\ny\"", (const char *[]){"./a", "long", "xy", NULL}, NULL);
}

static void test_split_errors(void **state)
{
    (void)state;
    expect_split_error("-n 1 ./a\n-n 2 ./b 'open\n\n",
                       "line 2: the quote ' opened there is never closed");
    expect_split_error("./a \"x\\\"", "line 1: the quote \" opened there is never closed");
}

/* Writes text into a new temporary file; returns its path (malloc'd). */
static char *temp_file(const char *text, size_t len)
{
    char *path = strdup("/tmp/mp-test-appfile-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_read(void **state)
{
    (void)state;
    const char text[] = "-n 1 ./a\n-n 2 ./b\n";
    char *path = temp_file(text, sizeof(text) - 1);
    mpirun_appfile_t af;
    char err[512] = "";
    assert_int_equal(mpirun_appfile_read(path, &af, err, sizeof(err)), 0);
    assert_int_equal(af.nwords, 7);
    assert_string_equal(af.words[6], "./b");
    mpirun_appfile_fini(&af);
    unlink(path);

    /* Missing, a directory, binary, an unclosed quote: each named with the file. */
    char expected[600];
    assert_int_equal(mpirun_appfile_read(path, &af, err, sizeof(err)), -1);
    snprintf(expected, sizeof(expected),
             "cannot open the program file %s: No such file or directory", path);
    assert_string_equal(err, expected);
    free(path);

    assert_int_equal(mpirun_appfile_read("/", &af, err, sizeof(err)), -1);
    assert_string_equal(err, "cannot read the program file /: Is a directory");

    path = temp_file("./a\0b", 5);
    assert_int_equal(mpirun_appfile_read(path, &af, err, sizeof(err)), -1);
    snprintf(expected, sizeof(expected),
             "the program file %s is not a text of programs (it holds NUL bytes): give a file "
             "with one program per line, e.g. \"-n 1 ./master\" then \"-n 4 ./worker\"",
             path);
    assert_string_equal(err, expected);
    unlink(path);
    free(path);

    path = temp_file("./a\n./b 'x\n", 11);
    assert_int_equal(mpirun_appfile_read(path, &af, err, sizeof(err)), -1);
    snprintf(expected, sizeof(expected),
             "program file %s, line 2: the quote ' opened there is never closed", path);
    assert_string_equal(err, expected);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_are_programs), cmocka_unit_test(test_comments),
        cmocka_unit_test(test_quotes_and_escapes), cmocka_unit_test(test_continued_lines),
        cmocka_unit_test(test_split_errors),       cmocka_unit_test(test_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
