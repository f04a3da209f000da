/*
 * mpirun's daemon mode (mpirun --libmp-daemon NODE PORT ADDRS, started by the launch agent on
 * another host): connects back to mpirun, proves it knows the job's secret (read from stdin),
 * runs the PMIx server for its node's ranks, launches them bound, and relays their output,
 * events, exits and fences. When mpirun is lost it kills its ranks and exits.
 */
#define _GNU_SOURCE
#include "mpirun/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hwloc.h>
#include <hwloc/glibc-sched.h>
#include <pmix_common.h>

#include "hwtopo/hwtopo.h"
#include "mpirun/addrs.h"
#include "mpirun/conn.h"
#include "mpirun/launch.h"
#include "mpirun/loop.h"
#include "mpirun/mapping.h"
#include "mpirun/relay.h"
#include "mpirun/server.h"
#include "mpirun/tmpdir.h"
#include "mpirun/wire.h"
#include "util/sha256.h"

#define ERRLEN 512
#define SETUP_TIMEOUT_MS 30000    /* for each step of the handshake */
#define CONNECT_TIMEOUT_MS 5000   /* per address of mpirun */
#define OUTPUT_BACKLOG (4u << 20) /* stop reading the ranks' pipes while this much waits */
#define READ_CHUNK 65536

typedef struct daemon_rank {
    int rank;
    pid_t pid;
    int fd[2];      /* stdout and stderr pipes, -1 once closed */
    bool finalized; /* called PMIx_Finalize: PMIx answers no more requests for its data */
    bool exited;    /* reaped */
} daemon_rank_t;

typedef struct daemon {
    int node;
    uint8_t secret[32];
    mpirun_conn_t conn;
    mpirun_wire_job_t desc;
    mpirun_job_t job;
    bool job_ready;
    hwloc_topology_t topo;
    hwloc_bitmap_t *cpusets;
    daemon_rank_t *ranks; /* this node's ranks */
    int nlocal;
    int nexited;
    char tmpdir[4096];
    char **programs; /* each program's path (desc.napps), NULL when none of its ranks is here */
    int signal_fd;
    bool bye, clean, lost;
    mpirun_relay_t relay; /* its place in the tree that relays whole-job fences */
    bool relay_ready;
} daemon_t;

/* Before the connection to mpirun exists, messages can only go to stderr (the agent's). */
static void say_stderr(const daemon_t *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say_stderr(const daemon_t *d, const char *fmt, ...)
{
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "mpirun (daemon for node %d): ", d->node);
    va_list ap;
    va_start(ap, fmt);
    mpirun_vsay(prefix, fmt, ap);
    va_end(ap);
}

static void send_text(daemon_t *d, mpirun_wire_type_t type, const char *text)
{
    mpirun_wire_begin(&d->conn.out, type);
    mpirun_wire_put_str(&d->conn.out, text);
    mpirun_wire_end(&d->conn.out);
    mpirun_conn_flush(&d->conn);
}

/* The fence tree turns a connection away: the user hears of it through mpirun. */
static void relay_say(void *ctx, const char *line)
{
    daemon_t *d = ctx;
    char text[600];
    snprintf(text, sizeof(text), "daemon on %s: %s", d->job_ready ? d->job.hosts[d->node] : "?",
             line);
    send_text(d, MPIRUN_WIRE_SAY, text);
}

/* The secret: one line of 64 hex digits on stdin, which is then let go. */
static int read_secret(daemon_t *d)
{
    char line[80];
    size_t n = 0;
    while (n < sizeof(line) - 1 && !isatty(STDIN_FILENO)) { /* a person typing: not mpirun */
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&p, 1, SETUP_TIMEOUT_MS) <= 0) {
            break;
        }
        ssize_t got = read(STDIN_FILENO, line + n, 1);
        if (got <= 0 || line[n] == '\n') {
            break;
        }
        n++;
    }
    line[n] = '\0';
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        close(fd);
    }
    if (mpirun_wire_secret_parse(line, d->secret) != 0) {
        say_stderr(d, "no job secret on stdin (this mode is started by mpirun only)");
        return -1;
    }
    return 0;
}

