/*
 * Every environment variable libmp and its tools honour, in one place. Add a row here when a
 * new setting appears, so that mpirun --help-env stays complete.
 */
#include "core/settings.h"

#include <stdlib.h>

const mp_setting_t mp_settings[] = {
    {"MPIEXEC_TIMEOUT", "none",
     "mpirun: end the job after this many seconds (as --timeout; the option wins)"},
    {"MPICC_CC", "the C compiler libmp was built with", "mpicc: the C compiler to run"},
    {"TMPDIR", "/tmp", "mpirun: where its private, self-removing PMIx directory goes"},
    {"MP_SHM_SINGLE_COPY", "1 (when the kernel permits)",
     "0 turns off single-copy (process_vm_readv) transfers between the ranks of a node"},
    {"MP_EAGER_LIMIT", "32K",
     "largest message sent eagerly inside a node (copied through shared buffers); larger ones "
     "use rendezvous"},
    {"MP_COLL_SHM", "1",
     "0 turns off the shared-memory paths of blocking barrier, bcast, reduce, allreduce, "
     "allgather and alltoall inside a node (they then use point-to-point messages)"},
    {"MP_RMA_SHM", "1",
     "0 sends every one-sided operation as a message to the target, also on windows whose "
     "memory could be shared by all their ranks (allocated windows of one node)"},
    {"MP_COLL_SHM_BCAST_MAX", "64K (no limit when ranks share cores)",
     "broadcasts of this many bytes and more use point-to-point messages (single copy) rather "
     "than the shared-memory slots (the root's value decides)"},
    {"MP_COLL_SHM_COPY_MIN", "per collective (see README)",
     "bytes from which blocking collectives inside a node copy straight out of each other's "
     "buffers (single copy) rather than through shared-memory slots; one value for all"},
    {"MP_UNEXPECTED_MAX", "32M",
     "bytes of unexpected messages a rank keeps before their senders have to wait"},
    {"MP_CPUS_SHARED", "from the ranks' bindings",
     "1: ranks share their CPUs (yield when idle, then sleep); 0: each has its own (spin long)"},
    {"MP_STDOUT_LINE_BUFFERED", "1",
     "a rank whose stdout is a pipe (under mpirun) writes it line by line; 0 leaves the C "
     "library's full buffering"},
    {"MP_TCP_ONLY", "0",
     "1 sends between all ranks over tcp (loopback on one node) instead of shared memory"},
    {"MP_NET_IF", "^docker*,virbr*",
     "tcp and mpirun's daemons: interfaces, IPv4 or IPv6 subnets to use "
     "(eth0,10.1.0.0/16,fd00::/64) or, after ^, to skip"},
    {"MP_TCP_EAGER_LIMIT", "512K",
     "tcp: largest message to a peer on another host sent eagerly; larger ones use rendezvous"},
    {"MP_TCP_CONNECT_TIMEOUT", "2",
     "tcp: seconds to wait for a connection to one address before trying the next"},
    {"MP_TCP_AUTH_TIMEOUT", "5",
     "tcp: seconds an accepted connection may take to prove it belongs to the job"},
    {"MP_END_GRACE", "1",
     "mpirun: seconds the other ranks may take to exit on their own after a rank exited "
     "non-zero past MPI_Finalize, before they are ended (0: at once)"},
    {"MP_FENCE_FANOUT", "8",
     "mpirun: daemons below each one in the tree relaying fences across hosts (1: a chain)"},
};
const int mp_nsettings = (int)(sizeof(mp_settings) / sizeof(mp_settings[0]));

void mp_settings_print(FILE *out)
{
    fprintf(out, "Environment settings (name, default, meaning):\n");
    for (int i = 0; i < mp_nsettings; i++) {
        fprintf(out, "  %-18s default %s\n  %18s %s\n", mp_settings[i].name,
                mp_settings[i].default_str, "", mp_settings[i].doc);
    }
}

size_t mp_setting_size(const char *name, size_t dflt)
{
    const char *text = getenv(name);
    if (text == NULL || text[0] == '\0') {
        return dflt;
    }
    char *end;
    unsigned long long value = strtoull(text, &end, 10);
    switch (*end) {
    case 'k':
    case 'K':
        value <<= 10;
        end++;
        break;
    case 'm':
    case 'M':
        value <<= 20;
        end++;
        break;
    case 'g':
    case 'G':
        value <<= 30;
        end++;
        break;
    default:
        break;
    }
    if (end == text || *end != '\0') {
        fprintf(stderr,
                "libmp: ignoring %s=\"%s\": not a size (bytes, or a number with K, M "
                "or G)\n",
                name, text);
        return dflt;
    }
    return (size_t)value;
}
