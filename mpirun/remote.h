/*
 * mpirun's side of a job across hosts: it starts one daemon per other host through the launch
 * agent, lets in only daemons that prove they know the job's secret, sends them the job, and
 * then relays between them and the main loop: their ranks' output, PMIx events and exits come
 * in; signals and completed fences go out.
 */
#ifndef MPIRUN_REMOTE_H
#define MPIRUN_REMOTE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mpirun/collect.h"
#include "mpirun/conn.h"
#include "mpirun/iof.h"
#include "mpirun/job.h"
#include "mpirun/server.h"
#include "mpirun/wire.h"

typedef struct mpirun_daemon mpirun_daemon_t;
typedef struct mpirun_stranger mpirun_stranger_t;

typedef struct mpirun_remote {
    mpirun_job_t *job;
    mpirun_iof_t *out, *err; /* np streams each, where remote ranks' output goes */
    int listen_fd;
    mpirun_daemon_t *daemons; /* one per node other than this host */
    int ndaemons;
    mpirun_stranger_t *strangers; /* connections that have not proved themselves yet */
    size_t nstrangers;
    mpirun_collector_t collector; /* fences of some hosts waiting for their parts (the star) */
    mpirun_collector_t tree;      /* whole-job fences waiting for their subtrees' parts */
    int nadopted;                 /* daemons that could not reach their parent: mpirun's now */
    bool verbose;                 /* --verbose: say how the tree was re-planned */
    mpirun_wire_buf_t job_frame;  /* the JOB message every daemon gets */
    double start_deadline;        /* see MPIRUN_DAEMON_START_S */
    int fanout;                   /* of the tree relaying whole-job fences (MP_FENCE_FANOUT) */
    bool local_part;              /* this host has ranks: its part joins each whole-job fence */
    bool bye_sent;
} mpirun_remote_t;

/*
 * Listens on every address of this host (IPv6 and IPv4), then starts a daemon on each node of the
 * job other than local_node (-1: none is this host) with the agent command (NULL: the default),
 * handing it the secret on its stdin. desc is what the daemons are told of the job. Returns
 * at once (the daemons start in parallel); 0, or -1 with a message in err. Call
 * mpirun_remote_fini in either case.
 */
int mpirun_remote_launch(mpirun_remote_t *rm, mpirun_job_t *job, int local_node, const char *agent,
                         const mpirun_wire_job_t *desc, mpirun_iof_t *out, mpirun_iof_t *err,
                         char *errmsg, size_t errlen);

/* Daemons whose ranks are not running this long after the launch are given up (the job
 * ends): a host that hangs in ssh cannot hang mpirun. */
#define MPIRUN_DAEMON_START_S 60.0

/* Gives up on daemons past the start deadline and on strangers past theirs. */
void mpirun_remote_check_deadline(mpirun_remote_t *rm);

/* When (CLOCK_MONOTONIC seconds) mpirun_remote_check_deadline next has work, or -1. */
double mpirun_remote_next_deadline(const mpirun_remote_t *rm);

/* The descriptors to poll and, after poll, their handling. nfds_max is how many fds
 * mpirun_remote_pollfds may fill. Messages update the job and forward output. */
size_t mpirun_remote_nfds_max(const mpirun_remote_t *rm);
size_t mpirun_remote_pollfds(mpirun_remote_t *rm, struct pollfd *fds);
void mpirun_remote_handle(mpirun_remote_t *rm, const struct pollfd *fds, size_t nfds);

/* Whether pid was a launch agent (then it is accounted for). */
bool mpirun_remote_reaped(mpirun_remote_t *rm, pid_t pid, int wstatus);

/* Sends sig to every rank on the other hosts. */
void mpirun_remote_signal(mpirun_remote_t *rm, int sig);

/* This host's part of a fence (from its own PMIx server). */
void mpirun_remote_fence(mpirun_remote_t *rm, const mpirun_fence_t *fence);

/* Direct modex: routes this host's request with this id (a MPIRUN_EVENT_DMODEX) to the host
 * of its target rank; hands the answer of a request served here (a MPIRUN_EVENT_DMODEX_DATA
 * with this serial) back to the host that asked. */
void mpirun_remote_dmodex(mpirun_remote_t *rm, int id);
void mpirun_remote_dmodex_served(mpirun_remote_t *rm, int serial);

/* The job is over: tells every daemon to clean up and exit. */
void mpirun_remote_end(mpirun_remote_t *rm, bool clean);

/* Every daemon has closed its connection and every agent has been reaped. */
bool mpirun_remote_is_done(const mpirun_remote_t *rm);

/* Kills the agents still running, reaps them, closes everything. */
void mpirun_remote_fini(mpirun_remote_t *rm);

#endif
