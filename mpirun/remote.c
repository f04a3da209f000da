/*
 * The daemons of a job across hosts, seen from mpirun: launching them through the agent,
 * the two-way proof of the secret, and the messages that make remote ranks look local to the
 * main loop. Fences are gathered here (a star: every daemon sends its part to mpirun).
 */
#define _GNU_SOURCE
#include "mpirun/remote.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <pmix_common.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpirun/addrs.h"
#include "mpirun/agent.h"
#include "mpirun/daemon.h"
#include "mpirun/launch.h"
#include "mpirun/loop.h"
#include "mpirun/tree.h"
#include "util/sha256.h"

#define STRANGER_MAX_PAYLOAD 1024
#define STRANGER_TIMEOUT_S 10.0
#define MSGLEN 512

struct mpirun_daemon {
    int node;                   /* the node id it serves */
    pid_t agent_pid;            /* the launch agent, 0 once reaped */
    mpirun_conn_t conn;         /* fd -1 until it proved itself, and again once closed */
    bool connected;             /* proved itself (conn may have closed since) */
    bool started;               /* its ranks run */
    bool closed;                /* its connection ended */
    mpirun_wire_buf_t held;     /* direct modex requests for its ranks before it connected */
    char addr[MPIRUN_ADDR_LEN]; /* where it connected from: its children connect there */
    int port;                   /* where it listens for its children in the fence tree, or 0 */
    bool parent_sent;           /* it was told where its parent daemon listens */
    bool adopted;               /* it could not reach that parent: mpirun is its parent now */
};

struct mpirun_stranger {
    mpirun_conn_t conn;
    uint8_t nonce[MPIRUN_WIRE_NONCE_LEN];
    double deadline;
    char peer[64];
    char addr[MPIRUN_ADDR_LEN];
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* This host's addresses that pass the job's interface filter (--net-if, MP_NET_IF, else all
 * but docker and libvirt bridges), in the order a daemon tries them (addrs.h). */
static int address_list(const mpirun_wire_job_t *desc, char *list, size_t len, char *err,
                        size_t errlen)
{
    const char *spec = mpirun_addrs_spec(desc->env, desc->nenv, NULL);
    mp_netfilter_t filter;
    if (mpirun_addrs_filter(spec, "MP_NET_IF", &filter, err, errlen) != 0) {
        return -1;
    }
    struct ifaddrs *ifs;
    if (getifaddrs(&ifs) != 0) {
        snprintf(err, errlen, "cannot list this host's addresses: getifaddrs: %s", strerror(errno));
        return -1;
    }
    int n = mpirun_addrs_list(ifs, &filter, list, len);
    char all[1024];
    int nall = n == 0 ? mpirun_addrs_list(ifs, NULL, all, sizeof(all)) : 0;
    freeifaddrs(ifs);
    if (n == 0 && nall > 0) {
        snprintf(err, errlen,
                 "no address of this host passes the interface filter \"%s\" (--net-if or "
                 "MP_NET_IF), so the daemons could not connect back to mpirun; its addresses: %s",
                 spec, all);
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen,
                 "this host has no IPv4 or IPv6 address for the daemons to connect to");
        return -1;
    }
    return 0;
}

static int open_listener(mpirun_remote_t *rm, int *port_p, char *err, size_t errlen)
{
    char why[MSGLEN];
    rm->listen_fd = mpirun_conn_listen(128, port_p, why, sizeof(why));
    if (rm->listen_fd < 0) {
        snprintf(err, errlen, "cannot listen for the daemons: %s", why);
        return -1;
    }
    return 0;
}

/* Runs the agent with the secret on its stdin; its output goes where mpirun's goes. */
static int start_agent(char **argv, const uint8_t secret[32], pid_t *pid_p, char *err,
                       size_t errlen)
{
    char path[4096];
    if (mpirun_launch_resolve(argv[0], NULL, path, sizeof(path), err, errlen) != 0) {
        char reason[MSGLEN];
        snprintf(reason, sizeof(reason), "%s", err);
        snprintf(err, errlen, "launch agent: %s (see --launch-agent)", reason);
        return -1;
    }
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(in[0]);
        close(in[1]);
        return -1;
    }
    if (pid == 0) {
        /* Async-signal-safe calls only: mpirun may run PMIx's thread. Its own process group
         * keeps a Ctrl-C on the terminal from reaching the agent before mpirun decides. */
        mpirun_launch_child_setup(parent);
        if (dup2(in[0], STDIN_FILENO) >= 0) {
            execv(path, argv);
        }
        static const char msg[] = "mpirun: cannot run the launch agent\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
        (void)ignored;
        _exit(127);
    }
    setpgid(pid, pid);
    close(in[0]);
    char line[66];
    mpirun_wire_secret_format(secret, line);
    line[64] = '\n';
    /* 65 bytes fit in any pipe: this cannot block. An agent already gone is seen later. */
    ssize_t ignored = write(in[1], line, 65);
    (void)ignored;
    close(in[1]);
    *pid_p = pid;
    return 0;
}

