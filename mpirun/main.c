/*
 * mpirun: reads the command line, places the ranks on hosts and cores, starts the embedded
 * PMIx server, launches the ranks bound to their cores, and runs the loop until the job ends.
 * On a successful run it prints nothing of its own.
 */
#define _GNU_SOURCE
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hwloc.h>
#include <hwloc/glibc-sched.h>

#include "core/settings.h"
#include "hwtopo/hwtopo.h"
#include "mpirun/addrs.h"
#include "mpirun/daemon.h"
#include "mpirun/hostfile.h"
#include "mpirun/launch.h"
#include "mpirun/loop.h"
#include "mpirun/mapping.h"
#include "mpirun/options.h"
#include "mpirun/remote.h"
#include "mpirun/server.h"
#include "mpirun/spawn.h"
#include "mpirun/tmpdir.h"

#define ERRLEN 512

/* Everything one run of mpirun holds, so that every exit path can release it. */
typedef struct mpirun {
    mpirun_opts_t opts;
    hwloc_topology_t topo;
    mpirun_hostlist_t hosts;
    char hostname[256];
    int *host_of_rank; /* np entries */
    int local_node;    /* the node id of this host, -1 when it runs no rank */
    mpirun_job_t job;
    bool job_ready;
    hwloc_bitmap_t *cpusets; /* one per local rank, NULL when unbound */
    int nlocal;
    char **programs; /* each program's path (opts.napps), NULL when it runs nowhere here */
    char tmpdir[4096];
    bool server_started;
    mpirun_iof_t *out, *err;
    mpirun_output_t output; /* the output options of every job's streams */
    int stdin_fd;
    int signal_fd;
    mpirun_remote_t remote; /* the daemons of the other hosts */
    bool remote_launched;
} mpirun_t;

static bool is_local_host(const mpirun_t *m, const char *name)
{
    size_t short_len = strcspn(m->hostname, ".");
    return strcmp(name, "localhost") == 0 || strncmp(name, "127.", 4) == 0 ||
           strcmp(name, m->hostname) == 0 ||
           (strlen(name) == short_len && strncmp(name, m->hostname, short_len) == 0);
}

/* The hosts to run on: the -H list or hostfile, else this machine with a slot per core (per
 * hardware thread with --use-hwthread-cpus, which also maps ranks by thread). Names of this
 * machine are merged into one entry under its real name. */
