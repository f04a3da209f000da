/*
 * Parsing of host lists for mpirun: the -H value and hostfiles in the Open MPI and MPICH formats,
 * merged into distinct hosts with slot counts. Messages name the file, line and text at fault.
 */
#include "hostfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a host came from, for messages: "-H \"a,b\"" or "hostfile h.txt line 3". */
typedef struct where {
    char text[320];
} where_t;

/* A list being built, with the capacity of its array. */
typedef struct builder {
    mpirun_hostlist_t *list;
    int cap;
} builder_t;

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

/*
 * Copies user text of length len into buf for a message: at most 60 characters, anything
 * unprintable (binary junk in a file) shown as '?', "..." when cut.
 */
static const char *quote(const char *s, size_t len, char *buf, size_t buflen)
{
    size_t max = buflen - 4;
    size_t n = 0;
    if (max > 60) {
        max = 60;
    }
    for (; n < len && n < max; n++) {
        buf[n] = isprint((unsigned char)s[n]) ? s[n] : '?';
    }
    if (n < len) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

static bool is_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

/* A slot count: digits only, from 1 to MPIRUN_SLOTS_MAX. */
static bool parse_slots(const char *s, size_t len, int *slots_p)
{
    long v = 0;
    if (len == 0) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
        v = v * 10 + (s[i] - '0');
        if (v > MPIRUN_SLOTS_MAX) {
            return false;
        }
    }
    if (v < 1) {
        return false;
    }
    *slots_p = (int)v;
    return true;
}

static int check_host_name(const char *name, size_t len, const where_t *where, char *err,
                           size_t errlen)
{
    char q[80];
    if (len == 0) {
        set_error(err, errlen, "%s: a host name is missing (expected host, host:N or host slots=N)",
                  where->text);
        return -1;
    }
    if (len > MPIRUN_HOSTNAME_MAX) {
        set_error(err, errlen, "%s: host name \"%s\" is longer than %d characters", where->text,
                  quote(name, len, q, sizeof(q)), MPIRUN_HOSTNAME_MAX);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_host_char(name[i])) {
            set_error(err, errlen,
                      "%s: \"%s\" is not a valid host name (it contains '%c'; a host name has "
                      "letters, digits, '-', '.' and '_' only)",
                      where->text, quote(name, len, q, sizeof(q)),
                      isprint((unsigned char)name[i]) ? name[i] : '?');
            return -1;
        }
    }
    return 0;
}

/*
 * Adds slots on host name[0..len) to the list, merging with an earlier entry of the same name.
 * slots_given says whether the count was written out.
 */
static int add_host(builder_t *b, const char *name, size_t len, int slots, bool slots_given,
                    const where_t *where, char *err, size_t errlen)
{
    mpirun_hostlist_t *list = b->list;
    char q[80];
    if (check_host_name(name, len, where, err, errlen) != 0) {
        return -1;
    }
    for (int i = 0; i < list->nhosts; i++) {
        mpirun_host_t *h = &list->hosts[i];
        if (strlen(h->name) == len && memcmp(h->name, name, len) == 0) {
            if ((long)h->slots + slots > MPIRUN_SLOTS_MAX) {
                set_error(err, errlen, "%s: host %s has more than %d slots in all", where->text,
                          quote(name, len, q, sizeof(q)), MPIRUN_SLOTS_MAX);
                return -1;
            }
            h->slots += slots;
            h->slots_given = true;
            return 0;
        }
    }
    if (list->nhosts == b->cap) {
        int cap = b->cap == 0 ? 8 : b->cap * 2;
        mpirun_host_t *hosts = realloc(list->hosts, (size_t)cap * sizeof(*hosts));
        if (hosts == NULL) {
            set_error(err, errlen, "%s: out of memory", where->text);
            return -1;
        }
        list->hosts = hosts;
        b->cap = cap;
    }
    mpirun_host_t *h = &list->hosts[list->nhosts];
    h->name = strndup(name, len);
    if (h->name == NULL) {
        set_error(err, errlen, "%s: out of memory", where->text);
        return -1;
    }
    h->slots = slots;
    h->slots_given = slots_given;
    list->nhosts++;
    return 0;
}

