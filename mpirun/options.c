/*
 * Parsing of mpirun's command line: a table of the spellings Open MPI and MPICH users type, a
 * loop that stops at the program, and messages that name the bad value and the fix.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum opt_id {
    OPT_NP,
    OPT_PPN,
    OPT_HOST,
    OPT_HOSTFILE,
    OPT_MAP_BY,
    OPT_BIND_TO,
    OPT_REPORT_BINDINGS,
    OPT_DISPLAY_MAP,
    OPT_ENV,
    OPT_GENV,
    OPT_GENVLIST,
    OPT_LOCAL_ENV,
    OPT_MCA,
    OPT_QUIET,
    OPT_TAG_OUTPUT,
    OPT_PREPEND_RANK,
    OPT_MERGE_STDERR,
    OPT_OUTPUT_DIR,
    OPT_TIMEOUT,
    OPT_OVERSUBSCRIBE,
    OPT_USE_HWTHREADS,
    OPT_NOOVERSUBSCRIBE,
    OPT_ALLOW_ROOT,
    OPT_WDIR,
    OPT_PATH,
    OPT_LAUNCH_AGENT,
    OPT_LAUNCHER,
    OPT_APPFILE,
    OPT_NET_IF,
    OPT_VERBOSE,
    OPT_HELP,
    OPT_HELP_ENV,
    OPT_VERSION
};

/* One spelling of an option. Every name works with one dash or two ("-np", "--np"). */
struct opt_spec {
    const char *name; /* without dashes */
    enum opt_id id;
    const char *example; /* the value in an example, or NULL when the option takes no value */
};

/* Options that take two arguments (-genv VAR VALUE); their example shows both. */
static bool takes_two_values(enum opt_id id)
{
    return id == OPT_GENV || id == OPT_MCA || id == OPT_LOCAL_ENV;
}

/* Options that may follow a ':' (they concern that program's ranks only). */
static bool is_per_context(enum opt_id id)
{
    return id == OPT_NP || id == OPT_ENV || id == OPT_LOCAL_ENV || id == OPT_WDIR || id == OPT_PATH;
}

static const struct opt_spec opt_table[] = {
    {"n", OPT_NP, "4"},
    {"np", OPT_NP, "4"},
    {"c", OPT_NP, "4"},
    {"ppn", OPT_PPN, "2"},
    {"npernode", OPT_PPN, "2"},
    {"N", OPT_PPN, "2"},
    {"H", OPT_HOST, "node1:4,node2:4"},
    {"host", OPT_HOST, "node1:4,node2:4"},
    {"hosts", OPT_HOST, "node1:4,node2:4"},
    {"hostfile", OPT_HOSTFILE, "hosts.txt"},
    {"machinefile", OPT_HOSTFILE, "hosts.txt"},
    {"f", OPT_HOSTFILE, "hosts.txt"},
    {"map-by", OPT_MAP_BY, "core"},
    {"bind-to", OPT_BIND_TO, "core"},
    {"report-bindings", OPT_REPORT_BINDINGS, NULL},
    {"display-map", OPT_DISPLAY_MAP, NULL},
    {"print-rank-map", OPT_DISPLAY_MAP, NULL},
    {"x", OPT_ENV, "OMP_NUM_THREADS=1"},
    {"genv", OPT_GENV, "OMP_NUM_THREADS 1"},
    {"genvlist", OPT_GENVLIST, "OMP_NUM_THREADS,PATH"},
    {"env", OPT_LOCAL_ENV, "OMP_NUM_THREADS 1"},
    {"mca", OPT_MCA, "btl ^openib"},
    {"gmca", OPT_MCA, "btl ^openib"},
    {"q", OPT_QUIET, NULL},
    {"quiet", OPT_QUIET, NULL},
    {"tag-output", OPT_TAG_OUTPUT, NULL},
    {"l", OPT_PREPEND_RANK, NULL},
    {"prepend-rank", OPT_PREPEND_RANK, NULL},
    {"merge-stderr-to-stdout", OPT_MERGE_STDERR, NULL},
    {"output-filename", OPT_OUTPUT_DIR, "out"},
    {"output-directory", OPT_OUTPUT_DIR, "out"},
    {"timeout", OPT_TIMEOUT, "60"},
    {"oversubscribe", OPT_OVERSUBSCRIBE, NULL},
    {"use-hwthread-cpus", OPT_USE_HWTHREADS, NULL},
    {"nooversubscribe", OPT_NOOVERSUBSCRIBE, NULL},
    {"no-oversubscribe", OPT_NOOVERSUBSCRIBE, NULL},
    {"allow-run-as-root", OPT_ALLOW_ROOT, NULL},
    {"wdir", OPT_WDIR, "/tmp/run"},
    {"wd", OPT_WDIR, "/tmp/run"},
    {"cwd", OPT_WDIR, "/tmp/run"},
    {"path", OPT_PATH, "/opt/app/bin:$HOME/bin"},
    {"launch-agent", OPT_LAUNCH_AGENT, "ssh"},
    {"bootstrap-exec", OPT_LAUNCH_AGENT, "ssh"},
    {"launcher-exec", OPT_LAUNCH_AGENT, "ssh"},
    {"launcher", OPT_LAUNCHER, "ssh"},
    {"bootstrap", OPT_LAUNCHER, "ssh"},
    {"configfile", OPT_APPFILE, "progs.txt"},
    {"app", OPT_APPFILE, "progs.txt"},
    {"net-if", OPT_NET_IF, "eth0,10.1.0.0/16"},
    {"iface", OPT_NET_IF, "eth0"},
    {"v", OPT_VERBOSE, NULL},
    {"verbose", OPT_VERBOSE, NULL},
    {"h", OPT_HELP, NULL},
    {"help", OPT_HELP, NULL},
    {"help-env", OPT_HELP_ENV, NULL},
    {"V", OPT_VERSION, NULL},
    {"version", OPT_VERSION, NULL},
};