/* Tries mpirun's addresses in order (the first that answers wins). */
static int connect_back(daemon_t *d, int port, const char *addrs)
{
    char *list = strdup(addrs), *save = NULL;
    int fd = -1;
    for (char *a = strtok_r(list, ",", &save); list != NULL && a != NULL && fd < 0;
         a = strtok_r(NULL, ",", &save)) {
        if (mpirun_addrs_family(a) < 0) {
            say_stderr(d, "\"%s\" in mpirun's address list is neither IPv4 nor IPv6", a);
            continue;
        }
        fd = mpirun_conn_connect(a, port, CONNECT_TIMEOUT_MS);
    }
    free(list);
    if (fd < 0) {
        say_stderr(d, "cannot connect to mpirun at port %d of any of %s", port, addrs);
        return -1;
    }
    mpirun_conn_init(&d->conn, fd, MPIRUN_WIRE_MAX_PAYLOAD);
    mpirun_conn_tune(&d->conn);
    return 0;
}

/* Waits for the next frame during the handshake. */
static int next_frame(daemon_t *d, uint16_t *type, const uint8_t **payload, size_t *len)
{
    char err[ERRLEN];
    for (;;) {
        int rc = mpirun_conn_next(&d->conn, type, payload, len, err, sizeof(err));
        if (rc < 0) {
            say_stderr(d, "mpirun sent something invalid: %s", err);
            return -1;
        }
        if (rc == 1) {
            return 0;
        }
        struct pollfd p = {.fd = d->conn.fd, .events = POLLIN};
        if (poll(&p, 1, SETUP_TIMEOUT_MS) != 1 || mpirun_conn_read(&d->conn) != 1) {
            say_stderr(d, "mpirun closed the connection or did not answer");
            return -1;
        }
    }
}

/* The address this daemon's children in the fence tree connect to: "" for the one it reached
 * mpirun from (mpirun saw it), unless the job's interface filter leaves that one out; then
 * another of this host's that passes. -1 with a message when none passes. */
static int child_address(daemon_t *d, char addr[MPIRUN_ADDR_LEN])
{
    const char *spec = mpirun_addrs_spec(d->desc.env, d->desc.nenv, getenv("MP_NET_IF"));
    mp_netfilter_t filter;
    char err[ERRLEN], self[MPIRUN_ADDR_LEN];
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    struct ifaddrs *ifs = NULL;
    if (mpirun_addrs_filter(spec, "MP_NET_IF", &filter, err, sizeof(err)) != 0) {
        say_stderr(d, "%s", err);
        return -1;
    }
    if (getsockname(d->conn.fd, (struct sockaddr *)&ss, &sslen) != 0 ||
        mpirun_addrs_from_sockaddr((struct sockaddr *)&ss, self, NULL) != 0 ||
        getifaddrs(&ifs) != 0) {
        say_stderr(d, "cannot list this host's addresses: %s", strerror(errno));
        return -1;
    }
    int rc = mpirun_addrs_pick(ifs, &filter, self, addr);
    freeifaddrs(ifs);
    if (rc != 0) {
        say_stderr(d,
                   "no address of this host passes the interface filter \"%s\" (--net-if or "
                   "MP_NET_IF): the daemons below this one in the fence tree could not reach it",
                   spec);
        return -1;
    }
    if (strcmp(addr, self) == 0) {
        addr[0] = '\0';
    }
    return 0;
}

