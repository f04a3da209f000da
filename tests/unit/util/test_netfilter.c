/*
 * Unit tests of the interface filter shared by the tcp transport and mpirun (util/netfilter.c):
 * names with wildcards, IPv4 and IPv6 subnets, exclusion, the default, and malformed lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "util/netfilter.h"

typedef struct ip16 {
    uint8_t b[16];
} ip16_t;

/* An address as the filter holds it: IPv6, or IPv4 mapped into IPv6 (through ip_of). */
static ip16_t ip16(const char *text)
{
    ip16_t ip;
    struct sockaddr_in s4 = {.sin_family = AF_INET};
    struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET, text, &s4.sin_addr) == 1) {
        assert_true(mp_netfilter_ip_of((const struct sockaddr *)&s4, ip.b));
    } else {
        assert_int_equal(inet_pton(AF_INET6, text, &s6.sin6_addr), 1);
        assert_true(mp_netfilter_ip_of((const struct sockaddr *)&s6, ip.b));
    }
    return ip;
}

#define ip(text) (ip16(text).b)

static void test_ip_of(void **state)
{
    (void)state;
    static const uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, 10, 1, 2, 3};
    assert_memory_equal(ip("10.1.2.3"), mapped, 16);
    struct sockaddr sa = {.sa_family = AF_UNIX};
    uint8_t out[16];
    assert_false(mp_netfilter_ip_of(&sa, out));
}

static void test_names_and_subnets(void **state)
{
    (void)state;
    mp_netfilter_t f;
    const char *why, *bad;
    assert_int_equal(mp_netfilter_parse("eth*,10.1.0.0/16", &f, &why, &bad), 0);
    assert_false(f.exclude);
    assert_int_equal(f.n, 2);
    assert_true(mp_netfilter_allows(&f, "eth0", ip("192.168.1.5")));
    assert_true(mp_netfilter_allows(&f, "eth12", ip("192.168.1.5")));
    assert_true(mp_netfilter_allows(&f, "ib0", ip("10.1.200.3")));
    assert_false(mp_netfilter_allows(&f, "ib0", ip("10.2.0.1")));
    assert_false(mp_netfilter_allows(&f, "lo", ip("127.0.0.1")));

    assert_int_equal(mp_netfilter_parse("10.0.0.7", &f, &why, &bad), 0);
    assert_true(mp_netfilter_allows(&f, "x", ip("10.0.0.7")));
    assert_false(mp_netfilter_allows(&f, "x", ip("10.0.0.8")));

    /* IPv6 subnets; IPv4 and IPv6 never match each other's subnets. */
    assert_int_equal(mp_netfilter_parse("fd00:1::/64,10.0.0.0/8", &f, &why, &bad), 0);
    assert_true(mp_netfilter_allows(&f, "eth0", ip("fd00:1::5")));
    assert_false(mp_netfilter_allows(&f, "eth0", ip("fd00:2::5")));
    assert_true(mp_netfilter_allows(&f, "eth0", ip("10.3.0.1")));
    assert_false(mp_netfilter_allows(&f, "eth0", ip("::a03:1")));
    /* A prefix that ends inside a byte. */
    assert_int_equal(mp_netfilter_parse("^fd00:1::/33,::1", &f, &why, &bad), 0);
    assert_false(mp_netfilter_allows(&f, "eth0", ip("fd00:1:7fff::1")));
    assert_true(mp_netfilter_allows(&f, "eth0", ip("fd00:1:8000::1")));
    assert_false(mp_netfilter_allows(&f, "lo", ip("::1")));
    assert_true(mp_netfilter_allows(&f, "lo", ip("127.0.0.1")));
    /* An interface alias label is a name, not an address. */
    assert_int_equal(mp_netfilter_parse("eth0:1", &f, &why, &bad), 0);
    assert_false(f.items[0].is_subnet);
}

/* The default skips the host-only bridges of containers and virtual machines, nothing else. */
static void test_default(void **state)
{
    (void)state;
    mp_netfilter_t f;
    const char *why, *bad;
    assert_int_equal(mp_netfilter_parse(MP_NETFILTER_DEFAULT, &f, &why, &bad), 0);
    assert_true(f.exclude);
    assert_false(mp_netfilter_allows(&f, "docker0", ip("172.17.0.1")));
    assert_false(mp_netfilter_allows(&f, "docker_gwbridge", ip("172.18.0.1")));
    assert_false(mp_netfilter_allows(&f, "virbr0", ip("192.168.122.1")));
    assert_true(mp_netfilter_allows(&f, "eth0", ip("172.17.0.1")));
    assert_true(mp_netfilter_allows(&f, "lo", ip("::1")));
    assert_true(mp_netfilter_allows(&f, "br-docker", ip("10.0.0.1")));
}

static void test_same_prefix(void **state)
{
    (void)state;
    assert_true(mp_netfilter_same_prefix(ip("10.1.2.3"), ip("10.1.255.0"), 96 + 16));
    assert_false(mp_netfilter_same_prefix(ip("10.1.2.3"), ip("10.2.2.3"), 96 + 16));
    assert_true(mp_netfilter_same_prefix(ip("10.1.2.3"), ip("10.1.2.130"), 96 + 24));
    assert_false(mp_netfilter_same_prefix(ip("10.1.2.3"), ip("10.1.2.130"), 96 + 25));
    assert_true(mp_netfilter_same_prefix(ip("fd00::1"), ip("::1"), 0));
}

/* Every malformed list is refused with a reason and the place of the bad item; the filter it
 * was to fill stays as it was. */
static void test_malformed(void **state)
{
    (void)state;
    const char *errors[] = {"",
                            "^",
                            "eth0,",
                            ",eth0",
                            "a,,b",
                            "10.0.0.0/33",
                            "10.0.0.0/",
                            "10.0.0.0/x",
                            "10.0.300.1/8",
                            "1.2.3/8",
                            "fd00::/129",
                            "fd00::x/64",
                            "fd00:::1",
                            "::1/",
                            "an-interface-name-that-is-far-too-long-to-be-one",
                            "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"};
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        mp_netfilter_t f = {.n = 99};
        const char *why = NULL, *bad = NULL;
        assert_int_equal(mp_netfilter_parse(errors[i], &f, &why, &bad), -1);
        assert_non_null(why);
        assert_true(bad >= errors[i] && bad <= errors[i] + strlen(errors[i]));
        assert_int_equal(f.n, 99);
    }
    mp_netfilter_t f;
    const char *spec = "eth0,10.0.0.0/40", *why, *bad;
    assert_int_equal(mp_netfilter_parse(spec, &f, &why, &bad), -1);
    assert_string_equal(why, "an IPv4 subnet's prefix length must be 0..32");
    assert_string_equal(bad, "10.0.0.0/40");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_of),     cmocka_unit_test(test_names_and_subnets),
        cmocka_unit_test(test_default),   cmocka_unit_test(test_same_prefix),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
