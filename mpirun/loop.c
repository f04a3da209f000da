/*
 * The event loop. Order matters when a rank exits: its PMIx events (finalize, abort) are read
 * before its exit is judged, and its last output is forwarded before anything is said about
 * it. Ending the job is gentle first (SIGTERM or the user's signal), then SIGKILL.
 */
#define _GNU_SOURCE
#include "mpirun/loop.h"

#include <errno.h>
#include <pmix_common.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpirun/server.h"

#define KILL_GRACE_S 1.0   /* between the gentle signal and SIGKILL */
#define DRAIN_GRACE_S 0.5  /* output still open after every rank exited: grandchildren */
#define REMOTE_GRACE_S 5.0 /* for the daemons to finish after the job ended */

typedef struct loop_state {
    mpirun_loop_t *loop;
    bool stdin_open; /* still reading mpirun's stdin for rank 0 */
    char inbuf[65536];
    size_t inlen, inoff;
    bool signalled;    /* the ranks have been sent the gentle signal */
    bool killed;       /* the ranks have been sent SIGKILL */
    int gentle_signal; /* SIGTERM, or the signal a user sent mpirun */
    double kill_at;    /* when to send SIGKILL */
    double ending_at;  /* when the job was first seen ending, or 0 */
    double done_at;    /* when the last rank was reaped */
    double bye_at;     /* when the daemons were told the job is over */
    double dmodex_at;  /* when the next direct modex request times out, or -1 */
} loop_state_t;

void mpirun_vsay(const char *prefix, const char *fmt, va_list ap)
{
    char line[1024];
    int len = snprintf(line, sizeof(line), "%s", prefix);
    len += vsnprintf(line + len, sizeof(line) - (size_t)len - 1, fmt, ap);
    if (len > (int)sizeof(line) - 2) {
        len = (int)sizeof(line) - 2;
    }
    line[len++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)len);
    (void)ignored;
}

void mpirun_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mpirun_vsay("mpirun: ", fmt, ap);
    va_end(ap);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void signal_ranks(const mpirun_loop_t *loop, int sig)
{
    const mpirun_job_t *job = loop->job;
    for (int r = 0; r < job->np; r++) {
        const mpirun_rank_t *rank = &job->ranks[r];
        if (rank->pid > 0 && !rank->exited && !rank->remote) {
            kill(-rank->pid, sig); /* its process group: whatever it started too */
            kill(rank->pid, sig);  /* in case it left the group */
        }
    }
    if (loop->remote != NULL) {
        mpirun_remote_signal(loop->remote, sig); /* their daemons send it on */
    }
}

/* Once the job is ending, every rank still running gets the gentle signal, then SIGKILL. */
static void enforce_end(loop_state_t *st, double t)
{
    mpirun_job_t *job = st->loop->job;
    if (!job->ending) {
        return;
    }
    if (st->ending_at == 0) {
        st->ending_at = t;
    }
    if (!st->signalled && t < st->ending_at + job->end_grace_s) {
        return; /* the ranks may still exit on their own (job.c says when) */
    }
    if (!st->signalled) {
        st->signalled = true;
        st->kill_at = t + KILL_GRACE_S;
        signal_ranks(st->loop, SIGCONT);
        signal_ranks(st->loop, st->gentle_signal);
    } else if (!st->killed && t >= st->kill_at) {
        st->killed = true;
        signal_ranks(st->loop, SIGKILL);
    }
}

static void handle_server_events(mpirun_loop_t *loop)
{
    mpirun_job_t *job = loop->job;
    mpirun_event_t ev;
    mpirun_fence_t fence;
    char msg[512];
    while (mpirun_server_next_event(&ev)) {
        switch (ev.kind) {
        case MPIRUN_EVENT_CONNECTED:
            mpirun_job_rank_connected(job, ev.rank, msg, sizeof(msg));
            if (msg[0] != '\0') {
                mpirun_say("%s", msg);
            }
            break;
        case MPIRUN_EVENT_FINALIZED:
            mpirun_job_rank_finalized(job, ev.rank);
            break;
        case MPIRUN_EVENT_ABORTED:
            mpirun_job_rank_aborted(job, ev.rank, ev.status);
            break;
        case MPIRUN_EVENT_FENCE:
            if (loop->remote != NULL && mpirun_server_fence_get(ev.rank, &fence)) {
                mpirun_remote_fence(loop->remote, &fence);
            }
            break;
        case MPIRUN_EVENT_DMODEX:
            /* Only ranks of other hosts are asked for; on one host nobody has more. */
            if (loop->remote != NULL) {
                mpirun_remote_dmodex(loop->remote, ev.rank);
            } else {
                mpirun_server_dmodex_answer(ev.rank, PMIX_ERR_NOT_FOUND, NULL, 0);
            }
            break;
        case MPIRUN_EVENT_DMODEX_DATA:
            if (loop->remote != NULL) {
                mpirun_remote_dmodex_served(loop->remote, ev.rank);
            }
            break;
        case MPIRUN_EVENT_SPAWN:
            if (loop->spawner != NULL) {
                mpirun_spawn_handle(loop->spawner, ev.rank);
            } else {
                mpirun_spawn_req_t *req = mpirun_server_spawn_take(ev.rank);
                if (req != NULL) {
                    mpirun_server_spawn_answer(req, -1, NULL);
                }
            }
            break;
        }
    }
}