/* Both directions: we answer mpirun's challenge, mpirun answers ours, then the job comes. */
static int handshake(daemon_t *d)
{
    uint16_t type;
    const uint8_t *payload;
    size_t len;
    uint8_t nonce[MPIRUN_WIRE_NONCE_LEN], proof[32];
    if (next_frame(d, &type, &payload, &len) != 0) {
        return -1;
    }
    if (type != MPIRUN_WIRE_CHALLENGE || len != MPIRUN_WIRE_NONCE_LEN ||
        getrandom(nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce)) {
        say_stderr(d, "no valid challenge from mpirun");
        return -1;
    }
    mpirun_wire_proof(d->secret, MPIRUN_WIRE_ROLE_DAEMON, (uint32_t)d->node, payload, proof);
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_HELLO);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)d->node);
    mpirun_wire_put_raw(&d->conn.out, nonce, sizeof(nonce));
    mpirun_wire_put_raw(&d->conn.out, proof, sizeof(proof));
    mpirun_wire_end(&d->conn.out);
    if (mpirun_conn_flush_wait(&d->conn, SETUP_TIMEOUT_MS) != 0 ||
        next_frame(d, &type, &payload, &len) != 0) {
        return -1;
    }
    mpirun_wire_proof(d->secret, MPIRUN_WIRE_ROLE_MPIRUN, (uint32_t)d->node, nonce, proof);
    if (type != MPIRUN_WIRE_WELCOME || len != 32 || !mp_digest_equal(payload, proof)) {
        say_stderr(d, "the process that answered did not prove it is our mpirun; giving up");
        return -1;
    }
    char err[ERRLEN];
    if (next_frame(d, &type, &payload, &len) != 0) {
        return -1;
    }
    if (type != MPIRUN_WIRE_JOB || mpirun_wire_get_job(payload, len, &d->desc, err, ERRLEN) != 0) {
        say_stderr(d, "bad job from mpirun: %s", type == MPIRUN_WIRE_JOB ? err : "not a job");
        return -1;
    }
    if (d->node >= d->desc.nhosts) {
        say_stderr(d, "the job has no node %d", d->node);
        return -1;
    }
    if (next_frame(d, &type, &payload, &len) != 0) {
        return -1;
    }
    int port = 0;
    d->relay_ready = true;
    if (type != MPIRUN_WIRE_TREE || mpirun_relay_init(&d->relay, d->node, d->secret, &d->conn,
                                                      payload, len, &port, err, ERRLEN) != 0) {
        say_stderr(d, "%s", type == MPIRUN_WIRE_TREE ? err : "no fence tree from mpirun");
        return -1;
    }
    d->relay.say = relay_say;
    d->relay.say_ctx = d;
    char addr[MPIRUN_ADDR_LEN];
    if (port > 0) {
        if (child_address(d, addr) != 0) {
            return -1;
        }
        mpirun_wire_put_listening(&d->conn.out, port, addr);
    }
    return 0;
}