int mpirun_remote_launch(mpirun_remote_t *rm, mpirun_job_t *job, int local_node, const char *agent,
                         const mpirun_wire_job_t *desc, mpirun_iof_t *out, mpirun_iof_t *err,
                         char *errmsg, size_t errlen)
{
    memset(rm, 0, sizeof(*rm));
    rm->job = job;
    rm->out = out;
    rm->err = err;
    rm->listen_fd = -1;
    rm->start_deadline = now() + MPIRUN_DAEMON_START_S;
    rm->local_part = local_node >= 0;
    if (mpirun_tree_fanout_parse(getenv("MP_FENCE_FANOUT"), &rm->fanout, errmsg, errlen) != 0) {
        return -1;
    }
    rm->daemons = calloc((size_t)job->nhosts, sizeof(*rm->daemons));
    if (rm->daemons == NULL) {
        snprintf(errmsg, errlen, "out of memory");
        return -1;
    }
    mpirun_wire_put_job(&rm->job_frame, desc);
    char addrs[4096], self[4096], port_s[16], node_s[16];
    int port;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        snprintf(errmsg, errlen, "cannot find mpirun's own path: %s", strerror(errno));
        return -1;
    }
    self[n] = '\0';
    if (rm->job_frame.oom || address_list(desc, addrs, sizeof(addrs), errmsg, errlen) != 0 ||
        open_listener(rm, &port, errmsg, errlen) != 0) {
        return -1;
    }
    snprintf(port_s, sizeof(port_s), "%d", port);
    for (int h = 0; h < job->nhosts; h++) {
        if (h == local_node) {
            continue;
        }
        mpirun_daemon_t *d = &rm->daemons[rm->ndaemons];
        d->node = h;
        d->conn.fd = -1;
        snprintf(node_s, sizeof(node_s), "%d", h);
        char *daemon_argv[] = {self, MPIRUN_DAEMON_FLAG, node_s, port_s, addrs, NULL};
        char **argv = mpirun_agent_argv(agent != NULL ? agent : MPIRUN_AGENT_DEFAULT, job->hosts[h],
                                        daemon_argv, errmsg, errlen);
        if (argv == NULL) {
            return -1;
        }
        int rc = start_agent(argv, job->secret, &d->agent_pid, errmsg, errlen);
        mpirun_agent_argv_free(argv);
        if (rc != 0) {
            return -1;
        }
        rm->ndaemons++;
    }
    return 0;
}

static mpirun_daemon_t *daemon_of_node(mpirun_remote_t *rm, int node)
{
    for (int i = 0; i < rm->ndaemons; i++) {
        if (rm->daemons[i].node == node) {
            return &rm->daemons[i];
        }
    }
    return NULL;
}

static void lose_daemon(mpirun_remote_t *rm, mpirun_daemon_t *d, const char *why);

/* Sends what the daemon's queue holds; a daemon that cannot be written to is lost. */
static void flush_daemon(mpirun_remote_t *rm, mpirun_daemon_t *d)
{
    if (d->conn.fd >= 0 && mpirun_conn_flush(&d->conn) != 0) {
        if (rm->bye_sent) {
            mpirun_conn_close(&d->conn);
            d->closed = true;
        } else {
            lose_daemon(rm, d, strerror(errno));
        }
    }
}

/* Room for every daemon connecting at once, and some strangers besides. */
static size_t max_strangers(const mpirun_remote_t *rm)
{
    return (size_t)rm->ndaemons + 64;
}

static void accept_strangers(mpirun_remote_t *rm)
{
    for (;;) {
        char addr[MPIRUN_ADDR_LEN];
        int port;
        int fd = mpirun_conn_accept(rm->listen_fd, addr, &port);
        if (fd < 0) {
            return;
        }
        mpirun_stranger_t *grown = NULL;
        if (rm->nstrangers < max_strangers(rm)) {
            grown = realloc(rm->strangers, (rm->nstrangers + 1) * sizeof(*rm->strangers));
        }
        if (grown == NULL) {
            /* A flood of connections must not crowd out the daemons: the table is bounded. */
            mpirun_say("rejected a connection from %s:%d: too many connections wait to prove "
                       "themselves",
                       addr, port);
            close(fd);
            continue;
        }
        rm->strangers = grown;
        mpirun_stranger_t *s = &rm->strangers[rm->nstrangers++];
        memset(s, 0, sizeof(*s));
        mpirun_conn_init(&s->conn, fd, STRANGER_MAX_PAYLOAD);
        /* IPv6 in brackets, so that the port stands apart. */
        snprintf(s->peer, sizeof(s->peer), strchr(addr, ':') != NULL ? "[%s]:%d" : "%s:%d", addr,
                 port);
        snprintf(s->addr, sizeof(s->addr), "%s", addr);
        s->deadline = now() + STRANGER_TIMEOUT_S;
        if (getrandom(s->nonce, sizeof(s->nonce), 0) != (ssize_t)sizeof(s->nonce)) {
            s->deadline = 0; /* without a nonce no proof is possible: turned away below */
        }
        mpirun_wire_begin(&s->conn.out, MPIRUN_WIRE_CHALLENGE);
        mpirun_wire_put_raw(&s->conn.out, s->nonce, sizeof(s->nonce));
        mpirun_wire_end(&s->conn.out);
        mpirun_conn_flush(&s->conn);
    }
}