static int rank_of_pid(const mpirun_job_t *job, pid_t pid)
{
    for (int r = 0; r < job->np; r++) {
        if (job->ranks[r].pid == pid && !job->ranks[r].remote) {
            return r;
        }
    }
    return -1;
}

/* Forwards what a rank still has in its pipes (it has exited: nothing more will come). */
static void drain_rank(mpirun_loop_t *loop, int rank)
{
    mpirun_iof_read(&loop->out[rank]);
    mpirun_iof_read(&loop->err[rank]);
}

static void reap_children(mpirun_loop_t *loop)
{
    mpirun_job_t *job = loop->job;
    for (;;) {
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, WNOHANG);
        if (pid <= 0) {
            return;
        }
        int rank = rank_of_pid(job, pid);
        if (rank < 0) {
            if (loop->remote != NULL) {
                mpirun_remote_reaped(loop->remote, pid, wstatus);
            }
            continue;
        }
        /* Events the rank sent before it exited are queued by now: apply them first. */
        handle_server_events(loop);
        drain_rank(loop, rank);
        char msg[512];
        mpirun_job_rank_exited(job, rank, wstatus, msg, sizeof(msg));
        if (msg[0] != '\0') {
            mpirun_say("%s", msg);
        }
    }
}

static void handle_signals(loop_state_t *st)
{
    mpirun_loop_t *loop = st->loop;
    struct signalfd_siginfo si;
    while (read(loop->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD) {
            reap_children(loop);
        } else if (sig == SIGUSR1 || sig == SIGUSR2) {
            signal_ranks(loop, sig); /* passed on, as Open MPI does */
        } else if (loop->job->ending && st->signalled) {
            /* A second interrupt: the user wants it over now. */
            st->killed = true;
            signal_ranks(loop, SIGKILL);
        } else {
            const char *abbrev = sigabbrev_np(sig);
            mpirun_say("received SIG%s; passing it to every rank and ending the job",
                       abbrev != NULL ? abbrev : "?");
            st->gentle_signal = sig;
            mpirun_job_end(loop->job, 128 + sig);
        }
    }
}

static void close_stdin(loop_state_t *st)
{
    st->stdin_open = false;
    if (st->loop->stdin_fd >= 0) {
        close(st->loop->stdin_fd);
        st->loop->stdin_fd = -1;
    }
}

static void read_stdin(loop_state_t *st)
{
    ssize_t n = read(STDIN_FILENO, st->inbuf, sizeof(st->inbuf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        close_stdin(st); /* end of input: rank 0 sees end of file too */
        return;
    }
    st->inlen = (size_t)n;
    st->inoff = 0;
}

static void write_stdin(loop_state_t *st)
{
    ssize_t n = write(st->loop->stdin_fd, st->inbuf + st->inoff, st->inlen - st->inoff);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n < 0) {
        close_stdin(st); /* rank 0 closed its stdin or exited */
        return;
    }
    st->inoff += (size_t)n;
    if (st->inoff == st->inlen) {
        st->inlen = st->inoff = 0;
    }
}

/* Whether to read mpirun's stdin at all: not from a terminal we do not own (background job),
 * where reading would stop mpirun. */
static bool stdin_usable(void)
{
    if (!isatty(STDIN_FILENO)) {
        return true;
    }
    return tcgetpgrp(STDIN_FILENO) == getpgrp();
}

enum { FIXED_FDS = 3 }; /* signals, server events, stdin (in or out) */

static double earliest(double a, double b)
{
    return (a < 0 || (b >= 0 && b < a)) ? b : a;
}

static int poll_timeout_ms(const loop_state_t *st, double t, double deadline)
{
    double wake = -1;
    if (st->loop->remote != NULL) {
        wake = mpirun_remote_next_deadline(st->loop->remote);
        if (st->bye_at > 0) {
            wake = earliest(wake, st->bye_at + REMOTE_GRACE_S);
        }
    }
    if (deadline > 0 && !st->loop->job->ending) {
        wake = earliest(wake, deadline);
    }
    wake = earliest(wake, st->dmodex_at);
    if (st->signalled && !st->killed) {
        wake = (wake < 0 || st->kill_at < wake) ? st->kill_at : wake;
    }
    if (!st->signalled && st->ending_at > 0) {
        wake = earliest(wake, st->ending_at + st->loop->job->end_grace_s);
    }
    if (st->done_at > 0) {
        double drain = st->done_at + DRAIN_GRACE_S;
        wake = (wake < 0 || drain < wake) ? drain : wake;
    }
    if (wake < 0) {
        return -1;
    }
    double ms = (wake - t) * 1000.0 + 1.0;
    return ms < 0 ? 0 : (int)ms;
}

