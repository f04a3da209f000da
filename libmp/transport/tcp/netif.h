/*
 * Which network addresses the tcp transport publishes and tries: the MP_NET_IF filter
 * (interface names with shell wildcards and IPv4 or IPv6 subnets, "^" to exclude), the host's
 * addresses through getifaddrs, and the order in which a peer's addresses are tried. Addresses
 * are IPv6, IPv4 ones mapped (proto.h).
 */
#ifndef MP_TCP_NETIF_H
#define MP_TCP_NETIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "transport/tcp/proto.h"

#define MP_TCP_NETIF_MAX_ITEMS 16

/* Interfaces skipped when MP_NET_IF is not set: host-only bridges of containers and virtual
 * machines carry the same subnet on every host and lead to the wrong machine. */
#define MP_TCP_NETIF_DEFAULT "^docker*,virbr*"

typedef struct mp_tcp_netif_item {
    bool is_subnet;
    char name[32];   /* interface name pattern (fnmatch), when !is_subnet */
    uint8_t net[16]; /* when is_subnet: IPv6 or mapped IPv4, network order */
    unsigned prefix; /* 0..128 (96..128 for IPv4) */
} mp_tcp_netif_item_t;

typedef struct mp_tcp_netif_filter {
    bool exclude; /* "^...": the items say what to skip; else what to use */
    int n;
    mp_tcp_netif_item_t items[MP_TCP_NETIF_MAX_ITEMS];
} mp_tcp_netif_filter_t;

/* Parses a list such as "eth0,10.1.0.0/16,fd00::/64" or "^docker0,virbr*". On error *why_p
 * names the problem and *bad_p points at the offending item inside spec. */
mp_status_t mp_tcp_netif_parse(const char *spec, mp_tcp_netif_filter_t *filter_p,
                               const char **why_p, const char **bad_p);

/* Whether the filter lets through address ip (IPv6 or mapped IPv4) of interface ifname. */
bool mp_tcp_netif_allows(const mp_tcp_netif_filter_t *filter, const char *ifname,
                         const uint8_t ip[16]);

/* The host's addresses on interfaces that are up and pass the filter, at most max: IPv4, and
 * IPv6 too when with_v6 (link-local ones never: they need a scope that is only valid here). */
mp_status_t mp_tcp_netif_list(const mp_tcp_netif_filter_t *filter, bool with_v6,
                              mp_tcp_card_addr_t *addrs, int max, int *n_p);

/* Writes ip as text: "a.b.c.d" for IPv4, the usual IPv6 form otherwise. */
void mp_tcp_netif_ntop(const uint8_t ip[16], char *buf, size_t size);

/* Orders peer's addresses for connecting, into order[] (indexes into peer->addrs), and returns
 * how many to try. Loopback only when same_node; first those on a subnet of one of own[];
 * never an address that is one of own[] when the peer is on another node. */
int mp_tcp_netif_order(const mp_tcp_card_t *peer, bool same_node, const mp_tcp_card_addr_t *own,
                       int nown, int *order);

#endif
