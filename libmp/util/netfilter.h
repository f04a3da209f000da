/*
 * The network interface filter shared by the tcp transport and mpirun's daemon wire: a list
 * such as "eth0,10.1.0.0/16,fd00::/64" (interface names with shell wildcards, IPv4 or IPv6
 * subnets) that says which addresses to use, or with a leading "^" which ones to skip. Pure.
 */
#ifndef MP_UTIL_NETFILTER_H
#define MP_UTIL_NETFILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define MP_NETFILTER_MAX_ITEMS 16

/* What to skip when the user names nothing (MP_NET_IF unset): host-only bridges of containers
 * and virtual machines carry the same subnet on every host and lead to the wrong machine. */
#define MP_NETFILTER_DEFAULT "^docker*,virbr*"

/* What a filter looks like, for messages about a malformed one. */
#define MP_NETFILTER_EXPECTED                                                                      \
    "expected interface names and IPv4 or IPv6 subnets separated by commas, e.g. "                 \
    "eth0,10.1.0.0/16,fd00::/64 or ^docker0,virbr0"

typedef struct mp_netfilter_item {
    bool is_subnet;
    char name[32];   /* interface name pattern (fnmatch), when !is_subnet */
    uint8_t net[16]; /* when is_subnet: IPv6 or mapped IPv4, network order */
    unsigned prefix; /* 0..128 (96..128 for IPv4) */
} mp_netfilter_item_t;

typedef struct mp_netfilter {
    bool exclude; /* "^...": the items say what to skip; else what to use */
    int n;
    mp_netfilter_item_t items[MP_NETFILTER_MAX_ITEMS];
} mp_netfilter_t;

/* Parses spec into *filter_p. Returns 0, or -1 with *why_p naming the problem and *bad_p
 * pointing at the offending item inside spec (*filter_p untouched). */
int mp_netfilter_parse(const char *spec, mp_netfilter_t *filter_p, const char **why_p,
                       const char **bad_p);

/* Whether the filter lets through address ip (IPv6 or mapped IPv4) of interface ifname. */
bool mp_netfilter_allows(const mp_netfilter_t *filter, const char *ifname, const uint8_t ip[16]);

/* Whether the first prefix bits of a and b agree. */
bool mp_netfilter_same_prefix(const uint8_t a[16], const uint8_t b[16], unsigned prefix);

/* The address of sa as the filter holds it (IPv4 mapped into IPv6): true, or false for a
 * family other than AF_INET and AF_INET6. */
bool mp_netfilter_ip_of(const struct sockaddr *sa, uint8_t ip[16]);

#endif
