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

/* Room for any address as text (INET6_ADDRSTRLEN), NUL included. */
#define MPIRUN_ADDR_LEN 46

/*
 * Writes "ADDR,ADDR,..." of the interfaces in ifs that are up, in the order a daemon should try
 * them: IPv4 first, then global and unique-local IPv6 (never link-local: its scope is only
 * valid on this host; nor multicast or IPv4-mapped), loopback ones last (IPv4, then IPv6).
 * Addresses that do not fit in len are left out. Returns how many were written.
 */
int mpirun_addrs_list(const struct ifaddrs *ifs, char *out, size_t len);

/* AF_INET or AF_INET6 for an address in text ("10.0.0.1", "fd00::1"), else -1. */
int mpirun_addrs_family(const char *text);

/* The text of sa's address (an IPv4-mapped IPv6 address as plain IPv4, so that a peer without
 * IPv6 can use it) and, when port_p is not NULL, its port. Returns 0, or -1 for another family. */
int mpirun_addrs_from_sockaddr(const struct sockaddr *sa, char out[MPIRUN_ADDR_LEN], int *port_p);

#endif
