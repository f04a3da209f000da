/*
 * libFuzzer harness for the tcp transport's parsers: the handshake state machine on both sides,
 * a stream of frame headers, business cards and MP_NET_IF lists, fed whatever the fuzzer makes.
 * Build and run: make fuzz && tests/fuzz/fuzz_tcp_proto -max_total_time=300 (see README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/runtime.h"
#include "transport/tcp/netif.h"
#include "transport/tcp/proto.h"

mp_runtime_t mp_runtime = {.rank = -1};

static const uint8_t secret[MP_SHA256_LEN] = "fuzzing-secret-fuzzing-secret-!";
static const uint8_t nonce[MP_TCP_NONCE_LEN] = "fuzzing--nonce!";

/* Feeds data to one side of a handshake in chunks of chunk bytes, as a socket would. */
static void fuzz_auth(int role, const uint8_t *data, size_t len, size_t chunk)
{
    mp_tcp_auth_t auth;
    uint8_t out[MP_TCP_MSG_MAX];
    size_t out_len;
    mp_tcp_auth_start(&auth, role, 0, 1, 4, secret, nonce, out, &out_len);
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < chunk ? len - off : chunk, used;
        const char *why = NULL;
        int r = mp_tcp_auth_feed(&auth, data + off, n, &used, out, &out_len, &why);
        if (used > n || out_len > MP_TCP_MSG_MAX || (r == MP_TCP_AUTH_FAIL && why == NULL)) {
            abort();
        }
        if (r == MP_TCP_AUTH_DONE) {
            abort(); /* nothing without the secret may authenticate */
        }
        if (r == MP_TCP_AUTH_FAIL) {
            return;
        }
        off += used;
    }
}

static void fuzz_frames(const uint8_t *data, size_t len)
{
    size_t off = 0;
    while (len - off >= MP_TCP_FRAME_LEN) {
        mp_tcp_frame_t f;
        const char *why;
        if (mp_tcp_frame_decode(data + off, 65536, &f, &why) != MP_OK) {
            return;
        }
        off += MP_TCP_FRAME_LEN;
        size_t body = f.hdr_len + f.len;
        if (body > len - off) {
            return;
        }
        off += body;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    int what = data[0] % 5;
    size_t chunk = (size_t)data[1] % 70 + 1;
    data += 2;
    size -= 2;
    switch (what) {
    case 0:
        fuzz_auth(MP_TCP_ACCEPTOR, data, size, chunk);
        break;
    case 1:
        fuzz_auth(MP_TCP_CONNECTOR, data, size, chunk);
        break;
    case 2:
        fuzz_frames(data, size);
        break;
    case 3: {
        mp_tcp_card_t card;
        const char *why;
        if (mp_tcp_card_check(data, size, &card, &why) == MP_OK) {
            int order[MP_TCP_MAX_ADDRS];
            mp_tcp_netif_order(&card, chunk % 2 == 0, card.addrs, card.naddrs, order);
        }
        break;
    }
    default: {
        char *text = malloc(size + 1);
        if (text == NULL) {
            return 0;
        }
        memcpy(text, data, size);
        text[size] = '\0';
        mp_tcp_netif_filter_t f;
        const char *why, *bad;
        if (mp_tcp_netif_parse(text, &f, &why, &bad) == MP_OK) {
            mp_tcp_netif_allows(&f, "eth0", 0x0a000001u);
        }
        free(text);
        break;
    }
    }
    return 0;
}