#define OPT_TABLE_LEN (sizeof(opt_table) / sizeof(opt_table[0]))

/* Open MPI 1.x's flags, still in old scripts and course notes: each means an option above with
 * its value. */
static const struct {
    struct opt_spec spec; /* a flag: no value of its own */
    const char *value;
} flag_aliases[] = {
    {{"bynode", OPT_MAP_BY, NULL}, "node"},
    {{"byslot", OPT_MAP_BY, NULL}, "slot"},
    {{"bycore", OPT_MAP_BY, NULL}, "core"},
    {{"bind-to-core", OPT_BIND_TO, NULL}, "core"},
    {{"bind-to-socket", OPT_BIND_TO, NULL}, "socket"},
    {{"bind-to-none", OPT_BIND_TO, NULL}, "none"},
};

static const char *const map_names[] = {
    [MPIRUN_MAP_SLOT] = "slot", [MPIRUN_MAP_CORE] = "core", [MPIRUN_MAP_SOCKET] = "socket",
    [MPIRUN_MAP_NUMA] = "numa", [MPIRUN_MAP_NODE] = "node", [MPIRUN_MAP_HWTHREAD] = "hwthread",
};

static const char *const bind_names[] = {
    [MPIRUN_BIND_DEFAULT] = "default", [MPIRUN_BIND_NONE] = "none",
    [MPIRUN_BIND_CORE] = "core",       [MPIRUN_BIND_SOCKET] = "socket",
    [MPIRUN_BIND_NUMA] = "numa",       [MPIRUN_BIND_HWTHREAD] = "hwthread",
};

#define MAP_CHOICES "slot, core, hwthread, socket (or package), numa or node"
#define BIND_CHOICES "core, hwthread, socket (or package), numa or none"

const char *mpirun_map_name(mpirun_map_t map)
{
    if ((unsigned)map < sizeof(map_names) / sizeof(map_names[0])) {
        return map_names[map];
    }
    return "unknown";
}

const char *mpirun_bind_name(mpirun_bind_t bind)
{
    if ((unsigned)bind < sizeof(bind_names) / sizeof(bind_names[0])) {
        return bind_names[bind];
    }
    return "unknown";
}

static void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL || errlen == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const struct opt_spec *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < OPT_TABLE_LEN; i++) {
        if (strlen(opt_table[i].name) == len && strncmp(opt_table[i].name, name, len) == 0) {
            return &opt_table[i];
        }
    }
    return NULL;
}

static bool is_all_digits(const char *s)
{
    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!isdigit((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

/*
 * For an unknown option such as "-np4": the longest option name that starts it and takes a
 * value, when the rest is a number, so the message can say "did you mean -np 4?".
 */
static const struct opt_spec *glued_value_option(const char *name)
{
    const struct opt_spec *best = NULL;
    for (size_t i = 0; i < OPT_TABLE_LEN; i++) {
        size_t len = strlen(opt_table[i].name);
        if (opt_table[i].example != NULL && strncmp(name, opt_table[i].name, len) == 0 &&
            is_all_digits(name + len) && (best == NULL || len > strlen(best->name))) {
            best = &opt_table[i];
        }
    }
    return best;
}

static void unknown_option_error(const char *arg, const char *name, size_t dashes, char *err,
                                 size_t errlen)
{
    const struct opt_spec *glued = glued_value_option(name);
    if (glued != NULL) {
        set_error(err, errlen,
                  "unknown option \"%s\": did you mean \"%.*s%s %s\"? (put a space between an "
                  "option and its value)",
                  arg, (int)dashes, arg, glued->name, name + strlen(glued->name));
        return;
    }
    set_error(err, errlen,
              "unknown option \"%s\": run mpirun --help for the list of options (options meant "
              "for the program go after the program's name)",
              arg);
}

/* A whole number in [1, max], digits only: no sign, no spaces. */
static bool parse_count(const char *s, long max, int *value_p)
{
    char *end;
    long v;
    if (!is_all_digits(s)) {
        return false;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > max) {
        return false;
    }
    *value_p = (int)v;
    return true;
}

/* A positive, finite number of seconds no larger than MPIRUN_TIMEOUT_MAX. */
static bool parse_seconds(const char *s, double *value_p)
{
    char *end;
    double v;
    if (*s == '\0' || isspace((unsigned char)*s)) {
        return false;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v) || v <= 0 || v > MPIRUN_TIMEOUT_MAX) {
        return false;
    }
    *value_p = v;
    return true;
}

/* Letters, digits and '_', not starting with a digit: a name the shell can export. */
static bool is_env_name(const char *s, size_t len)
{
    if (len == 0 || isdigit((unsigned char)s[0])) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '_') {
            return false;
        }
    }
    return true;
}

/* Splits "core:PE=2" into the policy ("core", length returned) and the modifier ("PE=2"). */
static size_t policy_length(const char *value, const char **modifier_p)
{
    const char *colon = strchr(value, ':');
    if (colon == NULL) {
        *modifier_p = NULL;
        return strlen(value);
    }
    *modifier_p = colon + 1;
    return (size_t)(colon - value);
}

static bool policy_is(const char *value, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(value, name, len) == 0;
}

