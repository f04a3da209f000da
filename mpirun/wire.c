/*
 * Encoding and decoding of the mpirun <-> daemon messages. Everything read from the network
 * is checked here (lengths, counts, indices), so that the two ends only see valid values.
 */
#define _GNU_SOURCE
#include "mpirun/wire.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "hostfile.h"
#include "options.h"
#include "util/sha256.h"

/* Ensures room for n more bytes. */
static bool reserve(mpirun_wire_buf_t *buf, size_t n)
{
    if (buf->oom) {
        return false;
    }
    if (buf->cap - buf->len >= n) {
        return true;
    }
    size_t cap = buf->cap == 0 ? 4096 : buf->cap;
    while (cap - buf->len < n) {
        cap *= 2;
    }
    uint8_t *grown = realloc(buf->data, cap);
    if (grown == NULL) {
        buf->oom = true;
        return false;
    }
    buf->data = grown;
    buf->cap = cap;
    return true;
}

void mpirun_wire_buf_fini(mpirun_wire_buf_t *buf)
{
    free(buf->data);
    memset(buf, 0, sizeof(*buf));
}

void mpirun_wire_put_raw(mpirun_wire_buf_t *buf, const void *data, size_t len)
{
    if (len > 0 && reserve(buf, len)) {
        memcpy(buf->data + buf->len, data, len);
        buf->len += len;
    }
}

void mpirun_wire_put_u32(mpirun_wire_buf_t *buf, uint32_t v)
{
    uint32_t be = htonl(v);
    mpirun_wire_put_raw(buf, &be, sizeof(be));
}

static void put_u16(mpirun_wire_buf_t *buf, uint16_t v)
{
    uint16_t be = htons(v);
    mpirun_wire_put_raw(buf, &be, sizeof(be));
}

void mpirun_wire_put_bytes(mpirun_wire_buf_t *buf, const void *data, size_t len)
{
    mpirun_wire_put_u32(buf, (uint32_t)len);
    mpirun_wire_put_raw(buf, data, len);
}

void mpirun_wire_put_str(mpirun_wire_buf_t *buf, const char *s)
{
    mpirun_wire_put_bytes(buf, s, s != NULL ? strlen(s) : 0);
}

void mpirun_wire_begin(mpirun_wire_buf_t *buf, mpirun_wire_type_t type)
{
    buf->frame = buf->len;
    mpirun_wire_put_u32(buf, MPIRUN_WIRE_MAGIC);
    put_u16(buf, MPIRUN_WIRE_VERSION);
    put_u16(buf, (uint16_t)type);
    mpirun_wire_put_u32(buf, 0); /* the length, filled in by end */
}

void mpirun_wire_end(mpirun_wire_buf_t *buf)
{
    if (buf->oom) {
        return;
    }
    uint32_t be = htonl((uint32_t)(buf->len - buf->frame - MPIRUN_WIRE_HEADER_LEN));
    memcpy(buf->data + buf->frame + 8, &be, sizeof(be));
}

void mpirun_wire_consume(mpirun_wire_buf_t *buf, size_t n)
{
    memmove(buf->data, buf->data + n, buf->len - n);
    buf->len -= n;
}

int mpirun_wire_frame(const uint8_t *data, size_t len, size_t max_payload, uint16_t *type_p,
                      const uint8_t **payload_p, size_t *payload_len_p, size_t *frame_len_p,
                      char *err, size_t errlen)
{
    uint32_t magic, plen;
    uint16_t version, type;
    /* The magic is checked as soon as it is there, so that a stranger is turned away early. */
    if (len >= 4) {
        memcpy(&magic, data, 4);
        if (ntohl(magic) != MPIRUN_WIRE_MAGIC) {
            snprintf(err, errlen, "not an mpirun daemon message (magic 0x%08x)", ntohl(magic));
            return -1;
        }
    }
    if (len < MPIRUN_WIRE_HEADER_LEN) {
        return 0;
    }
    memcpy(&version, data + 4, 2);
    memcpy(&type, data + 6, 2);
    memcpy(&plen, data + 8, 4);
    if (ntohs(version) != MPIRUN_WIRE_VERSION) {
        snprintf(err, errlen, "protocol version %u, this mpirun speaks %u (same libmp everywhere?)",
                 ntohs(version), MPIRUN_WIRE_VERSION);
        return -1;
    }
    if (ntohl(plen) > max_payload) {
        snprintf(err, errlen, "a message of %u bytes, more than the %zu allowed", ntohl(plen),
                 max_payload);
        return -1;
    }
    if (len - MPIRUN_WIRE_HEADER_LEN < ntohl(plen)) {
        return 0;
    }
    *type_p = ntohs(type);
    *payload_p = data + MPIRUN_WIRE_HEADER_LEN;
    *payload_len_p = ntohl(plen);
    *frame_len_p = MPIRUN_WIRE_HEADER_LEN + (size_t)ntohl(plen);
    return 1;
}

