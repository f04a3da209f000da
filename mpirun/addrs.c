/*
 * Choosing and writing the addresses of mpirun's wire: the published list, the checks of an
 * address given as text, and the text of a connected peer's address.
 */
#include "mpirun/addrs.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The order in which a daemon tries them: other hosts reach us on IPv4 or routable IPv6;
 * loopback only helps when the "other host" is this one. */
enum addr_class { CLASS_V4, CLASS_V6, CLASS_V4_LOOPBACK, CLASS_V6_LOOPBACK, CLASS_SKIP };

static enum addr_class classify(const struct ifaddrs *i, const mp_netfilter_t *filter)
{
    uint8_t ip[16];
    if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) || !mp_netfilter_ip_of(i->ifa_addr, ip) ||
        (filter != NULL && !mp_netfilter_allows(filter, i->ifa_name, ip))) {
        return CLASS_SKIP;
    }
    bool loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    if (i->ifa_addr->sa_family == AF_INET) {
        return loopback ? CLASS_V4_LOOPBACK : CLASS_V4;
    }
    if (i->ifa_addr->sa_family != AF_INET6) {
        return CLASS_SKIP;
    }
    const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
    if (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_V4MAPPED(a) ||
        IN6_IS_ADDR_UNSPECIFIED(a)) {
        return CLASS_SKIP;
    }
    return loopback || IN6_IS_ADDR_LOOPBACK(a) ? CLASS_V6_LOOPBACK : CLASS_V6;
}

int mpirun_addrs_list(const struct ifaddrs *ifs, const mp_netfilter_t *filter, char *out,
                      size_t len)
{
    size_t pos = 0;
    int n = 0;
    if (len > 0) {
        out[0] = '\0';
    }
    for (int pass = CLASS_V4; pass < CLASS_SKIP; pass++) {
        for (const struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next) {
            char addr[MPIRUN_ADDR_LEN];
            if ((int)classify(i, filter) != pass ||
                mpirun_addrs_from_sockaddr(i->ifa_addr, addr, NULL) != 0) {
                continue;
            }
            /* The same address on two interfaces (or listed twice) is tried once. */
            size_t alen = strlen(addr);
            bool dup = false;
            for (const char *p = out; pos > 0 && !dup && (p = strstr(p, addr)) != NULL; p += alen) {
                dup = (p == out || p[-1] == ',') && (p[alen] == ',' || p[alen] == '\0');
            }
            if (dup || pos + alen + 2 > len) {
                continue;
            }
            pos += (size_t)snprintf(out + pos, len - pos, "%s%s", pos > 0 ? "," : "", addr);
            n++;
        }
    }
    return n;
}

int mpirun_addrs_family(const char *text)
{
    struct in6_addr a;
    if (inet_pton(AF_INET, text, &a) == 1) {
        return AF_INET;
    }
    return inet_pton(AF_INET6, text, &a) == 1 ? AF_INET6 : -1;
}

int mpirun_addrs_from_sockaddr(const struct sockaddr *sa, char out[MPIRUN_ADDR_LEN], int *port_p)
{
    int port;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const void *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, out, MPIRUN_ADDR_LEN);
        port = ntohs(s4->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const void *)sa;
        /* A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d. */
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
            inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, out, MPIRUN_ADDR_LEN);
        } else {
            inet_ntop(AF_INET6, &s6->sin6_addr, out, MPIRUN_ADDR_LEN);
        }
        port = ntohs(s6->sin6_port);
    } else {
        snprintf(out, MPIRUN_ADDR_LEN, "?");
        return -1;
    }
    if (port_p != NULL) {
        *port_p = port;
    }
    return 0;
}

const char *mpirun_addrs_spec(char *const *env, int nenv, const char *fallback)
{
    static const char key[] = "MP_NET_IF=";
    for (int i = nenv - 1; i >= 0; i--) {
        if (strncmp(env[i], key, sizeof(key) - 1) == 0) {
            return env[i] + sizeof(key) - 1;
        }
    }
    return fallback != NULL && fallback[0] != '\0' ? fallback : MP_NETFILTER_DEFAULT;
}

int mpirun_addrs_filter(const char *spec, const char *origin, mp_netfilter_t *filter_p, char *err,
                        size_t errlen)
{
    const char *why, *bad;
    if (mp_netfilter_parse(spec, filter_p, &why, &bad) == 0) {
        return 0;
    }
    /* As the user wrote it: --net-if "LIST", MP_NET_IF="LIST". */
    snprintf(err, errlen, "%s%s\"%s\": %s at \"%s\" (%s)", origin, origin[0] == '-' ? " " : "=",
             spec, why, bad, MP_NETFILTER_EXPECTED);
    return -1;
}

int mpirun_addrs_pick(const struct ifaddrs *ifs, const mp_netfilter_t *filter,
                      const char *preferred, char out[MPIRUN_ADDR_LEN])
{
    bool found = false, allowed = false;
    for (const struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next) {
        char addr[MPIRUN_ADDR_LEN];
        if (i->ifa_addr == NULL || mpirun_addrs_from_sockaddr(i->ifa_addr, addr, NULL) != 0 ||
            strcmp(addr, preferred) != 0) {
            continue;
        }
        found = true;
        allowed = allowed || classify(i, filter) != CLASS_SKIP;
    }
    if (!found || allowed) {
        snprintf(out, MPIRUN_ADDR_LEN, "%s", preferred);
        return 0;
    }
    char list[4 * MPIRUN_ADDR_LEN];
    if (mpirun_addrs_list(ifs, filter, list, sizeof(list)) == 0) {
        return -1;
    }
    size_t first = strcspn(list, ","); /* shorter than MPIRUN_ADDR_LEN: an address */
    memcpy(out, list, first);
    out[first] = '\0';
    return 0;
}