static int block_signals(daemon_t *d)
{
    sigset_t set;
    sigemptyset(&set);
    int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaddset(&set, sigs[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
        (d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        say_stderr(d, "signalfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* The job as mpirun described it, the topology and bindings of this host, the PMIx server. */
/* Finds the programs of this host's ranks before any starts (mpirun names the host). */
static int resolve_programs(daemon_t *d, char *err)
{
    d->programs = calloc((size_t)d->desc.napps, sizeof(char *));
    if (d->programs == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    for (int i = 0; i < d->nlocal; i++) {
        int a = d->desc.app_of_rank[d->ranks[i].rank];
        const char *dirs = d->desc.apps[a].path[0] != '\0' ? d->desc.apps[a].path : NULL;
        if (d->programs[a] == NULL &&
            (d->programs[a] = mpirun_launch_find(d->desc.apps[a].argv[0], dirs, a, d->desc.napps,
                                                 err, ERRLEN)) == NULL) {
            return -1;
        }
    }
    return 0;
}

static int setup_job(daemon_t *d, char *err)
{
    mpirun_wire_job_t *w = &d->desc;
    if (mpirun_job_init(&d->job, w->nspace, w->np, w->nhosts, w->hosts, w->host_of_rank) != 0) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    d->job_ready = true;
    memcpy(d->job.secret, d->secret, sizeof(d->secret));
    d->nlocal = d->job.host_nranks[d->node];
    d->ranks = calloc((size_t)d->nlocal, sizeof(*d->ranks));
    d->cpusets = calloc((size_t)d->nlocal, sizeof(hwloc_bitmap_t));
    if (d->ranks == NULL || d->cpusets == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    for (int r = 0, i = 0; r < d->job.np; r++) {
        d->job.ranks[r].app = w->app_of_rank[r];
        if (d->job.ranks[r].host == d->node) {
            d->ranks[i++] = (daemon_rank_t){.rank = r, .fd = {-1, -1}};
        } else {
            d->job.ranks[r].remote = true;
        }
    }
    if (w->wdir != NULL && w->wdir[0] != '\0' && chdir(w->wdir) != 0 && w->wdir_given) {
        snprintf(err, ERRLEN, "cannot enter --wdir %s: %s", w->wdir, strerror(errno));
        return -1;
    }
    if (mp_hwtopo_load(&d->topo) != 0 || mp_hwtopo_restrict_to_binding(d->topo) != 0) {
        snprintf(err, ERRLEN, "cannot read this host's topology with hwloc");
        return -1;
    }
    if (mpirun_bind_compute(d->topo, d->nlocal, (mpirun_map_t)w->map_by, (mpirun_bind_t)w->bind_to,
                            d->cpusets, NULL, err, ERRLEN) != 0 ||
        resolve_programs(d, err) != 0 ||
        mpirun_tmpdir_make(d->tmpdir, sizeof(d->tmpdir), err, ERRLEN) != 0) {
        return -1;
    }
    setenv("PMIX_MCA_gds", "hash", 1);
    setenv("PMIX_MCA_pmix_hwloc_hole_kind", "none", 1);
    if (mpirun_server_init(d->tmpdir, d->topo, err, ERRLEN) != 0) {
        return -1;
    }
    mpirun_server_relay_fences();
    return mpirun_server_register_job(&d->job, d->node, err, ERRLEN);
}

static void report_bindings(daemon_t *d)
{
    for (int i = 0; i < d->nlocal; i++) {
        char desc[512], line[800];
        mpirun_bind_describe_rank(d->topo, d->cpusets[i], d->nlocal, (mpirun_bind_t)d->desc.bind_to,
                                  desc, sizeof(desc));
        snprintf(line, sizeof(line), "rank %d on %s: %s", d->ranks[i].rank, d->job.hosts[d->node],
                 desc);
        send_text(d, MPIRUN_WIRE_SAY, line);
    }
}

static int start_ranks(daemon_t *d, char *err)
{
    mpirun_child_t *children = calloc((size_t)d->nlocal, sizeof(*children));
    if (children == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int result = 0;
    for (int i = 0; i < d->nlocal && result == 0; i++) {
        char **env;
        int r = d->ranks[i].rank;
        int app = d->desc.app_of_rank[r];
        if (mpirun_server_setup_rank(&d->job, r, d->desc.apps[app].env, d->desc.apps[app].nenv,
                                     &env, err, ERRLEN) != 0) {
            result = -1;
            break;
        }
        cpu_set_t cpus;
        if (d->cpusets[i] != NULL) {
            hwloc_cpuset_to_glibc_sched_affinity(d->topo, d->cpusets[i], &cpus, sizeof(cpus));
        }
        /* Remote ranks read no stdin: mpirun forwards it to rank 0 only when it is local. */
        mpirun_launch_t spec = {
            .path = d->programs[app],
            .argv = d->desc.apps[app].argv,
            .wdir = d->desc.apps[app].wdir[0] != '\0' ? d->desc.apps[app].wdir : NULL,
            .envp = env,
            .cpus = d->cpusets[i] != NULL ? &cpus : NULL,
        };
        mpirun_server_lock();
        result = mpirun_launch(&spec, &children[i], err, ERRLEN);
        if (result == 0) {
            mpirun_server_rank_started(r, children[i].pid);
        }
        mpirun_server_unlock();
        mpirun_server_env_free(env);
        if (result == 0) {
            d->ranks[i].pid = children[i].pid;
            d->job.ranks[r].pid = children[i].pid;
            d->ranks[i].fd[0] = children[i].out_fd;
            d->ranks[i].fd[1] = children[i].err_fd;
        }
    }
    for (int i = 0; i < d->nlocal && d->ranks[i].pid > 0; i++) {
        char exec_err[ERRLEN];
        const char *path = d->programs[d->desc.app_of_rank[d->ranks[i].rank]];
        if (mpirun_launch_confirm(&children[i], path, exec_err, ERRLEN) != 0 && result == 0) {
            snprintf(err, ERRLEN, "%s", exec_err);
            result = -1;
        }
    }
    free(children);
    return result;
}

static void signal_ranks(daemon_t *d, int sig)
{
    for (int i = 0; i < d->nlocal; i++) {
        if (d->ranks[i].pid > 0 && !d->ranks[i].exited) {
            kill(-d->ranks[i].pid, sig);
            kill(d->ranks[i].pid, sig);
        }
    }
}

/* Without mpirun nobody can judge the job: every rank goes, at once. */
static void lose_mpirun(daemon_t *d, const char *why)
{
    if (!d->lost && !d->bye) {
        say_stderr(d, "%s; killing this host's ranks", why);
    }
    d->lost = true;
    mpirun_conn_close(&d->conn);
    signal_ranks(d, SIGKILL);
}

/* The link up the fence tree is gone (or broke the protocol): with ranks still running no
 * whole-job fence can complete here, so they go, as when mpirun is lost; mpirun then sees this
 * host lost. Once the ranks are done (the job ending) it does not matter. */
static void lose_parent(daemon_t *d, const char *why)
{
    if (d->nexited < d->nlocal && !d->bye) {
        lose_mpirun(d, why);
    }
}

static void send_output(daemon_t *d, int rank, int stream, const char *data, size_t len)
{
    if (d->conn.fd < 0) {
        return;
    }
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_OUTPUT);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)rank);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)stream);
    mpirun_wire_put_bytes(&d->conn.out, data, len);
    mpirun_wire_end(&d->conn.out);
}

/* Forwards what one pipe holds now; closes it at end of file. */
static void read_pipe(daemon_t *d, daemon_rank_t *dr, int k)
{
    char buf[READ_CHUNK];
    while (dr->fd[k] >= 0) {
        ssize_t n = read(dr->fd[k], buf, sizeof(buf));
        if (n > 0) {
            send_output(d, dr->rank, k + 1, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        close(dr->fd[k]);
        dr->fd[k] = -1;
    }
}

static void send_event(daemon_t *d, mpirun_event_kind_t kind, int rank, int status)
{
    if (d->conn.fd < 0) {
        return;
    }
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_EVENT);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)kind);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)rank);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)status);
    mpirun_wire_end(&d->conn.out);
}

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Direct modex: a local rank's request goes to mpirun, which routes it to the target's host. */
static void send_dmodex_request(daemon_t *d, int id)
{
    int rank;
    if (!mpirun_server_dmodex_get(id, &rank)) {
        return;
    }
    if (d->conn.fd < 0) {
        mpirun_server_dmodex_answer(id, PMIX_ERR_UNREACH, NULL, 0);
        return;
    }
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_DMODEX_REQ);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)id);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)rank);
    mpirun_wire_end(&d->conn.out);
}

