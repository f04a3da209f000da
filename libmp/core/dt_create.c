/*
 * Derived datatype constructors: each flattens its type map, once, into merged segments (byte
 * blocks repeated at a stride) and runs of basic elements, and computes bounds and true bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "core/datatype.h"

/* ---- growing lists ---- */

typedef struct seg_list {
    mp_dt_seg_t *v;
    size_t n;
    size_t cap;
} seg_list_t;

typedef struct run_list {
    mp_dt_run_t *v;
    size_t n;
    size_t cap;
} run_list_t;

static bool grow(void **v, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap) {
        return true;
    }
    size_t cap2 = *cap < 8 ? 8 : *cap * 2;
    while (cap2 < need) {
        cap2 *= 2;
    }
    void *p = realloc(*v, cap2 * elem_size);
    if (p == NULL) {
        return false;
    }
    *v = p;
    *cap = cap2;
    return true;
}

/* Whether blocks (disp, len, count, stride) continue the pattern of last exactly. */
static bool continues(const mp_dt_seg_t *last, ptrdiff_t disp, size_t len, size_t count,
                      ptrdiff_t stride)
{
    if (last->len != len) {
        return false;
    }
    if (last->count == 1) {
        return count == 1 || disp - last->disp == stride;
    }
    return disp == last->disp + (ptrdiff_t)last->count * last->stride &&
           (count == 1 || stride == last->stride);
}

/* Appends count blocks of len bytes stride apart, merging with the segment before when the
 * bytes or the stride pattern continue it. */
static mp_status_t seg_push(seg_list_t *l, ptrdiff_t disp, size_t len, size_t count,
                            ptrdiff_t stride)
{
    if (len == 0 || count == 0) {
        return MP_OK;
    }
    if (count == 1) {
        stride = 0;
    } else if (stride == (ptrdiff_t)len) {
        len *= count; /* back to back: one block */
        count = 1;
        stride = 0;
    }
    if (l->n > 0) {
        mp_dt_seg_t *last = &l->v[l->n - 1];
        if (last->count == 1 && count == 1 && last->disp + (ptrdiff_t)last->len == disp) {
            last->len += len;
            return MP_OK;
        }
        if (continues(last, disp, len, count, stride)) {
            if (last->count == 1) {
                last->stride = count == 1 ? disp - last->disp : stride;
            }
            last->count += count;
            return MP_OK;
        }
    }
    if (!grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
        return MP_ERR_NOMEM;
    }
    l->v[l->n++] = (mp_dt_seg_t){.disp = disp, .len = len, .count = count, .stride = stride};
    return MP_OK;
}

/* Appends blocklen copies of old's type map, the first at disp, one extent apart. */
static mp_status_t place_block(seg_list_t *l, const mp_datatype_t *old, ptrdiff_t disp,
                               size_t blocklen)
{
    if (blocklen == 0 || old->size == 0) {
        return MP_OK;
    }
    if (old->nsegs == 1) {
        const mp_dt_seg_t *s = &old->segs[0];
        if (s->count == 1) {
            return seg_push(l, disp + s->disp, s->len, blocklen, old->extent);
        }
        if ((ptrdiff_t)s->count * s->stride == old->extent) {
            return seg_push(l, disp + s->disp, s->len, s->count * blocklen, s->stride);
        }
    }
    for (size_t k = 0; k < blocklen; k++) {
        ptrdiff_t at = disp + (ptrdiff_t)k * old->extent;
        for (size_t i = 0; i < old->nsegs; i++) {
            const mp_dt_seg_t *s = &old->segs[i];
            mp_status_t st = seg_push(l, at + s->disp, s->len, s->count, s->stride);
            if (st != MP_OK) {
                return st;
            }
        }
    }
    return MP_OK;
}

/* Appends reps copies of run, merged with the run before when it is of the same type. */
static mp_status_t run_push(run_list_t *l, const mp_dt_run_t *run, size_t reps)
{
    if (run->bytes == 0 || reps == 0) {
        return MP_OK;
    }
    if (l->n > 0 && l->v[l->n - 1].type == run->type) {
        l->v[l->n - 1].bytes += run->bytes * reps;
        return MP_OK;
    }
    if (!grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
        return MP_ERR_NOMEM;
    }
    l->v[l->n] = *run;
    l->v[l->n++].bytes *= reps;
    return MP_OK;
}

