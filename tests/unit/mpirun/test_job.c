/*
 * Unit tests of mpirun's job-end policy: which events end the job, with which exit status,
 * and what mpirun says about them.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <sys/wait.h>

#include "mpirun/job.h"

/* waitpid-style statuses built by hand, as the kernel encodes them. */
#define EXITED(code) (((code)&0xff) << 8)
#define SIGNALED(sig) ((sig)&0x7f)

static mpirun_job_t job;
static char msg[512];

static int setup_job(void **state)
{
    (void)state;
    char *hosts[] = {"a", "b"};
    int host_of_rank[] = {0, 0, 1, 0};
    assert_int_equal(mpirun_job_init(&job, "ns", 4, 2, hosts, host_of_rank), 0);
    for (int r = 0; r < 4; r++) {
        job.ranks[r].pid = 100 + r;
    }
    return 0;
}

static int teardown_job(void **state)
{
    (void)state;
    mpirun_job_fini(&job);
    return 0;
}

static void connect_all(void)
{
    for (int r = 0; r < job.np; r++) {
        mpirun_job_rank_connected(&job, r, msg, sizeof(msg));
        assert_string_equal(msg, "");
    }
}

static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(job.host_nranks[0], 3);
    assert_int_equal(job.host_nranks[1], 1);
    assert_int_equal(job.ranks[0].local_rank, 0);
    assert_int_equal(job.ranks[1].local_rank, 1);
    assert_int_equal(job.ranks[2].local_rank, 0);
    assert_int_equal(job.ranks[3].local_rank, 2);
    assert_string_equal(job.hosts[1], "b");
}

/* --display-map's runs of ranks per host, a spawned job's processes left out. */
static void test_host_ranks(void **state)
{
    (void)state;
    char buf[64];
    mpirun_job_host_ranks(&job, 0, buf, sizeof(buf));
    assert_string_equal(buf, "0-1,3");
    mpirun_job_host_ranks(&job, 1, buf, sizeof(buf));
    assert_string_equal(buf, "2");

    mpirun_job_t big;
    char *hosts[] = {"a", "b"};
    int host_of_rank[] = {0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0};
    assert_int_equal(mpirun_job_init(&big, "ns", 12, 2, hosts, host_of_rank), 0);
    assert_int_equal(mpirun_job_add(&big, 3, 0), 12);
    mpirun_job_host_ranks(&big, 0, buf, sizeof(buf));
    assert_string_equal(buf, "0-2,4,7,9-11");
    mpirun_job_host_ranks(&big, 1, buf, sizeof(buf));
    assert_string_equal(buf, "3,5-6,8");
    mpirun_job_host_ranks(&big, 0, buf, 12); /* "0-2,4,7" fits with room for "..." */
    assert_string_equal(buf, "0-2,4,7...");
    mpirun_job_host_ranks(&big, 0, buf, 4);
    assert_string_equal(buf, "...");
    mpirun_job_fini(&big);
}

static void test_clean_finish(void **state)
{
    (void)state;
    connect_all();
    for (int r = 0; r < job.np; r++) {
        mpirun_job_rank_finalized(&job, r);
        assert_false(mpirun_job_is_done(&job));
        mpirun_job_rank_exited(&job, r, EXITED(0), msg, sizeof(msg));
        assert_string_equal(msg, "");
        assert_false(job.ending);
    }
    assert_true(mpirun_job_is_done(&job));
    assert_false(mpirun_job_failed(&job));
}

static void test_first_failure_wins(void **state)
{
    (void)state;
    connect_all();
    mpirun_job_rank_exited(&job, 2, EXITED(3), msg, sizeof(msg));
    assert_non_null(strstr(msg, "rank 2 (pid 102 on b) exited with status 3"));
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 3);
    /* The ranks killed afterwards are not news and do not change the status. */
    mpirun_job_rank_exited(&job, 0, SIGNALED(SIGTERM), msg, sizeof(msg));
    assert_string_equal(msg, "");
    mpirun_job_rank_exited(&job, 1, EXITED(9), msg, sizeof(msg));
    assert_string_equal(msg, "");
    assert_int_equal(job.exit_status, 3);
}