static void send_dmodex_data(daemon_t *d, uint32_t origin, uint32_t id, int status,
                             const void *data, size_t ndata)
{
    if (d->conn.fd < 0) {
        return;
    }
    mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_DMODEX_DATA);
    mpirun_wire_put_u32(&d->conn.out, origin);
    mpirun_wire_put_u32(&d->conn.out, id);
    mpirun_wire_put_u32(&d->conn.out, (uint32_t)status);
    mpirun_wire_put_bytes(&d->conn.out, data, ndata);
    mpirun_wire_end(&d->conn.out);
}

/* mpirun asks for a local rank's data for another host: a rank that finalized or was reaped has
 * nothing more to give (and PMIx 4.2 would never answer for it: the requester would wait for its
 * timeout). */
static void serve_dmodex(daemon_t *d, uint32_t origin, uint32_t id, uint32_t rank)
{
    int status = PMIX_ERR_NOT_FOUND;
    for (int i = 0; i < d->nlocal; i++) {
        if (d->ranks[i].rank == (int)rank && !d->ranks[i].finalized && !d->ranks[i].exited) {
            status = mpirun_server_dmodex_serve((int)rank, origin, id);
        }
    }
    if (status != PMIX_SUCCESS) {
        send_dmodex_data(d, origin, id, PMIX_ERR_NOT_FOUND, NULL, 0);
    }
}

static void handle_server_events(daemon_t *d)
{
    mpirun_event_t ev;
    mpirun_fence_t f;
    mpirun_dmodex_data_t a;
    while (mpirun_server_next_event(&ev)) {
        if (ev.kind == MPIRUN_EVENT_DMODEX) {
            send_dmodex_request(d, ev.rank);
        } else if (ev.kind == MPIRUN_EVENT_DMODEX_DATA) {
            if (mpirun_server_dmodex_served(ev.rank, &a)) {
                send_dmodex_data(d, a.origin, a.id, a.status, a.data, a.ndata);
                free(a.data);
            }
        } else if (ev.kind != MPIRUN_EVENT_FENCE) {
            for (int i = 0; ev.kind == MPIRUN_EVENT_FINALIZED && i < d->nlocal; i++) {
                d->ranks[i].finalized = d->ranks[i].finalized || d->ranks[i].rank == ev.rank;
            }
            send_event(d, ev.kind, ev.rank, ev.status);
        } else if (!mpirun_server_fence_get(ev.rank, &f) || d->conn.fd < 0) {
            continue;
        } else if (f.nhosts == d->desc.nhosts) {
            /* The whole job's hosts: up the tree, gathered with this daemon's subtree. */
            char err[ERRLEN];
            if (mpirun_relay_part(&d->relay, f.sig, f.seq, f.status, f.data, f.ndata, err,
                                  ERRLEN) != 0) {
                lose_mpirun(d, err);
            }
        } else {
            mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_FENCE);
            mpirun_wire_put_u32(&d->conn.out, (uint32_t)(f.sig >> 32));
            mpirun_wire_put_u32(&d->conn.out, (uint32_t)f.sig);
            mpirun_wire_put_u32(&d->conn.out, f.seq);
            mpirun_wire_put_u32(&d->conn.out, (uint32_t)f.nhosts);
            mpirun_wire_put_u32(&d->conn.out, (uint32_t)f.status);
            mpirun_wire_put_bytes(&d->conn.out, f.data, f.ndata);
            mpirun_wire_end(&d->conn.out);
        }
    }
}

