/*
 * Host lists for mpirun: "-H a:2,b" and hostfiles written for Open MPI or MPICH, turned into
 * one list of distinct hosts with their slot counts. Pure: no printing, no exit().
 */
#ifndef MPIRUN_HOSTFILE_H
#define MPIRUN_HOSTFILE_H

#include <stdbool.h>
#include <stddef.h>

/* The most slots one host may have, and the longest host name (as DNS allows). */
#define MPIRUN_SLOTS_MAX (1 << 20)
#define MPIRUN_HOSTNAME_MAX 253

typedef struct mpirun_host {
    char *name;       /* malloc'd; letters, digits, '-', '.', '_' */
    int slots;        /* >= 1 */
    bool slots_given; /* false when the host was named once without a count: slots is then 1
                         and the caller may replace it (with the core count of the local host) */
} mpirun_host_t;

typedef struct mpirun_hostlist {
    mpirun_host_t *hosts; /* malloc'd, in order of first appearance, names distinct */
    int nhosts;
} mpirun_hostlist_t;

/*
 * Parses a -H value, "a:2,b,c:4": host names separated by commas, each with an optional ":N"
 * slot count. A host named more than once becomes one entry whose slots are the sum (a host
 * without a count adding 1), with slots_given true: "-H a,a" means 2 slots on a, as in Open MPI.
 * Returns 0 with *list filled (free with mpirun_hostlist_fini()), or -1 with a message in err
 * and *list empty.
 */
int mpirun_hostlist_parse_hosts(const char *spec, mpirun_hostlist_t *list, char *err,
                                size_t errlen);

/*
 * Reads a hostfile. Each line is blank, or a comment ('#' to the end of the line), or a host:
 * "host", "host slots=N", "host slots=N max_slots=M", or "host:N" (MPICH). "cpu=N" and
 * "count=N" are taken as slots=N, max_slots (also max-slots) is checked and ignored; spaces
 * around '=' are allowed. Repeated hosts merge as in mpirun_hostlist_parse_hosts(). Errors name
 * the file, the line and the text: a file that cannot be read, a malformed line, a bad slot
 * count, an unknown keyword, a file without hosts. Returns 0 or -1 as above.
 */
int mpirun_hostlist_parse_file(const char *path, mpirun_hostlist_t *list, char *err, size_t errlen);

/* The sum of the slots of all hosts (as a long long: it cannot overflow). */
long long mpirun_hostlist_total_slots(const mpirun_hostlist_t *list);

/* Frees the names and the array and empties *list. Harmless on an empty list. */
void mpirun_hostlist_fini(mpirun_hostlist_t *list);

#endif