/* Tree positions: 0 is mpirun, daemon i is i + 1. */
static int position_of(const mpirun_remote_t *rm, const mpirun_daemon_t *d)
{
    return (int)(d - rm->daemons) + 1;
}

/* Tells a connected daemon where its parent daemon listens, once both are known. */
static void send_parent(mpirun_remote_t *rm, mpirun_daemon_t *d)
{
    int parent = mpirun_tree_parent(position_of(rm, d), rm->fanout);
    if (parent == 0 || d->parent_sent || d->conn.fd < 0 || rm->daemons[parent - 1].port == 0) {
        return;
    }
    mpirun_daemon_t *p = &rm->daemons[parent - 1];
    mpirun_wire_put_parent(&d->conn.out, p->addr, p->port);
    d->parent_sent = true;
}

static void put_tree(mpirun_remote_t *rm, mpirun_daemon_t *d)
{
    int pos = position_of(rm, d);
    int nc = mpirun_tree_nchildren(pos, rm->fanout, rm->ndaemons);
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_TREE);
    mpirun_wire_put_u32(&d->conn.out, mpirun_tree_parent(pos, rm->fanout) > 0);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)nc);
    for (int i = 0; i < nc; i++) {
        int child = mpirun_tree_child(pos, rm->fanout, i);
        mpirun_wire_put_u32(&d->conn.out, (uint32_t)rm->daemons[child - 1].node);
    }
    mpirun_wire_end(&d->conn.out);
}

/* Parts of a whole-job fence mpirun waits for: its own host's, its children's in the tree and
 * those of the daemons it adopted. */
static int root_parts(const mpirun_remote_t *rm)
{
    return (rm->local_part ? 1 : 0) + mpirun_tree_nchildren(0, rm->fanout, rm->ndaemons) +
           rm->nadopted;
}

/* Checks a stranger's HELLO. Returns the daemon it proved to be, or NULL with why not. */
static mpirun_daemon_t *check_hello(mpirun_remote_t *rm, mpirun_stranger_t *s, char *why,
                                    size_t len)
{
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int rc = mpirun_conn_next(&s->conn, &type, &payload, &plen, why, len);
    if (rc <= 0) {
        if (rc == 0) {
            snprintf(why, len, "it did not introduce itself");
        }
        return NULL;
    }
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, plen);
    uint32_t node = mpirun_wire_get_u32(&rd);
    const uint8_t *nonce = mpirun_wire_get_raw(&rd, MPIRUN_WIRE_NONCE_LEN);
    const uint8_t *proof = mpirun_wire_get_raw(&rd, 32);
    if (type != MPIRUN_WIRE_HELLO || !mpirun_wire_reader_done(&rd)) {
        snprintf(why, len, "it sent a message of type %u, not a daemon's greeting", type);
        return NULL;
    }
    uint8_t expected[32];
    mpirun_wire_proof(rm->job->secret, MPIRUN_WIRE_ROLE_DAEMON, node, s->nonce, expected);
    mpirun_daemon_t *d = daemon_of_node(rm, (int)node);
    if (!mp_digest_equal(expected, proof)) {
        snprintf(why, len, "wrong secret (it does not belong to this job)");
        return NULL;
    }
    if (d == NULL || d->connected) {
        snprintf(why, len, "node %u has no daemon waiting for it", node);
        return NULL;
    }
    /* Our proof over its nonce, then the job. */
    uint8_t mine[32];
    mpirun_wire_proof(rm->job->secret, MPIRUN_WIRE_ROLE_MPIRUN, node, nonce, mine);
    d->conn = s->conn;
    d->conn.max_payload = MPIRUN_WIRE_MAX_PAYLOAD;
    mpirun_conn_tune(&d->conn);
    d->connected = true;
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_WELCOME);
    mpirun_wire_put_raw(&d->conn.out, mine, sizeof(mine));
    mpirun_wire_end(&d->conn.out);
    mpirun_wire_put_raw(&d->conn.out, rm->job_frame.data, rm->job_frame.len);
    snprintf(d->addr, sizeof(d->addr), "%s", s->addr);
    put_tree(rm, d);
    send_parent(rm, d);
    mpirun_wire_put_raw(&d->conn.out, d->held.data, d->held.len);
    mpirun_wire_buf_fini(&d->held);
    if (rm->job->ending) {
        /* The signals to end the job went out before it connected: its ranks go at once. */
        mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_SIGNAL);
        mpirun_wire_put_u32(&d->conn.out, SIGKILL);
        mpirun_wire_end(&d->conn.out);
    }
    return d;
}

