/*
 * Applying one-sided requests to window memory: the parsed request (header, the target type's
 * segments, the origin data), one range check over the span it touches, and put, accumulate
 * (every predefined op, through the reduction kernels), get, get-accumulate and
 * compare-and-swap. The target's progress hook and the origin's shared-memory path share it.
 */
#include <stdlib.h>
#include <string.h>

#include "rma/rma_internal.h"

bool mp_rma_view_parse(const unsigned char *msg, size_t len, const unsigned char *data,
                       mp_rma_view_t *v)
{
    if (len < sizeof(mp_rma_hdr_t)) {
        return false;
    }
    const mp_rma_hdr_t *h = (const mp_rma_hdr_t *)msg;
    if (h->magic != MP_RMA_WIRE_MAGIC || h->nsegs > len / sizeof(mp_rma_wseg_t)) {
        return false;
    }
    size_t want = sizeof(*h) + h->nsegs * sizeof(mp_rma_wseg_t);
    if (h->inlined) {
        want += h->bytes;
    }
    if (want != len) {
        return false;
    }
    v->hdr = h;
    v->segs = (const mp_rma_wseg_t *)(msg + sizeof(*h));
    v->data = h->inlined ? msg + want - h->bytes : data;
    return true;
}

/* The region that holds the byte at addr, or NULL. */
static const mp_win_region_t *region_at(const mp_win_region_t *r, uintptr_t addr)
{
    for (; r != NULL; r = r->next) {
        if (addr >= r->base && addr - r->base < r->size) {
            return r;
        }
    }
    return NULL;
}

/* Whether [addr, addr + len) is attached memory of a dynamic window. An access may run on from
 * one region into another attached right after it: every byte it touches is attached (MPICH's
 * rma tests attach two halves of one array and access across the seam). */
static bool in_regions(const mp_win_region_t *regions, uintptr_t addr, size_t len)
{
    for (const mp_win_region_t *r = regions; r != NULL; r = r->next) {
        if (addr >= r->base && addr - r->base <= r->size && len <= r->size - (addr - r->base)) {
            return true;
        }
    }
    /* Regions do not overlap and each step moves past a non-empty one, so this ends. */
    for (const mp_win_region_t *r = region_at(regions, addr); r != NULL;
         r = region_at(regions, addr)) {
        size_t here = r->size - (addr - r->base);
        if (len <= here) {
            return true;
        }
        len -= here;
        addr = r->base + r->size;
    }
    return false;
}

/* Whether [addr, addr + len) lies in the window memory mem. */
static bool in_mem(const mp_rma_mem_t *mem, uintptr_t addr, size_t len)
{
    if (mem->dynamic) {
        return in_regions(mem->regions, addr, len);
    }
    return addr >= mem->base && addr - mem->base <= mem->size &&
           len <= mem->size - (addr - mem->base);
}

uintptr_t mp_rma_mem_addr(const mp_rma_mem_t *mem, uint64_t disp)
{
    return mem->dynamic ? (uintptr_t)disp : mem->base + (uintptr_t)disp;
}

bool mp_rma_mem_has(const mp_rma_mem_t *mem, uintptr_t addr, size_t len)
{
    return in_mem(mem, addr, len);
}

/* Calls fn on each block of the target data in type-map order: its address and its offset in
 * the packed stream. */
typedef void block_fn(void *ctx, unsigned char *addr, size_t len, size_t off);