static void reap(daemon_t *d)
{
    for (;;) {
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, WNOHANG);
        if (pid <= 0) {
            return;
        }
        for (int i = 0; i < d->nlocal; i++) {
            daemon_rank_t *dr = &d->ranks[i];
            if (dr->pid != pid || dr->exited) {
                continue;
            }
            /* As in mpirun's loop: its events and last output before its exit. */
            handle_server_events(d);
            read_pipe(d, dr, 0);
            read_pipe(d, dr, 1);
            dr->exited = true;
            d->nexited++;
            if (d->conn.fd >= 0) {
                mpirun_wire_begin(&d->conn.out, MPIRUN_WIRE_EXITED);
                mpirun_wire_put_u32(&d->conn.out, (uint32_t)dr->rank);
                mpirun_wire_put_u32(&d->conn.out, (uint32_t)wstatus);
                mpirun_wire_end(&d->conn.out);
            }
        }
    }
}

static void handle_signals(daemon_t *d)
{
    struct signalfd_siginfo si;
    while (read(d->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD) {
            reap(d);
        } else if (si.ssi_signo != SIGUSR1 && si.ssi_signo != SIGUSR2) {
            lose_mpirun(d, "received a signal to end");
        }
    }
}

static bool handle_message(daemon_t *d, uint16_t type, const uint8_t *payload, size_t len)
{
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, len);
    if (type == MPIRUN_WIRE_SIGNAL) {
        uint32_t sig = mpirun_wire_get_u32(&rd);
        if (mpirun_wire_reader_done(&rd) && sig > 0 && sig < 65) {
            signal_ranks(d, (int)sig);
            return true;
        }
    } else if (type == MPIRUN_WIRE_FENCE_DONE) {
        uint64_t sig = (uint64_t)mpirun_wire_get_u32(&rd) << 32;
        sig |= mpirun_wire_get_u32(&rd);
        uint32_t seq = mpirun_wire_get_u32(&rd);
        int status = (int)mpirun_wire_get_u32(&rd);
        size_t n;
        const uint8_t *data = mpirun_wire_get_bytes(&rd, &n);
        if (mpirun_wire_reader_done(&rd)) {
            mpirun_server_fence_complete(sig, seq, status, data, n);
            return true;
        }
    } else if (type == MPIRUN_WIRE_FENCE_DOWN && d->relay.parent_is_mpirun) {
        return mpirun_relay_down(&d->relay, payload, len);
    } else if (type == MPIRUN_WIRE_PARENT) {
        /* An unreachable parent is no failure: the relay tells mpirun (ORPHAN) and its
         * fences go there. Only a malformed message ends the daemon. */
        char err[ERRLEN];
        if (mpirun_relay_connect_parent(&d->relay, payload, len, err, ERRLEN) < 0) {
            lose_mpirun(d, err);
        }
        return true;
    } else if (type == MPIRUN_WIRE_UNCHILD) {
        char err[ERRLEN];
        if (mpirun_relay_unchild(&d->relay, payload, len, err, ERRLEN) != 0) {
            lose_mpirun(d, err); /* its fences could no longer complete */
        }
        return true;
    } else if (type == MPIRUN_WIRE_DMODEX_ASK) {
        uint32_t origin = mpirun_wire_get_u32(&rd);
        uint32_t id = mpirun_wire_get_u32(&rd);
        uint32_t rank = mpirun_wire_get_u32(&rd);
        if (mpirun_wire_reader_done(&rd)) {
            serve_dmodex(d, origin, id, rank);
            return true;
        }
    } else if (type == MPIRUN_WIRE_DMODEX_DONE) {
        uint32_t id = mpirun_wire_get_u32(&rd);
        int status = (int)mpirun_wire_get_u32(&rd);
        size_t n;
        const uint8_t *data = mpirun_wire_get_bytes(&rd, &n);
        if (mpirun_wire_reader_done(&rd)) {
            mpirun_server_dmodex_answer((int)id, status, data, n);
            return true;
        }
    } else if (type == MPIRUN_WIRE_BYE) {
        d->clean = mpirun_wire_get_u32(&rd) != 0;
        d->bye = mpirun_wire_reader_done(&rd);
        return d->bye;
    }
    return false;
}