static int parse_map(const char *opt, const char *value, mpirun_map_t *map_p, char *err,
                     size_t errlen)
{
    static const struct {
        const char *name;
        mpirun_map_t map;
    } choices[] = {
        {"slot", MPIRUN_MAP_SLOT},         {"core", MPIRUN_MAP_CORE}, {"socket", MPIRUN_MAP_SOCKET},
        {"package", MPIRUN_MAP_SOCKET},    {"numa", MPIRUN_MAP_NUMA}, {"node", MPIRUN_MAP_NODE},
        {"hwthread", MPIRUN_MAP_HWTHREAD},
    };
    const char *modifier;
    size_t len = policy_length(value, &modifier);
    for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
        if (!policy_is(value, len, choices[i].name)) {
            continue;
        }
        if (modifier != NULL) {
            bool over = strcasecmp(modifier, "OVERSUBSCRIBE") == 0 ||
                        strcasecmp(modifier, "NOOVERSUBSCRIBE") == 0;
            set_error(err, errlen,
                      "%s \"%s\": modifiers after ':' (\"%s\") are not supported: give the policy "
                      "alone, e.g. %s %.*s%s",
                      opt, value, modifier, opt, (int)len, value,
                      over ? " (oversubscription is allowed by default; --nooversubscribe "
                             "forbids it)"
                           : "");
            return -1;
        }
        *map_p = choices[i].map;
        return 0;
    }
    set_error(err, errlen, "%s \"%s\" is not a mapping policy: use one of " MAP_CHOICES, opt,
              value);
    return -1;
}

/* Open MPI's --map-by ppr:N:node (N processes per node): -ppn N. */
static int parse_ppr(const char *opt, const char *value, mpirun_opts_t *opts, char *err,
                     size_t errlen)
{
    char count[16];
    const char *colon = strchr(value + 4, ':');
    size_t len = colon != NULL ? (size_t)(colon - value - 4) : 0;
    if (colon != NULL && len < sizeof(count)) {
        memcpy(count, value + 4, len);
        count[len] = '\0';
    }
    if (colon == NULL || len >= sizeof(count) || strcasecmp(colon + 1, "node") != 0 ||
        !parse_count(count, MPIRUN_NP_MAX, &opts->ppn)) {
        set_error(err, errlen,
                  "%s \"%s\": of the ppr policies only ppr:N:node (N ranks per host, as -ppn N) "
                  "is supported, e.g. %s ppr:2:node",
                  opt, value, opt);
        return -1;
    }
    opts->map_by = MPIRUN_MAP_SLOT;
    return 0;
}

static int parse_bind(const char *opt, const char *value, mpirun_bind_t *bind_p, char *err,
                      size_t errlen)
{
    static const struct {
        const char *name;
        mpirun_bind_t bind;
    } choices[] = {
        {"core", MPIRUN_BIND_CORE},      {"socket", MPIRUN_BIND_SOCKET},
        {"package", MPIRUN_BIND_SOCKET}, {"numa", MPIRUN_BIND_NUMA},
        {"none", MPIRUN_BIND_NONE},      {"hwthread", MPIRUN_BIND_HWTHREAD},
    };
    const char *modifier;
    size_t len = policy_length(value, &modifier);
    for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
        if (!policy_is(value, len, choices[i].name)) {
            continue;
        }
        if (modifier != NULL) {
            set_error(err, errlen,
                      "%s \"%s\": modifiers after ':' (\"%s\") are not supported: give the "
                      "binding alone, e.g. %s %.*s",
                      opt, value, modifier, opt, (int)len, value);
            return -1;
        }
        *bind_p = choices[i].bind;
        return 0;
    }
    set_error(err, errlen, "%s \"%s\" is not a binding: use one of " BIND_CHOICES, opt, value);
    return -1;
}

static int add_env(mpirun_opts_t *opts, int *cap_p, char *value)
{
    if (opts->nenv == *cap_p) {
        int cap = *cap_p == 0 ? 8 : *cap_p * 2;
        char **env = realloc(opts->env, (size_t)cap * sizeof(*env));
        if (env == NULL) {
            return -1;
        }
        opts->env = env;
        *cap_p = cap;
    }
    opts->env[opts->nenv++] = value;
    return 0;
}

/* Keeps s, a string built here (or NULL: out of memory), in owned. Returns s, or NULL. */
static char *keep(mpirun_opts_t *opts, char *s)
{
    char **owned =
        s != NULL ? realloc(opts->owned, (size_t)(opts->nowned + 1) * sizeof(*owned)) : NULL;
    if (owned == NULL) {
        free(s);
        return NULL;
    }
    opts->owned = owned;
    opts->owned[opts->nowned++] = s;
    return s;
}

/* An env entry built here ("VAR=VALUE" of -genv and -env, a name of -genvlist), kept in owned;
 * NULL when out of memory. */
static char *build_env(mpirun_opts_t *opts, const char *name, size_t len, const char *value)
{
    size_t size = len + (value != NULL ? strlen(value) + 1 : 0) + 1;
    char *entry = keep(opts, malloc(size));
    if (entry == NULL) {
        return NULL;
    }
    if (value != NULL) {
        snprintf(entry, size, "%.*s=%s", (int)len, name, value);
    } else {
        snprintf(entry, size, "%.*s", (int)len, name);
    }
    return entry;
}

static int add_built_env(mpirun_opts_t *opts, int *cap_p, const char *name, size_t len,
                         const char *value)
{
    char *entry = build_env(opts, name, len, value);
    return entry != NULL ? add_env(opts, cap_p, entry) : -1;
}

/* A setting of one program's ranks only. */
static int add_app_env(mpirun_app_t *app, char *value)
{
    char **env = realloc(app->env, (size_t)(app->nenv + 1) * sizeof(*env));
    if (env == NULL) {
        return -1;
    }
    app->env = env;
    app->env[app->nenv++] = value;
    return 0;
}

static void opts_set_defaults(mpirun_opts_t *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->np = -1;
    opts->map_by = MPIRUN_MAP_SLOT;
    opts->bind_to = MPIRUN_BIND_DEFAULT;
    opts->end_grace = MPIRUN_END_GRACE_DEFAULT;
}

static int bad_env_name(const char *opt, const char *value, size_t len, char *err, size_t errlen)
{
    set_error(err, errlen,
              "%s \"%s\": \"%.*s\" is not a valid environment variable name (letters, digits and "
              "'_', not starting with a digit)",
              opt, value, (int)len, value);
    return -1;
}

