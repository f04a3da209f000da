/*
 * A stand-in for libmp's PMIx wire-up in the shm unit test: processes forked by the test share
 * cards through files in a private directory and meet at a fence built on a process-shared
 * barrier.
 */
#ifndef MP_TEST_FAKE_WIREUP_H
#define MP_TEST_FAKE_WIREUP_H

/* In the parent, before forking nranks processes: a fresh card directory and barrier. */
void fake_wireup_setup(int nranks);

/* In each child, first: which rank this process is (also the rank in log lines). */
void fake_wireup_set_rank(int rank);

/* In the parent, after every child has ended: removes the cards and the barrier. */
void fake_wireup_teardown(void);

#endif