/* "name" or "name:N" (text[0..len)), as in -H and in MPICH hostfiles. */
static int add_host_colon(builder_t *b, const char *text, size_t len, const char *expected,
                          const where_t *where, char *err, size_t errlen)
{
    const char *colon = memchr(text, ':', len);
    char q[80];
    int slots = 1;
    if (colon == NULL) {
        return add_host(b, text, len, 1, false, where, err, errlen);
    }
    if (!parse_slots(colon + 1, len - (size_t)(colon + 1 - text), &slots)) {
        set_error(err, errlen, "%s: \"%s\" is not a number of slots (expected %s with N >= 1)",
                  where->text, quote(text, len, q, sizeof(q)), expected);
        return -1;
    }
    return add_host(b, text, (size_t)(colon - text), slots, true, where, err, errlen);
}

int mpirun_hostlist_parse_hosts(const char *spec, mpirun_hostlist_t *list, char *err, size_t errlen)
{
    builder_t b = {list, 0};
    where_t where;
    char q[80];
    const char *p;

    list->hosts = NULL;
    list->nhosts = 0;
    if (spec == NULL) {
        spec = "";
    }
    snprintf(where.text, sizeof(where.text), "-H \"%s\"", quote(spec, strlen(spec), q, sizeof(q)));
    p = spec;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        while (len > 0 && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len > 0 && isspace((unsigned char)p[len - 1])) {
            len--;
        }
        if (len == 0) {
            set_error(err, errlen,
                      "%s: empty host name%s (expected a comma-separated list such as "
                      "node1:4,node2:4)",
                      where.text, *spec == '\0' ? "" : " in the list");
            goto fail;
        }
        if (add_host_colon(&b, p, len, "host:N", &where, err, errlen) != 0) {
            goto fail;
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    return 0;
fail:
    mpirun_hostlist_fini(list);
    return -1;
}

/* Skips blanks; returns the new position. */
static const char *skip_space(const char *p)
{
    while (*p != '\0' && isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

/* The end of a word: the next blank, '=' (when stop_at_eq) or the end of the string. */
static const char *word_end(const char *p, bool stop_at_eq)
{
    while (*p != '\0' && !isspace((unsigned char)*p) && !(stop_at_eq && *p == '=')) {
        p++;
    }
    return p;
}

static bool word_is(const char *w, size_t len, const char *name)
{
    return strlen(name) == len && strncmp(w, name, len) == 0;
}

/* One line of a hostfile, its comment already cut off. */
static int parse_line(builder_t *b, const char *line, const where_t *where, char *err,
                      size_t errlen)
{
    const char *p = skip_space(line);
    const char *host = p;
    const char *host_end;
    const char *slots_text = NULL; /* how the slot count was written, for messages */
    size_t slots_text_len = 0;
    int slots = 1;
    bool slots_given = false;
    char q[80], q2[80];

    if (*p == '\0') {
        return 0;
    }
    host_end = word_end(p, false);
    if (memchr(host, ':', (size_t)(host_end - host)) != NULL) {
        const char *colon = memchr(host, ':', (size_t)(host_end - host));
        if (!parse_slots(colon + 1, (size_t)(host_end - colon - 1), &slots)) {
            set_error(err, errlen,
                      "%s: \"%s\" is not a number of slots (expected host:N with N >= 1)",
                      where->text, quote(host, (size_t)(host_end - host), q, sizeof(q)));
            return -1;
        }
        slots_given = true;
        slots_text = host;
        slots_text_len = (size_t)(host_end - host);
        host_end = colon;
    }
    if (check_host_name(host, (size_t)(host_end - host), where, err, errlen) != 0) {
        return -1;
    }
    p = word_end(p, false);
    for (;;) {
        const char *key, *key_end, *val, *val_end;
        char text[160];
        int n;
        p = skip_space(p);
        if (*p == '\0') {
            break;
        }
        key = p;
        key_end = word_end(p, true);
        p = skip_space(key_end);
        if (*p != '=') {
            set_error(err, errlen,
                      "%s: unexpected \"%s\" after the host name (expected slots=N, and "
                      "optionally max_slots=N)",
                      where->text, quote(key, (size_t)(key_end - key), q, sizeof(q)));
            return -1;
        }
        val = skip_space(p + 1);
        val_end = word_end(val, false);
        p = val_end;
        snprintf(text, sizeof(text), "%s=%s", quote(key, (size_t)(key_end - key), q, sizeof(q)),
                 quote(val, (size_t)(val_end - val), q2, sizeof(q2)));
        if (word_is(key, (size_t)(key_end - key), "slots") ||
            word_is(key, (size_t)(key_end - key), "cpu") ||
            word_is(key, (size_t)(key_end - key), "count")) {
            if (slots_given) {
                set_error(err, errlen,
                          "%s: \"%s\" gives the slot count a second time (after \"%s\"): give "
                          "it once",
                          where->text, text, quote(slots_text, slots_text_len, q, sizeof(q)));
                return -1;
            }
            if (!parse_slots(val, (size_t)(val_end - val), &slots)) {
                set_error(err, errlen,
                          "%s: \"%s\" is not a number of slots (expected %.*s=N with N >= 1)",
                          where->text, text, (int)(key_end - key), key);
                return -1;
            }
            slots_given = true;
            slots_text = key;
            slots_text_len = (size_t)(val_end - key);
        } else if (word_is(key, (size_t)(key_end - key), "max_slots") ||
                   word_is(key, (size_t)(key_end - key), "max-slots")) {
            if (!parse_slots(val, (size_t)(val_end - val), &n)) {
                set_error(err, errlen,
                          "%s: \"%s\" is not a number of slots (expected %.*s=N with N >= 1)",
                          where->text, text, (int)(key_end - key), key);
                return -1;
            }
        } else {
            set_error(err, errlen,
                      "%s: unknown keyword \"%s\" in \"%s\" (known: slots=N, max_slots=N)",
                      where->text, quote(key, (size_t)(key_end - key), q, sizeof(q)), text);
            return -1;
        }
    }
    return add_host(b, host, (size_t)(host_end - host), slots, slots_given, where, err, errlen);
}

int mpirun_hostlist_parse_file(const char *path, mpirun_hostlist_t *list, char *err, size_t errlen)
{
    builder_t b = {list, 0};
    where_t where;
    char *line = NULL;
    size_t linecap = 0;
    long lineno = 0;
    FILE *f;

    list->hosts = NULL;
    list->nhosts = 0;
    if (path == NULL || *path == '\0') {
        set_error(err, errlen, "hostfile: no file name given");
        return -1;
    }
    f = fopen(path, "r");
    if (f == NULL) {
        set_error(err, errlen, "hostfile %s cannot be opened: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        ssize_t n;
        char *hash;
        errno = 0;
        n = getline(&line, &linecap, f);
        if (n < 0) {
            break;
        }
        lineno++;
        hash = strchr(line, '#');
        if (hash != NULL) {
            *hash = '\0';
        }
        snprintf(where.text, sizeof(where.text), "hostfile %s line %ld", path, lineno);
        if (parse_line(&b, line, &where, err, errlen) != 0) {
            goto fail;
        }
    }
    if (ferror(f)) {
        set_error(err, errlen, "hostfile %s cannot be read: %s", path,
                  strerror(errno != 0 ? errno : EIO));
        goto fail;
    }
    if (list->nhosts == 0) {
        set_error(err, errlen,
                  "hostfile %s lists no hosts (it has only blank lines and comments): write one "
                  "host per line, e.g. \"node1 slots=4\"",
                  path);
        goto fail;
    }
    free(line);
    fclose(f);
    return 0;
fail:
    free(line);
    fclose(f);
    mpirun_hostlist_fini(list);
    return -1;
}

long long mpirun_hostlist_total_slots(const mpirun_hostlist_t *list)
{
    long long total = 0;
    for (int i = 0; i < list->nhosts; i++) {
        total += list->hosts[i].slots;
    }
    return total;
}

void mpirun_hostlist_fini(mpirun_hostlist_t *list)
{
    if (list == NULL) {
        return;
    }
    for (int i = 0; i < list->nhosts; i++) {
        free(list->hosts[i].name);
    }
    free(list->hosts);
    list->hosts = NULL;
    list->nhosts = 0;
}
