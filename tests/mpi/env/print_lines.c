/*
 * Launcher test helper for output forwarding: each rank prints NLINES checkable lines on stdout
 * (and every ERREVERY-th line one on stderr), written whole or in pieces, with stdio or write(2).
 * Usage: print_lines NLINES MINLEN MAXLEN [ERREVERY]. The script tests/mpi/launcher/lib.sh
 * (mp_check_lines) regenerates and checks every line: "RANK STREAM SEQ LEN PAYLOAD", where
 * PAYLOAD is LEN characters of ALPHABET repeated, starting at offset (RANK*31 + SEQ*17) % 64,
 * and LEN = MINLEN + (RANK*7919 + SEQ*104729) % (MAXLEN - MINLEN + 1). The last line of each
 * stream (SEQ = its count) ends without '\n'.
 */
#include "mptest.h"

#include <mpi.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* How a line is written; changes every 50 lines so that stdio buffers fill up in between. */
enum write_mode { MODE_FPUTS_WHOLE, MODE_FPUTS_PIECES, MODE_WRITE_WHOLE, MODE_WRITE_PIECES };

static long minlen, maxlen;

/* Formats line SEQ of STREAM into buf, NUL-terminated, and returns its length. */
static size_t format_line(char *buf, int rank, const char *stream, long seq, int newline)
{
    long len = minlen + ((long)rank * 7919 + seq * 104729) % (maxlen - minlen + 1);
    long off = ((long)rank * 31 + seq * 17) % 64;
    int n = sprintf(buf, "%d %s %ld %ld ", rank, stream, seq, len);

    for (long i = 0; i < len; i++) {
        buf[n + i] = alphabet[(off + i) % 64];
    }
    n += (int)len;
    if (newline) {
        buf[n++] = '\n';
    }
    buf[n] = '\0';
    return (size_t)n;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            exit(5);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Writes one line to a stream in the given mode: 1 or 3 fputs (flushed) or write calls. */
static void emit(FILE *f, const char *line, size_t n, enum write_mode mode)
{
    size_t cut[4] = {0, n / 3, 2 * n / 3, n};
    char piece[8192];

    switch (mode) {
    case MODE_FPUTS_WHOLE:
        fputs(line, f);
        break;
    case MODE_FPUTS_PIECES:
        for (int i = 0; i < 3; i++) {
            memcpy(piece, line + cut[i], cut[i + 1] - cut[i]);
            piece[cut[i + 1] - cut[i]] = '\0';
            fputs(piece, f);
            fflush(f);
        }
        break;
    case MODE_WRITE_WHOLE:
        fflush(f);
        write_all(fileno(f), line, n);
        break;
    case MODE_WRITE_PIECES:
        fflush(f);
        for (int i = 0; i < 3; i++) {
            write_all(fileno(f), line + cut[i], cut[i + 1] - cut[i]);
        }
        break;
    }
}

int main(int argc, char **argv)
{
    long nlines, errevery, nerr = 0;
    int rank = -1;
    char *buf;
    size_t n;

    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s NLINES MINLEN MAXLEN [ERREVERY]\n", argv[0]);
        return 2;
    }
    nlines = mpt_parse_long(argv[1], "line count");
    minlen = mpt_parse_long(argv[2], "minimum length");
    maxlen = mpt_parse_long(argv[3], "maximum length");
    errevery = argc > 4 ? mpt_parse_long(argv[4], "stderr period") : 0;
    if (nlines < 0 || minlen < 1 || maxlen < minlen || maxlen > 7000 || errevery < 0) {
        fprintf(stderr, "%s: bad arguments\n", argv[0]);
        return 2;
    }
    buf = malloc((size_t)maxlen + 64);
    if (buf == NULL) {
        return 3;
    }

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    for (long seq = 0; seq < nlines; seq++) {
        enum write_mode mode = (enum write_mode)((seq / 50) % 4);

        n = format_line(buf, rank, "out", seq, 1);
        emit(stdout, buf, n, mode);
        if (errevery > 0 && seq % errevery == 0) {
            n = format_line(buf, rank, "err", nerr++, 1);
            emit(stderr, buf, n, mode);
        }
    }
    /* The last line of each stream has no '\n': it must still arrive, whole. */
    n = format_line(buf, rank, "out", nlines, 0);
    emit(stdout, buf, n, MODE_WRITE_WHOLE);
    if (errevery > 0) {
        n = format_line(buf, rank, "err", nerr, 0);
        emit(stderr, buf, n, MODE_WRITE_WHOLE);
    }

    free(buf);
    MPI_Finalize();
    return 0;
}