static void handle_conn(daemon_t *d, short revents)
{
    if ((revents & POLLOUT) && mpirun_conn_flush(&d->conn) != 0) {
        lose_mpirun(d, "lost the connection to mpirun");
        return;
    }
    /* Frames may wait in the buffer without the socket being readable (read with the job). */
    int rc = 1;
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        rc = mpirun_conn_read(&d->conn);
    }
    uint16_t type;
    const uint8_t *payload;
    size_t len;
    char err[ERRLEN];
    int got;
    while ((got = mpirun_conn_next(&d->conn, &type, &payload, &len, err, sizeof(err))) == 1) {
        if (!handle_message(d, type, payload, len)) {
            lose_mpirun(d, "mpirun sent an invalid message");
            return;
        }
    }
    if (got < 0) {
        lose_mpirun(d, err);
    } else if (rc <= 0) {
        lose_mpirun(d, "lost the connection to mpirun");
    }
}

/* Runs until mpirun says the job is over (or is lost) and every local rank is reaped. */
static void run(daemon_t *d)
{
    size_t nrelay = mpirun_relay_nfds_max(&d->relay);
    size_t cap = 3 + nrelay + 2 * (size_t)d->nlocal;
    struct pollfd *fds = calloc(cap, sizeof(*fds));
    daemon_rank_t **owner = calloc(cap, sizeof(*owner));
    int *which = calloc(cap, sizeof(*which));
    if (fds == NULL || owner == NULL || which == NULL) {
        lose_mpirun(d, "out of memory");
    }
    handle_conn(d, 0);
    while (fds != NULL && owner != NULL && which != NULL) {
        if (d->bye && d->nexited < d->nlocal) {
            signal_ranks(d, SIGKILL); /* mpirun counts them gone: make it so */
        }
        if ((d->bye || d->lost) && d->nexited == d->nlocal) {
            break;
        }
        size_t n = 0;
        fds[n++] = (struct pollfd){.fd = d->signal_fd, .events = POLLIN};
        fds[n++] = (struct pollfd){.fd = mpirun_server_event_fd(), .events = POLLIN};
        short ev = (short)(POLLIN | (mpirun_conn_wants_write(&d->conn) ? POLLOUT : 0));
        fds[n++] = (struct pollfd){.fd = d->conn.fd, .events = ev};
        n += mpirun_relay_pollfds(&d->relay, fds + n);
        /* Back-pressure: a slow mpirun slows the ranks' output down, not our memory. */
        bool room = d->conn.out.len < OUTPUT_BACKLOG;
        for (int i = 0; i < d->nlocal && room; i++) {
            for (int k = 0; k < 2; k++) {
                if (d->ranks[i].fd[k] >= 0) {
                    owner[n] = &d->ranks[i];
                    which[n] = k;
                    fds[n++] = (struct pollfd){.fd = d->ranks[i].fd[k], .events = POLLIN};
                }
            }
        }
        /* Direct modex requests time out here (polled at least once a second). */
        mpirun_server_dmodex_expire(monotonic_now());
        if (poll(fds, n, 1000) < 0 && errno != EINTR) {
            lose_mpirun(d, "poll failed");
            continue;
        }
        for (size_t i = 3 + nrelay; i < n; i++) {
            if (fds[i].revents != 0) {
                read_pipe(d, owner[i], which[i]);
            }
        }
        if (fds[1].revents != 0) {
            handle_server_events(d);
        }
        if (fds[0].revents != 0) {
            handle_signals(d);
        }
        if (d->conn.fd >= 0) {
            handle_conn(d, fds[2].revents);
        }
        char err[ERRLEN];
        if (mpirun_relay_handle(&d->relay, fds + 3, nrelay, err, ERRLEN) != 0) {
            lose_parent(d, err);
        }
        mpirun_relay_flush(&d->relay);
        if (d->conn.fd >= 0 && mpirun_conn_flush(&d->conn) != 0) {
            lose_mpirun(d, "lost the connection to mpirun");
        }
    }
    free(fds);
    free(owner);
    free(which);
}

