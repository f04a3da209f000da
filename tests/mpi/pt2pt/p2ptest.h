/*
 * Helpers shared by the point-to-point tests in tests/mpi/pt2pt/: data patterns derived from
 * (source, tag, sequence, index) and their byte-exact checks, MPI return-code checks, status
 * checks, and a barrier built from point-to-point messages only. Standard MPI + POSIX.
 */
#ifndef P2PTEST_H
#define P2PTEST_H

#include "../env/mptest.h"

#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>

/* Tags at or above this value are kept for the tests' own synchronisation messages. */
#define P2P_TAG_SYNC 30000
#define P2P_TAG_BARRIER 30001

/* Checks that an MPI call returned MPI_SUCCESS; otherwise counts a failure naming the call. */
#define P2P_MPI(call)                                                                              \
    do {                                                                                           \
        int p2p_rc_ = (call);                                                                      \
        if (p2p_rc_ != MPI_SUCCESS) {                                                              \
            mpt_fail(__FILE__, __LINE__, "%s returned %d (%s)", #call, p2p_rc_,                    \
                     p2p_err_string(p2p_rc_));                                                     \
        }                                                                                          \
    } while (0)

/* The MPI error string of an error code, in a static buffer (for messages only). */
static inline const char *p2p_err_string(int code)
{
    static char s[MPI_MAX_ERROR_STRING + 1];
    int len = 0;

    if (MPI_Error_string(code, s, &len) != MPI_SUCCESS) {
        snprintf(s, sizeof(s), "error code %d", code);
    }
    return s;
}

/* The MPI error class of an error code, or -1 when MPI_Error_class itself fails. */
static inline int p2p_err_class(int code)
{
    int cls = -1;

    if (MPI_Error_class(code, &cls) != MPI_SUCCESS) {
        return -1;
    }
    return cls;
}

/* Whether a uint64_t stored in memory has its lowest byte first (then 8 bytes go at once). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define P2P_LITTLE_ENDIAN 1
#else
#define P2P_LITTLE_ENDIAN 0
#endif

/* A 64-bit mixing function (splitmix64's finaliser): distinct inputs give unrelated outputs. */
static inline uint64_t p2p_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The seed of the pattern of one message, from what identifies it. */
static inline uint64_t p2p_seed(int source, int tag, uint64_t seq)
{
    return p2p_mix64(((uint64_t)(uint32_t)source << 32) ^ (uint64_t)(uint32_t)tag) ^
           p2p_mix64(seq + 0x5151);
}

/*
 * The pattern: byte i of a message is byte (i % 8) of mix64(seed + i / 8), so that every byte
 * depends on its position and on the message. Bytes from offset 'from' up to n are written.
 */
static inline void p2p_fill_from(void *buf, size_t from, size_t n, uint64_t seed)
{
    unsigned char *p = buf;
    size_t i = from;

    while (i < n) {
        uint64_t v = p2p_mix64(seed + i / 8);
        if (P2P_LITTLE_ENDIAN && i % 8 == 0 && n - i >= 8) {
            memcpy(p + i, &v, 8); /* the same bytes as the loop below, eight at a time */
            i += 8;
            continue;
        }
        for (size_t b = i % 8; b < 8 && i < n; b++, i++) {
            p[i] = (unsigned char)(v >> (8 * b));
        }
    }
}

static inline void p2p_fill(void *buf, size_t n, uint64_t seed)
{
    p2p_fill_from(buf, 0, n, seed);
}

/* The expected byte i of the pattern with this seed. */
static inline unsigned char p2p_pattern_byte(uint64_t seed, size_t i)
{
    return (unsigned char)(p2p_mix64(seed + i / 8) >> (8 * (i % 8)));
}

/*
 * Checks bytes [from, n) of buf against the pattern; on a difference counts one failure that
 * names 'what', the first differing offset, the bytes there, and how many bytes differ.
 * Returns true when all match.
 */
static inline bool p2p_check_from(const void *buf, size_t from, size_t n, uint64_t seed,
                                  const char *what)
{
    const unsigned char *p = buf;
    size_t first = SIZE_MAX, bad = 0;
    unsigned char want_first = 0;
    size_t i = from;

    while (i < n) {
        uint64_t v = p2p_mix64(seed + i / 8);
        if (P2P_LITTLE_ENDIAN && i % 8 == 0 && n - i >= 8 && memcmp(p + i, &v, 8) == 0) {
            i += 8; /* eight bytes right: the byte loop below finds the first wrong one */
            continue;
        }
        for (size_t b = i % 8; b < 8 && i < n; b++, i++) {
            unsigned char want = (unsigned char)(v >> (8 * b));
            if (p[i] != want) {
                if (bad++ == 0) {
                    first = i;
                    want_first = want;
                }
            }
        }
    }
    if (bad != 0) {
        mpt_fail(__FILE__, __LINE__,
                 "%s: %zu of %zu bytes differ, the first at offset %zu: 0x%02x, expected 0x%02x",
                 what, bad, n - from, first, p[first], want_first);
        return false;
    }
    return true;
}