static int setup_hosts(mpirun_t *m, char *err)
{
    int ncores = mp_hwtopo_ncores(m->topo);
    if (m->opts.use_hwthreads) {
        ncores = hwloc_bitmap_weight(hwloc_topology_get_allowed_cpuset(m->topo));
        if (m->opts.map_by == MPIRUN_MAP_SLOT || m->opts.map_by == MPIRUN_MAP_CORE) {
            m->opts.map_by = MPIRUN_MAP_HWTHREAD;
        }
    }
    mpirun_hostlist_t parsed = {0};
    if (m->opts.hostfile != NULL && m->opts.hosts != NULL) {
        snprintf(err, ERRLEN, "give the hosts either with -H or with --hostfile, not both");
        return -1;
    }
    if (m->opts.hostfile != NULL) {
        if (mpirun_hostlist_parse_file(m->opts.hostfile, &parsed, err, ERRLEN) != 0) {
            return -1;
        }
    } else if (m->opts.hosts != NULL) {
        if (mpirun_hostlist_parse_hosts(m->opts.hosts, &parsed, err, ERRLEN) != 0) {
            return -1;
        }
    } else if (mpirun_hostlist_parse_hosts("localhost", &parsed, err, ERRLEN) != 0) {
        return -1;
    }
    m->hosts.hosts = calloc((size_t)parsed.nhosts, sizeof(mpirun_host_t));
    if (m->hosts.hosts == NULL) {
        mpirun_hostlist_fini(&parsed);
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int local = -1;
    for (int i = 0; i < parsed.nhosts; i++) {
        mpirun_host_t *h = &parsed.hosts[i];
        bool is_local = is_local_host(m, h->name);
        if (is_local && !h->slots_given) {
            h->slots = ncores;
        }
        if (is_local && local >= 0) {
            m->hosts.hosts[local].slots += h->slots;
            continue;
        }
        mpirun_host_t *dst = &m->hosts.hosts[m->hosts.nhosts];
        *dst = *h;
        dst->name = strdup(is_local ? m->hostname : h->name);
        if (is_local) {
            local = m->hosts.nhosts;
        }
        m->hosts.nhosts++;
    }
    mpirun_hostlist_fini(&parsed);
    /* -ppn N: N slots on every host, whatever the list said, so slot mapping gives each host N
     * consecutive ranks. */
    for (int i = 0; m->opts.ppn > 0 && i < m->hosts.nhosts; i++) {
        m->hosts.hosts[i].slots = m->opts.ppn;
        m->hosts.hosts[i].slots_given = true;
    }
    return 0;
}

/* Places the ranks on hosts and builds the job; the first host named like this machine is
 * the one mpirun runs ranks on itself, the others get a daemon. */
/* --display-map: each host's ranks, before any starts. */
static void display_map(const mpirun_t *m)
{
    for (int n = 0; n < m->job.nhosts; n++) {
        char ranks[512];
        mpirun_job_host_ranks(&m->job, n, ranks, sizeof(ranks));
        mpirun_say("host %s: %d rank%s: %s", m->job.hosts[n], m->job.host_nranks[n],
                   m->job.host_nranks[n] == 1 ? "" : "s", ranks);
    }
}

static int setup_job(mpirun_t *m, char *err)
{
    int np = m->opts.np;
    if (np < 0) {
        long long slots = mpirun_hostlist_total_slots(&m->hosts);
        np = slots > MPIRUN_NP_MAX ? MPIRUN_NP_MAX : (int)slots;
    }
    m->host_of_rank = calloc((size_t)np, sizeof(int));
    if (m->host_of_rank == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    if (mpirun_map_ranks(&m->hosts, np, m->opts.map_by, m->opts.oversubscribe_forbidden,
                         m->host_of_rank, err, ERRLEN) != 0) {
        return -1;
    }
    /* Only hosts that got ranks are nodes of the job. */
    int *node_of_host = calloc((size_t)m->hosts.nhosts, sizeof(int));
    char **names = calloc((size_t)m->hosts.nhosts, sizeof(char *));
    if (node_of_host == NULL || names == NULL) {
        free(node_of_host);
        free(names);
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int nnodes = 0;
    for (int h = 0; h < m->hosts.nhosts; h++) {
        node_of_host[h] = -1;
    }
    for (int r = 0; r < np; r++) {
        int h = m->host_of_rank[r];
        if (node_of_host[h] < 0) {
            node_of_host[h] = nnodes;
            names[nnodes++] = m->hosts.hosts[h].name;
        }
        m->host_of_rank[r] = node_of_host[h];
    }
    free(node_of_host);
    int result = 0;
    m->local_node = -1;
    for (int n = 0; n < nnodes; n++) {
        if (strcmp(names[n], m->hostname) == 0) {
            m->local_node = n;
        }
    }
    char nspace[64];
    snprintf(nspace, sizeof(nspace), "libmp.%.40s.%d", m->hostname, (int)getpid());
    if (result == 0 && mpirun_job_init(&m->job, nspace, np, nnodes, names, m->host_of_rank) != 0) {
        snprintf(err, ERRLEN, "out of memory");
        result = -1;
    }
    m->job.after_finalize_grace_s = m->opts.end_grace;
    long long slots = mpirun_hostlist_total_slots(&m->hosts);
    m->job.univ_size = (uint32_t)(slots > MPIRUN_NP_MAX ? MPIRUN_NP_MAX : slots);
    if (result == 0 &&
        getrandom(m->job.secret, sizeof(m->job.secret), 0) != (ssize_t)sizeof(m->job.secret)) {
        snprintf(err, ERRLEN, "cannot make the job's secret: getrandom: %s", strerror(errno));
        mpirun_job_fini(&m->job);
        result = -1;
    }
    m->job_ready = result == 0;
    for (int r = 0; m->job_ready && r < np; r++) {
        m->job.ranks[r].remote = m->job.ranks[r].host != m->local_node;
    }
    /* Several programs: each one's ranks follow those of the programs before it. */
    for (int a = 0, r = 0; m->job_ready && m->opts.napps > 1 && a < m->opts.napps; a++) {
        for (int i = 0; i < m->opts.apps[a].np; i++) {
            m->job.ranks[r++].app = a;
        }
    }
    free(names);
    if (m->job_ready && m->opts.display_map) {
        display_map(m);
    }
    return result;
}

static int setup_bindings(mpirun_t *m, char *err)
{
    m->nlocal = m->local_node >= 0 ? m->job.host_nranks[m->local_node] : 0;
    m->cpusets = calloc((size_t)m->nlocal + 1, sizeof(hwloc_bitmap_t));
    if (m->cpusets == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    bool oversubscribed;
    if (mpirun_bind_compute(m->topo, m->nlocal, m->opts.map_by, m->opts.bind_to, m->cpusets,
                            &oversubscribed, err, ERRLEN) != 0) {
        return -1;
    }
    if (m->opts.report_bindings) {
        for (int r = 0; r < m->job.np; r++) {
            if (m->job.ranks[r].remote) {
                continue; /* its daemon reports it */
            }
            char desc[512];
            mpirun_bind_describe_rank(m->topo, m->cpusets[m->job.ranks[r].local_rank], m->nlocal,
                                      m->opts.bind_to, desc, sizeof(desc));
            mpirun_say("rank %d on %s: %s", r, m->hostname, desc);
        }
    }
    return 0;
}

/* Signals mpirun handles in its loop: blocked before any thread starts, so that every thread
 * inherits the mask and they arrive only through the signalfd. */
static int block_signals(mpirun_t *m, char *err)
{
    sigset_t set;
    sigemptyset(&set);
    int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaddset(&set, sigs[i]);
    }
    signal(SIGPIPE, SIG_IGN); /* a reader gone (rank, or our stdout) is an error, not a death */
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
        (m->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        snprintf(err, ERRLEN, "signalfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Adds "NAME=value" to list, in place of an earlier setting of NAME: the later one wins. */
static void put_export(char **list, int *n_p, char *pair)
{
    size_t len = strcspn(pair, "=") + 1;
    for (int i = 0; i < *n_p; i++) {
        if (strncmp(list[i], pair, len) == 0) {
            free(list[i]);
            list[i] = pair;
            return;
        }
    }
    list[(*n_p)++] = pair;
}

/* -x VAR (or "VAR" of -env lists) passes mpirun's value of VAR (nothing if unset); VAR=value
 * passes that value. */
static void put_setting(char **list, int *n_p, const char *e)
{
    const char *value = getenv(e);
    char *pair = NULL;
    if (strchr(e, '=') != NULL) {
        pair = strdup(e);
    } else if (value != NULL && asprintf(&pair, "%s=%s", e, value) < 0) {
        pair = NULL;
    }
    if (pair != NULL) {
        put_export(list, n_p, pair);
    }
}

/* The settings of every rank (app NULL), or of one program's ranks (app: the job's, then its
 * own -x/-env). --net-if LIST comes last as MP_NET_IF=LIST, so that it wins over a -x of the
 * same variable. mpirun's own MP_NET_IF comes first: the daemons' wire and the ranks of every
 * host use the same interface filter as mpirun (a later entry wins).
 * Returns a list of nexport strings owned by the list: free it with free_exports. */
static char **export_list(const mpirun_opts_t *opts, const mpirun_app_t *app, int *nexport_p)
{
    int napp = app != NULL ? app->nenv : 0;
    char **list = calloc((size_t)opts->nenv + (size_t)napp + 3, sizeof(char *));
    int n = 0;
    const char *own = getenv("MP_NET_IF");
    char *pair = NULL;
    if (list != NULL && own != NULL && own[0] != '\0' && asprintf(&pair, "MP_NET_IF=%s", own) > 0) {
        put_export(list, &n, pair);
    }
    for (int i = 0; list != NULL && i < opts->nenv; i++) {
        put_setting(list, &n, opts->env[i]);
    }
    for (int i = 0; list != NULL && i < napp; i++) {
        put_setting(list, &n, app->env[i]);
    }
    if (list != NULL && opts->net_if != NULL && asprintf(&pair, "MP_NET_IF=%s", opts->net_if) > 0) {
        put_export(list, &n, pair);
    }
    *nexport_p = n;
    return list;
}

static void free_exports(char **list, int n)
{
    for (int i = 0; i < n; i++) {
        free(list[i]);
    }
    free(list);
}

/* The interface filter (--net-if, else MP_NET_IF): a malformed one is named before anything
 * starts, since the daemons' wire and every rank would refuse it. */
static int check_net_if(const mpirun_opts_t *opts, char *err)
{
    int nexport;
    char **exports = export_list(opts, NULL, &nexport);
    if (exports == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    mp_netfilter_t filter;
    int rc =
        mpirun_addrs_filter(mpirun_addrs_spec(exports, nexport, NULL),
                            opts->net_if != NULL ? "--net-if" : "MP_NET_IF", &filter, err, ERRLEN);
    free_exports(exports, nexport);
    return rc;
}

/* Each program's settings (export_list), napps lists, or NULL when out of memory. */
typedef struct app_exports {
    char **list;
    int n;
} app_exports_t;

static void app_exports_free(app_exports_t *ex, int napps)
{
    for (int a = 0; ex != NULL && a < napps; a++) {
        if (ex[a].list != NULL) {
            free_exports(ex[a].list, ex[a].n);
        }
    }
    free(ex);
}

static app_exports_t *app_exports_make(const mpirun_opts_t *opts)
{
    app_exports_t *ex = calloc((size_t)opts->napps, sizeof(*ex));
    for (int a = 0; ex != NULL && a < opts->napps; a++) {
        ex[a].list = export_list(opts, &opts->apps[a], &ex[a].n);
        if (ex[a].list == NULL) {
            app_exports_free(ex, opts->napps);
            return NULL;
        }
    }
    return ex;
}

/* Where a program is looked for before PATH: its -path, else the job's (NULL: nowhere). */
static const char *app_path(const mpirun_opts_t *opts, int app)
{
    return opts->apps[app].path != NULL ? opts->apps[app].path : opts->path;
}

/* dirs (-path) for another host, whose daemon starts elsewhere: each relative directory taken
 * from mpirun's directory cwd, as here. A malloc'd string ("" for NULL), or NULL. */
static char *absolute_dirs(const char *dirs, const char *cwd)
{
    if (dirs == NULL) {
        return strdup("");
    }
    size_t len = strlen(dirs) + 1, count = 1;
    for (const char *c = dirs; *c != '\0'; c++) {
        count += *c == ':';
    }
    char *out = malloc(len + count * (strlen(cwd) + 1));
    if (out == NULL) {
        return NULL;
    }
    char *o = out;
    for (const char *d = dirs;; d++) {
        size_t n = strcspn(d, ":");
        if (n == 0 || d[0] != '/') {
            o += sprintf(o, "%s%s", cwd, n > 0 ? "/" : "");
        }
        memcpy(o, d, n);
        o += n;
        d += n;
        if (*d == '\0') {
            break;
        }
        *o++ = ':';
    }
    *o = '\0';
    return out;
}

/* Where a program's ranks start: its --wdir, else the job's (NULL: mpirun's directory). */
static const char *app_wdir(const mpirun_opts_t *opts, int app)
{
    return opts->apps[app].wdir != NULL ? opts->apps[app].wdir : opts->wdir;
}

static int start_ranks(mpirun_t *m, char *err)
{
    mpirun_job_t *job = &m->job;
    app_exports_t *exports = app_exports_make(&m->opts);
    mpirun_child_t *children = calloc((size_t)job->np, sizeof(*children));
    if (exports == NULL || children == NULL) {
        app_exports_free(exports, m->opts.napps);
        free(children);
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    int result = 0;
    for (int r = 0; r < job->np && result == 0; r++) {
        if (job->ranks[r].remote) {
            continue;
        }
        char **env;
        int app = job->ranks[r].app;
        if (mpirun_server_setup_rank(job, r, exports[app].list, exports[app].n, &env, err,
                                     ERRLEN) != 0) {
            result = -1;
            break;
        }
        cpu_set_t cpus;
        hwloc_bitmap_t set = m->cpusets[job->ranks[r].local_rank];
        if (set != NULL) {
            hwloc_cpuset_to_glibc_sched_affinity(m->topo, set, &cpus, sizeof(cpus));
        }
        mpirun_launch_t spec = {
            .path = m->programs[app],
            .argv = m->opts.apps[app].argv,
            .envp = env,
            .cpus = set != NULL ? &cpus : NULL,
            .wdir = app_wdir(&m->opts, app),
            .with_stdin = r == 0,
        };
        mpirun_server_lock();
        result = mpirun_launch(&spec, &children[r], err, ERRLEN);
        if (result == 0) {
            mpirun_server_rank_started(r, children[r].pid);
        }
        mpirun_server_unlock();
        mpirun_server_env_free(env);
        if (result == 0) {
            job->ranks[r].pid = children[r].pid;
            m->out[r].fd = children[r].out_fd;
            m->err[r].fd = children[r].err_fd;
            if (r == 0) {
                m->stdin_fd = children[r].in_fd;
            }
        }
    }
    /* Only now wait for the execs: the ranks load their libraries in parallel. */
    for (int r = 0; r < job->np; r++) {
        if (job->ranks[r].remote || job->ranks[r].pid <= 0) {
            continue;
        }
        char exec_err[ERRLEN];
        if (mpirun_launch_confirm(&children[r], m->programs[job->ranks[r].app], exec_err, ERRLEN) !=
                0 &&
            result == 0) {
            snprintf(err, ERRLEN, "%s", exec_err);
            result = -1;
        }
    }
    free(children);
    app_exports_free(exports, m->opts.napps);
    return result;
}

/* Ranks unlink their shared-memory segments once every peer has mapped them; a rank that dies
 * during MPI_Init can leave one behind. Its name starts with "libmp.<job>.": remove those. */
static void remove_shm_leftovers(const mpirun_job_t *job)
{
    char prefix[128];
    int len = snprintf(prefix, sizeof(prefix), "libmp.%s.", job->nspace);
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)len) == 0) {
            char name[512];
            snprintf(name, sizeof(name), "/%s", e->d_name);
            shm_unlink(name);
        }
    }
    closedir(dir);
}

/* Releases what a run holds. After a failure the PMIx server is left alone (PMIx 4.2 can hang
 * tearing down after a lost client); the process is about to exit anyway. */
static void cleanup(mpirun_t *m, bool clean_end)
{
    if (m->remote_launched) {
        mpirun_remote_fini(&m->remote);
    }
    if (m->server_started && clean_end) {
        mpirun_server_fini();
    }
    mpirun_tmpdir_remove(m->tmpdir);
    if (m->job_ready) {
        remove_shm_leftovers(&m->job);
    }
    if (m->cpusets != NULL) {
        mpirun_bind_sets_free(m->cpusets, m->nlocal);
        free(m->cpusets);
    }
    if (m->job_ready) {
        mpirun_job_fini(&m->job);
    }
    free(m->out);
    free(m->err);
    free(m->host_of_rank);
    for (int a = 0; m->programs != NULL && a < m->opts.napps; a++) {
        free(m->programs[a]);
    }
    free(m->programs);
    mpirun_hostlist_fini(&m->hosts);
    if (m->topo != NULL) {
        mp_hwtopo_destroy(m->topo);
    }
    mpirun_opts_fini(&m->opts);
}

/* Ends a job that failed to start: whatever was launched is killed and reaped. */
static void abandon_ranks(mpirun_t *m)
{
    for (int r = 0; m->job_ready && r < m->job.np; r++) {
        pid_t pid = m->job.ranks[r].pid;
        if (pid > 0 && !m->job.ranks[r].remote) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
    }
}

/* Finds every program that runs ranks here before any rank starts, so that a typo in any of
 * them is reported with nothing started. */
static int resolve_programs(mpirun_t *m, char *err)
{
    m->programs = calloc((size_t)m->opts.napps, sizeof(char *));
    if (m->programs == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    for (int r = 0; r < m->job.np; r++) {
        int a = m->job.ranks[r].app;
        if (m->job.ranks[r].remote || m->programs[a] != NULL) {
            continue;
        }
        m->programs[a] = mpirun_launch_find(m->opts.apps[a].argv[0], app_path(&m->opts, a), a,
                                            m->opts.napps, err, ERRLEN);
        if (m->programs[a] == NULL) {
            return -1;
        }
    }
    return 0;
}

static int setup(mpirun_t *m, int argc, char **argv, char *err)
{
    if (mpirun_opts_parse(argc, argv, &m->opts, err, ERRLEN) != 0) {
        return -1;
    }
    if (m->opts.help || m->opts.help_env || m->opts.version) {
        return 0;
    }
    if (check_net_if(&m->opts, err) != 0) {
        return -1;
    }
    if (gethostname(m->hostname, sizeof(m->hostname) - 1) != 0) {
        snprintf(m->hostname, sizeof(m->hostname), "localhost");
    }
    /* Only the CPUs mpirun may use (taskset, cgroups) are handed out to ranks. */
    if (mp_hwtopo_load(&m->topo) != 0 || mp_hwtopo_restrict_to_binding(m->topo) != 0) {
        snprintf(err, ERRLEN, "cannot read this machine's topology with hwloc");
        return -1;
    }
    if (setup_hosts(m, err) != 0 || setup_job(m, err) != 0 || setup_bindings(m, err) != 0 ||
        block_signals(m, err) != 0) {
        return -1;
    }
    if (m->local_node < 0) {
        /* Every rank runs elsewhere: the program need not exist here, and this host needs no
         * PMIx server. The daemons check the program on their hosts. */
        return 0;
    }
    if (resolve_programs(m, err) != 0 ||
        mpirun_tmpdir_make(m->tmpdir, sizeof(m->tmpdir), err, ERRLEN) != 0) {
        return -1;
    }
    /* The hash store keeps PMIx small and lets a Get wait for a peer's commit. The topology is
     * shared as XML only: a shared-memory copy would live in the directory we remove early. */
    setenv("PMIX_MCA_gds", "hash", 1);
    setenv("PMIX_MCA_pmix_hwloc_hole_kind", "none", 1);
    if (mpirun_server_init(m->tmpdir, m->topo, err, ERRLEN) != 0) {
        return -1;
    }
    m->server_started = true;
    if (m->job.nhosts > 1) {
        mpirun_server_relay_fences();
    }
    if (mpirun_server_register_job(&m->job, m->local_node, err, ERRLEN) != 0) {
        return -1;
    }
    return 0;
}

/* Starts the daemons of the other hosts (they start their ranks in parallel with ours). */
static int start_remote(mpirun_t *m, char *err)
{
    if (m->job.nhosts == 1 && m->local_node == 0) {
        return 0;
    }
    int nexport;
    char **exports = export_list(&m->opts, NULL, &nexport);
    char cwd[4096];
    int napps = m->opts.napps;
    app_exports_t *app_ex = app_exports_make(&m->opts);
    mpirun_wire_app_t *apps = calloc((size_t)napps, sizeof(*apps));
    char **wdirs = calloc((size_t)napps, sizeof(char *));
    char **paths = calloc((size_t)napps, sizeof(char *));
    int *app_of_rank = calloc((size_t)m->job.np, sizeof(int));
    if (exports == NULL || app_ex == NULL || apps == NULL || wdirs == NULL || paths == NULL ||
        app_of_rank == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        if (exports != NULL) {
            free_exports(exports, nexport);
        }
        app_exports_free(app_ex, napps);
        free(apps);
        free(wdirs);
        free(paths);
        free(app_of_rank);
        return -1;
    }
    bool have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
    for (int a = 0; a < napps; a++) {
        const char *w = m->opts.apps[a].wdir;
        /* A program's own --wdir is taken from mpirun's directory, as for its local ranks. */
        if (w != NULL && w[0] != '/' && have_cwd) {
            if (asprintf(&wdirs[a], "%s/%s", cwd, w) < 0) {
                wdirs[a] = NULL;
            }
        } else {
            wdirs[a] = strdup(w != NULL ? w : "");
        }
        apps[a] = (mpirun_wire_app_t){
            .argc = m->opts.apps[a].argc,
            .argv = m->opts.apps[a].argv,
            .nenv = app_ex[a].n,
            .env = app_ex[a].list,
            .wdir = wdirs[a] != NULL ? wdirs[a] : "",
        };
        const char *dirs = app_path(&m->opts, a);
        paths[a] = have_cwd ? absolute_dirs(dirs, cwd) : strdup(dirs != NULL ? dirs : "");
        apps[a].path = paths[a] != NULL ? paths[a] : "";
    }
    for (int r = 0; r < m->job.np; r++) {
        app_of_rank[r] = m->job.ranks[r].app;
    }
    mpirun_wire_job_t desc = {
        .nspace = m->job.nspace,
        .np = m->job.np,
        .nhosts = m->job.nhosts,
        .hosts = m->job.hosts,
        .host_of_rank = m->host_of_rank,
        .map_by = (int)m->opts.map_by,
        .bind_to = (int)m->opts.bind_to,
        .report_bindings = m->opts.report_bindings,
        .napps = napps,
        .apps = apps,
        .app_of_rank = app_of_rank,
        .nenv = nexport,
        .env = exports,
        /* As Open MPI: the ranks start in mpirun's directory where the host has it. */
        .wdir = m->opts.wdir != NULL ? (char *)m->opts.wdir
                : have_cwd           ? cwd
                                     : NULL,
        .wdir_given = m->opts.wdir != NULL,
    };
    m->remote_launched = true;
    int rc = mpirun_remote_launch(&m->remote, &m->job, m->local_node, m->opts.launch_agent, &desc,
                                  m->out, m->err, err, ERRLEN);
    m->remote.verbose = m->opts.verbose;
    free_exports(exports, nexport);
    app_exports_free(app_ex, napps);
    for (int a = 0; a < napps; a++) {
        free(wdirs[a]);
        free(paths[a]);
    }
    free(wdirs);
    free(paths);
    free(apps);
    free(app_of_rank);
    return rc;
}

/* The output streams of every rank; local ones get their pipes at launch. */
static int setup_streams(mpirun_t *m, char *err)
{
    mpirun_job_t *job = &m->job;
    m->out = calloc((size_t)job->np, sizeof(mpirun_iof_t));
    m->err = calloc((size_t)job->np, sizeof(mpirun_iof_t));
    if (m->out == NULL || m->err == NULL) {
        snprintf(err, ERRLEN, "out of memory");
        return -1;
    }
    m->output = (mpirun_output_t){
        .prefix_rank = m->opts.prepend_rank,
        .merge_stderr = m->opts.merge_stderr,
        .dir = m->opts.output_dir,
        .no_copy = m->opts.output_nocopy,
    };
    for (int r = 0; r < job->np; r++) {
        mpirun_iof_init(&m->out[r], -1, STDOUT_FILENO, r, m->opts.tag_output);
        mpirun_iof_init(&m->err[r], -1, STDERR_FILENO, r, m->opts.tag_output);
        if (mpirun_iof_output(&m->out[r], &m->output, err, ERRLEN) != 0 ||
            mpirun_iof_output(&m->err[r], &m->output, err, ERRLEN) != 0) {
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], MPIRUN_DAEMON_FLAG) == 0) {
        return mpirun_daemon_main(argc, argv);
    }
    mpirun_t m = {.stdin_fd = -1, .signal_fd = -1, .local_node = -1};
    char err[ERRLEN];
    if (setup(&m, argc, argv, err) != 0) {
        mpirun_say("%s", err);
        cleanup(&m, false);
        return 1;
    }
    if (m.opts.help || m.opts.help_env || m.opts.version) {
        if (m.opts.help) {
            mpirun_opts_print_help(stdout);
        } else if (m.opts.help_env) {
            mp_settings_print(stdout);
        } else {
            printf("mpirun (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        }
        cleanup(&m, false);
        return 0;
    }
    if (setup_streams(&m, err) != 0 || start_remote(&m, err) != 0 || start_ranks(&m, err) != 0) {
        mpirun_say("%s", err);
        abandon_ranks(&m);
        cleanup(&m, false);
        return 1;
    }
    /* PMIx keeps nothing in its directory once the ranks are started (gds=hash, no tools):
     * removing it now means even a kill -9 of mpirun leaves nothing behind. */
    mpirun_tmpdir_remove(m.tmpdir);
    mpirun_loop_t loop = {
        .job = &m.job,
        .out = m.out,
        .err = m.err,
        .stdin_fd = m.stdin_fd,
        .signal_fd = m.signal_fd,
        .timeout = m.opts.timeout,
        .remote = m.remote_launched ? &m.remote : NULL,
    };
    int nexport = 0;
    char **exports = export_list(&m.opts, NULL, &nexport);
    mpirun_spawner_t spawner = {
        .job = &m.job,
        .out = &loop.out,
        .err = &loop.err,
        .exports = exports,
        .nexport = nexport,
        .tag_output = m.opts.tag_output,
        .output = &m.output,
        .hostname = m.hostname,
        .local_host = m.local_node,
        .multi_host = m.job.nhosts > 1,
        .univ_size = m.job.univ_size > (uint32_t)m.job.np ? m.job.univ_size : (uint32_t)m.job.np,
        .topo = m.topo,
        .map_by = (int)m.opts.map_by,
        .bind_to = (int)m.opts.bind_to,
        .report_bindings = m.opts.report_bindings,
        .nplaced = m.nlocal,
        .placed_bound = m.nlocal > 0 && m.cpusets != NULL && m.cpusets[0] != NULL,
    };
    loop.spawner = exports != NULL ? &spawner : NULL;
    int status = mpirun_loop_run(&loop);
    /* Spawns grew the streams. */
    m.out = loop.out;
    m.err = loop.err;
    if (exports != NULL) {
        free_exports(exports, nexport);
    }
    cleanup(&m, !mpirun_job_failed(&m.job));
    return status;
}
