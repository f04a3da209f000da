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
    size_t cap2 = *cap < 2 ? 2 : *cap * 2;
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

/* The levels of s that repeat, innermost first, into lv; how many (0: a single block). */
static size_t seg_levels(const mp_dt_seg_t *s, mp_dt_level_t *lv)
{
    if (s->count == 1 && s->nouter == 0) {
        return 0;
    }
    for (size_t i = 0; i <= s->nouter; i++) {
        lv[i] = s->lev[i];
    }
    return s->nouter + 1;
}

static void level_remove(mp_dt_level_t *lv, size_t *n, size_t i)
{
    memmove(&lv[i], &lv[i + 1], (*n - i - 1) * sizeof(*lv));
    (*n)--;
}

/* One pass of folding: a level of one copy goes; level 0 whose blocks touch widens the block;
 * a level that continues the arithmetic of the one below it joins it (a contiguous run of
 * vectors whose extent is their stride times count is one longer vector). */
static bool levels_fold(mp_dt_level_t *lv, size_t *n, size_t *len)
{
    for (size_t i = 0; i < *n; i++) {
        if (lv[i].count == 1) {
            level_remove(lv, n, i);
            return true;
        }
    }
    size_t bytes;
    if (*n > 0 && lv[0].stride == (ptrdiff_t)*len &&
        !__builtin_mul_overflow(*len, lv[0].count, &bytes)) {
        *len = bytes;
        level_remove(lv, n, 0);
        return true;
    }
    for (size_t i = 0; i + 1 < *n; i++) {
        ptrdiff_t span;
        size_t count;
        if (!__builtin_mul_overflow((ptrdiff_t)lv[i].count, lv[i].stride, &span) &&
            span == lv[i + 1].stride &&
            !__builtin_mul_overflow(lv[i].count, lv[i + 1].count, &count)) {
            lv[i].count = count;
            level_remove(lv, n, i + 1);
            return true;
        }
    }
    return false;
}

/* Gives s (its disp set) len bytes per block and the levels lv[0 .. n) in canonical form
 * (folded until nothing more folds). False, s untouched, when more levels remain than a
 * segment holds. */
static bool seg_set_levels(mp_dt_seg_t *s, size_t len, mp_dt_level_t *lv, size_t n)
{
    while (levels_fold(lv, &n, &len)) {
    }
    if (n > MP_DT_SEG_LEVELS) {
        return false;
    }
    s->len = len;
    s->nouter = n > 0 ? n - 1 : 0;
    memset(s->lev, 0, sizeof(s->lev));
    s->count = 1;
    for (size_t i = 0; i < n; i++) {
        s->lev[i] = lv[i];
    }
    return true;
}

static bool levels_equal(const mp_dt_level_t *a, const mp_dt_level_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].count != b[i].count || a[i].stride != b[i].stride) {
            return false;
        }
    }
    return true;
}

/* Whether the blocks of next, after those of last, fit into last: bytes that continue a single
 * block, copies that continue last's outermost level, or a second copy of the same shape (a
 * new outer level). Changes last when they do. */
static bool seg_merge(mp_dt_seg_t *last, const mp_dt_seg_t *next)
{
    mp_dt_level_t ll[MP_DT_SEG_LEVELS + 1];
    mp_dt_level_t nl[MP_DT_SEG_LEVELS + 1];
    size_t nll = seg_levels(last, ll);
    size_t nnl = seg_levels(next, nl);
    if (nll == 0 && nnl == 0 && last->disp + (ptrdiff_t)last->len == next->disp) {
        last->len += next->len;
        return true;
    }
    if (last->len != next->len) {
        return false;
    }
    if (nll > 0) {
        /* Where last's outermost level would put its next copy. */
        mp_dt_level_t *top = &ll[nll - 1];
        ptrdiff_t span;
        bool at_next = !__builtin_mul_overflow((ptrdiff_t)top->count, top->stride, &span) &&
                       last->disp + span == next->disp;
        if (at_next && nnl + 1 == nll && levels_equal(ll, nl, nnl)) {
            top->count++; /* one more copy of what is below last's top level */
            return seg_set_levels(last, last->len, ll, nll);
        }
        if (at_next && nnl == nll && levels_equal(ll, nl, nll - 1) &&
            nl[nnl - 1].stride == top->stride) {
            top->count += nl[nnl - 1].count; /* next continues last's top level */
            return seg_set_levels(last, last->len, ll, nll);
        }
    }
    if (nll + 1 == nnl && levels_equal(ll, nl, nll) && next->disp - last->disp == nl[nll].stride) {
        /* last is the copy before next's first: next's top level, one copy earlier. */
        ll[nll] = (mp_dt_level_t){.count = nl[nll].count + 1, .stride = nl[nll].stride};
        return seg_set_levels(last, last->len, ll, nll + 1);
    }
    if (nll == nnl && levels_equal(ll, nl, nll) && nll < MP_DT_SEG_LEVELS) {
        ll[nll] = (mp_dt_level_t){.count = 2, .stride = next->disp - last->disp};
        return seg_set_levels(last, last->len, ll, nll + 1);
    }
    return false;
}

