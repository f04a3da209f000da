/*
 * mpirun's command line: the options Open MPI and MPICH users type, parsed into one structure,
 * and the --help text. Pure: no printing (except to the FILE given to the help), no exit().
 */
#ifndef MPIRUN_OPTIONS_H
#define MPIRUN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "appfile.h"

/* The most ranks one job may have; -n beyond it is refused before anything is allocated. */
#define MPIRUN_NP_MAX (1 << 20)

/* How long, by default, the other ranks may take to exit on their own after a rank exited
 * non-zero past MPI_Finalize (MP_END_GRACE), and the most MP_END_GRACE accepts. */
#define MPIRUN_END_GRACE_DEFAULT 1.0
#define MPIRUN_END_GRACE_MAX 3600.0

/* The longest --timeout or MPIEXEC_TIMEOUT accepted, in seconds (about 31 years). */
#define MPIRUN_TIMEOUT_MAX 1e9

/* How ranks are spread: over hosts (mpirun_map_ranks) and over the cores of a host. */
typedef enum {
    MPIRUN_MAP_SLOT,    /* fill each host's slots in turn; consecutive cores (the default) */
    MPIRUN_MAP_CORE,    /* as slot */
    MPIRUN_MAP_SOCKET,  /* as slot over hosts; round-robin over the packages of a host */
    MPIRUN_MAP_NUMA,    /* as slot over hosts; round-robin over the NUMA nodes of a host */
    MPIRUN_MAP_NODE,    /* round-robin over hosts, one rank each; consecutive cores */
    MPIRUN_MAP_HWTHREAD /* as slot, but a host's ranks take consecutive hardware threads */
} mpirun_map_t;
#define MPIRUN_MAP_LAST MPIRUN_MAP_HWTHREAD

/* What each rank is bound to. */
typedef enum {
    MPIRUN_BIND_DEFAULT, /* core when the host's ranks fit its cores, else not bound */
    MPIRUN_BIND_NONE,
    MPIRUN_BIND_CORE,
    MPIRUN_BIND_SOCKET,  /* the package holding the rank's core */
    MPIRUN_BIND_NUMA,    /* the NUMA node holding the rank's core */
    MPIRUN_BIND_HWTHREAD /* one hardware thread; ranks take consecutive ones */
} mpirun_bind_t;
#define MPIRUN_BIND_LAST MPIRUN_BIND_HWTHREAD

/* One program of the job, an "app context": mpirun -n 1 ./a : -n 4 ./b has two. Its ranks
 * follow those of the programs before it; its index is their MPI_APPNUM. */
typedef struct mpirun_app {
    char **argv; /* the program and its arguments, NULL-terminated (malloc'd array of
                    pointers into the parsed argv) */
    int argc;    /* at least 1 */
    int np;      /* its ranks; -1 when not given (one program only: one rank per slot) */
    char **env;  /* its own settings, "VAR" or "VAR=value": -env VAR VALUE, and -x in a
                    context after a ':' (malloc'd array; entries in argv or owned) */
    int nenv;
    const char *wdir; /* --wdir given in its context; NULL: the job's (opts.wdir) */
    const char *path; /* -path given in its context; NULL: the job's (opts.path) */
} mpirun_app_t;

typedef struct mpirun_opts {
    int np;                       /* -1 when not given: then one rank per slot; with several
                                     programs, the sum of their -n */
    int ppn;                      /* -ppn/-N/--npernode: ranks (slots) per host; 0 = not given */
    const char *hosts;            /* -H/--host value, NULL when not given */
    const char *hostfile;         /* --hostfile/--machinefile/-f value, NULL when not given */
    mpirun_map_t map_by;          /* default MPIRUN_MAP_SLOT */
    mpirun_bind_t bind_to;        /* default MPIRUN_BIND_DEFAULT */
    bool report_bindings;         /* --report-bindings */
    bool display_map;             /* --display-map, -print-rank-map: each host's ranks */
    bool verbose;                 /* -v/--verbose: notes on how the daemons are linked */
    bool tag_output;              /* --tag-output: prefix each output line with its rank */
    bool prepend_rank;            /* -l/--prepend-rank: "[rank] " before each output line */
    bool merge_stderr;            /* --merge-stderr-to-stdout */
    const char *output_dir;       /* --output-filename DIR: copies in DIR/JOB/rank.R/ */
    bool output_nocopy;           /* DIR:nocopy: the files only, not mpirun's own output */
    bool oversubscribe_forbidden; /* --nooversubscribe; oversubscription is allowed by default */
    bool use_hwthreads;           /* --use-hwthread-cpus: a hardware thread is a slot and a core */
    double timeout;               /* seconds; 0 = none; --timeout, else MPIEXEC_TIMEOUT */
    double end_grace;             /* MP_END_GRACE seconds (default MPIRUN_END_GRACE_DEFAULT) */
    const char *wdir;             /* --wdir/-wdir/--cwd DIR, NULL = inherit */
    const char *path;             /* -path DIRS: where programs are looked for before PATH */
    const char *launch_agent;     /* --launch-agent CMD, NULL = MPIRUN_AGENT_DEFAULT */
    const char *net_if;           /* --net-if LIST: the ranks' MP_NET_IF, NULL = theirs */
    char **env;                   /* -x VAR and -x VAR=value, in order (malloc'd array) */
    int nenv;                     /* number of entries in env */
    char **owned;                 /* strings built here (env entries, output_dir), not in argv */
    int nowned;
    char **prog_argv;             /* the first program and its arguments (apps[0].argv) */
    int prog_argc;                /* at least 1 unless help, help_env or version is set */
    const char *appfile;          /* -configfile/--app FILE: the programs are in FILE */
    mpirun_appfile_t file;        /* its words (the programs' argv point into them) */
    mpirun_app_t *apps;           /* the programs, in rank order (malloc'd) */
    int napps;                    /* at least 1 unless help, help_env or version is set */
    bool help, help_env, version; /* -h/--help, --help-env, -V/--version */
} mpirun_opts_t;

/*
 * Parses argv[1..argc-1] into *opts. Strings in opts point into argv (which must outlive opts),
 * but for the env entries -genv, -genvlist and -env build and output_dir (kept in owned).
 * Options may be written with one or two dashes and take their value as the next argument or
 * after '='. The first argument that is not an option (or the one after "--") is the program:
 * it and everything after it go to the program untouched, up to a lone ':' that starts the next
 * program's context (MPMD: -n N required in each, -x/-env/--wdir there apply to that program's
 * ranks only, every other option belongs before the first program). With -configfile FILE (or
 * --app FILE) the programs come from FILE instead, a line each, with the options of each line
 * concerning its program only (see appfile.h). When --timeout is absent,
 * MPIEXEC_TIMEOUT is read from the environment (an empty value counts as absent); MP_END_GRACE
 * is read from the environment too. Returns 0; or -1 with a message for the user in err (what
 * was wrong, the value, the fix),
 * and opts left empty. Call mpirun_opts_fini() afterwards in both cases (it is harmless after
 * an error).
 */
int mpirun_opts_parse(int argc, char **argv, mpirun_opts_t *opts, char *err, size_t errlen);

/* Frees what mpirun_opts_parse() allocated and empties *opts. */
void mpirun_opts_fini(mpirun_opts_t *opts);

/* Writes the --help text to out. */
void mpirun_opts_print_help(FILE *out);

/* "slot", "core", ... and "none", "core", ...: the names used on the command line. */
const char *mpirun_map_name(mpirun_map_t map);
const char *mpirun_bind_name(mpirun_bind_t bind);

#endif