static void drop_stranger(mpirun_remote_t *rm, size_t i)
{
    rm->strangers[i] = rm->strangers[--rm->nstrangers];
}

/* Reads what the stranger sent (nonblocking: at its deadline its greeting may be there), and
 * lets it in as its daemon or turns it away. */
static void handle_stranger(mpirun_remote_t *rm, size_t i)
{
    mpirun_stranger_t *s = &rm->strangers[i];
    char why[MSGLEN] = "";
    if (mpirun_conn_read(&s->conn) <= 0) {
        snprintf(why, sizeof(why), "it closed the connection before proving itself");
    }
    if (why[0] == '\0') {
        mpirun_daemon_t *d = check_hello(rm, s, why, sizeof(why));
        if (d != NULL) {
            flush_daemon(rm, d);
            drop_stranger(rm, i);
            return;
        }
        if (why[0] == '\0' || strcmp(why, "it did not introduce itself") == 0) {
            if (now() < s->deadline) {
                return; /* more to come */
            }
            snprintf(why, sizeof(why), "it did not prove itself within %g s", STRANGER_TIMEOUT_S);
        }
    }
    mpirun_say("rejected a connection from %s: %s", s->peer, why);
    mpirun_conn_close(&s->conn);
    drop_stranger(rm, i);
}

/* A daemon that broke the protocol or vanished: its ranks are lost, the job ends. */
static void lose_daemon(mpirun_remote_t *rm, mpirun_daemon_t *d, const char *why)
{
    mpirun_conn_close(&d->conn);
    if (d->closed) {
        return;
    }
    d->closed = true;
    char msg[MSGLEN];
    mpirun_job_host_lost(rm->job, d->node, why, msg, sizeof(msg));
    if (msg[0] != '\0') {
        mpirun_say("%s", msg);
    }
}

static bool rank_on(const mpirun_remote_t *rm, uint32_t rank, const mpirun_daemon_t *d)
{
    return rank < (uint32_t)rm->job->np && rm->job->ranks[rank].host == d->node;
}

static void send_fence_done(mpirun_remote_t *rm, mpirun_daemon_t *d, const mpirun_collect_t *c,
                            mpirun_wire_type_t type)
{
    if (d->conn.fd < 0) {
        return;
    }
    mpirun_wire_begin(&d->conn.out, type);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)(c->sig >> 32));
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)c->sig);
    mpirun_wire_put_u32(&d->conn.out, c->seq);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)c->status);
    mpirun_wire_put_bytes(&d->conn.out, c->data.data, c->data.len);
    mpirun_wire_end(&d->conn.out);
    flush_daemon(rm, d);
}

/* Adds one host's part (who: daemon index, -1 for this host's server), or with tree one
 * subtree's; completes the fence on every contributing host (and down their subtrees) once
 * all parts are in. False with why when the part is invalid. */
static bool collect(mpirun_remote_t *rm, bool tree, int who, uint64_t sig, uint32_t seq,
                    int expected, int status, const void *data, size_t ndata, char *why, size_t len)
{
    mpirun_collect_t *done;
    mpirun_collector_t *c = tree ? &rm->tree : &rm->collector;
    int rc = mpirun_collector_add(c, sig, seq, expected, who, status, data, ndata, &done, why, len);
    if (rc <= 0) {
        return rc == 0;
    }
    for (int k = 0; k < done->got; k++) {
        if (done->contributors[k] < 0) {
            mpirun_server_fence_complete(sig, seq, done->status, done->data.data, done->data.len);
        } else {
            send_fence_done(rm, &rm->daemons[done->contributors[k]], done,
                            tree ? MPIRUN_WIRE_FENCE_DOWN : MPIRUN_WIRE_FENCE_DONE);
        }
    }
    mpirun_collector_release(c, done);
    return true;
}

void mpirun_remote_fence(mpirun_remote_t *rm, const mpirun_fence_t *fence)
{
    char why[MSGLEN];
    /* A fence of the whole job goes through the tree (every host takes part, so every host
     * decides the same); one of some hosts only is gathered here directly. */
    bool tree = fence->nhosts == rm->job->nhosts;
    if (!collect(rm, tree, -1, fence->sig, fence->seq, tree ? root_parts(rm) : fence->nhosts,
                 fence->status, fence->data, fence->ndata, why, sizeof(why))) {
        mpirun_say("cannot relay a fence of this host's ranks: %s; ending the job", why);
        mpirun_job_end(rm->job, 1);
    }
}

/* Sends a direct modex answer to whoever asked: origin -1 is this host's server, else the
 * daemon with that index. */
