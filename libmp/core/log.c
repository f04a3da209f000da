/*
 * Error lines for users. Each line is formatted into one buffer and written with a single
 * write(2): mpirun forwards whole lines, and one write keeps a line whole even without it.
 */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "core/runtime.h"

void mp_log_error(const char *fmt, ...)
{
    char line[1024];
    int len;
    if (mp_runtime.rank >= 0) {
        len = snprintf(line, sizeof(line), "libmp: rank %d: ", mp_runtime.rank);
    } else {
        len = snprintf(line, sizeof(line), "libmp: ");
    }
    va_list ap;
    va_start(ap, fmt);
    len += vsnprintf(line + len, sizeof(line) - (size_t)len - 1, fmt, ap);
    va_end(ap);
    if (len > (int)sizeof(line) - 2) {
        len = (int)sizeof(line) - 2;
    }
    line[len++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)len);
    (void)ignored;
}