static void test_signal_named(void **state)
{
    (void)state;
    connect_all();
    mpirun_job_rank_exited(&job, 1, SIGNALED(SIGSEGV), msg, sizeof(msg));
    assert_non_null(strstr(msg, "rank 1"));
    assert_non_null(strstr(msg, "SIGSEGV"));
    assert_int_equal(job.exit_status, 128 + SIGSEGV);
    assert_true(job.ending);
}

static void test_missing_finalize(void **state)
{
    (void)state;
    connect_all();
    mpirun_job_rank_exited(&job, 3, EXITED(0), msg, sizeof(msg));
    assert_non_null(strstr(msg, "MPI_Finalize"));
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 1);
}

static void test_failure_after_finalize_ends_the_job(void **state)
{
    (void)state;
    connect_all();
    job.after_finalize_grace_s = 1.5; /* MP_END_GRACE */
    mpirun_job_rank_finalized(&job, 0);
    mpirun_job_rank_exited(&job, 0, EXITED(2), msg, sizeof(msg));
    assert_non_null(strstr(msg, "rank 0 (pid 100 on a) exited with status 2"));
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 2);
    /* The others, past MPI_Finalize or on their way, get a moment to exit by themselves. */
    assert_true(job.end_grace_s == 1.5);
    mpirun_job_rank_finalized(&job, 1);
    mpirun_job_rank_exited(&job, 1, EXITED(5), msg, sizeof(msg));
    assert_int_equal(job.exit_status, 2); /* still the first */
    assert_true(job.end_grace_s > 0);
    /* An abort meanwhile ends the job at once. */
    mpirun_job_rank_aborted(&job, 2, 42);
    assert_true(job.end_grace_s == 0);
    assert_int_equal(job.exit_status, 2);
}

static void test_failure_before_finalize_ends_at_once(void **state)
{
    (void)state;
    connect_all();
    job.after_finalize_grace_s = 1.5;
    mpirun_job_rank_exited(&job, 1, EXITED(4), msg, sizeof(msg));
    assert_true(job.ending);
    assert_true(job.end_grace_s == 0);
}

static void test_abort(void **state)
{
    (void)state;
    connect_all();
    mpirun_job_rank_aborted(&job, 2, 42);
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 42);
    mpirun_job_rank_exited(&job, 2, EXITED(42), msg, sizeof(msg));
    assert_string_equal(msg, "");
}

static void test_non_mpi_program_is_fine(void **state)
{
    (void)state;
    for (int r = 0; r < job.np; r++) {
        mpirun_job_rank_exited(&job, r, EXITED(0), msg, sizeof(msg));
        assert_string_equal(msg, "");
    }
    assert_false(mpirun_job_failed(&job));
}

static void test_exit_before_init_while_others_init(void **state)
{
    (void)state;
    /* Exits first, then a peer connects: the peer would wait for it forever. */
    mpirun_job_rank_exited(&job, 0, EXITED(0), msg, sizeof(msg));
    assert_string_equal(msg, "");
    mpirun_job_rank_connected(&job, 1, msg, sizeof(msg));
    assert_non_null(strstr(msg, "rank 0 exited without calling MPI_Init"));
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 1);
}

static void test_exit_before_init_after_others_init(void **state)
{
    (void)state;
    mpirun_job_rank_connected(&job, 1, msg, sizeof(msg));
    mpirun_job_rank_exited(&job, 0, EXITED(0), msg, sizeof(msg));
    assert_non_null(strstr(msg, "MPI_Init"));
    assert_true(job.ending);
}

static void test_external_end(void **state)
{
    (void)state;
    connect_all();
    mpirun_job_end(&job, 124);
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 124);
    mpirun_job_end(&job, 130);
    assert_int_equal(job.exit_status, 124);
}

/* A lost daemon: its ranks count as gone, the job ends once, with status 1. */
static void test_host_lost(void **state)
{
    (void)state;
    mpirun_job_host_lost(&job, 1, "the connection closed", msg, sizeof(msg));
    assert_non_null(strstr(msg, "lost the daemon on host b: the connection closed"));
    assert_true(job.ending);
    assert_int_equal(job.exit_status, 1);
    assert_true(job.ranks[2].exited);
    assert_false(job.ranks[0].exited);
    assert_int_equal(job.nexited, 1);
    /* Losing it again (or the other host while ending) says nothing and counts nothing twice. */
    mpirun_job_host_lost(&job, 1, "again", msg, sizeof(msg));
    assert_string_equal(msg, "");
    assert_int_equal(job.nexited, 1);
    mpirun_job_rank_exited(&job, 0, EXITED(0), msg, sizeof(msg));
    mpirun_job_host_lost(&job, 0, "gone", msg, sizeof(msg));
    assert_string_equal(msg, "");
    assert_true(mpirun_job_is_done(&job));
    assert_int_equal(job.exit_status, 1);
}

