/*
 * Logging for the library: one line per event on stderr, prefixed with the rank, so that lines
 * forwarded by mpirun say where they come from. Log once, where an error starts.
 */
#ifndef MP_CORE_LOG_H
#define MP_CORE_LOG_H

/* Prints "libmp: rank R: <message>\n" to stderr in a single write, so lines are never mixed. */
void mp_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
