/*
 * Checks generalized requests (MPI_Grequest_start, MPI_Grequest_complete): completion before and
 * during a wait (same thread, and another thread while the main one waits), the status query_fn
 * sets, free_fn called exactly once whatever the order of free and complete, cancel_fn's flag,
 * errors from the callbacks, and the wait and test families mixing them with pt2pt requests.
 */
#include "p2ptest.h"

#include <pthread.h>

static int rank, size, partner;

/* What the callbacks were asked to do, and what they saw. */
struct greq_state {
    /* set by the test */
    int source, tag, nints; /* the status query_fn reports (count in MPI_INT elements) */
    int cancelled;
    int setter; /* which call query_fn sets the count with: 0 _elements, 1 _elements_x, 2 _c */
    int query_ret, free_ret, cancel_ret;
    /* counted by the callbacks */
    int query_calls, free_calls, cancel_calls;
    int cancel_complete; /* the complete flag of the last cancel_fn call */
    int freed_after_query;
    int status_was_null;
};

static int query_fn(void *extra, MPI_Status *status)
{
    struct greq_state *s = extra;
    s->query_calls++;
    if (status == NULL) {
        s->status_was_null = 1;
        return MPI_ERR_INTERN;
    }
    /* The public fields directly (MPI_Status_set_source is MPI 4.1 only). */
    status->MPI_SOURCE = s->source;
    status->MPI_TAG = s->tag;
    switch (s->setter) {
    case 1:
        MPI_Status_set_elements_x(status, MPI_INT, s->nints);
        break;
#if MPI_VERSION >= 4 /* the large-count form */
    case 2:
        MPI_Status_set_elements_c(status, MPI_INT, s->nints);
        break;
#endif
    default:
        MPI_Status_set_elements(status, MPI_INT, s->nints);
        break;
    }
    MPI_Status_set_cancelled(status, s->cancelled);
    return s->query_ret;
}

static int free_fn(void *extra)
{
    struct greq_state *s = extra;
    s->free_calls++;
    s->freed_after_query = s->query_calls > 0;
    return s->free_ret;
}

static int cancel_fn(void *extra, int complete)
{
    struct greq_state *s = extra;
    s->cancel_calls++;
    s->cancel_complete = complete;
    if (!complete) {
        s->cancelled = 1;
    }
    return s->cancel_ret;
}

static void state_init(struct greq_state *s, int source, int tag, int nints)
{
    memset(s, 0, sizeof(*s));
    s->source = source;
    s->tag = tag;
    s->nints = nints;
    s->query_ret = MPI_SUCCESS;
    s->free_ret = MPI_SUCCESS;
    s->cancel_ret = MPI_SUCCESS;
}

static MPI_Request start(struct greq_state *s)
{
    MPI_Request req = MPI_REQUEST_NULL;
    P2P_MPI(MPI_Grequest_start(query_fn, free_fn, cancel_fn, s, &req));
    MPT_CHECK(req != MPI_REQUEST_NULL, "MPI_Grequest_start gave MPI_REQUEST_NULL");
    return req;
}

/* Checks the status query_fn filled for s, and the counts of callback calls. */
static void check_status(const MPI_Status *st, const struct greq_state *s, const char *what)
{
    int count = -1, cancelled = -1;
    MPI_Count elements = -1;

    MPT_CHECK(st->MPI_SOURCE == s->source && st->MPI_TAG == s->tag,
              "%s: status source %d tag %d, expected %d %d", what, st->MPI_SOURCE, st->MPI_TAG,
              s->source, s->tag);
    P2P_MPI(MPI_Get_count(st, MPI_INT, &count));
    MPT_CHECK(count == s->nints, "%s: count %d, expected %d", what, count, s->nints);
    P2P_MPI(MPI_Get_elements_x(st, MPI_INT, &elements));
    MPT_CHECK(elements == s->nints, "%s: elements %lld, expected %d", what, (long long)elements,
              s->nints);
    P2P_MPI(MPI_Test_cancelled(st, &cancelled));
    MPT_CHECK(cancelled == (s->cancelled != 0), "%s: cancelled %d, expected %d", what, cancelled,
              s->cancelled);
}