/* On one host the message names no host. */
static void test_one_host_names_no_host(void **state)
{
    (void)state;
    mpirun_job_t one;
    char *hosts[] = {"a"};
    int host_of_rank[] = {0, 0};
    assert_int_equal(mpirun_job_init(&one, "ns", 2, 1, hosts, host_of_rank), 0);
    one.ranks[1].pid = 77;
    mpirun_job_rank_exited(&one, 1, EXITED(4), msg, sizeof(msg));
    assert_non_null(strstr(msg, "rank 1 (pid 77) exited with status 4"));
    mpirun_job_fini(&one);
}

/* A spawned job's processes are slots after the first job's: ranks from 0 in their job, named
 * with the job, and the job is done only when they are gone too. */
static void test_spawned_job(void **state)
{
    (void)state;
    connect_all();
    int first = mpirun_job_add(&job, 3, 0);
    assert_int_equal(first, 4);
    assert_int_equal(job.np, 7);
    assert_int_equal(job.njobs, 2);
    assert_int_equal(job.ranks[5].job, 1);
    assert_int_equal(job.ranks[5].jrank, 1);
    assert_int_equal(job.ranks[5].host, 0);
    assert_int_equal(job.ranks[5].local_rank, 4); /* host 0 had ranks 0, 1 and 3 */
    char name[64];
    mpirun_job_name(&job, 5, name, sizeof(name));
    assert_string_equal(name, "job 2 rank 1");
    mpirun_job_name(&job, 3, name, sizeof(name));
    assert_string_equal(name, "rank 3");
    for (int s = 4; s < 7; s++) {
        job.ranks[s].pid = 200 + s;
        mpirun_job_rank_connected(&job, s, msg, sizeof(msg));
    }
    for (int s = 0; s < 7; s++) {
        if (s != 5) {
            mpirun_job_rank_finalized(&job, s);
        }
    }
    for (int s = 0; s < 4; s++) {
        mpirun_job_rank_exited(&job, s, EXITED(0), msg, sizeof(msg));
        assert_string_equal(msg, "");
    }
    assert_false(mpirun_job_is_done(&job));
    mpirun_job_rank_exited(&job, 5, EXITED(0), msg, sizeof(msg));
    assert_non_null(strstr(msg, "job 2 rank 1 (pid 205 on a)"));
    assert_non_null(strstr(msg, "MPI_Finalize"));
    assert_true(job.ending);
    mpirun_job_rank_exited(&job, 4, EXITED(0), msg, sizeof(msg));
    mpirun_job_rank_exited(&job, 6, EXITED(0), msg, sizeof(msg));
    assert_true(mpirun_job_is_done(&job));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_host_ranks, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_clean_finish, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_first_failure_wins, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_signal_named, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_missing_finalize, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_failure_after_finalize_ends_the_job, setup_job,
                                        teardown_job),
        cmocka_unit_test_setup_teardown(test_failure_before_finalize_ends_at_once, setup_job,
                                        teardown_job),
        cmocka_unit_test_setup_teardown(test_abort, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_non_mpi_program_is_fine, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_exit_before_init_while_others_init, setup_job,
                                        teardown_job),
        cmocka_unit_test_setup_teardown(test_exit_before_init_after_others_init, setup_job,
                                        teardown_job),
        cmocka_unit_test_setup_teardown(test_external_end, setup_job, teardown_job),
        cmocka_unit_test_setup_teardown(test_host_lost, setup_job, teardown_job),
        cmocka_unit_test(test_one_host_names_no_host),
        cmocka_unit_test_setup_teardown(test_spawned_job, setup_job, teardown_job),
    };
    return cmocka_run_group_tests_name("mpirun job policy", tests, NULL, NULL);
}
