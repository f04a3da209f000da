/*
 * Unit tests of the addresses of mpirun's wire: the published list (IPv4 first, routable IPv6
 * next, loopback last, link-local and interfaces that are down never), text addresses of
 * either family, a peer's address as text (IPv4 seen through a dual-stack socket as IPv4), and
 * the interface filter of --net-if/MP_NET_IF applied to the list and to a daemon's address.
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
    assert_int_equal(mpirun_addrs_list(f.ifa, NULL, out, sizeof(out)), 5);
    assert_string_equal(out, "10.1.0.5,fd00:12::5,2001:db8::5,127.0.0.1,::1");
}

static void test_list_ipv6_alone_and_cut(void **state)
{
    (void)state;
    fake_ifs_t f = {.n = 0};
    add(&f, "lo", "::1", IFF_UP | IFF_LOOPBACK);
    add(&f, "br0", "fd00:99::fe", IFF_UP);
    char out[256];
    assert_int_equal(mpirun_addrs_list(f.ifa, NULL, out, sizeof(out)), 2);
    assert_string_equal(out, "fd00:99::fe,::1");
    /* What does not fit is left out, whole. */
    char small[15];
    assert_int_equal(mpirun_addrs_list(f.ifa, NULL, small, sizeof(small)), 1);
    assert_string_equal(small, "fd00:99::fe");
    assert_int_equal(mpirun_addrs_list(NULL, NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static mp_netfilter_t filter(const char *spec)
{
    mp_netfilter_t f;
    char err[512];
    assert_int_equal(mpirun_addrs_filter(spec, "--net-if", &f, err, sizeof(err)), 0);
    return f;
}

/* A host with docker and libvirt bridges: the default leaves them out, a list picks. */
static void bridged_host(fake_ifs_t *f)
{
    add(f, "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK);
    add(f, "docker0", "172.17.0.1", IFF_UP);
    add(f, "eth0", "10.1.0.5", IFF_UP);
    add(f, "virbr0", "192.168.122.1", IFF_UP);
    add(f, "eth1", "10.2.0.5", IFF_UP);
    add(f, "lo", "::1", IFF_UP | IFF_LOOPBACK);
    add(f, "docker0", "fd00:17::1", IFF_UP);
    add(f, "eth0", "fd00:12::5", IFF_UP);
}

static void test_list_filtered(void **state)
{
    (void)state;
    fake_ifs_t f = {.n = 0};
    bridged_host(&f);
    char out[256];
    mp_netfilter_t nf = filter(MP_NETFILTER_DEFAULT);
    assert_int_equal(mpirun_addrs_list(f.ifa, &nf, out, sizeof(out)), 5);
    assert_string_equal(out, "10.1.0.5,10.2.0.5,fd00:12::5,127.0.0.1,::1");
    nf = filter("10.2.0.0/16,eth0");
    assert_int_equal(mpirun_addrs_list(f.ifa, &nf, out, sizeof(out)), 3);
    assert_string_equal(out, "10.1.0.5,10.2.0.5,fd00:12::5");
    nf = filter("^eth*,lo,172.16.0.0/12");
    assert_int_equal(mpirun_addrs_list(f.ifa, &nf, out, sizeof(out)), 2);
    assert_string_equal(out, "192.168.122.1,fd00:17::1");
    nf = filter("fd00:12::/64");
    assert_int_equal(mpirun_addrs_list(f.ifa, &nf, out, sizeof(out)), 1);
    assert_string_equal(out, "fd00:12::5");
    nf = filter("nosuchif0");
    assert_int_equal(mpirun_addrs_list(f.ifa, &nf, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void test_spec(void **state)
{
    (void)state;
    char *env[] = {"A=1", "MP_NET_IF=eth0", "B=2", "MP_NET_IF=10.0.0.0/8", "MP_NET_IFX=x"};
    assert_string_equal(mpirun_addrs_spec(env, 5, "lo"), "10.0.0.0/8");
    assert_string_equal(mpirun_addrs_spec(env, 3, "lo"), "eth0");
    assert_string_equal(mpirun_addrs_spec(env, 1, "lo"), "lo");
    assert_string_equal(mpirun_addrs_spec(env, 1, ""), MP_NETFILTER_DEFAULT);
    assert_string_equal(mpirun_addrs_spec(NULL, 0, NULL), MP_NETFILTER_DEFAULT);
}

/* A malformed list is named as the user gave it, with the bad item and what a list is. */
static void test_filter_messages(void **state)
{
    (void)state;
    mp_netfilter_t f;
    char err[512];
    assert_int_equal(mpirun_addrs_filter("eth0,10.0.0.0/40", "--net-if", &f, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--net-if \"eth0,10.0.0.0/40\": an IPv4 subnet's prefix length "
                                "must be 0..32 at \"10.0.0.0/40\" (expected interface names"));
    assert_int_equal(mpirun_addrs_filter("eth0,,lo", "MP_NET_IF", &f, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "MP_NET_IF=\"eth0,,lo\": empty item at \",lo\""));
}

/* The address a daemon gives its children: where it reached mpirun from, unless the filter
 * leaves that interface out. */
static void test_pick(void **state)
{
    (void)state;
    fake_ifs_t f = {.n = 0};
    bridged_host(&f);
    char out[MPIRUN_ADDR_LEN];
    mp_netfilter_t nf = filter(MP_NETFILTER_DEFAULT);
    assert_int_equal(mpirun_addrs_pick(f.ifa, &nf, "10.2.0.5", out), 0);
    assert_string_equal(out, "10.2.0.5");
    assert_int_equal(mpirun_addrs_pick(f.ifa, &nf, "172.17.0.1", out), 0);
    assert_string_equal(out, "10.1.0.5");
    /* Not an address of this host (behind NAT): it cannot tell, and keeps it. */
    assert_int_equal(mpirun_addrs_pick(f.ifa, &nf, "203.0.113.9", out), 0);
    assert_string_equal(out, "203.0.113.9");
    nf = filter("fd00:12::/64");
    assert_int_equal(mpirun_addrs_pick(f.ifa, &nf, "10.1.0.5", out), 0);
    assert_string_equal(out, "fd00:12::5");
    nf = filter("nosuchif0");
    assert_int_equal(mpirun_addrs_pick(f.ifa, &nf, "10.1.0.5", out), -1);
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
        cmocka_unit_test(test_list_order),      cmocka_unit_test(test_list_ipv6_alone_and_cut),
        cmocka_unit_test(test_list_filtered),   cmocka_unit_test(test_spec),
        cmocka_unit_test(test_filter_messages), cmocka_unit_test(test_pick),
        cmocka_unit_test(test_family),          cmocka_unit_test(test_from_sockaddr),
    };
    return cmocka_run_group_tests_name("mpirun wire addresses", tests, NULL, NULL);
}
