/*
 * Address selection for the tcp transport: listing the host's usable IPv4 and IPv6 addresses
 * through the shared filter (util/netfilter.h), and ordering a peer's addresses so that reachable
 * ones come first.
 */
#include "transport/tcp/netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

void mp_tcp_netif_ntop(const uint8_t ip[16], char *buf, size_t size)
{
    if (mp_tcp_addr_is_v4(ip)) {
        inet_ntop(AF_INET, ip + 12, buf, (socklen_t)size);
    } else {
        inet_ntop(AF_INET6, ip, buf, (socklen_t)size);
    }
}

static unsigned mask_bits(const uint8_t *mask, size_t len)
{
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        bits += (unsigned)__builtin_popcount(mask[i]);
    }
    return bits;
}

/* The card address of an interface address, if it is one to publish. */
static bool card_addr(const struct ifaddrs *i, bool with_v6, mp_tcp_card_addr_t *a)
{
    memset(a, 0, sizeof(*a));
    const void *mask = NULL;
    if (i->ifa_addr->sa_family == AF_INET) {
        mp_netfilter_ip_of(i->ifa_addr, a->ip);
        a->prefix = 128;
        if (i->ifa_netmask != NULL) {
            mask = &((const struct sockaddr_in *)(const void *)i->ifa_netmask)->sin_addr;
            a->prefix = (uint8_t)(96 + mask_bits(mask, 4));
        }
    } else if (i->ifa_addr->sa_family == AF_INET6 && with_v6) {
        const struct in6_addr *ip =
            &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
        if (IN6_IS_ADDR_LINKLOCAL(ip) || IN6_IS_ADDR_V4MAPPED(ip) || IN6_IS_ADDR_MULTICAST(ip)) {
            return false;
        }
        memcpy(a->ip, ip, 16);
        a->prefix = 128;
        if (i->ifa_netmask != NULL) {
            mask = &((const struct sockaddr_in6 *)(const void *)i->ifa_netmask)->sin6_addr;
            a->prefix = (uint8_t)mask_bits(mask, 16);
        }
    } else {
        return false;
    }
    a->loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    return true;
}

mp_status_t mp_tcp_netif_list(const mp_netfilter_t *filter, bool with_v6, mp_tcp_card_addr_t *addrs,
                              int max, int *n_p)
{
    struct ifaddrs *ifs;
    if (getifaddrs(&ifs) != 0) {
        mp_log_error("tcp: getifaddrs failed: %s", strerror(errno));
        return MP_ERR_SYSCALL;
    }
    int n = 0;
    for (struct ifaddrs *i = ifs; i != NULL && n < max; i = i->ifa_next) {
        if (i->ifa_addr == NULL || (i->ifa_flags & IFF_UP) == 0 ||
            (i->ifa_flags & IFF_RUNNING) == 0) {
            continue;
        }
        if (card_addr(i, with_v6, &addrs[n]) &&
            mp_netfilter_allows(filter, i->ifa_name, addrs[n].ip)) {
            n++;
        }
    }
    freeifaddrs(ifs);
    *n_p = n;
    return MP_OK;
}

/* 0: on a subnet of ours; 1: elsewhere (routed, or a subnet we do not know). */
static int rank_addr(const mp_tcp_card_addr_t *a, const mp_tcp_card_addr_t *own, int nown)
{
    for (int i = 0; i < nown; i++) {
        if (!own[i].loopback && mp_netfilter_same_prefix(a->ip, own[i].ip, own[i].prefix)) {
            return 0;
        }
    }
    return 1;
}

int mp_tcp_netif_order(const mp_tcp_card_t *peer, bool same_node, const mp_tcp_card_addr_t *own,
                       int nown, int *order)
{
    int n = 0;
    int naddrs = peer->naddrs < MP_TCP_MAX_ADDRS ? peer->naddrs : MP_TCP_MAX_ADDRS;
    /* Pass 0: loopback (same node only); pass 1: shared subnets; pass 2: the rest. */
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < naddrs; i++) {
            const mp_tcp_card_addr_t *a = &peer->addrs[i];
            if (a->loopback) {
                if (pass == 0 && same_node) {
                    order[n++] = i;
                }
                continue;
            }
            if (pass == 0) {
                continue;
            }
            bool mine = false;
            for (int j = 0; j < nown; j++) {
                mine = mine || memcmp(own[j].ip, a->ip, 16) == 0;
            }
            if (mine && !same_node) {
                continue; /* the same address here: it would lead back to this host */
            }
            if (rank_addr(a, own, nown) == pass - 1) {
                order[n++] = i;
            }
        }
    }
    return n;
}