static void check_calls(const struct greq_state *s, int query, int freed, const char *what)
{
    MPT_CHECK(s->query_calls == query && s->free_calls == freed,
              "%s: query_fn called %d times, free_fn %d; expected %d and %d", what, s->query_calls,
              s->free_calls, query, freed);
    MPT_CHECK(!s->status_was_null, "%s: query_fn got a NULL status", what);
    MPT_CHECK(freed == 0 || s->freed_after_query || query == 0, "%s: free_fn ran before query_fn",
              what);
}

/* Completed before the wait: MPI_Wait returns at once with query_fn's status, then frees. */
static void check_complete_then_wait(void)
{
    struct greq_state s;
    MPI_Status st;

    state_init(&s, 3, 17, 5);
    MPI_Request req = start(&s);
    check_calls(&s, 0, 0, "just started");
    P2P_MPI(MPI_Grequest_complete(req));
    check_calls(&s, 0, 0, "completed, not waited");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Wait(&req, &st));
    MPT_CHECK(req == MPI_REQUEST_NULL, "MPI_Wait left the generalized request");
    check_status(&st, &s, "complete then wait");
    check_calls(&s, 1, 1, "complete then wait");
    MPT_CHECK(s.cancel_calls == 0, "cancel_fn called without MPI_Cancel");

    /* MPI_STATUS_IGNORE: query_fn still runs, on a status of the library's. */
    state_init(&s, 0, 0, 0);
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    check_calls(&s, 1, 1, "wait with MPI_STATUS_IGNORE");
}

/* Polling with MPI_Test: not complete until MPI_Grequest_complete, then complete exactly once.
 * MPI_Request_get_status queries but frees nothing. */
static void check_test_polling(void)
{
    struct greq_state s;
    MPI_Status st;
    int flag = -1;

    state_init(&s, 1, 2, 3);
    MPI_Request req = start(&s);
    for (int i = 0; i < 5; i++) {
        P2P_MPI(MPI_Test(&req, &flag, &st));
        MPT_CHECK(!flag, "MPI_Test says an uncompleted generalized request is complete");
        P2P_MPI(MPI_Request_get_status(req, &flag, &st));
        MPT_CHECK(!flag, "MPI_Request_get_status says an uncompleted one is complete");
    }
    check_calls(&s, 0, 0, "polled, not completed");
    P2P_MPI(MPI_Grequest_complete(req));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Request_get_status(req, &flag, &st));
    MPT_CHECK(flag, "MPI_Request_get_status: not complete after MPI_Grequest_complete");
    check_status(&st, &s, "Request_get_status");
    check_calls(&s, 1, 0, "Request_get_status");
    MPT_CHECK(req != MPI_REQUEST_NULL, "MPI_Request_get_status freed the request");
    p2p_status_poison(&st);
    P2P_MPI(MPI_Test(&req, &flag, &st));
    MPT_CHECK(flag && req == MPI_REQUEST_NULL, "MPI_Test: flag %d after completion", flag);
    check_status(&st, &s, "Test");
    check_calls(&s, 2, 1, "Test after completion");
}

/* MPI_Request_free before completion: free_fn runs in MPI_Grequest_complete; after completion:
 * in MPI_Request_free. Never twice. */
static void check_free_orders(void)
{
    struct greq_state s;

    state_init(&s, 0, 0, 0);
    MPI_Request req = start(&s);
    MPI_Request keep = req;
    P2P_MPI(MPI_Request_free(&req));
    MPT_CHECK(req == MPI_REQUEST_NULL, "MPI_Request_free left the handle");
    check_calls(&s, 0, 0, "freed before completion");
    P2P_MPI(MPI_Grequest_complete(keep));
    check_calls(&s, 0, 1, "freed, then completed");

    state_init(&s, 0, 0, 0);
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    check_calls(&s, 0, 0, "completed, not freed");
    P2P_MPI(MPI_Request_free(&req));
    check_calls(&s, 0, 1, "completed, then freed");

    /* A poll between the complete and the free changes nothing. */
    state_init(&s, 0, 0, 0);
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    int flag = 0;
    P2P_MPI(MPI_Request_get_status(req, &flag, MPI_STATUS_IGNORE));
    MPT_CHECK(flag, "Request_get_status: not complete");
    P2P_MPI(MPI_Request_free(&req));
    check_calls(&s, 1, 1, "completed, polled, freed");
}