/* Appends reps passes over old's basic elements. */
static mp_status_t runs_append(run_list_t *l, const mp_datatype_t *old, size_t reps)
{
    reps *= old->run_reps;
    if (old->nruns == 1) {
        return run_push(l, &old->runs[0], reps);
    }
    for (size_t k = 0; k < reps; k++) {
        for (size_t i = 0; i < old->nruns; i++) {
            mp_status_t st = run_push(l, &old->runs[i], 1);
            if (st != MP_OK) {
                return st;
            }
        }
    }
    return MP_OK;
}

/* ---- the new object ---- */

static mp_datatype_t *dt_alloc(void)
{
    mp_datatype_t *dt = calloc(1, sizeof(*dt));
    if (dt != NULL) {
        dt->magic = MP_DATATYPE_MAGIC;
        dt->refs = 1;
        dt->name = dt->name_buf;
        dt->handle = (uintptr_t)dt;
        dt->run_reps = 1;
        dt->align = 1;
    }
    return dt;
}

static void dt_discard(mp_datatype_t *dt, seg_list_t *segs, run_list_t *runs)
{
    free(segs->v);
    free(runs->v);
    free(dt);
}

/* Sets the packed positions of the segments and whether the type is one plain block. */
static void finish_layout(mp_datatype_t *dt)
{
    size_t pos = 0;
    for (size_t i = 0; i < dt->nsegs; i++) {
        dt->segs[i].pstart = pos;
        pos += dt->segs[i].len * dt->segs[i].count;
    }
    bool one_block = dt->nsegs == 1 && dt->segs[0].count == 1 && dt->segs[0].disp == dt->lb;
    dt->contiguous = (ptrdiff_t)dt->size == dt->extent && (dt->size == 0 || one_block);
}

static mp_status_t copy_layout(mp_datatype_t *dst, const mp_datatype_t *src)
{
    dst->segs = malloc((src->nsegs > 0 ? src->nsegs : 1) * sizeof(*dst->segs));
    dst->runs = malloc((src->nruns > 0 ? src->nruns : 1) * sizeof(*dst->runs));
    if (dst->segs == NULL || dst->runs == NULL) {
        free(dst->segs);
        free(dst->runs);
        return MP_ERR_NOMEM;
    }
    memcpy(dst->segs, src->segs, src->nsegs * sizeof(*dst->segs));
    memcpy(dst->runs, src->runs, src->nruns * sizeof(*dst->runs));
    dst->nsegs = src->nsegs;
    dst->nruns = src->nruns;
    dst->run_reps = src->run_reps;
    dst->size = src->size;
    dst->lb = src->lb;
    dst->extent = src->extent;
    dst->true_lb = src->true_lb;
    dst->true_extent = src->true_extent;
    dst->align = src->align;
    dst->explicit_bounds = src->explicit_bounds;
    dst->elem_type = src->elem_type;
    return MP_OK;
}

/* Bounds of a type as they accumulate over its blocks. */
typedef struct bounds {
    bool any;
    ptrdiff_t lb, ub;
    bool any_true;
    ptrdiff_t true_lb, true_ub;
} bounds_t;

static void bounds_add(bounds_t *b, const mp_datatype_t *old, ptrdiff_t disp, size_t blocklen)
{
    if (blocklen == 0) {
        return;
    }
    ptrdiff_t span = (ptrdiff_t)(blocklen - 1) * old->extent;
    ptrdiff_t lo = span < 0 ? span : 0;
    ptrdiff_t hi = span > 0 ? span : 0;
    ptrdiff_t lb = disp + old->lb + lo;
    ptrdiff_t ub = disp + old->lb + old->extent + hi;
    if (!b->any || lb < b->lb) {
        b->lb = lb;
    }
    if (!b->any || ub > b->ub) {
        b->ub = ub;
    }
    b->any = true;
    if (old->size == 0) {
        return;
    }
    ptrdiff_t tlb = disp + old->true_lb + lo;
    ptrdiff_t tub = disp + old->true_lb + old->true_extent + hi;
    if (!b->any_true || tlb < b->true_lb) {
        b->true_lb = tlb;
    }
    if (!b->any_true || tub > b->true_ub) {
        b->true_ub = tub;
    }
    b->any_true = true;
}