static inline bool p2p_check(const void *buf, size_t n, uint64_t seed, const char *what)
{
    return p2p_check_from(buf, 0, n, seed, what);
}

/* Guard bytes after a receive buffer: filled before the receive, checked after it. */
#define P2P_GUARD_BYTES 64
#define P2P_GUARD_VALUE 0xa5

static inline void p2p_guard_set(void *buf, size_t n)
{
    memset((unsigned char *)buf + n, P2P_GUARD_VALUE, P2P_GUARD_BYTES);
}

/* Checks that nothing was written in the guard after n bytes; returns true when untouched. */
static inline bool p2p_guard_check(const void *buf, size_t n, const char *what)
{
    const unsigned char *g = (const unsigned char *)buf + n;

    for (size_t i = 0; i < P2P_GUARD_BYTES; i++) {
        if (g[i] != P2P_GUARD_VALUE) {
            mpt_fail(__FILE__, __LINE__, "%s: byte %zu past the end of the message was written",
                     what, i);
            return false;
        }
    }
    return true;
}

/* malloc that exits with a message when memory runs out. */
static inline void *p2p_malloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);

    if (p == NULL) {
        fprintf(stderr, "rank %d: out of memory allocating %zu bytes\n", *mpt_rank_p(), n);
        exit(3);
    }
    return p;
}

/* Sets a status to values no call returns, so that fields a call did not set are seen. */
static inline void p2p_status_poison(MPI_Status *st)
{
    memset(st, 0x5a, sizeof(*st));
    st->MPI_SOURCE = -77;
    st->MPI_TAG = -77;
    st->MPI_ERROR = -77;
}

/* Checks source, tag and byte count of a status; 'what' names the operation. */
static inline bool p2p_status_is(const MPI_Status *st, int source, int tag, int bytes,
                                 const char *what)
{
    int count = -1;

    if (MPI_Get_count(st, MPI_BYTE, &count) != MPI_SUCCESS) {
        mpt_fail(__FILE__, __LINE__, "%s: MPI_Get_count failed", what);
        return false;
    }
    if (st->MPI_SOURCE != source || st->MPI_TAG != tag || count != bytes) {
        mpt_fail(__FILE__, __LINE__,
                 "%s: status source %d tag %d count %d, expected source %d tag %d count %d", what,
                 st->MPI_SOURCE, st->MPI_TAG, count, source, tag, bytes);
        return false;
    }
    return true;
}

/* The status of a receive from MPI_PROC_NULL: source MPI_PROC_NULL, tag MPI_ANY_TAG, count 0. */
static inline bool p2p_status_is_proc_null(const MPI_Status *st, const char *what)
{
    return p2p_status_is(st, MPI_PROC_NULL, MPI_ANY_TAG, 0, what);
}

/*
 * The empty status (MPI 4.1, 3.7.3): source MPI_ANY_SOURCE, tag MPI_ANY_TAG, count 0, as
 * returned for MPI_REQUEST_NULL and inactive persistent requests.
 */
static inline bool p2p_status_is_empty(const MPI_Status *st, const char *what)
{
    return p2p_status_is(st, MPI_ANY_SOURCE, MPI_ANY_TAG, 0, what);
}

/*
 * A barrier from zero-byte messages with tag P2P_TAG_BARRIER: everyone reports to rank 0, which
 * then releases everyone. Used instead of MPI_Barrier so that these tests need point-to-point
 * only. Callers must have no wildcard-tag receive pending.
 */
static inline void p2p_barrier(MPI_Comm comm)
{
    int rank, size;

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (rank == 0) {
        for (int r = 1; r < size; r++) {
            P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, r, P2P_TAG_BARRIER, comm, MPI_STATUS_IGNORE));
        }
        for (int r = 1; r < size; r++) {
            P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, r, P2P_TAG_BARRIER, comm));
        }
    } else {
        P2P_MPI(MPI_Send(NULL, 0, MPI_BYTE, 0, P2P_TAG_BARRIER, comm));
        P2P_MPI(MPI_Recv(NULL, 0, MPI_BYTE, 0, P2P_TAG_BARRIER, comm, MPI_STATUS_IGNORE));
    }
}

/* Parses a size with an optional K, M or G suffix (powers of 1024); exits 2 when malformed. */
static inline size_t p2p_parse_size(const char *s, const char *what)
{
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno == 0 && end != s && *s != '-') {
        switch (*end) {
        case 'K':
            v <<= 10, end++;
            break;
        case 'M':
            v <<= 20, end++;
            break;
        case 'G':
            v <<= 30, end++;
            break;
        default:
            break;
        }
        if (*end == '\0') {
            return (size_t)v;
        }
    }
    fprintf(stderr, "bad %s '%s': expected a size in bytes, optionally with K, M or G\n", what, s);
    exit(2);
}

/* Seconds since an arbitrary start, from CLOCK_MONOTONIC. */
static inline double p2p_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif /* P2PTEST_H */