void mpirun_wire_reader_init(mpirun_wire_reader_t *rd, const uint8_t *data, size_t len)
{
    rd->data = data;
    rd->len = len;
    rd->off = 0;
    rd->bad = false;
}

const uint8_t *mpirun_wire_get_raw(mpirun_wire_reader_t *rd, size_t len)
{
    if (rd->bad || rd->len - rd->off < len) {
        rd->bad = true;
        return NULL;
    }
    const uint8_t *p = rd->data + rd->off;
    rd->off += len;
    return p;
}

uint32_t mpirun_wire_get_u32(mpirun_wire_reader_t *rd)
{
    const uint8_t *p = mpirun_wire_get_raw(rd, 4);
    uint32_t be = 0;
    if (p != NULL) {
        memcpy(&be, p, 4);
    }
    return ntohl(be);
}

const uint8_t *mpirun_wire_get_bytes(mpirun_wire_reader_t *rd, size_t *len_p)
{
    uint32_t len = mpirun_wire_get_u32(rd);
    const uint8_t *p = mpirun_wire_get_raw(rd, len);
    *len_p = p != NULL ? len : 0;
    return p;
}

char *mpirun_wire_get_str(mpirun_wire_reader_t *rd)
{
    size_t len;
    const uint8_t *p = mpirun_wire_get_bytes(rd, &len);
    if (p == NULL || memchr(p, '\0', len) != NULL) {
        rd->bad = true;
        return NULL;
    }
    char *s = strndup((const char *)p, len);
    if (s == NULL) {
        rd->bad = true;
    }
    return s;
}

bool mpirun_wire_reader_done(const mpirun_wire_reader_t *rd)
{
    return !rd->bad && rd->off == rd->len;
}

static void put_strs(mpirun_wire_buf_t *buf, int n, char *const *strs)
{
    mpirun_wire_put_u32(buf, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        mpirun_wire_put_str(buf, strs[i]);
    }
}

void mpirun_wire_put_job(mpirun_wire_buf_t *buf, const mpirun_wire_job_t *job)
{
    mpirun_wire_begin(buf, MPIRUN_WIRE_JOB);
    mpirun_wire_put_str(buf, job->nspace);
    mpirun_wire_put_u32(buf, (uint32_t)job->np);
    put_strs(buf, job->nhosts, job->hosts);
    for (int r = 0; r < job->np; r++) {
        mpirun_wire_put_u32(buf, (uint32_t)job->host_of_rank[r]);
    }
    mpirun_wire_put_u32(buf, (uint32_t)job->map_by);
    mpirun_wire_put_u32(buf, (uint32_t)job->bind_to);
    mpirun_wire_put_u32(buf, job->report_bindings);
    mpirun_wire_put_u32(buf, (uint32_t)job->napps);
    for (int a = 0; a < job->napps; a++) {
        put_strs(buf, job->apps[a].argc, job->apps[a].argv);
        put_strs(buf, job->apps[a].nenv, job->apps[a].env);
        mpirun_wire_put_str(buf, job->apps[a].wdir);
        mpirun_wire_put_str(buf, job->apps[a].path);
    }
    for (int r = 0; r < job->np; r++) {
        mpirun_wire_put_u32(buf, (uint32_t)job->app_of_rank[r]);
    }
    put_strs(buf, job->nenv, job->env);
    mpirun_wire_put_str(buf, job->wdir);
    mpirun_wire_put_u32(buf, job->wdir_given);
    mpirun_wire_end(buf);
}

/* A count of items that each take at least min_bytes of the rest of the payload: a bound that
 * keeps a forged count from allocating more than the message could describe. */
static int get_count(mpirun_wire_reader_t *rd, uint32_t max, size_t min_bytes)
{
    uint32_t n = mpirun_wire_get_u32(rd);
    if (n > max || (size_t)n * min_bytes > rd->len - rd->off) {
        rd->bad = true;
        return 0;
    }
    return (int)n;
}

/* Reads a counted list of strings, NULL-terminated; *n_p set. NULL when bad. */
static char **get_strs(mpirun_wire_reader_t *rd, uint32_t max, int *n_p)
{
    int n = get_count(rd, max, 4);
    char **strs = calloc((size_t)n + 1, sizeof(char *));
    *n_p = 0;
    if (strs == NULL) {
        rd->bad = true;
        return NULL;
    }
    for (int i = 0; i < n && !rd->bad; i++) {
        strs[i] = mpirun_wire_get_str(rd);
        *n_p = i + 1;
    }
    return strs;
}