/* -genvlist A,B,C: as -x A -x B -x C. */
static int apply_genvlist(const char *opt, const char *value, mpirun_opts_t *opts, int *env_cap_p,
                          char *err, size_t errlen)
{
    for (const char *at = value;;) {
        const char *comma = strchr(at, ',');
        size_t len = comma != NULL ? (size_t)(comma - at) : strlen(at);
        if (!is_env_name(at, len)) {
            return bad_env_name(opt, at, len, err, errlen);
        }
        if (add_built_env(opts, env_cap_p, at, len, NULL) != 0) {
            set_error(err, errlen, "%s \"%s\": out of memory", opt, value);
            return -1;
        }
        if (comma == NULL) {
            return 0;
        }
        at = comma + 1;
    }
}

/* --output-filename DIR, or DIR:nocopy (Open MPI's suffix: the files only, not the terminal). */
static int apply_output_dir(const char *opt, const char *value, mpirun_opts_t *opts, char *err,
                            size_t errlen)
{
    static const char nocopy[] = ":nocopy";
    size_t len = strlen(value);
    opts->output_nocopy =
        len >= sizeof(nocopy) - 1 && strcmp(value + len - (sizeof(nocopy) - 1), nocopy) == 0;
    if (opts->output_nocopy) {
        len -= sizeof(nocopy) - 1;
    }
    if (len == 0) {
        set_error(err, errlen, "%s needs a directory, e.g. %s out", opt, opt);
        return -1;
    }
    opts->output_dir = keep(opts, strndup(value, len));
    if (opts->output_dir == NULL) {
        set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Applies one option with its value (NULL for flags) and, for options of two values, value2. opt
 * is the option as typed, for messages. local: the option concerns app only (it follows a ':',
 * or is on a line of a program file), else the whole job. */
static int apply_option(const struct opt_spec *spec, const char *opt, char *value,
                        const char *value2, mpirun_opts_t *opts, int *env_cap_p, bool local,
                        mpirun_app_t *app, char *err, size_t errlen)
{
    switch (spec->id) {
    case OPT_NP:
        if (!parse_count(value, MPIRUN_NP_MAX, local ? &app->np : &opts->np)) {
            set_error(err, errlen,
                      "%s \"%s\" is not a valid number of ranks: give a whole number from 1 to "
                      "%d, e.g. %s 4",
                      opt, value, MPIRUN_NP_MAX, opt);
            return -1;
        }
        return 0;
    case OPT_PPN:
        if (!parse_count(value, MPIRUN_NP_MAX, &opts->ppn)) {
            set_error(err, errlen,
                      "%s \"%s\" is not a valid number of ranks per host: give a whole number "
                      "from 1 to %d, e.g. %s 2",
                      opt, value, MPIRUN_NP_MAX, opt);
            return -1;
        }
        return 0;
    case OPT_HOST:
    case OPT_HOSTFILE: {
        const char **slot = spec->id == OPT_HOST ? &opts->hosts : &opts->hostfile;
        if (*slot != NULL) {
            set_error(err, errlen, "%s given twice (\"%s\" and \"%s\"): give it once, %s", opt,
                      *slot, value,
                      spec->id == OPT_HOST ? "with all hosts in one list, e.g. -H node1:4,node2:4"
                                           : "with all hosts in one file");
            return -1;
        }
        *slot = value;
        return 0;
    }
    case OPT_MAP_BY:
        if (strncasecmp(value, "ppr:", 4) == 0) {
            return parse_ppr(opt, value, opts, err, errlen);
        }
        return parse_map(opt, value, &opts->map_by, err, errlen);
    case OPT_BIND_TO:
        return parse_bind(opt, value, &opts->bind_to, err, errlen);
    case OPT_REPORT_BINDINGS:
        opts->report_bindings = true;
        return 0;
    case OPT_DISPLAY_MAP:
        opts->display_map = true;
        return 0;
    case OPT_VERBOSE:
        opts->verbose = true;
        return 0;
    case OPT_ENV: {
        const char *eq = strchr(value, '=');
        size_t len = eq != NULL ? (size_t)(eq - value) : strlen(value);
        if (!is_env_name(value, len)) {
            set_error(err, errlen,
                      "%s \"%s\": \"%.*s\" is not a valid environment variable name (letters, "
                      "digits and '_', not starting with a digit): write %s VAR or %s VAR=value",
                      opt, value, (int)len, value, opt, opt);
            return -1;
        }
        /* Before the first program -x concerns every rank, after a ':' that program's. */
        if ((local ? add_app_env(app, value) : add_env(opts, env_cap_p, value)) != 0) {
            set_error(err, errlen, "%s \"%s\": out of memory", opt, value);
            return -1;
        }
        return 0;
    }
    case OPT_LOCAL_ENV: {
        if (!is_env_name(value, strlen(value))) {
            return bad_env_name(opt, value, strlen(value), err, errlen);
        }
        char *entry = build_env(opts, value, strlen(value), value2);
        if (entry == NULL || add_app_env(app, entry) != 0) {
            set_error(err, errlen, "%s %s: out of memory", opt, value);
            return -1;
        }
        return 0;
    }
    case OPT_GENV:
        if (!is_env_name(value, strlen(value))) {
            return bad_env_name(opt, value, strlen(value), err, errlen);
        }
        if (add_built_env(opts, env_cap_p, value, strlen(value), value2) != 0) {
            set_error(err, errlen, "%s %s: out of memory", opt, value);
            return -1;
        }
        return 0;
    case OPT_GENVLIST:
        return apply_genvlist(opt, value, opts, env_cap_p, err, errlen);
    case OPT_MCA:
        /* Open MPI's component settings tune Open MPI; scripts that pass them run unchanged. */
        return 0;
    case OPT_QUIET:
        return 0; /* mpirun prints nothing but errors and what was asked for */
    case OPT_TAG_OUTPUT:
        opts->tag_output = true;
        return 0;
    case OPT_PREPEND_RANK:
        opts->prepend_rank = true;
        return 0;
    case OPT_MERGE_STDERR:
        opts->merge_stderr = true;
        return 0;
    case OPT_OUTPUT_DIR:
        return apply_output_dir(opt, value, opts, err, errlen);
    case OPT_TIMEOUT:
        if (!parse_seconds(value, &opts->timeout)) {
            set_error(err, errlen,
                      "%s \"%s\" is not a valid number of seconds: give a positive number up to "
                      "%.0f, e.g. %s 60",
                      opt, value, MPIRUN_TIMEOUT_MAX, opt);
            return -1;
        }
        return 0;
    case OPT_USE_HWTHREADS:
        opts->use_hwthreads = true;
        return 0;
    case OPT_OVERSUBSCRIBE:
        opts->oversubscribe_forbidden = false;
        return 0;
    case OPT_NOOVERSUBSCRIBE:
        opts->oversubscribe_forbidden = true;
        return 0;
    case OPT_ALLOW_ROOT:
        return 0;
    case OPT_NET_IF:
        if (value[0] == '\0') {
            set_error(err, errlen,
                      "%s needs a list of interfaces or subnets, e.g. %s eth0,10.1.0.0/16 or "
                      "%s ^docker0,virbr0",
                      opt, opt, opt);
            return -1;
        }
        opts->net_if = value;
        return 0;
    case OPT_WDIR:
        if (local) {
            app->wdir = value;
        } else {
            opts->wdir = value;
        }
        return 0;
    case OPT_PATH:
        if (local) {
            app->path = value;
        } else {
            opts->path = value;
        }
        return 0;
    case OPT_LAUNCH_AGENT:
        opts->launch_agent = value;
        return 0;
    case OPT_LAUNCHER:
        /* MPICH's launcher names: ssh is the default agent, rsh an agent of its own. */
        if (strcmp(value, "ssh") == 0) {
            return 0;
        }
        if (strcmp(value, "rsh") == 0) {
            opts->launch_agent = "rsh";
            return 0;
        }
        set_error(err, errlen,
                  "%s \"%s\": mpirun starts its daemons on other hosts with ssh (the default) "
                  "or rsh; for anything else give --launch-agent CMD (run as CMD HOST COMMAND...)",
                  opt, value);
        return -1;
    case OPT_APPFILE:
        if (opts->appfile != NULL) {
            set_error(err, errlen, "%s given twice (\"%s\" and \"%s\"): give one program file", opt,
                      opts->appfile, value);
            return -1;
        }
        opts->appfile = value;
        return 0;
    case OPT_HELP:
        opts->help = true;
        return 0;
    case OPT_HELP_ENV:
        opts->help_env = true;
        return 0;
    case OPT_VERSION:
        opts->version = true;
        return 0;
    }
    set_error(err, errlen, "internal error: option %s has no handler", opt);
    return -1;
}

/* MP_END_GRACE: seconds, 0 included (end the job at once, as for any other failure). */
static int end_grace_from_environment(mpirun_opts_t *opts, char *err, size_t errlen)
{
    const char *env = getenv("MP_END_GRACE");
    char *end;
    if (env == NULL || *env == '\0') {
        return 0;
    }
    errno = 0;
    double v = strtod(env, &end);
    if (isspace((unsigned char)*env) || errno != 0 || *end != '\0' || !isfinite(v) || v < 0 ||
        v > MPIRUN_END_GRACE_MAX) {
        set_error(err, errlen,
                  "MP_END_GRACE=\"%s\" (from the environment) is not a valid number of seconds: "
                  "set it to a number from 0 to %.0f, or unset it",
                  env, MPIRUN_END_GRACE_MAX);
        return -1;
    }
    opts->end_grace = v;
    return 0;
}

static int timeout_from_environment(mpirun_opts_t *opts, char *err, size_t errlen)
{
    const char *env = getenv("MPIEXEC_TIMEOUT");
    if (env == NULL || *env == '\0') {
        return 0;
    }
    if (!parse_seconds(env, &opts->timeout)) {
        set_error(err, errlen,
                  "MPIEXEC_TIMEOUT=\"%s\" (from the environment) is not a valid number of "
                  "seconds: set it to a positive number up to %.0f, or unset it",
                  env, MPIRUN_TIMEOUT_MAX);
        return -1;
    }
    return 0;
}

/* Where an option is parsed: the program it may concern and whether it concerns that program
 * only (after a ':', or in a program file). */
struct context {
    int index; /* the program's, from 0 */
    mpirun_app_t *app;
    bool local;
    bool in_file;
};

/*
 * Handles argv[*i_p], an option: finds its spec and value (after '=' or the next argument),
 * applies it, and advances *i_p past what it used.
 */
static int parse_one(int argc, char **argv, int *i_p, mpirun_opts_t *opts, int *env_cap_p,
                     const struct context *c, char *err, size_t errlen)
{
    char *arg = argv[*i_p];
    size_t dashes = arg[1] == '-' ? 2 : 1;
    const char *name = arg + dashes;
    char *eq = strchr(name, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    const struct opt_spec *spec = find_option(name, name_len);
    char opt[64];
    char *value = NULL;

    char implied[16] = "";
    for (size_t i = 0; spec == NULL && i < sizeof(flag_aliases) / sizeof(flag_aliases[0]); i++) {
        if (strlen(flag_aliases[i].spec.name) == name_len &&
            strncmp(name, flag_aliases[i].spec.name, name_len) == 0) {
            spec = &flag_aliases[i].spec;
            snprintf(implied, sizeof(implied), "%s", flag_aliases[i].value);
        }
    }
    if (spec == NULL) {
        unknown_option_error(arg, name, dashes, err, errlen);
        return -1;
    }
    snprintf(opt, sizeof(opt), "%.*s%s", (int)dashes, arg, spec->name);
    if (c->local && !is_per_context(spec->id)) {
        if (c->in_file) {
            set_error(err, errlen,
                      "option %s applies to the whole job: give it on mpirun's command line (a "
                      "program file holds only -n, -x, -env, --wdir and -path, which concern "
                      "the program of their line)",
                      opt);
        } else {
            set_error(err, errlen,
                      "option %s after a ':' applies to the whole job: give it before the first "
                      "program (after a ':' only -n, -x, -env, --wdir and -path, which concern "
                      "that program's ranks)",
                      opt);
        }
        return -1;
    }
    if (spec->example == NULL) {
        if (eq != NULL) {
            set_error(err, errlen, "option %s takes no value (got \"%s\"): write just %s", opt, arg,
                      opt);
            return -1;
        }
    } else if (eq != NULL) {
        value = eq + 1;
    } else if (*i_p + 1 < argc) {
        value = argv[++*i_p];
    } else {
        set_error(err, errlen, "option %s needs a value, e.g. %s %s", opt, opt, spec->example);
        return -1;
    }
    if (value != NULL && *value == '\0') {
        set_error(err, errlen, "option %s has an empty value: give one, e.g. %s %s", opt, opt,
                  spec->example);
        return -1;
    }
    const char *value2 = NULL;
    if (takes_two_values(spec->id)) {
        if (eq != NULL || *i_p + 1 >= argc) {
            set_error(err, errlen, "option %s takes two values, e.g. %s %s", opt, opt,
                      spec->example);
            return -1;
        }
        value2 = argv[++*i_p];
    }
    (*i_p)++;
    if (implied[0] != '\0') {
        value = implied;
    }
    return apply_option(spec, opt, value, value2, opts, env_cap_p, c->local, c->app, err, errlen);
}

/* A new, empty program context; NULL when out of memory. */
static mpirun_app_t *add_app(mpirun_opts_t *opts)
{
    mpirun_app_t *apps = realloc(opts->apps, (size_t)(opts->napps + 1) * sizeof(*apps));
    if (apps == NULL) {
        return NULL;
    }
    opts->apps = apps;
    mpirun_app_t *app = &apps[opts->napps++];
    memset(app, 0, sizeof(*app));
    app->np = -1;
    return app;
}

static bool is_separator(const char *arg)
{
    return strcmp(arg, ":") == 0;
}

#define NO_PROGRAM_ON_LINE "options but no program: give the program after them, e.g. -n 4 ./worker"

/* The program of context c: argv[*i_p] up to the next ':' (or the end). */
static int take_program(int argc, char **argv, int *i_p, const struct context *c, char *err,
                        size_t errlen)
{
    mpirun_app_t *app = c->app;
    int start = *i_p;
    while (*i_p < argc && !is_separator(argv[*i_p])) {
        (*i_p)++;
    }
    if (*i_p == start && c->in_file) {
        set_error(err, errlen, "%s", NO_PROGRAM_ON_LINE);
        return -1;
    }
    if (*i_p == start) {
        set_error(err, errlen,
                  "program %d has no program name before its ':': each ':' separates two "
                  "programs, e.g. mpirun -n 1 ./a : -n 4 ./b",
                  c->index + 1);
        return -1;
    }
    app->argc = *i_p - start;
    app->argv = calloc((size_t)app->argc + 1, sizeof(char *));
    if (app->argv == NULL) {
        set_error(err, errlen, "out of memory");
        return -1;
    }
    memcpy(app->argv, &argv[start], (size_t)app->argc * sizeof(char *));
    return 0;
}

/* With several programs: each has its -n, and together they respect MPIRUN_NP_MAX. */
static int check_counts(mpirun_opts_t *opts, char *err, size_t errlen)
{
    long total = 0;
    opts->apps[0].np = opts->np;
    if (opts->napps == 1) {
        return 0;
    }
    for (int a = 0; a < opts->napps; a++) {
        if (opts->apps[a].np < 0) {
            set_error(err, errlen,
                      "program %d (%s) has no number of ranks: with several programs give -n "
                      "before each, e.g. mpirun -n 1 ./a : -n 4 ./b",
                      a + 1, opts->apps[a].argv[0]);
            return -1;
        }
        total += opts->apps[a].np;
    }
    if (total > MPIRUN_NP_MAX) {
        set_error(err, errlen,
                  "the programs' -n add up to %ld ranks: at most %d ranks may run in one job",
                  total, MPIRUN_NP_MAX);
        return -1;
    }
    opts->np = (int)total;
    return 0;
}

/* Puts "line N: " before the message in err. */
static int at_line(int line, char *err, size_t errlen)
{
    char msg[1024];
    snprintf(msg, sizeof(msg), "%s", err);
    set_error(err, errlen, "line %d: %s", line, msg);
    return -1;
}

/*
 * Parses argv[i..argc-1] into programs: options, a program and its arguments, and after each
 * ':' the next program's options and program. in_file: the words of a program file, where every
 * program's options concern that program only; lines gives each word's line, for messages.
 */
static int parse_programs(int argc, char **argv, int i, bool in_file, const int *lines,
                          mpirun_opts_t *opts, int *env_cap_p, char *err, size_t errlen)
{
    for (;;) {
        mpirun_app_t *app = add_app(opts);
        if (app == NULL) {
            set_error(err, errlen, "out of memory");
            return -1;
        }
        struct context c = {.index = opts->napps - 1, .app = app, .in_file = in_file};
        c.local = in_file || c.index > 0;
        while (i < argc) {
            const char *arg = argv[i];
            if (strcmp(arg, "--") == 0) {
                i++;
                break;
            }
            if (arg[0] != '-' || arg[1] == '\0') {
                break;
            }
            int at = i;
            if (parse_one(argc, argv, &i, opts, env_cap_p, &c, err, errlen) != 0) {
                return in_file ? at_line(lines[at], err, errlen) : -1;
            }
        }
        if (c.index == 0 && !in_file &&
            (i == argc || opts->help || opts->help_env || opts->version)) {
            return i; /* no program on the command line (an error unless help, version or a
                         program file), or help */
        }
        if (i == argc && in_file && argc == 0) {
            set_error(err, errlen, "no program in it: give one program a line, e.g. -n 4 ./a.out");
            return -1;
        }
        if (i == argc && in_file) {
            set_error(err, errlen, "%s", NO_PROGRAM_ON_LINE);
            return at_line(lines[argc - 1], err, errlen);
        }
        if (i == argc) {
            set_error(err, errlen,
                      "no program after the last ':': give one after it (e.g. mpirun -n 1 ./a : "
                      "-n 4 ./b) or remove the ':'");
            return -1;
        }
        int at = i;
        if (take_program(argc, argv, &i, &c, err, errlen) != 0) {
            return in_file ? at_line(lines[at], err, errlen) : -1;
        }
        if (i == argc) {
            return i;
        }
        i++; /* the ':' */
    }
}

/* The programs of the program file opts->appfile, in place of the command line's (which gave
 * none). */
static int parse_appfile(mpirun_opts_t *opts, int *env_cap_p, char *err, size_t errlen)
{
    mpirun_app_t *cmdline = &opts->apps[0];
    if (cmdline->argc > 0) {
        set_error(err, errlen,
                  "a program on the command line (%s) and a program file (%s): put every "
                  "program in the file, a line each, or give no program file",
                  cmdline->argv[0], opts->appfile);
        return -1;
    }
    if (cmdline->nenv > 0 || opts->np >= 0) {
        set_error(err, errlen,
                  "%s on the command line with a program file (%s): it concerns one program, "
                  "so give it on that program's line of the file",
                  opts->np >= 0 ? "-n" : "-env", opts->appfile);
        return -1;
    }
    free(cmdline->argv);
    free(cmdline->env);
    opts->napps = 0;
    char why[1024];
    if (mpirun_appfile_read(opts->appfile, &opts->file, why, sizeof(why)) != 0) {
        set_error(err, errlen, "%s", why);
        return -1;
    }
    if (parse_programs(opts->file.nwords, opts->file.words, 0, true, opts->file.lines, opts,
                       env_cap_p, why, sizeof(why)) < 0) {
        set_error(err, errlen, "program file %s, %s", opts->appfile, why);
        return -1;
    }
    opts->np = opts->apps[0].np;
    return 0;
}

int mpirun_opts_parse(int argc, char **argv, mpirun_opts_t *opts, char *err, size_t errlen)
{
    int env_cap = 0;

    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }
    opts_set_defaults(opts);
    int i = parse_programs(argc, argv, 1, false, NULL, opts, &env_cap, err, errlen);
    if (i < 0) {
        goto fail;
    }
    if (opts->help || opts->help_env || opts->version) {
        if (i < argc) {
            opts->prog_argv = &argv[i];
            opts->prog_argc = argc - i;
        }
        return 0;
    }
    if (opts->timeout == 0 && timeout_from_environment(opts, err, errlen) != 0) {
        goto fail;
    }
    if (end_grace_from_environment(opts, err, errlen) != 0) {
        goto fail;
    }
    if (opts->appfile != NULL && parse_appfile(opts, &env_cap, err, errlen) != 0) {
        goto fail;
    }
    if (opts->apps[0].argc == 0) {
        set_error(err, errlen,
                  "no program to run: give one after the options, e.g. mpirun -n 4 ./a.out "
                  "(see mpirun --help)");
        goto fail;
    }
    if (check_counts(opts, err, errlen) != 0) {
        goto fail;
    }
    opts->prog_argv = opts->apps[0].argv;
    opts->prog_argc = opts->apps[0].argc;
    return 0;
fail:
    mpirun_opts_fini(opts);
    return -1;
}

void mpirun_opts_fini(mpirun_opts_t *opts)
{
    if (opts == NULL) {
        return;
    }
    free(opts->env);
    for (int i = 0; i < opts->nowned; i++) {
        free(opts->owned[i]);
    }
    free(opts->owned);
    for (int a = 0; a < opts->napps; a++) {
        free(opts->apps[a].argv);
        free(opts->apps[a].env);
    }
    free(opts->apps);
    mpirun_appfile_fini(&opts->file);
    opts_set_defaults(opts);
}

void mpirun_opts_print_help(FILE *out)
{
    fputs("Usage: mpirun [options] program [arguments]\n"
          "       mpirun [options] -n N1 program1 [arguments] : -n N2 program2 ...\n"
          "\n"
          "Starts the ranks of an MPI program, binds them to cores, forwards their\n"
          "output, and ends them all together. An option takes its value as the next\n"
          "argument or after '=' (-n 4, -n=4) and may be written with one dash or two\n"
          "(-np, --np). Everything from the program's name on belongs to the program.\n"
          "\n"
          "Placing ranks:\n"
          "  -n, -np, -c N        run N ranks (default: one per slot; without -H or\n"
          "                       --hostfile, one per core of this machine)\n"
          "  -ppn, -N, --npernode N\n"
          "                       N ranks per host: every host gets N slots, so the\n"
          "                       hosts get N consecutive ranks each (and without -n,\n"
          "                       N times the number of hosts run)\n"
          "  -H, --host, --hosts LIST\n"
          "                       hosts and their slots, e.g. -H node1:4,node2:4 (a\n"
          "                       host without a count has 1 slot; a host named twice\n"
          "                       counts twice)\n"
          "  --hostfile, --machinefile, -f FILE\n"
          "                       read the hosts from FILE, one per line: \"node1\",\n"
          "                       \"node1 slots=4\" or \"node1:4\"; '#' starts a comment\n"
          "  --map-by POLICY      slot (the default) fills each host's slots in turn\n"
          "                       and gives a host's ranks consecutive cores; core is\n"
          "                       the same; hwthread gives them consecutive hardware\n"
          "                       threads; socket (or package) and numa deal a host's\n"
          "                       ranks round-robin over its packages or NUMA nodes;\n"
          "                       node deals the ranks out one per host in turn;\n"
          "                       ppr:N:node is -ppn N (Open MPI 1.x: -bynode,\n"
          "                       -byslot, -bycore)\n"
          "  --bind-to WHAT       core, hwthread, socket (or package), numa or none.\n"
          "                       Default: core (hwthread when mapping by hwthread)\n"
          "                       when a host's ranks fit its cores, else none\n"
          "                       (Open MPI 1.x: --bind-to-core, -socket, -none)\n"
          "  --use-hwthread-cpus  count hardware threads as cores: this host has a\n"
          "                       slot per thread, and ranks go to consecutive threads\n"
          "  --report-bindings    print where each rank is bound\n"
          "  --display-map, -print-rank-map\n"
          "                       print each host's ranks before they start\n"
          "  --oversubscribe      allow more ranks than slots and cores. This is the\n"
          "                       default: extra ranks share the hosts in proportion\n"
          "                       to their slots, and the ranks of a host with more\n"
          "                       ranks than cores are not bound\n"
          "  --nooversubscribe, --no-oversubscribe\n"
          "                       refuse to start more ranks than there are slots\n"
          "  --launch-agent, --bootstrap-exec, -launcher-exec CMD\n"
          "                       start mpirun's daemon on another host with CMD HOST\n"
          "                       COMMAND... (default: ssh -o BatchMode=yes)\n"
          "  -launcher, -bootstrap ssh|rsh\n"
          "                       MPICH's spelling: ssh (the default) or rsh\n"
          "\n"
          "Environment and output:\n"
          "  -x VAR               pass the variable VAR, with its value here, to every\n"
          "                       rank\n"
          "  -x VAR=VALUE         set VAR to VALUE in every rank's environment\n"
          "  -genv VAR VALUE      the same (MPICH's spelling)\n"
          "  -genvlist A,B,...    pass the variables A, B, ... as -x A -x B does\n"
          "  --net-if, -iface LIST\n"
          "                       the network interfaces and IPv4 or IPv6 subnets that\n"
          "                       the ranks and mpirun's daemons use between hosts\n"
          "                       (eth0,10.1.0.0/16), or skip (^docker0,virbr0);\n"
          "                       sets MP_NET_IF for every rank\n"
          "  --wdir, --cwd, -wd DIR\n"
          "                       start the ranks in directory DIR (default: the\n"
          "                       current directory)\n"
          "  -path DIRS           look for the program in the directories DIRS\n"
          "                       (separated by ':') before PATH, as the MPI\n"
          "                       standard's mpiexec and Open MPI's --path do\n"
          "  --tag-output         prefix every line of output with the rank that\n"
          "                       wrote it: [1,rank]<stdout>: as Open MPI does\n"
          "  -l, --prepend-rank   prefix every line with [rank] as MPICH does\n"
          "  --merge-stderr-to-stdout\n"
          "                       the ranks' stderr lines go to stdout\n"
          "  --output-filename, --output-directory DIR\n"
          "                       also write each rank's output to DIR/1/rank.R/stdout\n"
          "                       and .../stderr (spawned jobs: DIR/2/..., ...);\n"
          "                       DIR:nocopy writes the files only\n"
          "  --timeout SECONDS    end the whole job if it runs longer than SECONDS;\n"
          "                       the environment variable MPIEXEC_TIMEOUT does the\n"
          "                       same\n"
          "  --allow-run-as-root  accepted for Open MPI scripts; libmp runs as root\n"
          "                       without it\n"
          "  --mca, --gmca KEY VALUE\n"
          "                       accepted and ignored: Open MPI's component settings\n"
          "                       mean nothing to libmp (see --help-env for its own)\n"
          "  -q, --quiet          accepted: mpirun prints only errors and what is asked\n"
          "  -v, --verbose        also report how the daemons of other hosts are\n"
          "                       linked (e.g. one that cannot reach its parent in the\n"
          "                       fence tree and relays through mpirun instead)\n"
          "\n"
          "Several programs in one job (MPMD):\n"
          "  A lone ':' separates programs that start as one job: the ranks of the\n"
          "  first come first, and MPI_APPNUM is each rank's program (0, 1, ...),\n"
          "  e.g. mpirun -n 1 ./master : -n 4 ./worker. Each program needs its -n.\n"
          "  The options before the first program concern the whole job; after a\n"
          "  ':' only these may come, and concern that program's ranks:\n"
          "  -n, -np, -c N        its number of ranks\n"
          "  -x VAR[=VALUE]       set or pass VAR for its ranks (before the first\n"
          "                       program -x concerns every rank)\n"
          "  -env VAR VALUE       set VAR for its ranks (also before the first program,\n"
          "                       where it concerns the first program's ranks only)\n"
          "  --wdir, -wdir DIR    start its ranks in DIR (before the first program:\n"
          "                       every program's default)\n"
          "  -path DIRS           where to look for it first (before the first\n"
          "                       program: every program's default)\n"
          "  -configfile, --app FILE\n"
          "                       take the programs from FILE, one a line with its\n"
          "                       own options (-n, -x, -env, --wdir, -path), instead\n"
          "                       of programs on the command line; words as a shell\n"
          "                       splits them, '#' starts a comment, a '\\' at the\n"
          "                       end of a line continues it\n"
          "\n"
          "Information:\n"
          "  -h, --help           print this help\n"
          "  --help-env           list the MP_* environment variables that tune libmp\n"
          "  -V, --version        print the version of libmp\n"
          "  --                   end of mpirun's options: the next argument is the\n"
          "                       program, even if it starts with '-'\n",
          out);
}
