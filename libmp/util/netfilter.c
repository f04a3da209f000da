/*
 * The interface filter of MP_NET_IF and --net-if: parsing a list of interface names and
 * subnets, and matching an interface's address against it. Shared by libmp's tcp transport
 * and mpirun, so that both read a list the same way.
 */
#include "util/netfilter.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Whether the first prefix bits of a and b agree. */
bool mp_netfilter_same_prefix(const uint8_t a[16], const uint8_t b[16], unsigned prefix)
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

bool mp_netfilter_ip_of(const struct sockaddr *sa, uint8_t ip[16])
{
    if (sa->sa_family == AF_INET) {
        map_v4(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(ip, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
        return true;
    }
    return false;
}

/* One item: an address with an optional "/prefix" (IPv4 "a.b.c.d/n", IPv6 "fd00::/64"), or an
 * interface name pattern. */
static int parse_item(const char *text, size_t len, mp_netfilter_item_t *item, const char **why_p)
{
    char buf[64];
    memset(item, 0, sizeof(*item));
    if (len == 0) {
        *why_p = "empty item";
        return -1;
    }
    if (len >= sizeof(buf)) {
        *why_p = "item too long";
        return -1;
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
            return -1;
        }
        if (len >= sizeof(item->name)) {
            *why_p = "interface name too long";
            return -1;
        }
        memcpy(item->name, buf, len + 1);
        return 0;
    }
    unsigned bits = v4 ? 32 : 128, prefix = bits;
    if (slash != NULL) {
        char *end;
        unsigned long p = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || p > bits) {
            *why_p = v4 ? "an IPv4 subnet's prefix length must be 0..32"
                        : "an IPv6 subnet's prefix length must be 0..128";
            return -1;
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
    return 0;
}

int mp_netfilter_parse(const char *spec, mp_netfilter_t *filter_p, const char **why_p,
                       const char **bad_p)
{
    mp_netfilter_t f;
    memset(&f, 0, sizeof(f));
    *bad_p = spec;
    const char *p = spec;
    if (*p == '^') {
        f.exclude = true;
        p++;
    }
    if (*p == '\0') {
        *why_p = "empty list";
        return -1;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        *bad_p = p;
        if (f.n == MP_NETFILTER_MAX_ITEMS) {
            *why_p = "too many items (at most 16)";
            return -1;
        }
        if (parse_item(p, len, &f.items[f.n], why_p) != 0) {
            return -1;
        }
        f.n++;
        if (comma == NULL) {
            break;
        }
        p = comma + 1;
    }
    *filter_p = f;
    return 0;
}

bool mp_netfilter_allows(const mp_netfilter_t *filter, const char *ifname, const uint8_t ip[16])
{
    bool match = false;
    for (int i = 0; i < filter->n && !match; i++) {
        const mp_netfilter_item_t *it = &filter->items[i];
        if (it->is_subnet) {
            match = mp_netfilter_same_prefix(ip, it->net, it->prefix);
        } else {
            match = fnmatch(it->name, ifname, 0) == 0;
        }
    }
    return filter->exclude ? !match : match;
}