static void free_strs(char **strs, int n)
{
    for (int i = 0; strs != NULL && i < n; i++) {
        free(strs[i]);
    }
    free(strs);
}

/* The programs (each with a program name) and each rank's program. */
static int get_apps(mpirun_wire_reader_t *rd, mpirun_wire_job_t *job)
{
    int n = get_count(rd, (uint32_t)job->np, 12);
    job->apps = calloc((size_t)n + 1, sizeof(*job->apps));
    if (rd->bad || n < 1 || job->apps == NULL) {
        return -1;
    }
    for (int a = 0; a < n && !rd->bad; a++) {
        mpirun_wire_app_t *app = &job->apps[a];
        job->napps = a + 1;
        app->argv = get_strs(rd, 1u << 20, &app->argc);
        app->env = get_strs(rd, 1u << 20, &app->nenv);
        app->wdir = mpirun_wire_get_str(rd);
        app->path = mpirun_wire_get_str(rd);
        if (rd->bad || app->argc < 1 || app->wdir == NULL || app->path == NULL) {
            return -1;
        }
    }
    job->app_of_rank = calloc((size_t)job->np, sizeof(int));
    if (job->app_of_rank == NULL || (size_t)job->np * 4 > rd->len - rd->off) {
        return -1;
    }
    for (int r = 0; r < job->np; r++) {
        uint32_t a = mpirun_wire_get_u32(rd);
        if (a >= (uint32_t)n) {
            return -1;
        }
        job->app_of_rank[r] = (int)a;
    }
    return 0;
}

int mpirun_wire_get_job(const uint8_t *payload, size_t len, mpirun_wire_job_t *job, char *err,
                        size_t errlen)
{
    mpirun_wire_reader_t rd;
    memset(job, 0, sizeof(*job));
    mpirun_wire_reader_init(&rd, payload, len);
    job->nspace = mpirun_wire_get_str(&rd);
    job->np = (int)mpirun_wire_get_u32(&rd);
    if (job->np < 1 || job->np > MPIRUN_NP_MAX) {
        snprintf(err, errlen, "job description: %d ranks", job->np);
        job->np = 0;
        goto fail;
    }
    job->hosts = get_strs(&rd, (uint32_t)job->np, &job->nhosts);
    if (rd.bad || job->nhosts < 1) {
        snprintf(err, errlen, "job description: bad host list");
        goto fail;
    }
    job->host_of_rank = calloc((size_t)job->np, sizeof(int));
    if (job->host_of_rank == NULL || (size_t)job->np * 4 > rd.len - rd.off) {
        snprintf(err, errlen, "job description: bad rank map");
        goto fail;
    }
    for (int r = 0; r < job->np; r++) {
        uint32_t h = mpirun_wire_get_u32(&rd);
        if (h >= (uint32_t)job->nhosts) {
            snprintf(err, errlen, "job description: rank %d on node %u of %d", r, h, job->nhosts);
            goto fail;
        }
        job->host_of_rank[r] = (int)h;
    }
    uint32_t map_by = mpirun_wire_get_u32(&rd);
    uint32_t bind_to = mpirun_wire_get_u32(&rd);
    if (map_by > MPIRUN_MAP_LAST || bind_to > MPIRUN_BIND_LAST) {
        snprintf(err, errlen, "job description: mapping %u, binding %u", map_by, bind_to);
        goto fail;
    }
    job->map_by = (int)map_by;
    job->bind_to = (int)bind_to;
    job->report_bindings = mpirun_wire_get_u32(&rd) != 0;
    if (get_apps(&rd, job) != 0) {
        snprintf(err, errlen, "job description: bad programs");
        goto fail;
    }
    job->env = get_strs(&rd, 1u << 20, &job->nenv);
    job->wdir = mpirun_wire_get_str(&rd);
    job->wdir_given = mpirun_wire_get_u32(&rd) != 0;
    if (!mpirun_wire_reader_done(&rd) || job->nspace == NULL || job->nspace[0] == '\0') {
        snprintf(err, errlen, "job description: malformed (%zu bytes)", len);
        goto fail;
    }
    for (int h = 0; h < job->nhosts; h++) {
        if (job->hosts[h][0] == '\0' || strlen(job->hosts[h]) > MPIRUN_HOSTNAME_MAX) {
            snprintf(err, errlen, "job description: bad name of node %d", h);
            goto fail;
        }
    }
    return 0;
fail:
    mpirun_wire_job_fini(job);
    return -1;
}