/* Size and elem_type over the blocks; false when the size overflows. */
static bool sum_blocks(mp_datatype_t *dt, size_t count, const size_t *blocklens,
                       const mp_datatype_t *const *types, bool one_type)
{
    size_t size = 0;
    const mp_datatype_t *elem = count > 0 ? types[0]->elem_type : NULL;
    bool seen = false;
    for (size_t i = 0; i < count; i++) {
        const mp_datatype_t *t = one_type ? types[0] : types[i];
        size_t bytes;
        if (__builtin_mul_overflow(blocklens[i], t->size, &bytes) ||
            __builtin_add_overflow(size, bytes, &size)) {
            return false;
        }
        if (t->align > dt->align) {
            dt->align = t->align;
        }
        dt->explicit_bounds |= t->explicit_bounds;
        if (blocklens[i] > 0 && t->size > 0) {
            if (!seen) {
                elem = t->elem_type;
                seen = true;
            } else if (elem != t->elem_type) {
                elem = NULL; /* mixed basic types */
            }
        }
    }
    dt->size = size;
    dt->elem_type = elem;
    return true;
}

mp_status_t mp_datatype_create_blocks(size_t count, const size_t *blocklens, const ptrdiff_t *disps,
                                      const mp_datatype_t *const *types, bool one_type,
                                      bool struct_rules, mp_datatype_t **new_p)
{
    mp_datatype_t *dt = dt_alloc();
    if (dt == NULL) {
        return MP_ERR_NOMEM;
    }
    seg_list_t segs = {0};
    run_list_t runs = {0};
    if (!sum_blocks(dt, count, blocklens, types, one_type)) {
        dt_discard(dt, &segs, &runs);
        return MP_ERR_INVALID;
    }
    bounds_t b = {0};
    size_t total_blocks = 0;
    mp_status_t st = MP_OK;
    for (size_t i = 0; i < count && st == MP_OK; i++) {
        const mp_datatype_t *t = one_type ? types[0] : types[i];
        bounds_add(&b, t, disps[i], blocklens[i]);
        st = place_block(&segs, t, disps[i], blocklens[i]);
        total_blocks += blocklens[i];
        if (st == MP_OK && !one_type && t->size > 0) {
            st = runs_append(&runs, t, blocklens[i]);
        }
    }
    if (st == MP_OK && one_type && count > 0 && types[0]->size > 0 && total_blocks > 0) {
        /* One old type: its runs, repeated once per copy; no list to expand. */
        const mp_datatype_t *old = types[0];
        for (size_t i = 0; i < old->nruns && st == MP_OK; i++) {
            st = run_push(&runs, &old->runs[i], 1);
        }
        dt->run_reps = total_blocks * old->run_reps;
    }
    if (st != MP_OK) {
        dt_discard(dt, &segs, &runs);
        return st;
    }
    dt->lb = b.any ? b.lb : 0;
    dt->extent = b.any ? b.ub - b.lb : 0;
    dt->true_lb = b.any_true ? b.true_lb : 0;
    dt->true_extent = b.any_true ? b.true_ub - b.true_lb : 0;
    if (struct_rules && !dt->explicit_bounds && dt->align > 1 &&
        dt->extent % (ptrdiff_t)dt->align != 0) {
        /* The C compiler pads a struct to its alignment; so does MPI (the standard's epsilon). */
        dt->extent += (ptrdiff_t)dt->align - dt->extent % (ptrdiff_t)dt->align;
    }
    dt->segs = segs.v;
    dt->nsegs = segs.n;
    dt->runs = runs.v;
    dt->nruns = runs.n;
    finish_layout(dt);
    *new_p = dt;
    return MP_OK;
}

