/*
 * Unit tests of mpirun's stdio forwarding: only whole lines go out, tagged when asked, and
 * what is left at end of file is still delivered, as a line of its own.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mpirun/iof.h"

static int rank_pipe[2]; /* what a rank writes: read end goes to the iof */
static int out_pipe[2];  /* where the iof forwards: the test reads it */
static mpirun_iof_t iof;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(pipe(rank_pipe), 0);
    assert_int_equal(pipe(out_pipe), 0);
    fcntl(rank_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mpirun_iof_fini(&iof);
    close(rank_pipe[1]);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return 0;
}

static void rank_writes(const char *s)
{
    assert_int_equal(write(rank_pipe[1], s, strlen(s)), (ssize_t)strlen(s));
}

/* Everything forwarded so far, as a string. */
static const char *forwarded(void)
{
    static char buf[4096];
    ssize_t n = read(out_pipe[0], buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void test_holds_partial_lines(void **state)
{
    (void)state;
    mpirun_iof_init(&iof, rank_pipe[0], out_pipe[1], 3, false);
    rank_writes("hello, wor");
    assert_true(mpirun_iof_read(&iof));
    assert_string_equal(forwarded(), "");
    rank_writes("ld\nsecond line\nthird");
    assert_true(mpirun_iof_read(&iof));
    assert_string_equal(forwarded(), "hello, world\nsecond line\n");
    rank_writes(" part\n");
    assert_true(mpirun_iof_read(&iof));
    assert_string_equal(forwarded(), "third part\n");
}

/* A remote rank's output comes in pieces from its daemon: the same line-whole rules apply. */
static void test_pushed_pieces(void **state)
{
    (void)state;
    mpirun_iof_init(&iof, -1, out_pipe[1], 2, true);
    mpirun_iof_push(&iof, "from afar, ", 11);
    assert_string_equal(forwarded(), "");
    mpirun_iof_push(&iof, "whole\nand a rest", 16);
    assert_string_equal(forwarded(), "[1,2]<stdout>:from afar, whole\n");
    mpirun_iof_push(&iof, "", 0);
    assert_string_equal(forwarded(), "");
    mpirun_iof_fini(&iof); /* the end: the rest gets its newline */
    assert_string_equal(forwarded(), "[1,2]<stdout>:and a rest\n");
}

static void test_tags_each_line(void **state)
{
    (void)state;
    mpirun_iof_init(&iof, rank_pipe[0], out_pipe[1], 5, true);
    rank_writes("a\nbb\n");
    assert_true(mpirun_iof_read(&iof));
    assert_string_equal(forwarded(), "[1,5]<stdout>:a\n[1,5]<stdout>:bb\n");
}

static void test_end_of_file_delivers_the_rest(void **state)
{
    (void)state;
    mpirun_iof_init(&iof, rank_pipe[0], out_pipe[1], 0, false);
    rank_writes("line\nno newline at the end");
    close(rank_pipe[1]);
    assert_false(mpirun_iof_read(&iof));
    assert_int_equal(iof.fd, -1);
    assert_string_equal(forwarded(), "line\nno newline at the end\n");
    rank_pipe[1] = open("/dev/null", O_WRONLY); /* for teardown */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_holds_partial_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tags_each_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pushed_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_end_of_file_delivers_the_rest, setup, teardown),
    };
    return cmocka_run_group_tests_name("mpirun stdio forwarding", tests, NULL, NULL);
}