static void cleanup(daemon_t *d, bool clean_end)
{
    if (clean_end) {
        mpirun_server_fini();
    }
    mpirun_tmpdir_remove(d->tmpdir);
    if (d->relay_ready) {
        mpirun_relay_fini(&d->relay);
    }
    for (int i = 0; d->ranks != NULL && i < d->nlocal; i++) {
        for (int k = 0; k < 2; k++) {
            if (d->ranks[i].fd[k] >= 0) {
                close(d->ranks[i].fd[k]);
            }
        }
    }
    if (d->cpusets != NULL) {
        mpirun_bind_sets_free(d->cpusets, d->nlocal);
        free(d->cpusets);
    }
    free(d->ranks);
    for (int a = 0; d->programs != NULL && a < d->desc.napps; a++) {
        free(d->programs[a]);
    }
    free(d->programs);
    if (d->job_ready) {
        mpirun_job_fini(&d->job);
    }
    mpirun_wire_job_fini(&d->desc);
    if (d->topo != NULL) {
        mp_hwtopo_destroy(d->topo);
    }
    mpirun_conn_close(&d->conn);
}

/* Kills and reaps whatever was launched (a failed start). */
static void abandon_ranks(daemon_t *d)
{
    for (int i = 0; d->ranks != NULL && i < d->nlocal; i++) {
        if (d->ranks[i].pid > 0) {
            kill(-d->ranks[i].pid, SIGKILL);
            kill(d->ranks[i].pid, SIGKILL);
            waitpid(d->ranks[i].pid, NULL, 0);
        }
    }
}

int mpirun_daemon_main(int argc, char **argv)
{
    daemon_t d = {.node = -1, .signal_fd = -1};
    d.conn.fd = -1;
    char *end = NULL;
    long node = argc == 5 ? strtol(argv[2], &end, 10) : -1;
    long port = argc == 5 ? strtol(argv[3], NULL, 10) : -1;
    if (argc != 5 || end == NULL || *end != '\0' || node < 0 || node >= MPIRUN_NP_MAX ||
        port <= 0 || port > 65535) {
        fprintf(stderr, "mpirun: --libmp-daemon is started by mpirun itself, not by hand\n");
        return 2;
    }
    d.node = (int)node;
    if (read_secret(&d) != 0 || block_signals(&d) != 0 ||
        connect_back(&d, (int)port, argv[4]) != 0 || handshake(&d) != 0) {
        cleanup(&d, false);
        return 1;
    }
    char err[ERRLEN];
    if (setup_job(&d, err) != 0 || start_ranks(&d, err) != 0) {
        send_text(&d, MPIRUN_WIRE_FAILED, err);
        mpirun_conn_flush_wait(&d.conn, 2000);
        abandon_ranks(&d);
        cleanup(&d, false);
        _exit(1); /* PMIx may hold state it cannot tear down after a failed start */
    }
    /* Like mpirun: PMIx keeps nothing there once the ranks run (gds=hash, no tools). */
    mpirun_tmpdir_remove(d.tmpdir);
    if (d.desc.report_bindings) {
        report_bindings(&d);
    }
    mpirun_wire_begin(&d.conn.out, MPIRUN_WIRE_STARTED);
    mpirun_wire_put_u32(&d.conn.out, (uint32_t)d.nlocal);
    for (int i = 0; i < d.nlocal; i++) {
        mpirun_wire_put_u32(&d.conn.out, (uint32_t)d.ranks[i].rank);
        mpirun_wire_put_u32(&d.conn.out, (uint32_t)d.ranks[i].pid);
    }
    mpirun_wire_end(&d.conn.out);
    mpirun_conn_flush(&d.conn);
    run(&d);
    bool clean = d.bye && d.clean && !d.lost;
    if (d.conn.fd >= 0) {
        mpirun_conn_flush_wait(&d.conn, 2000);
    }
    cleanup(&d, clean);
    if (!clean) {
        _exit(d.bye ? 0 : 1); /* no PMIx teardown after a failure: it can hang */
    }
    return 0;
}