/* Whether a vector of old is one strided segment: each block is a single run of bytes. */
static bool vector_is_one_seg(size_t count, size_t blocklen, const mp_datatype_t *old)
{
    return count > 0 && blocklen > 0 && old->size > 0 && old->nsegs == 1 &&
           old->segs[0].count == 1 && (blocklen == 1 || old->extent == (ptrdiff_t)old->segs[0].len);
}

/* The vector as one segment, built in constant time whatever count is (large-count types). */
static mp_status_t hvector_one_seg(size_t count, size_t blocklen, ptrdiff_t stride,
                                   const mp_datatype_t *old, mp_datatype_t **new_p)
{
    size_t blocks;
    size_t size;
    ptrdiff_t last;
    if (__builtin_mul_overflow(count, blocklen, &blocks) ||
        __builtin_mul_overflow(blocks, old->size, &size) ||
        __builtin_mul_overflow((ptrdiff_t)(count - 1), stride, &last)) {
        return MP_ERR_INVALID;
    }
    mp_datatype_t *dt = dt_alloc();
    seg_list_t segs = {0};
    run_list_t runs = {0};
    if (dt == NULL) {
        return MP_ERR_NOMEM;
    }
    const mp_dt_seg_t *s = &old->segs[0];
    mp_status_t st = seg_push(&segs, s->disp, s->len * blocklen, count, stride);
    for (size_t i = 0; i < old->nruns && st == MP_OK; i++) {
        st = run_push(&runs, &old->runs[i], 1);
    }
    if (st != MP_OK) {
        dt_discard(dt, &segs, &runs);
        return st;
    }
    bounds_t b = {0};
    bounds_add(&b, old, 0, blocklen);
    bounds_add(&b, old, last, blocklen);
    dt->size = size;
    dt->lb = b.lb;
    dt->extent = b.ub - b.lb;
    dt->true_lb = b.true_lb;
    dt->true_extent = b.true_ub - b.true_lb;
    dt->align = old->align;
    dt->explicit_bounds = old->explicit_bounds;
    dt->elem_type = old->elem_type;
    dt->segs = segs.v;
    dt->nsegs = segs.n;
    dt->runs = runs.v;
    dt->nruns = runs.n;
    dt->run_reps = blocks * old->run_reps;
    finish_layout(dt);
    *new_p = dt;
    return MP_OK;
}

mp_status_t mp_datatype_create_hvector(size_t count, size_t blocklen, ptrdiff_t stride,
                                       const mp_datatype_t *old, mp_datatype_t **new_p)
{
    if (vector_is_one_seg(count, blocklen, old)) {
        return hvector_one_seg(count, blocklen, stride, old, new_p);
    }
    size_t *lens = malloc((count > 0 ? count : 1) * sizeof(*lens));
    ptrdiff_t *disps = malloc((count > 0 ? count : 1) * sizeof(*disps));
    mp_status_t st = MP_ERR_NOMEM;
    if (lens != NULL && disps != NULL) {
        for (size_t i = 0; i < count; i++) {
            lens[i] = blocklen;
            disps[i] = (ptrdiff_t)i * stride;
        }
        st = mp_datatype_create_blocks(count, lens, disps, &old, true, false, new_p);
    }
    free(lens);
    free(disps);
    return st;
}

mp_status_t mp_datatype_create_resized(const mp_datatype_t *old, ptrdiff_t lb, ptrdiff_t extent,
                                       mp_datatype_t **new_p)
{
    mp_datatype_t *dt = dt_alloc();
    if (dt == NULL) {
        return MP_ERR_NOMEM;
    }
    if (copy_layout(dt, old) != MP_OK) {
        free(dt);
        return MP_ERR_NOMEM;
    }
    dt->lb = lb;
    dt->extent = extent;
    dt->explicit_bounds = true;
    finish_layout(dt);
    *new_p = dt;
    return MP_OK;
}

mp_status_t mp_datatype_create_dup(const mp_datatype_t *old, mp_datatype_t **new_p)
{
    mp_datatype_t *dt = dt_alloc();
    if (dt == NULL) {
        return MP_ERR_NOMEM;
    }
    if (copy_layout(dt, old) != MP_OK) {
        free(dt);
        return MP_ERR_NOMEM;
    }
    dt->committed = old->committed;
    finish_layout(dt);
    *new_p = dt;
    return MP_OK;
}

