/*
 * Unit tests of the addresses of mpirun's wire: the published list (IPv4 first, routable IPv6
 * next, loopback last, link-local and interfaces that are down never), text addresses of
 * either family, and a peer's address as text (IPv4 seen through a dual-stack socket as IPv4).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "mpirun/addrs.h"

/* A synthetic interface list: up to 16 entries, built in order. */
typedef struct fake_ifs {
    struct ifaddrs ifa[16];
    struct sockaddr_storage sa[16];
    int n;
} fake_ifs_t;

static void add(fake_ifs_t *f, const char *name, const char *addr, unsigned flags)
{
    struct ifaddrs *i = &f->ifa[f->n];
    struct sockaddr_storage *ss = &f->sa[f->n];
    memset(i, 0, sizeof(*i));
    memset(ss, 0, sizeof(*ss));
    if (strchr(addr, ':') != NULL) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        assert_int_equal(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
    } else if (strcmp(addr, "packet") == 0) {
        ss->ss_family = AF_PACKET;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        assert_int_equal(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
    }
    i->ifa_name = (char *)name;
    i->ifa_flags = flags;
    i->ifa_addr = (struct sockaddr *)ss;
    if (f->n > 0) {
        f->ifa[f->n - 1].ifa_next = i;
    }
    f->n++;
}

static void test_list_order(void **state)
{
    (void)state;
    fake_ifs_t f = {.n = 0};
    /* As getifaddrs lists them: packet entries, then IPv4, then IPv6, loopback first. */
    add(&f, "lo", "packet", IFF_UP | IFF_LOOPBACK);
    add(&f, "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK);
    add(&f, "eth0", "10.1.0.5", IFF_UP);
    add(&f, "eth1", "192.168.7.1", 0); /* down */
    add(&f, "lo", "::1", IFF_UP | IFF_LOOPBACK);
    add(&f, "eth0", "fe80::1", IFF_UP); /* link-local: its scope is this host's */
    add(&f, "eth0", "fd00:12::5", IFF_UP);
    add(&f, "eth0", "2001:db8::5", IFF_UP);
    add(&f, "eth0", "::ffff:10.1.0.5", IFF_UP); /* mapped: not an IPv6 address of its own */
    add(&f, "eth0", "ff02::1", IFF_UP);
    add(&f, "eth2", "10.1.0.5", IFF_UP); /* the same address twice: tried once */
    char out[256];
    assert_int_equal(mpirun_addrs_list(f.ifa, out, sizeof(out)), 5);
    assert_string_equal(out, "10.1.0.5,fd00:12::5,2001:db8::5,127.0.0.1,::1");
}

static void test_list_ipv6_alone_and_cut(void **state)
{
    (void)state;
    fake_ifs_t f = {.n = 0};
    add(&f, "lo", "::1", IFF_UP | IFF_LOOPBACK);
    add(&f, "br0", "fd00:99::fe", IFF_UP);
    char out[256];
    assert_int_equal(mpirun_addrs_list(f.ifa, out, sizeof(out)), 2);
    assert_string_equal(out, "fd00:99::fe,::1");
    /* What does not fit is left out, whole. */
    char small[15];
    assert_int_equal(mpirun_addrs_list(f.ifa, small, sizeof(small)), 1);
    assert_string_equal(small, "fd00:99::fe");
    assert_int_equal(mpirun_addrs_list(NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void test_family(void **state)
{
    (void)state;
    assert_int_equal(mpirun_addrs_family("10.0.0.1"), AF_INET);
    assert_int_equal(mpirun_addrs_family("fd00::1"), AF_INET6);
    assert_int_equal(mpirun_addrs_family("::ffff:10.0.0.1"), AF_INET6);
    assert_int_equal(mpirun_addrs_family("::1"), AF_INET6);
    assert_int_equal(mpirun_addrs_family(""), -1);
    assert_int_equal(mpirun_addrs_family("host1"), -1);
    assert_int_equal(mpirun_addrs_family("10.0.0.256"), -1);
    assert_int_equal(mpirun_addrs_family("[fd00::1]"), -1);
    assert_int_equal(mpirun_addrs_family("fd00::1%eth0"), -1);
}

static void test_from_sockaddr(void **state)
{
    (void)state;
    char out[MPIRUN_ADDR_LEN];
    int port = 0;
    struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(4242)};
    inet_pton(AF_INET6, "::ffff:10.2.3.4", &s6.sin6_addr);
    assert_int_equal(mpirun_addrs_from_sockaddr((struct sockaddr *)&s6, out, &port), 0);
    assert_string_equal(out, "10.2.3.4");
    assert_int_equal(port, 4242);
    inet_pton(AF_INET6, "fd00:7::2", &s6.sin6_addr);
    assert_int_equal(mpirun_addrs_from_sockaddr((struct sockaddr *)&s6, out, NULL), 0);
    assert_string_equal(out, "fd00:7::2");
    /* The longest IPv6 text fits. */
    inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &s6.sin6_addr);
    assert_int_equal(mpirun_addrs_from_sockaddr((struct sockaddr *)&s6, out, NULL), 0);
    assert_int_equal(mpirun_addrs_family(out), AF_INET6);
    struct sockaddr_in s4 = {.sin_family = AF_INET, .sin_port = htons(1)};
    inet_pton(AF_INET, "192.0.2.1", &s4.sin_addr);
    assert_int_equal(mpirun_addrs_from_sockaddr((struct sockaddr *)&s4, out, &port), 0);
    assert_string_equal(out, "192.0.2.1");
    assert_int_equal(port, 1);
    struct sockaddr other = {.sa_family = AF_UNIX};
    assert_int_equal(mpirun_addrs_from_sockaddr(&other, out, &port), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_order),
        cmocka_unit_test(test_list_ipv6_alone_and_cut),
        cmocka_unit_test(test_family),
        cmocka_unit_test(test_from_sockaddr),
    };
    return cmocka_run_group_tests_name("mpirun wire addresses", tests, NULL, NULL);
}