/* MPI_Cancel calls cancel_fn with complete false before MPI_Grequest_complete, true after. */
static void check_cancel(void)
{
    struct greq_state s;
    MPI_Status st;
    int flag = -1;

    state_init(&s, 0, 4, 0);
    MPI_Request req = start(&s);
    P2P_MPI(MPI_Cancel(&req));
    MPT_CHECK(s.cancel_calls == 1 && s.cancel_complete == 0,
              "cancel before complete: cancel_fn called %d times with complete %d", s.cancel_calls,
              s.cancel_complete);
    P2P_MPI(MPI_Grequest_complete(req));
    P2P_MPI(MPI_Wait(&req, &st));
    P2P_MPI(MPI_Test_cancelled(&st, &flag));
    MPT_CHECK(flag, "cancelled generalized request: MPI_Test_cancelled false");
    check_calls(&s, 1, 1, "cancelled");

    state_init(&s, 0, 4, 0);
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    P2P_MPI(MPI_Cancel(&req));
    MPT_CHECK(s.cancel_calls == 1 && s.cancel_complete == 1,
              "cancel after complete: cancel_fn called %d times with complete %d", s.cancel_calls,
              s.cancel_complete);
    P2P_MPI(MPI_Wait(&req, &st));
    P2P_MPI(MPI_Test_cancelled(&st, &flag));
    MPT_CHECK(!flag, "a generalized request completed before MPI_Cancel reads as cancelled");

    /* An error code from cancel_fn is MPI_Cancel's. */
    state_init(&s, 0, 0, 0);
    s.cancel_ret = MPI_ERR_OTHER;
    req = start(&s);
    int rc = MPI_Cancel(&req);
    MPT_CHECK(p2p_err_class(rc) == MPI_ERR_OTHER, "MPI_Cancel returned %d, cancel_fn's error %d",
              rc, MPI_ERR_OTHER);
    P2P_MPI(MPI_Grequest_complete(req));
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    check_calls(&s, 1, 1, "cancel_fn failed");
}