void mpirun_wire_job_fini(mpirun_wire_job_t *job)
{
    free(job->nspace);
    free_strs(job->hosts, job->nhosts);
    free(job->host_of_rank);
    for (int a = 0; job->apps != NULL && a < job->napps; a++) {
        free_strs(job->apps[a].argv, job->apps[a].argc);
        free_strs(job->apps[a].env, job->apps[a].nenv);
        free(job->apps[a].wdir);
        free(job->apps[a].path);
    }
    free(job->apps);
    free(job->app_of_rank);
    free_strs(job->env, job->nenv);
    free(job->wdir);
    memset(job, 0, sizeof(*job));
}

void mpirun_wire_put_parent(mpirun_wire_buf_t *buf, const char *addr, int port)
{
    mpirun_wire_begin(buf, MPIRUN_WIRE_PARENT);
    mpirun_wire_put_str(buf, addr);
    mpirun_wire_put_u32(buf, (uint32_t)port);
    mpirun_wire_end(buf);
}

int mpirun_wire_get_parent(const uint8_t *payload, size_t len, char **addr_p, int *port_p,
                           char *err, size_t errlen)
{
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, len);
    char *addr = mpirun_wire_get_str(&rd);
    uint32_t port = mpirun_wire_get_u32(&rd);
    *addr_p = NULL;
    if (!mpirun_wire_reader_done(&rd) || port == 0 || port > 65535) {
        snprintf(err, errlen, "a malformed parent daemon address from mpirun (%zu bytes)", len);
        free(addr);
        return -1;
    }
    if (strlen(addr) >= MPIRUN_ADDR_LEN || mpirun_addrs_family(addr) < 0) {
        snprintf(err, errlen, "the parent daemon's address \"%.*s\" is neither IPv4 nor IPv6",
                 MPIRUN_ADDR_LEN, addr);
        free(addr);
        return -1;
    }
    *addr_p = addr;
    *port_p = (int)port;
    return 0;
}

void mpirun_wire_put_listening(mpirun_wire_buf_t *buf, int port, const char *addr)
{
    mpirun_wire_begin(buf, MPIRUN_WIRE_LISTENING);
    mpirun_wire_put_u32(buf, (uint32_t)port);
    mpirun_wire_put_str(buf, addr);
    mpirun_wire_end(buf);
}

int mpirun_wire_get_listening(const uint8_t *payload, size_t len, int *port_p,
                              char addr[MPIRUN_ADDR_LEN], char *err, size_t errlen)
{
    mpirun_wire_reader_t rd;
    mpirun_wire_reader_init(&rd, payload, len);
    uint32_t port = mpirun_wire_get_u32(&rd);
    char *text = mpirun_wire_get_str(&rd);
    int rc = 0;
    if (!mpirun_wire_reader_done(&rd) || port == 0 || port > 65535) {
        snprintf(err, errlen, "a malformed listening port from a daemon (%zu bytes)", len);
        rc = -1;
    } else if (text[0] != '\0' &&
               (strlen(text) >= MPIRUN_ADDR_LEN || mpirun_addrs_family(text) < 0)) {
        snprintf(err, errlen,
                 "a daemon's address for its children \"%.*s\" is neither IPv4 nor "
                 "IPv6",
                 MPIRUN_ADDR_LEN, text);
        rc = -1;
    } else {
        snprintf(addr, MPIRUN_ADDR_LEN, "%s", text);
        *port_p = (int)port;
    }
    free(text);
    return rc;
}

void mpirun_wire_proof(const uint8_t secret[32], mpirun_wire_role_t role, uint32_t node,
                       const uint8_t nonce[MPIRUN_WIRE_NONCE_LEN], uint8_t out[32])
{
    uint8_t msg[16 + 4 + MPIRUN_WIRE_NONCE_LEN];
    memset(msg, 0, 16);
    const char *name = role == MPIRUN_WIRE_ROLE_MPIRUN   ? "libmp mpirun"
                       : role == MPIRUN_WIRE_ROLE_PARENT ? "libmp parent"
                                                         : "libmp daemon";
    memcpy(msg, name, 12);
    uint32_t be = htonl(node);
    memcpy(msg + 16, &be, 4);
    memcpy(msg + 20, nonce, MPIRUN_WIRE_NONCE_LEN);
    mp_hmac_sha256(secret, 32, msg, sizeof(msg), out);
}

void mpirun_wire_secret_format(const uint8_t secret[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[secret[i] >> 4];
        out[2 * i + 1] = digits[secret[i] & 15];
    }
    out[64] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int mpirun_wire_secret_parse(const char *text, uint8_t secret[32])
{
    if (strlen(text) != 64) {
        return -1;
    }
    for (int i = 0; i < 32; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        secret[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}