static void dmodex_reply(mpirun_remote_t *rm, int origin, uint32_t id, int status, const void *data,
                         size_t ndata)
{
    if (origin < 0) {
        mpirun_server_dmodex_answer((int)id, status, data, ndata);
        return;
    }
    mpirun_daemon_t *d = &rm->daemons[origin];
    if (d->conn.fd < 0) {
        return;
    }
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_DMODEX_DONE);
    mpirun_wire_put_u32(&d->conn.out, id);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)status);
    mpirun_wire_put_bytes(&d->conn.out, data, ndata);
    mpirun_wire_end(&d->conn.out);
    flush_daemon(rm, d);
}

/* Routes a direct modex request of origin (see dmodex_reply) for rank to the host running
 * it. A rank that finalized or is gone, or whose daemon is, has nothing more to give (PMIx 4.2
 * would never answer for it): NOT_FOUND at once. */
static void dmodex_route(mpirun_remote_t *rm, int origin, uint32_t id, uint32_t rank)
{
    const mpirun_job_t *job = rm->job;
    if (rank >= (uint32_t)job->np || job->ranks[rank].finalized || job->ranks[rank].exited) {
        dmodex_reply(rm, origin, id, PMIX_ERR_NOT_FOUND, NULL, 0);
        return;
    }
    if (!job->ranks[rank].remote) {
        if (mpirun_server_dmodex_serve((int)rank, (uint32_t)origin, id) != PMIX_SUCCESS) {
            dmodex_reply(rm, origin, id, PMIX_ERR_NOT_FOUND, NULL, 0);
        }
        return;
    }
    mpirun_daemon_t *owner = NULL;
    for (int i = 0; i < rm->ndaemons; i++) {
        if (rm->daemons[i].node == job->ranks[rank].host) {
            owner = &rm->daemons[i];
        }
    }
    if (owner == NULL || owner->closed) {
        dmodex_reply(rm, origin, id, PMIX_ERR_NOT_FOUND, NULL, 0);
        return;
    }
    /* Ranks here may ask before that daemon connected: the request waits for it. */
    mpirun_wire_buf_t *out = owner->connected ? &owner->conn.out : &owner->held;
    mpirun_wire_begin(out, MPIRUN_WIRE_DMODEX_ASK);
    mpirun_wire_put_u32(out, (uint32_t)origin);
    mpirun_wire_put_u32(out, id);
    mpirun_wire_put_u32(out, rank);
    mpirun_wire_end(out);
    flush_daemon(rm, owner);
}

void mpirun_remote_dmodex(mpirun_remote_t *rm, int id)
{
    int rank;
    if (mpirun_server_dmodex_get(id, &rank)) {
        dmodex_route(rm, -1, (uint32_t)id, (uint32_t)rank);
    }
}

void mpirun_remote_dmodex_served(mpirun_remote_t *rm, int serial)
{
    mpirun_dmodex_data_t a;
    if (!mpirun_server_dmodex_served(serial, &a)) {
        return;
    }
    int origin = (int)a.origin;
    if (origin < rm->ndaemons) {
        dmodex_reply(rm, origin, a.id, a.status, a.data, a.ndata);
    }
    free(a.data);
}

/* Daemon d cannot reach its parent daemon (its ORPHAN message, the reason in text): it becomes
 * mpirun's child. Every whole-job fence here needs its part now, and its parent's one part
 * fewer (UNCHILD). This runs before any part of d's comes here (they follow ORPHAN on its
 * connection) and before the parent can send up a fence without d's subtree (it waits for
 * d's part until told), so every fence counts every host exactly once, in flight or not.
 * False with why when d had no daemon parent or already said so. */
static bool adopt(mpirun_remote_t *rm, mpirun_daemon_t *d, int tlen, const char *text, char *why,
                  size_t len)
{
    int parent = mpirun_tree_parent(position_of(rm, d), rm->fanout);
    if (parent == 0 || !d->parent_sent || d->adopted) {
        snprintf(why, len, "it gave up on a parent daemon it was not told to reach");
        return false;
    }
    if (mpirun_collector_adjust(&rm->tree, +1, why, len) != 0) {
        return false;
    }
    d->adopted = true;
    rm->nadopted++;
    mpirun_daemon_t *p = &rm->daemons[parent - 1];
    if (rm->verbose) {
        mpirun_say("the daemon on %s relays its fences through mpirun: %.*s",
                   rm->job->hosts[d->node], tlen, text);
    }
    if (p->conn.fd >= 0) {
        mpirun_wire_begin(&p->conn.out, MPIRUN_WIRE_UNCHILD);
        mpirun_wire_put_u32(&p->conn.out, (uint32_t)d->node);
        mpirun_wire_end(&p->conn.out);
        flush_daemon(rm, p);
    }
    return true;
}

