/*
 * Which network addresses the tcp transport publishes and tries: the host's addresses through
 * getifaddrs that pass the MP_NET_IF filter (util/netfilter.h, shared with mpirun), and the order
 * in which a peer's addresses are tried. Addresses are IPv6, IPv4 ones mapped (proto.h).
 */
#ifndef MP_TCP_NETIF_H
#define MP_TCP_NETIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "transport/tcp/proto.h"
#include "util/netfilter.h"

/* The filter itself is util/netfilter.h, shared with mpirun; these are its names here. */
#define MP_TCP_NETIF_DEFAULT MP_NETFILTER_DEFAULT
typedef mp_netfilter_t mp_tcp_netif_filter_t;

/* mp_netfilter_parse with a status: MP_OK, or MP_ERR_INVALID with *why_p and *bad_p. */
static inline mp_status_t mp_tcp_netif_parse(const char *spec, mp_tcp_netif_filter_t *filter_p,
                                             const char **why_p, const char **bad_p)
{
    return mp_netfilter_parse(spec, filter_p, why_p, bad_p) == 0 ? MP_OK : MP_ERR_INVALID;
}

static inline bool mp_tcp_netif_allows(const mp_tcp_netif_filter_t *filter, const char *ifname,
                                       const uint8_t ip[16])
{
    return mp_netfilter_allows(filter, ifname, ip);
}

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