/* Appends the blocks of seg (its pstart ignored), merging with the segment before when they
 * continue it. */
static mp_status_t seg_push(seg_list_t *l, const mp_dt_seg_t *seg)
{
    if (seg->len == 0) {
        return MP_OK;
    }
    if (l->n > 0 && seg_merge(&l->v[l->n - 1], seg)) {
        return MP_OK;
    }
    /* The last segment is complete: it may repeat the one before it (an indexed type whose
     * groups of blocks recur at a fixed distance becomes one nested segment). */
    if (l->n > 1 && seg_merge(&l->v[l->n - 2], &l->v[l->n - 1])) {
        l->n--;
        if (seg_merge(&l->v[l->n - 1], seg)) {
            return MP_OK;
        }
    }
    if (!grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
        return MP_ERR_NOMEM;
    }
    l->v[l->n] = *seg;
    l->v[l->n++].pstart = 0;
    return MP_OK;
}

/* Ends a list: its last segment may still repeat the one before it. */
static void seg_list_close(seg_list_t *l)
{
    if (l->n > 1 && seg_merge(&l->v[l->n - 2], &l->v[l->n - 1])) {
        l->n--;
    }
}

/* Appends reps copies of the segments segs[0 .. n), the first shifted by disp, the others
 * stride apart. One segment takes the copies as one more level, in constant time; a list of
 * several (or one already nested as deep as a segment goes) is copied reps times. */
static mp_status_t segs_place(seg_list_t *l, const mp_dt_seg_t *segs, size_t n, ptrdiff_t disp,
                              size_t reps, ptrdiff_t stride)
{
    if (reps == 0 || n == 0) {
        return MP_OK;
    }
    if (n == 1) {
        mp_dt_level_t lv[MP_DT_SEG_LEVELS + 1];
        size_t nl = seg_levels(&segs[0], lv);
        lv[nl++] = (mp_dt_level_t){.count = reps, .stride = reps > 1 ? stride : 0};
        mp_dt_seg_t s = segs[0];
        s.disp += disp;
        if (seg_set_levels(&s, s.len, lv, nl)) {
            return seg_push(l, &s);
        }
    }
    for (size_t k = 0; k < reps; k++) {
        for (size_t i = 0; i < n; i++) {
            mp_dt_seg_t s = segs[i];
            s.disp += disp + (ptrdiff_t)k * stride;
            mp_status_t st = seg_push(l, &s);
            if (st != MP_OK) {
                return st;
            }
        }
    }
    return MP_OK;
}