/* ---- arrays: subarray and darray ---- */

/* Places the runs of the last dimension for every index combination of dimensions d and up,
 * with the element at byte offset base of the array. */
static mp_status_t grid_place(seg_list_t *l, size_t d, size_t ndims, const size_t *sizes,
                              const size_t *nruns, const mp_dt_index_run_t *const *runs,
                              const ptrdiff_t *strides, const mp_datatype_t *old, ptrdiff_t base)
{
    for (size_t r = 0; r < nruns[d]; r++) {
        const mp_dt_index_run_t *run = &runs[d][r];
        if (d == ndims - 1) {
            mp_status_t st =
                place_block(l, old, base + (ptrdiff_t)run->first * strides[d], run->len);
            if (st != MP_OK) {
                return st;
            }
            continue;
        }
        for (size_t i = run->first; i < run->first + run->len; i++) {
            mp_status_t st = grid_place(l, d + 1, ndims, sizes, nruns, runs, strides, old,
                                        base + (ptrdiff_t)i * strides[d]);
            if (st != MP_OK) {
                return st;
            }
        }
    }
    return MP_OK;
}

mp_status_t mp_datatype_create_grid(size_t ndims, const size_t *sizes, const size_t *nruns,
                                    const mp_dt_index_run_t *const *runs, const mp_datatype_t *old,
                                    mp_datatype_t **new_p)
{
    ptrdiff_t *strides = malloc((ndims > 0 ? ndims : 1) * sizeof(*strides));
    if (strides == NULL) {
        return MP_ERR_NOMEM;
    }
    /* Element count, and the byte strides of the dimensions (C order). */
    size_t elems = 1;
    size_t total = 1;
    ptrdiff_t stride = old->extent;
    for (size_t d = ndims; d-- > 0;) {
        strides[d] = stride;
        stride *= (ptrdiff_t)sizes[d];
        total *= sizes[d];
        size_t in_dim = 0;
        for (size_t r = 0; r < nruns[d]; r++) {
            in_dim += runs[d][r].len;
        }
        elems *= in_dim;
    }
    /* The type map: the elements in array order, as one block list over old. */
    mp_datatype_t *flat = NULL;
    size_t one = elems;
    ptrdiff_t zero = 0;
    mp_status_t st = mp_datatype_create_blocks(1, &one, &zero, &old, true, false, &flat);
    if (st == MP_OK && ndims > 0) {
        seg_list_t segs = {0};
        st = elems > 0 ? grid_place(&segs, 0, ndims, sizes, nruns, runs, strides, old, 0) : MP_OK;
        if (st == MP_OK) {
            free(flat->segs);
            flat->segs = segs.v;
            flat->nsegs = segs.n;
        } else {
            free(segs.v);
        }
    }
    free(strides);
    if (st != MP_OK) {
        mp_datatype_release(flat);
        return st;
    }
    /* True bounds from the segments; bounds: the whole array. */
    ptrdiff_t tlb = 0;
    ptrdiff_t tub = 0;
    for (size_t i = 0; i < flat->nsegs; i++) {
        const mp_dt_seg_t *s = &flat->segs[i];
        ptrdiff_t span = (ptrdiff_t)(s->count - 1) * s->stride;
        ptrdiff_t lo = s->disp + (span < 0 ? span : 0);
        ptrdiff_t hi = s->disp + (span > 0 ? span : 0) + (ptrdiff_t)s->len;
        tlb = i == 0 || lo < tlb ? lo : tlb;
        tub = i == 0 || hi > tub ? hi : tub;
    }
    if (flat->nsegs > 0) {
        flat->true_lb = tlb;
        flat->true_extent = tub - tlb;
    }
    flat->lb = 0;
    flat->extent = (ptrdiff_t)total * old->extent;
    flat->explicit_bounds = true;
    finish_layout(flat);
    *new_p = flat;
    return MP_OK;
}
