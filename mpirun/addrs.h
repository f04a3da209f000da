/*
 * The addresses of mpirun's own wire to its daemons, as text: which of this host's addresses
 * mpirun publishes (and in what order), what a textual address is, and the peer address of an
 * accepted connection. Pure: the host's interfaces are given, so every rule is unit-tested.
 */
#ifndef MPIRUN_ADDRS_H
#define MPIRUN_ADDRS_H

#include <ifaddrs.h>
#include <stddef.h>
#include <sys/socket.h>

#include "util/netfilter.h"

/* Room for any address as text (INET6_ADDRSTRLEN), NUL included. */
#define MPIRUN_ADDR_LEN 46

/*
 * Writes "ADDR,ADDR,..." of the interfaces in ifs that are up and pass filter (NULL: every one),
 * in the order a daemon should try them: IPv4 first, then global and unique-local IPv6 (never
 * link-local: its scope is only valid on this host; nor multicast or IPv4-mapped), loopback ones
 * last (IPv4, then IPv6). Addresses that do not fit in len are left out. Returns how many were
 * written.
 */
int mpirun_addrs_list(const struct ifaddrs *ifs, const mp_netfilter_t *filter, char *out,
                      size_t len);

/* The filter list the wire and the ranks use: the value of the last "MP_NET_IF=..." in env (the
 * job's exported settings: --net-if, -x), else fallback (the process's own MP_NET_IF) when not
 * NULL or empty, else MP_NETFILTER_DEFAULT. Points into env, fallback or the default. */
const char *mpirun_addrs_spec(char *const *env, int nenv, const char *fallback);

/* Parses spec into *filter_p: 0, or -1 with a message in err that names the list by origin
 * ("--net-if" or "MP_NET_IF"), the reason, the bad item and what a list looks like. */
int mpirun_addrs_filter(const char *spec, const char *origin, mp_netfilter_t *filter_p, char *err,
                        size_t errlen);

/* The address a daemon gives its children in the fence tree: preferred (where it reached
 * mpirun from) when an interface in ifs that passes filter has it, or when no interface has it
 * (the host cannot tell); else the first of mpirun_addrs_list's. Returns 0, or -1 when no
 * address passes. */
int mpirun_addrs_pick(const struct ifaddrs *ifs, const mp_netfilter_t *filter,
                      const char *preferred, char out[MPIRUN_ADDR_LEN]);

/* AF_INET or AF_INET6 for an address in text ("10.0.0.1", "fd00::1"), else -1. */
int mpirun_addrs_family(const char *text);

/* The text of sa's address (an IPv4-mapped IPv6 address as plain IPv4, so that a peer without
 * IPv6 can use it) and, when port_p is not NULL, its port. Returns 0, or -1 for another family. */
int mpirun_addrs_from_sockaddr(const struct sockaddr *sa, char out[MPIRUN_ADDR_LEN], int *port_p);

#endif