/* Appends blocklen copies of old's type map, the first at disp, one extent apart. */
static mp_status_t place_block(seg_list_t *l, const mp_datatype_t *old, ptrdiff_t disp,
                               size_t blocklen)
{
    if (blocklen == 0 || old->size == 0) {
        return MP_OK;
    }
    return segs_place(l, old->segs, old->nsegs, disp, blocklen, old->extent);
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

mp_addr_span_t mp_datatype_span = MP_ADDR_SPAN_EMPTY;

static mp_datatype_t *dt_alloc(void)
{
    mp_datatype_t *dt = calloc(1, sizeof(*dt));
    if (dt != NULL) {
        mp_addr_span_note(&mp_datatype_span, dt, sizeof(*dt));
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
        pos += dt->segs[i].len * mp_dt_seg_blocks(&dt->segs[i]);
    }
    bool one_block =
        dt->nsegs == 1 && mp_dt_seg_blocks(&dt->segs[0]) == 1 && dt->segs[0].disp == dt->lb;
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
    seg_list_close(&segs);
    dt->segs = segs.v;
    dt->nsegs = segs.n;
    dt->runs = runs.v;
    dt->nruns = runs.n;
    finish_layout(dt);
    *new_p = dt;
    return MP_OK;
}

/* The vector through the general block list: empty vectors (their bounds and alignment as
 * create_blocks gives them). */
static mp_status_t hvector_as_blocks(size_t count, size_t blocklen, ptrdiff_t stride,
                                     const mp_datatype_t *old, mp_datatype_t **new_p)
{
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

mp_status_t mp_datatype_create_hvector(size_t count, size_t blocklen, ptrdiff_t stride,
                                       const mp_datatype_t *old, mp_datatype_t **new_p)
{
    if (count == 0 || blocklen == 0) {
        return hvector_as_blocks(count, blocklen, stride, old, new_p);
    }
    size_t blocks;
    size_t size;
    ptrdiff_t last;
    if (__builtin_mul_overflow(count, blocklen, &blocks) ||
        __builtin_mul_overflow(blocks, old->size, &size) ||
        __builtin_mul_overflow((ptrdiff_t)(count - 1), stride, &last)) {
        return MP_ERR_INVALID;
    }
    mp_datatype_t *dt = dt_alloc();
    if (dt == NULL) {
        return MP_ERR_NOMEM;
    }
    seg_list_t segs = {0};
    run_list_t runs = {0};
    mp_status_t st = MP_OK;
    bool nested = false;
    if (old->size > 0 && old->nsegs == 1) {
        /* old is one segment: a block of blocklen copies, and count blocks, are two more levels
         * of it, built without a list (MPICH's twovec creates thousands of these). */
        mp_dt_level_t lv[MP_DT_SEG_LEVELS + 2];
        size_t nl = seg_levels(&old->segs[0], lv);
        lv[nl++] = (mp_dt_level_t){.count = blocklen, .stride = blocklen > 1 ? old->extent : 0};
        lv[nl++] = (mp_dt_level_t){.count = count, .stride = count > 1 ? stride : 0};
        mp_dt_seg_t s = old->segs[0];
        if (seg_set_levels(&s, s.len, lv, nl)) {
            st = seg_push(&segs, &s);
            nested = true;
        }
    }
    if (old->size > 0 && !nested) {
        /* The blocks of one vector block, then count of those: two levels over old's map. */
        seg_list_t block = {0};
        st = place_block(&block, old, 0, blocklen);
        seg_list_close(&block);
        if (st == MP_OK) {
            st = segs_place(&segs, block.v, block.n, 0, count, stride);
        }
        free(block.v);
    }
    for (size_t i = 0; old->size > 0 && i < old->nruns && st == MP_OK; i++) {
        st = run_push(&runs, &old->runs[i], 1);
    }
    if (st != MP_OK) {
        dt_discard(dt, &segs, &runs);
        return st;
    }
    /* The blocks of a vector lie between its first block and its last. */
    bounds_t b = {0};
    bounds_add(&b, old, 0, blocklen);
    bounds_add(&b, old, last, blocklen);
    dt->size = size;
    dt->lb = b.lb;
    dt->extent = b.ub - b.lb;
    dt->true_lb = b.any_true ? b.true_lb : 0;
    dt->true_extent = b.any_true ? b.true_ub - b.true_lb : 0;
    dt->align = old->align;
    dt->explicit_bounds = old->explicit_bounds;
    dt->elem_type = old->elem_type;
    seg_list_close(&segs);
    dt->segs = segs.v;
    dt->nsegs = segs.n;
    dt->runs = runs.v;
    dt->nruns = runs.n;
    dt->run_reps = runs.n > 0 ? blocks * old->run_reps : 1;
    finish_layout(dt);
    *new_p = dt;
    return MP_OK;
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

/* Places the elements of dimensions d and up, for one index of the dimensions before, with the
 * array's first element at byte offset base: the segments of one index of dimension d are built
 * once and repeated over each run of d as one more level, so a subarray costs its dimensions,
 * not its elements. */
static mp_status_t grid_place(seg_list_t *l, size_t d, size_t ndims, const size_t *nruns,
                              const mp_dt_index_run_t *const *runs, const ptrdiff_t *strides,
                              const mp_datatype_t *old, ptrdiff_t base)
{
    seg_list_t inner = {0};
    const mp_dt_seg_t *segs = old->segs;
    size_t nsegs = old->nsegs;
    if (d < ndims - 1) {
        mp_status_t st = grid_place(&inner, d + 1, ndims, nruns, runs, strides, old, 0);
        if (st != MP_OK) {
            free(inner.v);
            return st;
        }
        seg_list_close(&inner);
        segs = inner.v;
        nsegs = inner.n;
    }
    mp_status_t st = MP_OK;
    for (size_t r = 0; r < nruns[d] && st == MP_OK; r++) {
        const mp_dt_index_run_t *run = &runs[d][r];
        st = segs_place(l, segs, nsegs, base + (ptrdiff_t)run->first * strides[d], run->len,
                        strides[d]);
    }
    free(inner.v);
    return st;
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
        st = elems > 0 && old->size > 0 ? grid_place(&segs, 0, ndims, nruns, runs, strides, old, 0)
                                        : MP_OK;
        if (st == MP_OK) {
            free(flat->segs);
            seg_list_close(&segs);
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
        ptrdiff_t lo;
        ptrdiff_t hi;
        mp_dt_seg_span(&flat->segs[i], &lo, &hi);
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
