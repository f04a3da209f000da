/*
 * Address selection for the tcp transport: parsing MP_NET_IF, listing the host's usable IPv4
 * and IPv6 addresses, and ordering a peer's addresses so that reachable ones come first.
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

/* Whether the first prefix bits of a and b agree. */
static bool same_prefix(const uint8_t a[16], const uint8_t b[16], unsigned prefix)
{
    unsigned whole = prefix / 8, rest = prefix % 8;
    if (memcmp(a, b, whole) != 0) {
        return false;
    }
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return rest == 0 || ((a[whole] ^ b[whole]) & mask) == 0;
}

static void map_v4(const struct in_addr *a, uint8_t ip[16])
{
    memset(ip, 0, 10);
    ip[10] = ip[11] = 0xff;
    memcpy(ip + 12, &a->s_addr, 4);
}

void mp_tcp_netif_ntop(const uint8_t ip[16], char *buf, size_t size)
{
    if (mp_tcp_addr_is_v4(ip)) {
        inet_ntop(AF_INET, ip + 12, buf, (socklen_t)size);
    } else {
        inet_ntop(AF_INET6, ip, buf, (socklen_t)size);
    }
}

/* One item: an address with an optional "/prefix" (IPv4 "a.b.c.d/n", IPv6 "fd00::/64"), or an
 * interface name pattern. */
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
    char *slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    struct in_addr a4;
    struct in6_addr a6;
    bool v4 = inet_pton(AF_INET, buf, &a4) == 1;
    bool v6 = !v4 && inet_pton(AF_INET6, buf, &a6) == 1;
    /* Meant as an address, though not one: digits and dots, or hex digits with colons. */
    bool looks_numeric =
        buf[strspn(buf, "0123456789abcdefABCDEF:.")] == '\0' &&
        ((buf[0] >= '0' && buf[0] <= '9' && strchr(buf, '.') != NULL) || strchr(buf, ':') != NULL);
    if (!v4 && !v6) {
        if (slash != NULL || looks_numeric) {
            *why_p = "not an IPv4 or IPv6 address";
            return MP_ERR_INVALID;
        }
        if (len >= sizeof(item->name)) {
            *why_p = "interface name too long";
            return MP_ERR_INVALID;
        }
        memcpy(item->name, buf, len + 1);
        return MP_OK;
    }
    unsigned bits = v4 ? 32 : 128, prefix = bits;
    if (slash != NULL) {
        char *end;
        unsigned long p = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || p > bits) {
            *why_p = v4 ? "an IPv4 subnet's prefix length must be 0..32"
                        : "an IPv6 subnet's prefix length must be 0..128";
            return MP_ERR_INVALID;
        }
        prefix = (unsigned)p;
    }
    item->is_subnet = true;
    if (v4) {
        map_v4(&a4, item->net);
    } else {
        memcpy(item->net, &a6, 16);
    }
    item->prefix = prefix + 128 - bits;
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

bool mp_tcp_netif_allows(const mp_tcp_netif_filter_t *filter, const char *ifname,
                         const uint8_t ip[16])
{
    bool match = false;
    for (int i = 0; i < filter->n && !match; i++) {
        const mp_tcp_netif_item_t *it = &filter->items[i];
        if (it->is_subnet) {
            match = same_prefix(ip, it->net, it->prefix);
        } else {
            match = fnmatch(it->name, ifname, 0) == 0;
        }
    }
    return filter->exclude ? !match : match;
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
        const struct sockaddr_in *sa = (const void *)i->ifa_addr;
        map_v4(&sa->sin_addr, a->ip);
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

mp_status_t mp_tcp_netif_list(const mp_tcp_netif_filter_t *filter, bool with_v6,
                              mp_tcp_card_addr_t *addrs, int max, int *n_p)
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
            mp_tcp_netif_allows(filter, i->ifa_name, addrs[n].ip)) {
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
        if (!own[i].loopback && same_prefix(a->ip, own[i].ip, own[i].prefix)) {
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
