/*
 * Address selection for the tcp transport: parsing MP_NET_IF, listing the host's usable IPv4
 * addresses, and ordering a peer's addresses so that reachable ones come first.
 */
#include "transport/tcp/netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static uint32_t prefix_mask(unsigned prefix)
{
    return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

/* One item: "a.b.c.d/n" (or a bare address, /32) or an interface name pattern. */
static mp_status_t parse_item(const char *text, size_t len, mp_tcp_netif_item_t *item,
                              const char **why_p)
{
    char buf[64];
    memset(item, 0, sizeof(*item));
    if (len == 0) {
        *why_p = "empty item";
        return MP_ERR_INVALID;
    }
    if (len >= sizeof(buf)) {
        *why_p = "item too long";
        return MP_ERR_INVALID;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    bool looks_numeric = buf[0] >= '0' && buf[0] <= '9' && strchr(buf, '.') != NULL;
    if (!looks_numeric) {
        if (len >= sizeof(item->name)) {
            *why_p = "interface name too long";
            return MP_ERR_INVALID;
        }
        memcpy(item->name, buf, len + 1);
        return MP_OK;
    }
    unsigned prefix = 32;
    char *slash = strchr(buf, '/');
    if (slash != NULL) {
        char *end;
        unsigned long p = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || p > 32) {
            *why_p = "a subnet's prefix length must be 0..32";
            return MP_ERR_INVALID;
        }
        prefix = (unsigned)p;
        *slash = '\0';
    }
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1) {
        *why_p = "not an IPv4 address";
        return MP_ERR_INVALID;
    }
    item->is_subnet = true;
    item->mask = prefix_mask(prefix);
    item->net = ntohl(a.s_addr) & item->mask;
    return MP_OK;
}

mp_status_t mp_tcp_netif_parse(const char *spec, mp_tcp_netif_filter_t *filter_p,
                               const char **why_p, const char **bad_p)
{
    mp_tcp_netif_filter_t f;
    memset(&f, 0, sizeof(f));
    *bad_p = spec;
    const char *p = spec;
    if (*p == '^') {
        f.exclude = true;
        p++;
    }
    if (*p == '\0') {
        *why_p = "empty list";
        return MP_ERR_INVALID;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        *bad_p = p;
        if (f.n == MP_TCP_NETIF_MAX_ITEMS) {
            *why_p = "too many items (at most 16)";
            return MP_ERR_INVALID;
        }
        if (parse_item(p, len, &f.items[f.n], why_p) != MP_OK) {
            return MP_ERR_INVALID;
        }
        f.n++;
        if (comma == NULL) {
            break;
        }
        p = comma + 1;
    }
    *filter_p = f;
    return MP_OK;
}

bool mp_tcp_netif_allows(const mp_tcp_netif_filter_t *filter, const char *ifname, uint32_t ip)
{
    bool match = false;
    for (int i = 0; i < filter->n && !match; i++) {
        const mp_tcp_netif_item_t *it = &filter->items[i];
        if (it->is_subnet) {
            match = (ip & it->mask) == it->net;
        } else {
            match = fnmatch(it->name, ifname, 0) == 0;
        }
    }
    return filter->exclude ? !match : match;
}

mp_status_t mp_tcp_netif_list(const mp_tcp_netif_filter_t *filter, mp_tcp_card_addr_t *addrs,
                              int max, int *n_p)
{
    struct ifaddrs *ifs;
    if (getifaddrs(&ifs) != 0) {
        mp_log_error("tcp: getifaddrs failed: %s", strerror(errno));
        return MP_ERR_SYSCALL;
    }
    int n = 0;
    for (struct ifaddrs *i = ifs; i != NULL && n < max; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
            (i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_RUNNING) == 0) {
            continue;
        }
        uint32_t ip =
            ntohl(((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr);
        if (!mp_tcp_netif_allows(filter, i->ifa_name, ip)) {
            continue;
        }
        unsigned prefix = 32;
        if (i->ifa_netmask != NULL) {
            uint32_t mask =
                ntohl(((const struct sockaddr_in *)(const void *)i->ifa_netmask)->sin_addr.s_addr);
            prefix = (unsigned)__builtin_popcount(mask);
        }
        mp_tcp_card_addr_t *a = &addrs[n++];
        memset(a, 0, sizeof(*a));
        uint32_t net = htonl(ip);
        memcpy(a->ip, &net, 4);
        a->prefix = (uint8_t)prefix;
        a->loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    }
    freeifaddrs(ifs);
    *n_p = n;
    return MP_OK;
}

static uint32_t ip_of(const mp_tcp_card_addr_t *a)
{
    uint32_t net;
    memcpy(&net, a->ip, 4);
    return ntohl(net);
}

/* 0: on a subnet of ours; 1: elsewhere (routed, or a subnet we do not know). */
static int rank_addr(const mp_tcp_card_addr_t *a, const mp_tcp_card_addr_t *own, int nown)
{
    uint32_t ip = ip_of(a);
    for (int i = 0; i < nown; i++) {
        uint32_t mask = prefix_mask(own[i].prefix);
        if (!own[i].loopback && (ip & mask) == (ip_of(&own[i]) & mask)) {
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
                mine = mine || ip_of(&own[j]) == ip_of(a);
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