/* One message from a daemon; false when it was invalid (why says how). */
static bool handle_message(mpirun_remote_t *rm, mpirun_daemon_t *d, uint16_t type,
                           const uint8_t *payload, size_t plen, char *why, size_t len)
{
    mpirun_job_t *job = rm->job;
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, plen);
    char msg[MSGLEN];
    switch (type) {
    case MPIRUN_WIRE_STARTED: {
        uint32_t n = mpirun_wire_get_u32(&rd);
        for (uint32_t i = 0; i < n && !rd.bad; i++) {
            uint32_t rank = mpirun_wire_get_u32(&rd);
            uint32_t pid = mpirun_wire_get_u32(&rd);
            if (!rank_on(rm, rank, d)) {
                rd.bad = true;
            } else if (!rd.bad) {
                job->ranks[rank].pid = (pid_t)pid;
            }
        }
        d->started = true;
        break;
    }
    case MPIRUN_WIRE_FAILED:
    case MPIRUN_WIRE_SAY: {
        size_t tlen;
        const uint8_t *text = mpirun_wire_get_bytes(&rd, &tlen);
        if (mpirun_wire_reader_done(&rd) && type == MPIRUN_WIRE_SAY) {
            mpirun_say("%.*s", (int)tlen, (const char *)text);
        } else if (mpirun_wire_reader_done(&rd)) {
            mpirun_say("daemon on %s: %.*s", job->hosts[d->node], (int)tlen, (const char *)text);
        }
        if (type == MPIRUN_WIRE_FAILED) {
            snprintf(why, len, "its ranks could not start");
            return false;
        }
        break;
    }
    case MPIRUN_WIRE_OUTPUT: {
        uint32_t rank = mpirun_wire_get_u32(&rd);
        uint32_t stream = mpirun_wire_get_u32(&rd);
        size_t n;
        const uint8_t *bytes = mpirun_wire_get_bytes(&rd, &n);
        if (!mpirun_wire_reader_done(&rd) || !rank_on(rm, rank, d) || stream < 1 || stream > 2) {
            rd.bad = true;
            break;
        }
        mpirun_iof_push(stream == 1 ? &rm->out[rank] : &rm->err[rank], (const char *)bytes, n);
        return true;
    }
    case MPIRUN_WIRE_EVENT: {
        uint32_t kind = mpirun_wire_get_u32(&rd);
        uint32_t rank = mpirun_wire_get_u32(&rd);
        int status = (int)mpirun_wire_get_u32(&rd);
        if (!mpirun_wire_reader_done(&rd) || !rank_on(rm, rank, d)) {
            rd.bad = true;
        } else if (kind == MPIRUN_EVENT_CONNECTED) {
            mpirun_job_rank_connected(job, (int)rank, msg, sizeof(msg));
            if (msg[0] != '\0') {
                mpirun_say("%s", msg);
            }
        } else if (kind == MPIRUN_EVENT_FINALIZED) {
            mpirun_job_rank_finalized(job, (int)rank);
        } else if (kind == MPIRUN_EVENT_ABORTED) {
            mpirun_job_rank_aborted(job, (int)rank, status);
        } else {
            rd.bad = true;
        }
        break;
    }
    case MPIRUN_WIRE_EXITED: {
        uint32_t rank = mpirun_wire_get_u32(&rd);
        int wstatus = (int)mpirun_wire_get_u32(&rd);
        if (!mpirun_wire_reader_done(&rd) || !rank_on(rm, rank, d) || job->ranks[rank].exited) {
            rd.bad = true;
            break;
        }
        mpirun_job_rank_exited(job, (int)rank, wstatus, msg, sizeof(msg));
        if (msg[0] != '\0') {
            mpirun_say("%s", msg);
        }
        break;
    }
    case MPIRUN_WIRE_FENCE: {
        uint64_t sig = (uint64_t)mpirun_wire_get_u32(&rd) << 32;
        sig |= mpirun_wire_get_u32(&rd);
        uint32_t seq = mpirun_wire_get_u32(&rd);
        uint32_t expected = mpirun_wire_get_u32(&rd);
        int status = (int)mpirun_wire_get_u32(&rd);
        size_t n;
        const uint8_t *bytes = mpirun_wire_get_bytes(&rd, &n);
        if (!mpirun_wire_reader_done(&rd) || expected < 1 || expected > (uint32_t)job->nhosts) {
            rd.bad = true;
            break;
        }
        return collect(rm, false, (int)(d - rm->daemons), sig, seq, (int)expected, status, bytes, n,
                       why, len);
    }
    case MPIRUN_WIRE_FENCE_UP: {
        uint64_t sig = (uint64_t)mpirun_wire_get_u32(&rd) << 32;
        sig |= mpirun_wire_get_u32(&rd);
        uint32_t seq = mpirun_wire_get_u32(&rd);
        int status = (int)mpirun_wire_get_u32(&rd);
        size_t n;
        const uint8_t *bytes = mpirun_wire_get_bytes(&rd, &n);
        if (!mpirun_wire_reader_done(&rd) ||
            (mpirun_tree_parent(position_of(rm, d), rm->fanout) != 0 && !d->adopted)) {
            rd.bad = true; /* only mpirun's own children send it here */
            break;
        }
        return collect(rm, true, (int)(d - rm->daemons), sig, seq, root_parts(rm), status, bytes, n,
                       why, len);
    }
    case MPIRUN_WIRE_LISTENING: {
        int port, pos = position_of(rm, d);
        char addr[MPIRUN_ADDR_LEN];
        if (mpirun_wire_get_listening(payload, plen, &port, addr, why, len) != 0) {
            return false;
        }
        if (d->port != 0 || mpirun_tree_nchildren(pos, rm->fanout, rm->ndaemons) == 0) {
            rd.bad = true;
            break;
        }
        /* Its own choice when the interface filter left out the one it came from. */
        if (addr[0] != '\0') {
            memcpy(d->addr, addr, sizeof(d->addr));
        }
        d->port = port;
        for (int i = 0; i < mpirun_tree_nchildren(pos, rm->fanout, rm->ndaemons); i++) {
            mpirun_daemon_t *child = &rm->daemons[mpirun_tree_child(pos, rm->fanout, i) - 1];
            send_parent(rm, child);
            flush_daemon(rm, child);
        }
        return true;
    }
    case MPIRUN_WIRE_ORPHAN: {
        size_t tlen;
        const uint8_t *text = mpirun_wire_get_bytes(&rd, &tlen);
        if (!mpirun_wire_reader_done(&rd)) {
            break;
        }
        return adopt(rm, d, (int)tlen, (const char *)text, why, len);
    }
    case MPIRUN_WIRE_DMODEX_REQ: {
        uint32_t id = mpirun_wire_get_u32(&rd);
        uint32_t rank = mpirun_wire_get_u32(&rd);
        if (mpirun_wire_reader_done(&rd)) {
            dmodex_route(rm, (int)(d - rm->daemons), id, rank);
        }
        break;
    }
    case MPIRUN_WIRE_DMODEX_DATA: {
        uint32_t origin = mpirun_wire_get_u32(&rd);
        uint32_t id = mpirun_wire_get_u32(&rd);
        int status = (int)mpirun_wire_get_u32(&rd);
        size_t n;
        const uint8_t *bytes = mpirun_wire_get_bytes(&rd, &n);
        /* origin is what we sent: this host's server (-1) or a daemon's index. */
        if (!mpirun_wire_reader_done(&rd) ||
            ((int)origin >= rm->ndaemons && origin != UINT32_MAX)) {
            rd.bad = true;
            break;
        }
        dmodex_reply(rm, origin == UINT32_MAX ? -1 : (int)origin, id, status, bytes, n);
        break;
    }
    default:
        snprintf(why, len, "it sent a message of unknown type %u", type);
        return false;
    }
    if (!mpirun_wire_reader_done(&rd)) {
        snprintf(why, len, "it sent a malformed message (type %u, %zu bytes)", type, plen);
        return false;
    }
    return true;
}