/* Error codes from query_fn and free_fn become the call's; free_fn still runs. */
static void check_errors(void)
{
    struct greq_state s, t;
    MPI_Status st, sts[2];
    int errcode = 0;

    P2P_MPI(MPI_Add_error_code(MPI_ERR_OTHER, &errcode));

    state_init(&s, 0, 0, 0);
    s.query_ret = errcode;
    MPI_Request req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    int rc = MPI_Wait(&req, &st);
    MPT_CHECK(rc == errcode, "MPI_Wait returned %d, not query_fn's error code %d", rc, errcode);
    MPT_CHECK(p2p_err_class(rc) == MPI_ERR_OTHER, "query_fn's code has class %d",
              p2p_err_class(rc));
    MPT_CHECK(req == MPI_REQUEST_NULL, "a failed MPI_Wait left the generalized request");
    check_calls(&s, 1, 1, "query_fn failed");

    state_init(&s, 0, 0, 0);
    s.free_ret = MPI_ERR_OTHER;
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    int flag = 0;
    rc = MPI_Test(&req, &flag, MPI_STATUS_IGNORE);
    MPT_CHECK(rc == MPI_ERR_OTHER && flag, "MPI_Test returned %d flag %d, free_fn's error is %d",
              rc, flag, MPI_ERR_OTHER);
    check_calls(&s, 1, 1, "free_fn failed");

    /* Error from free_fn on the late MPI_Request_free... */
    state_init(&s, 0, 0, 0);
    s.free_ret = MPI_ERR_OTHER;
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    rc = MPI_Request_free(&req);
    MPT_CHECK(rc == MPI_ERR_OTHER, "MPI_Request_free returned %d, free_fn's error is %d", rc,
              MPI_ERR_OTHER);
    /* ... and on the late MPI_Grequest_complete. */
    state_init(&s, 0, 0, 0);
    s.free_ret = MPI_ERR_OTHER;
    req = start(&s);
    MPI_Request keep = req;
    P2P_MPI(MPI_Request_free(&req));
    rc = MPI_Grequest_complete(keep);
    MPT_CHECK(rc == MPI_ERR_OTHER, "MPI_Grequest_complete returned %d, free_fn's error is %d", rc,
              MPI_ERR_OTHER);
    check_calls(&s, 0, 1, "free_fn failed in MPI_Grequest_complete");

    /* Several at once: MPI_ERR_IN_STATUS, each status says which failed. */
    state_init(&s, 1, 1, 1);
    state_init(&t, 2, 2, 2);
    t.query_ret = MPI_ERR_OTHER;
    MPI_Request reqs[2] = {start(&s), start(&t)};
    P2P_MPI(MPI_Grequest_complete(reqs[1]));
    P2P_MPI(MPI_Grequest_complete(reqs[0]));
    p2p_status_poison(&sts[0]);
    p2p_status_poison(&sts[1]);
    rc = MPI_Waitall(2, reqs, sts);
    MPT_CHECK(rc == MPI_ERR_IN_STATUS, "MPI_Waitall returned %d, expected MPI_ERR_IN_STATUS", rc);
    MPT_CHECK(sts[0].MPI_ERROR == MPI_SUCCESS && sts[1].MPI_ERROR == MPI_ERR_OTHER,
              "MPI_Waitall: MPI_ERROR fields %d %d, expected %d %d", sts[0].MPI_ERROR,
              sts[1].MPI_ERROR, MPI_SUCCESS, MPI_ERR_OTHER);
    MPT_CHECK(reqs[0] == MPI_REQUEST_NULL && reqs[1] == MPI_REQUEST_NULL,
              "MPI_Waitall left requests");
    check_status(&sts[0], &s, "Waitall, first");
    check_calls(&s, 1, 1, "Waitall, first");
    check_calls(&t, 1, 1, "Waitall, failing second");

    state_init(&s, 0, 0, 0);
    s.query_ret = MPI_ERR_OTHER;
    reqs[0] = start(&s);
    P2P_MPI(MPI_Grequest_complete(reqs[0]));
    rc = MPI_Waitall(1, reqs, MPI_STATUSES_IGNORE);
    /* Without statuses, libmp returns the failure's code; MPICH and Open MPI MPI_ERR_IN_STATUS. */
    MPT_CHECK(rc == MPI_ERR_OTHER || rc == MPI_ERR_IN_STATUS,
              "MPI_Waitall without statuses returned %d, expected %d", rc, MPI_ERR_OTHER);
    check_calls(&s, 1, 1, "Waitall without statuses");

    /* Misuse. */
    state_init(&s, 0, 0, 0);
    req = start(&s);
    P2P_MPI(MPI_Grequest_complete(req));
    rc = MPI_Grequest_complete(req);
    MPT_CHECK(p2p_err_class(rc) == MPI_ERR_REQUEST, "a second MPI_Grequest_complete returned %d",
              rc);
    P2P_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
    check_calls(&s, 1, 1, "completed twice");
    rc = MPI_Grequest_complete(MPI_REQUEST_NULL);
    MPT_CHECK(p2p_err_class(rc) == MPI_ERR_REQUEST,
              "MPI_Grequest_complete(MPI_REQUEST_NULL) returned %d", rc);
    rc = MPI_Grequest_start(query_fn, free_fn, cancel_fn, &s, NULL);
    MPT_CHECK(p2p_err_class(rc) == MPI_ERR_ARG, "MPI_Grequest_start(request NULL) returned %d", rc);
    MPI_Request rreq;
    int dummy = 0;
    P2P_MPI(MPI_Irecv(&dummy, 1, MPI_INT, 0, 999, MPI_COMM_SELF, &rreq));
    rc = MPI_Grequest_complete(rreq);
    MPT_CHECK(p2p_err_class(rc) == MPI_ERR_REQUEST,
              "MPI_Grequest_complete of a receive returned %d", rc);
    P2P_MPI(MPI_Cancel(&rreq));
    P2P_MPI(MPI_Wait(&rreq, MPI_STATUS_IGNORE));

    /* NULL callbacks do nothing; the status is empty. */
    req = MPI_REQUEST_NULL;
    P2P_MPI(MPI_Grequest_start(NULL, NULL, NULL, NULL, &req));
    P2P_MPI(MPI_Cancel(&req));
    P2P_MPI(MPI_Grequest_complete(req));
    p2p_status_poison(&st);
    P2P_MPI(MPI_Wait(&req, &st));
    p2p_status_is_empty(&st, "generalized request without callbacks");
}