int mpirun_loop_run(mpirun_loop_t *loop)
{
    mpirun_job_t *job = loop->job;
    loop_state_t st = {.loop = loop, .gentle_signal = SIGTERM};
    st.stdin_open = loop->stdin_fd >= 0 && stdin_usable();
    if (loop->stdin_fd >= 0 && !st.stdin_open) {
        close_stdin(&st);
    }
    double start = now();
    double deadline = loop->timeout > 0 ? start + loop->timeout : 0;
    size_t remote_max = loop->remote != NULL ? mpirun_remote_nfds_max(loop->remote) : 0;
    struct pollfd *fds = NULL;
    mpirun_iof_t **streams = NULL;
    int sized_for = -1; /* slots the arrays have room for: spawns add slots */
    for (;;) {
        if (sized_for != job->np) {
            sized_for = job->np;
            free(fds);
            free(streams);
            fds = calloc(FIXED_FDS + 2 * (size_t)job->np + remote_max, sizeof(*fds));
            streams = calloc(2 * (size_t)job->np, sizeof(*streams));
            if ((fds == NULL || streams == NULL) && !job->ending) {
                mpirun_say("out of memory");
                mpirun_job_end(job, 1);
            }
            if (fds == NULL || streams == NULL) {
                free(fds);
                fds = NULL;
            }
        }
        double t = now();
        if (deadline > 0 && t >= deadline && !job->ending) {
            mpirun_say("job timed out after %g seconds; ending it", loop->timeout);
            mpirun_job_end(job, 124);
        }
        enforce_end(&st, t);
        st.dmodex_at = mpirun_server_dmodex_expire(t);
        if (mpirun_job_is_done(job) && st.done_at == 0) {
            st.done_at = t;
        }
        size_t nfds = 0, nstreams = 0;
        for (int r = 0; fds != NULL && r < job->np; r++) {
            mpirun_iof_t *pair[2] = {&loop->out[r], &loop->err[r]};
            for (int k = 0; k < 2; k++) {
                if (pair[k]->fd >= 0) {
                    streams[nstreams++] = pair[k];
                }
            }
        }
        bool draining_over = st.done_at > 0 && t >= st.done_at + DRAIN_GRACE_S;
        bool remote_over = true;
        if (loop->remote != NULL && mpirun_job_is_done(job)) {
            /* Every rank is gone: the daemons may clean up and go. */
            if (st.bye_at == 0) {
                st.bye_at = t;
                mpirun_remote_end(loop->remote, !job->status_set);
            }
            remote_over = mpirun_remote_is_done(loop->remote) || t >= st.bye_at + REMOTE_GRACE_S;
        }
        if (mpirun_job_is_done(job) && (nstreams == 0 || draining_over || fds == NULL) &&
            remote_over) {
            break;
        }
        if (fds == NULL) {
            continue; /* out of memory: only wait for the kill to take effect */
        }
        fds[nfds++] = (struct pollfd){.fd = loop->signal_fd, .events = POLLIN};
        fds[nfds++] = (struct pollfd){.fd = mpirun_server_event_fd(), .events = POLLIN};
        if (st.stdin_open && st.inlen == 0) {
            fds[nfds++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        } else if (st.stdin_open) {
            fds[nfds++] = (struct pollfd){.fd = loop->stdin_fd, .events = POLLOUT};
        } else {
            fds[nfds++] = (struct pollfd){.fd = -1};
        }
        for (size_t i = 0; i < nstreams; i++) {
            fds[nfds++] = (struct pollfd){.fd = streams[i]->fd, .events = POLLIN};
        }
        size_t remote_at = nfds;
        if (loop->remote != NULL) {
            nfds += mpirun_remote_pollfds(loop->remote, fds + nfds);
        }
        int n = poll(fds, nfds, poll_timeout_ms(&st, t, deadline));
        if (n < 0 && errno != EINTR) {
            mpirun_say("poll: %s", strerror(errno));
            mpirun_job_end(job, 1);
            continue;
        }
        if (loop->remote != NULL) {
            /* Deadlines too, so also after a poll that timed out. */
            mpirun_remote_handle(loop->remote, fds + remote_at, n > 0 ? nfds - remote_at : 0);
            mpirun_remote_check_deadline(loop->remote);
        }
        if (n <= 0) {
            continue;
        }
        int np_before = job->np;
        if (fds[1].revents != 0) {
            handle_server_events(loop);
        }
        if (fds[0].revents != 0) {
            handle_signals(&st);
        }
        if (job->np != np_before) {
            continue; /* a spawn moved the streams: the next pass reads them */
        }
        if (fds[2].revents != 0 && st.stdin_open) {
            if (st.inlen == 0) {
                read_stdin(&st);
            } else {
                write_stdin(&st);
            }
        }
        for (size_t i = 0; i < nstreams; i++) {
            if (fds[FIXED_FDS + i].revents != 0) {
                mpirun_iof_read(streams[i]);
            }
        }
    }
    close_stdin(&st);
    for (int r = 0; r < job->np; r++) {
        mpirun_iof_fini(&loop->out[r]);
        mpirun_iof_fini(&loop->err[r]);
    }
    free(fds);
    free(streams);
    return job->status_set ? job->exit_status : 0;
}