static void handle_daemon(mpirun_remote_t *rm, mpirun_daemon_t *d, short revents)
{
    char why[MSGLEN] = "";
    if (revents & POLLOUT) {
        flush_daemon(rm, d);
    }
    if (d->conn.fd < 0 || !(revents & (POLLIN | POLLHUP | POLLERR))) {
        return;
    }
    int rc = mpirun_conn_read(&d->conn);
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int got;
    while ((got = mpirun_conn_next(&d->conn, &type, &payload, &plen, why, sizeof(why))) == 1) {
        if (!handle_message(rm, d, type, payload, plen, why, sizeof(why))) {
            got = -1;
            break;
        }
    }
    if (got < 0) {
        lose_daemon(rm, d, why);
    } else if (rc <= 0) {
        if (rm->bye_sent) {
            mpirun_conn_close(&d->conn); /* it finished as told */
            d->closed = true;
        } else {
            lose_daemon(rm, d, rc == 0 ? "the connection closed" : strerror(errno));
        }
    }
}

size_t mpirun_remote_nfds_max(const mpirun_remote_t *rm)
{
    return 1 + (size_t)rm->ndaemons + max_strangers(rm);
}

size_t mpirun_remote_pollfds(mpirun_remote_t *rm, struct pollfd *fds)
{
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = rm->listen_fd, .events = POLLIN};
    for (int i = 0; i < rm->ndaemons; i++) {
        mpirun_conn_t *c = &rm->daemons[i].conn;
        short ev = (short)(POLLIN | (mpirun_conn_wants_write(c) ? POLLOUT : 0));
        fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    for (size_t i = 0; i < rm->nstrangers; i++) {
        fds[n++] = (struct pollfd){.fd = rm->strangers[i].conn.fd, .events = POLLIN};
    }
    return n;
}