/* ---- Completion from another thread ---- */

struct completer {
    pthread_t thread;
    MPI_Request req;
    long delay_ms;
    int rc;
};

static void *complete_later(void *arg)
{
    struct completer *c = arg;
    mpt_sleep_ms(c->delay_ms);
    c->rc = MPI_Grequest_complete(c->req);
    return NULL;
}

static void completer_start(struct completer *c, MPI_Request req, long delay_ms)
{
    c->req = req;
    c->delay_ms = delay_ms;
    c->rc = -1;
    if (pthread_create(&c->thread, NULL, complete_later, c) != 0) {
        mpt_fail(__FILE__, __LINE__, "pthread_create failed");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static void completer_join(struct completer *c, const char *what)
{
    pthread_join(c->thread, NULL);
    MPT_CHECK(c->rc == MPI_SUCCESS, "%s: MPI_Grequest_complete in the thread returned %d", what,
              c->rc);
}

/* The classic use: a thread does the work and completes the request; the main thread waits. */
static void check_thread_wait(void)
{
    struct greq_state s;
    struct completer c;
    MPI_Status st;

    state_init(&s, 5, 6, 7);
    MPI_Request req = start(&s);
    completer_start(&c, req, 20);
    p2p_status_poison(&st);
    P2P_MPI(MPI_Wait(&req, &st));
    completer_join(&c, "MPI_Wait");
    check_status(&st, &s, "completed by a thread during MPI_Wait");
    check_calls(&s, 1, 1, "completed by a thread during MPI_Wait");

    /* Waitany and Waitsome over two, completed by two threads. */
    struct greq_state s2[2];
    struct completer c2[2];
    MPI_Request reqs[2];
    for (int i = 0; i < 2; i++) {
        state_init(&s2[i], i, 10 + i, i);
        reqs[i] = start(&s2[i]);
        completer_start(&c2[i], reqs[i], 5 + 10 * i);
    }
    int idx = -1;
    P2P_MPI(MPI_Waitany(2, reqs, &idx, &st));
    MPT_CHECK(idx == 0 || idx == 1, "MPI_Waitany index %d", idx);
    if (idx == 0 || idx == 1) {
        check_status(&st, &s2[idx], "Waitany over thread-completed requests");
    }
    int outcount = 0, indices[2];
    MPI_Status sts[2];
    while (reqs[0] != MPI_REQUEST_NULL || reqs[1] != MPI_REQUEST_NULL) {
        P2P_MPI(MPI_Waitsome(2, reqs, &outcount, indices, sts));
        MPT_CHECK(outcount == 1 && indices[0] == 1 - idx, "MPI_Waitsome: %d completed, index %d",
                  outcount, indices[0]);
        if (outcount != 1) {
            break;
        }
    }
    for (int i = 0; i < 2; i++) {
        completer_join(&c2[i], "Waitany/Waitsome");
        check_calls(&s2[i], 1, 1, "Waitany/Waitsome");
    }
}

/* MPI_Waitall over a receive, a send and generalized requests completed by a thread, by this
 * thread in between, and before the wait. */
static void check_waitall_mixed(void)
{
    enum { NG = 3 };
    struct greq_state s[NG];
    struct completer c;
    MPI_Request reqs[2 + NG];
    MPI_Status sts[2 + NG];
    int sendbuf[4] = {rank, 1, 2, 3}, recvbuf[4] = {-1, -1, -1, -1};

    for (int i = 0; i < NG; i++) {
        state_init(&s[i], 100 + i, 200 + i, i + 1);
        s[i].setter = i;
        reqs[2 + i] = start(&s[i]);
    }
    P2P_MPI(MPI_Grequest_complete(reqs[2]));
    P2P_MPI(MPI_Irecv(recvbuf, 4, MPI_INT, partner, 42, MPI_COMM_WORLD, &reqs[0]));
    P2P_MPI(MPI_Isend(sendbuf, 4, MPI_INT, partner, 42, MPI_COMM_WORLD, &reqs[1]));
    completer_start(&c, reqs[4], 20);
    int flag = 1;
    P2P_MPI(MPI_Testall(2 + NG, reqs, &flag, sts));
    MPT_CHECK(!flag, "MPI_Testall: all complete before two of the generalized requests are");
    P2P_MPI(MPI_Grequest_complete(reqs[3]));
    for (int i = 0; i < 2 + NG; i++) {
        p2p_status_poison(&sts[i]);
    }
    P2P_MPI(MPI_Waitall(2 + NG, reqs, sts));
    completer_join(&c, "Waitall");
    for (int i = 0; i < 2 + NG; i++) {
        MPT_CHECK(reqs[i] == MPI_REQUEST_NULL, "MPI_Waitall left request %d", i);
    }
    p2p_status_is(&sts[0], partner, 42, (int)sizeof(recvbuf), "Waitall, the receive");
    MPT_CHECK(recvbuf[0] == partner && recvbuf[1] == 1 && recvbuf[3] == 3,
              "Waitall: received %d %d %d %d", recvbuf[0], recvbuf[1], recvbuf[2], recvbuf[3]);
    for (int i = 0; i < NG; i++) {
        check_status(&sts[2 + i], &s[i], "Waitall, generalized");
        check_calls(&s[i], 1, 1, "Waitall, generalized");
    }

    /* Testany and Testsome see a request completed between two calls. */
    struct greq_state a, b;
    state_init(&a, 1, 1, 1);
    state_init(&b, 2, 2, 2);
    MPI_Request two[2] = {start(&a), start(&b)};
    int idx = -2, outcount = -2, indices[2];
    P2P_MPI(MPI_Testany(2, two, &idx, &flag, MPI_STATUS_IGNORE));
    MPT_CHECK(!flag && idx == MPI_UNDEFINED, "MPI_Testany: flag %d index %d before completion",
              flag, idx);
    P2P_MPI(MPI_Grequest_complete(two[1]));
    P2P_MPI(MPI_Testany(2, two, &idx, &flag, sts));
    MPT_CHECK(flag && idx == 1, "MPI_Testany: flag %d index %d, expected 1 1", flag, idx);
    check_status(&sts[0], &b, "Testany");
    P2P_MPI(MPI_Testsome(2, two, &outcount, indices, sts));
    MPT_CHECK(outcount == 0, "MPI_Testsome: %d complete, expected none", outcount);
    P2P_MPI(MPI_Grequest_complete(two[0]));
    P2P_MPI(MPI_Testsome(2, two, &outcount, indices, sts));
    MPT_CHECK(outcount == 1 && indices[0] == 0, "MPI_Testsome: %d complete, index %d", outcount,
              indices[0]);
    check_status(&sts[0], &a, "Testsome");
    check_calls(&a, 1, 1, "Testsome");
    check_calls(&b, 1, 1, "Testany");
}

int main(int argc, char **argv)
{
    int provided = 0;

    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    /* Errors of generalized requests are raised on MPI_COMM_SELF. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    /* Pairs of ranks; an odd last rank talks to itself. */
    partner = (rank ^ 1) < size ? rank ^ 1 : rank;

    check_complete_then_wait();
    check_test_polling();
    check_free_orders();
    check_cancel();
    check_errors();
    check_thread_wait();
    check_waitall_mixed();

    p2p_barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(rank);
}