/* The bytes [lo, hi) that the target data spans, relative to its start. */
static void blocks_span(const mp_rma_view_t *v, int64_t *lo_p, int64_t *hi_p)
{
    const mp_rma_hdr_t *h = v->hdr;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (uint32_t s = 0; s < h->nsegs; s++) {
        const mp_rma_wseg_t *sg = &v->segs[s];
        int64_t last = (int64_t)(sg->count - 1) * sg->stride;
        int64_t a = sg->disp + (last < 0 ? last : 0);
        int64_t b = sg->disp + (last > 0 ? last : 0) + (int64_t)sg->len;
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    int64_t elems = (int64_t)(h->tcount - 1) * h->textent;
    *lo_p = lo + (elems < 0 ? elems : 0);
    *hi_p = hi + (elems > 0 ? elems : 0);
}

/* Walks the blocks after one check of the whole span (it must lie in the window, in one
 * attached region of a dynamic one); false when it does not. fn NULL: the check alone. */
static bool blocks_walk(const mp_rma_mem_t *mem, const mp_rma_view_t *v, block_fn *fn, void *ctx)
{
    const mp_rma_hdr_t *h = v->hdr;
    if (h->tcount == 0 || h->nsegs == 0) {
        return true;
    }
    uintptr_t start = mp_rma_mem_addr(mem, h->disp);
    int64_t lo = 0, hi = 0;
    blocks_span(v, &lo, &hi);
    if (!in_mem(mem, start + (uintptr_t)lo, (size_t)(hi - lo))) {
        return false;
    }
    if (fn == NULL) {
        return true;
    }
    size_t off = 0;
    for (uint64_t e = 0; e < h->tcount; e++) {
        uintptr_t elem = start + (uintptr_t)((int64_t)e * h->textent);
        for (uint32_t s = 0; s < h->nsegs; s++) {
            const mp_rma_wseg_t *sg = &v->segs[s];
            for (uint64_t b = 0; b < sg->count; b++) {
                fn(ctx, (unsigned char *)(elem + (uintptr_t)(sg->disp + (int64_t)b * sg->stride)),
                   sg->len, off);
                off += sg->len;
            }
        }
    }
    return true;
}

static void block_unpack(void *ctx, unsigned char *addr, size_t len, size_t off)
{
    memcpy(addr, (const unsigned char *)ctx + off, len);
}

static void block_pack(void *ctx, unsigned char *addr, size_t len, size_t off)
{
    memcpy((unsigned char *)ctx + off, addr, len);
}

typedef struct acc_ctx {
    const unsigned char *in;
    const mp_op_t *op;
    const mp_datatype_t *elem;
} acc_ctx_t;

static void block_acc(void *ctx, unsigned char *addr, size_t len, size_t off)
{
    const acc_ctx_t *a = ctx;
    /* The origin checked that op applies to elem; whole elements fill every block. */
    (void)mp_op_reduce(a->op, a->in + off, addr, len / a->elem->size, a->elem);
}

/* Applies the origin data with the request's op (MPI_REPLACE and MPI_NO_OP included), element
 * by element of the basic type the origin named. */
static bool accumulate(const mp_rma_mem_t *mem, const mp_rma_view_t *v)
{
    acc_ctx_t ctx = {v->data, mp_op_predefined((uintptr_t)v->hdr->op),
                     mp_datatype_predefined((uintptr_t)v->hdr->elem)};
    if (ctx.op == NULL || ctx.elem == NULL || ctx.elem->size == 0) {
        return false;
    }
    return blocks_walk(mem, v, block_acc, &ctx);
}

size_t mp_rma_fetch_bytes(const mp_rma_hdr_t *h)
{
    switch ((mp_rma_msg_t)h->type) {
    case MP_RMA_MSG_GET:
    case MP_RMA_MSG_GACC:
        return (size_t)(h->tcount * h->tsize);
    case MP_RMA_MSG_CAS:
        return (size_t)h->tsize;
    default:
        return 0;
    }
}

bool mp_rma_apply(const mp_rma_mem_t *mem, const mp_rma_view_t *v, unsigned char *out)
{
    const mp_rma_hdr_t *h = v->hdr;
    switch ((mp_rma_msg_t)h->type) {
    case MP_RMA_MSG_PUT:
        return blocks_walk(mem, v, block_unpack, (void *)v->data);
    case MP_RMA_MSG_ACC:
        return accumulate(mem, v);
    case MP_RMA_MSG_GET:
        return blocks_walk(mem, v, block_pack, out);
    case MP_RMA_MSG_GACC:
        return blocks_walk(mem, v, block_pack, out) && accumulate(mem, v);
    case MP_RMA_MSG_CAS: {
        size_t len = (size_t)h->tsize;
        uintptr_t a =
            mp_rma_mem_addr(mem, h->disp) + (uintptr_t)(h->nsegs > 0 ? v->segs[0].disp : 0);
        if (h->bytes != 2 * len || !in_mem(mem, a, len)) {
            return false;
        }
        memcpy(out, (void *)a, len);
        if (memcmp((void *)a, v->data + len, len) == 0) {
            memcpy((void *)a, v->data, len);
        }
        return true;
    }
    default:
        return false;
    }
}