void mpirun_remote_handle(mpirun_remote_t *rm, const struct pollfd *fds, size_t nfds)
{
    size_t n = 1;
    for (int i = 0; i < rm->ndaemons && n < nfds; i++, n++) {
        if (fds[n].fd >= 0 && fds[n].revents != 0) {
            handle_daemon(rm, &rm->daemons[i], fds[n].revents);
        }
    }
    /* Strangers: from the last, since handling one may drop it (the last moves in its place).
     * Every stranger is checked for its deadline too. */
    size_t polled = nfds > n ? nfds - n : 0;
    for (size_t i = rm->nstrangers; i-- > 0;) {
        bool readable = i < polled && fds[n + i].revents != 0;
        if (readable || now() >= rm->strangers[i].deadline) {
            handle_stranger(rm, i);
        }
    }
    if (nfds > 0 && fds[0].revents != 0) {
        accept_strangers(rm);
    }
}

bool mpirun_remote_reaped(mpirun_remote_t *rm, pid_t pid, int wstatus)
{
    for (int i = 0; i < rm->ndaemons; i++) {
        mpirun_daemon_t *d = &rm->daemons[i];
        if (d->agent_pid != pid || pid <= 0) {
            continue;
        }
        d->agent_pid = 0;
        if (!d->connected && !rm->bye_sent) {
            char why[MSGLEN];
            if (WIFSIGNALED(wstatus)) {
                snprintf(why, sizeof(why),
                         "its launch agent was killed by signal %d before the daemon connected",
                         WTERMSIG(wstatus));
            } else {
                snprintf(why, sizeof(why),
                         "its launch agent exited with status %d before the daemon connected "
                         "(is the host reachable, and mpirun installed there at the same path?)",
                         WEXITSTATUS(wstatus));
            }
            lose_daemon(rm, d, why);
        }
        return true;
    }
    return false;
}

void mpirun_remote_signal(mpirun_remote_t *rm, int sig)
{
    for (int i = 0; i < rm->ndaemons; i++) {
        mpirun_daemon_t *d = &rm->daemons[i];
        if (d->conn.fd >= 0) {
            mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_SIGNAL);
            mpirun_wire_put_u32(&d->conn.out, (uint32_t)sig);
            mpirun_wire_end(&d->conn.out);
            flush_daemon(rm, d);
        }
    }
}

void mpirun_remote_end(mpirun_remote_t *rm, bool clean)
{
    if (rm->bye_sent) {
        return;
    }
    rm->bye_sent = true;
    for (int i = 0; i < rm->ndaemons; i++) {
        mpirun_daemon_t *d = &rm->daemons[i];
        if (d->conn.fd >= 0) {
            mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_BYE);
            mpirun_wire_put_u32(&d->conn.out, clean);
            mpirun_wire_end(&d->conn.out);
            flush_daemon(rm, d);
        }
    }
}

bool mpirun_remote_is_done(const mpirun_remote_t *rm)
{
    for (int i = 0; i < rm->ndaemons; i++) {
        if (rm->daemons[i].conn.fd >= 0 || rm->daemons[i].agent_pid > 0) {
            return false;
        }
    }
    return true;
}

void mpirun_remote_check_deadline(mpirun_remote_t *rm)
{
    if (now() < rm->start_deadline) {
        return;
    }
    for (int i = 0; i < rm->ndaemons; i++) {
        mpirun_daemon_t *d = &rm->daemons[i];
        if (!d->started && !d->closed) {
            char why[MSGLEN];
            snprintf(why, sizeof(why), "its ranks were not running %g s after its launch",
                     MPIRUN_DAEMON_START_S);
            lose_daemon(rm, d, why);
        }
    }
}

double mpirun_remote_next_deadline(const mpirun_remote_t *rm)
{
    double next = -1;
    for (int i = 0; i < rm->ndaemons; i++) {
        if (!rm->daemons[i].started && !rm->daemons[i].closed) {
            next = rm->start_deadline;
        }
    }
    for (size_t i = 0; i < rm->nstrangers; i++) {
        if (next < 0 || rm->strangers[i].deadline < next) {
            next = rm->strangers[i].deadline;
        }
    }
    return next;
}

void mpirun_remote_fini(mpirun_remote_t *rm)
{
    for (int i = 0; rm->daemons != NULL && i < rm->ndaemons; i++) {
        mpirun_daemon_t *d = &rm->daemons[i];
        mpirun_conn_close(&d->conn);
        if (d->agent_pid > 0) {
            kill(-d->agent_pid, SIGKILL);
            kill(d->agent_pid, SIGKILL);
            waitpid(d->agent_pid, NULL, 0);
            d->agent_pid = 0;
        }
    }
    for (size_t i = 0; i < rm->nstrangers; i++) {
        mpirun_conn_close(&rm->strangers[i].conn);
    }
    for (int i = 0; rm->daemons != NULL && i < rm->ndaemons; i++) {
        mpirun_wire_buf_fini(&rm->daemons[i].held);
    }
    mpirun_collector_fini(&rm->collector);
    mpirun_collector_fini(&rm->tree);
    if (rm->listen_fd >= 0) {
        close(rm->listen_fd);
    }
    mpirun_wire_buf_fini(&rm->job_frame);
    free(rm->daemons);
    free(rm->strangers);
    memset(rm, 0, sizeof(*rm));
    rm->listen_fd = -1;
}
