/*
 * The standard's predefined datatypes, the pack/unpack step over flattened type maps, basic
 * element counts, and the lifetime of derived types. Contiguous types are copied with one memcpy.
 */
#include "core/datatype.h"

#include <complex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <mpi.h>

/* A basic type: one block of its own size. */
#define BASIC(handle, ctype)                                                                       \
    {                                                                                              \
        (uintptr_t)(handle), #handle, sizeof(ctype), sizeof(ctype), 0, 0, sizeof(ctype),           \
            _Alignof(ctype), 0, 0                                                                  \
    }
/* A basic type given by byte size (Fortran types, whose C equivalents vary). */
#define SIZED(handle, bytes, basic, align)                                                         \
    {                                                                                              \
        (uintptr_t)(handle), #handle, (bytes), (bytes), 0, 0, (basic), (align), 0, 0               \
    }
/* A pair type for MINLOC/MAXLOC: a value then an index, laid out as the C struct would be. */
#define PAIR_STRUCT(vtype, itype)                                                                  \
    struct {                                                                                       \
        vtype v;                                                                                   \
        itype i;                                                                                   \
    }
#define PAIR(handle, vtype, itype, vhandle, ihandle)                                               \
    {                                                                                              \
        (uintptr_t)(handle), #handle, sizeof(PAIR_STRUCT(vtype, itype)), sizeof(vtype),            \
            offsetof(PAIR_STRUCT(vtype, itype), i), sizeof(itype), 0,                              \
            _Alignof(PAIR_STRUCT(vtype, itype)), (uintptr_t)(vhandle), (uintptr_t)(ihandle)        \
    }

typedef struct dt_spec {
    uintptr_t handle;
    const char *name;
    size_t extent;
    size_t first_len;     /* bytes of the first block (the whole element for basic types) */
    size_t second_disp;   /* pair types: where the second block starts */
    size_t second_len;    /* pair types: its bytes; 0 for basic types */
    size_t basic;         /* basic types: the size of one basic element (complex: the whole) */
    size_t align;         /* alignment the C compiler gives it */
    uintptr_t first_type; /* pair types: the types of the value and the index (0: none) */
    uintptr_t second_type;
} dt_spec_t;

static const dt_spec_t specs[] = {
    BASIC(MPI_AINT, MPI_Aint),
    BASIC(MPI_COUNT, MPI_Count),
    BASIC(MPI_OFFSET, MPI_Offset),
    SIZED(MPI_PACKED, 1, 1, 1),
    SIZED(MPI_BYTE, 1, 1, 1),
    BASIC(MPI_CHAR, char),
    BASIC(MPI_SIGNED_CHAR, signed char),
    BASIC(MPI_UNSIGNED_CHAR, unsigned char),
    BASIC(MPI_WCHAR, wchar_t),
    BASIC(MPI_SHORT, short),
    BASIC(MPI_INT, int),
    BASIC(MPI_LONG, long),
    BASIC(MPI_LONG_LONG, long long),
    BASIC(MPI_UNSIGNED_SHORT, unsigned short),
    BASIC(MPI_UNSIGNED, unsigned),
    BASIC(MPI_UNSIGNED_LONG, unsigned long),
    BASIC(MPI_UNSIGNED_LONG_LONG, unsigned long long),
    BASIC(MPI_INT8_T, int8_t),
    BASIC(MPI_UINT8_T, uint8_t),
    BASIC(MPI_INT16_T, int16_t),
    BASIC(MPI_UINT16_T, uint16_t),
    BASIC(MPI_INT32_T, int32_t),
    BASIC(MPI_UINT32_T, uint32_t),
    BASIC(MPI_INT64_T, int64_t),
    BASIC(MPI_UINT64_T, uint64_t),
    BASIC(MPI_FLOAT, float),
    BASIC(MPI_DOUBLE, double),
    BASIC(MPI_LONG_DOUBLE, long double),
    BASIC(MPI_C_FLOAT_COMPLEX, float _Complex),
    BASIC(MPI_C_DOUBLE_COMPLEX, double _Complex),
    BASIC(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex),
    BASIC(MPI_C_BOOL, _Bool),
    BASIC(MPI_CXX_FLOAT_COMPLEX, float _Complex),
    BASIC(MPI_CXX_DOUBLE_COMPLEX, double _Complex),
    BASIC(MPI_CXX_LONG_DOUBLE_COMPLEX, long double _Complex),
    SIZED(MPI_CXX_BOOL, 1, 1, 1),
    PAIR(MPI_FLOAT_INT, float, int, MPI_FLOAT, MPI_INT),
    PAIR(MPI_DOUBLE_INT, double, int, MPI_DOUBLE, MPI_INT),
    PAIR(MPI_LONG_INT, long, int, MPI_LONG, MPI_INT),
    PAIR(MPI_2INT, int, int, MPI_INT, MPI_INT),
    PAIR(MPI_SHORT_INT, short, int, MPI_SHORT, MPI_INT),
    PAIR(MPI_LONG_DOUBLE_INT, long double, int, MPI_LONG_DOUBLE, MPI_INT),
    PAIR(MPI_2REAL, float, float, MPI_REAL, MPI_REAL),
    PAIR(MPI_2DOUBLE_PRECISION, double, double, MPI_DOUBLE_PRECISION, MPI_DOUBLE_PRECISION),
    PAIR(MPI_2INTEGER, int, int, MPI_INTEGER, MPI_INTEGER),
    SIZED(MPI_LOGICAL, 4, 4, 4),
    SIZED(MPI_INTEGER, 4, 4, 4),
    SIZED(MPI_REAL, 4, 4, 4),
    SIZED(MPI_COMPLEX, 8, 8, 4),
    SIZED(MPI_DOUBLE_PRECISION, 8, 8, 8),
    SIZED(MPI_DOUBLE_COMPLEX, 16, 16, 8),
    SIZED(MPI_CHARACTER, 1, 1, 1),
    SIZED(MPI_LOGICAL1, 1, 1, 1),
    SIZED(MPI_INTEGER1, 1, 1, 1),
    SIZED(MPI_LOGICAL2, 2, 2, 2),
    SIZED(MPI_INTEGER2, 2, 2, 2),
    SIZED(MPI_REAL2, 2, 2, 2),
    SIZED(MPI_LOGICAL4, 4, 4, 4),
    SIZED(MPI_INTEGER4, 4, 4, 4),
    SIZED(MPI_REAL4, 4, 4, 4),
    SIZED(MPI_COMPLEX4, 4, 4, 2),
    SIZED(MPI_LOGICAL8, 8, 8, 8),
    SIZED(MPI_INTEGER8, 8, 8, 8),
    SIZED(MPI_REAL8, 8, 8, 8),
    SIZED(MPI_COMPLEX8, 8, 8, 4),
    SIZED(MPI_LOGICAL16, 16, 16, 16),
    SIZED(MPI_INTEGER16, 16, 16, 16),
    SIZED(MPI_REAL16, 16, 16, 16),
    SIZED(MPI_COMPLEX16, 16, 16, 8),
    SIZED(MPI_COMPLEX32, 32, 32, 16),
};

mp_datatype_t mp_dt_predefined_table[MP_DT_SLOTS];
bool mp_dt_predefined_ready;

/* A predefined type's layout: its one or two blocks, merged when the second follows the first. */
static void build_predefined(mp_datatype_t *dt, const dt_spec_t *s)
{
    dt->magic = MP_DATATYPE_MAGIC;
    dt->predefined = true;
    dt->committed = true;
    snprintf(dt->name_buf, sizeof(dt->name_buf), "%s", s->name);
    dt->name = dt->name_buf;
    dt->handle = s->handle;
    dt->elem_type = dt;
    dt->extent = (ptrdiff_t)s->extent;
    dt->size = s->first_len + s->second_len;
    dt->align = s->align;
    dt->segs = dt->inline_segs;
    dt->runs = dt->inline_runs;
    dt->run_reps = 1;
    dt->segs[0] = (mp_dt_seg_t){.len = s->first_len, .count = 1};
    dt->nsegs = 1;
    dt->runs[0] = (mp_dt_run_t){
        .bytes = s->first_len, .basic = s->second_len != 0 ? s->first_len : s->basic, .type = dt};
    dt->nruns = 1;
    if (s->second_len != 0) {
        if (s->second_disp == s->first_len) {
            dt->segs[0].len += s->second_len;
        } else {
            dt->segs[1] = (mp_dt_seg_t){.disp = (ptrdiff_t)s->second_disp,
                                        .len = s->second_len,
                                        .count = 1,
                                        .pstart = s->first_len};
            dt->nsegs = 2;
        }
        if (s->first_type == s->second_type) {
            dt->runs[0].bytes += s->second_len;
        } else {
            dt->runs[1] = (mp_dt_run_t){.bytes = s->second_len, .basic = s->second_len};
            dt->nruns = 2;
        }
    }
    dt->true_extent =
        (ptrdiff_t)(s->second_len != 0 ? s->second_disp + s->second_len : s->first_len);
    dt->contiguous = dt->size == s->extent;
}

void mp_dt_predefined_build(void)
{
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        build_predefined(&mp_dt_predefined_table[specs[i].handle - MP_DT_BASE], &specs[i]);
    }
    /* The runs of a pair type name the types of its value and index (for external32). */
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        const dt_spec_t *s = &specs[i];
        mp_datatype_t *dt = &mp_dt_predefined_table[s->handle - MP_DT_BASE];
        if (s->first_type != 0) {
            dt->runs[0].type = &mp_dt_predefined_table[s->first_type - MP_DT_BASE];
            dt->runs[dt->nruns - 1].type = &mp_dt_predefined_table[s->second_type - MP_DT_BASE];
        }
    }
    mp_dt_predefined_ready = true;
}

/* ---- pack / unpack ---- */

/* The segment of one element that holds packed position pos (< dt->size). */
static size_t find_seg(const mp_datatype_t *dt, size_t pos)
{
    size_t lo = 0;
    size_t hi = dt->nsegs - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (dt->segs[mid].pstart <= pos) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

/* Copies rows rows of n whole blocks of len bytes to or from packed bytes: block i of row r
 * at mem + r * rstride + i * stride. The common small lengths get fixed-size copies the
 * compiler turns into single moves, the direction and the length chosen once for all rows. */
static void copy_rows(char *mem, ptrdiff_t stride, size_t len, size_t n, ptrdiff_t rstride,
                      size_t rows, char *packed, bool to_packed)
{
#define COPY_ROWS(LEN, DST, SRC)                                                                   \
    for (size_t r = 0; r < rows; r++, mem += rstride) {                                            \
        char *m = mem;                                                                             \
        for (size_t i = 0; i < n; i++, m += stride, packed += (LEN)) {                             \
            memcpy(DST, SRC, (LEN));                                                               \
        }                                                                                          \
    }
#define COPY_LEN(LEN)                                                                              \
    if (to_packed) {                                                                               \
        COPY_ROWS(LEN, packed, m)                                                                  \
    } else {                                                                                       \
        COPY_ROWS(LEN, m, packed)                                                                  \
    }
    switch (len) {
    case 1:
        COPY_LEN(1);
        break;
    case 2:
        COPY_LEN(2);
        break;
    case 4:
        COPY_LEN(4);
        break;
    case 8:
        COPY_LEN(8);
        break;
    case 16:
        COPY_LEN(16);
        break;
    default:
        COPY_LEN(len);
    }
#undef COPY_LEN
#undef COPY_ROWS
}

/* Steps a nested segment's odometer at level from (>= 1) by one, carrying into the levels
 * above; returns the new address of the current row's first block (level 0 digit 0). */
static char *seg_step(const mp_dt_seg_t *seg, size_t *digit, size_t from, char *row)
{
    for (size_t i = from; i <= seg->nouter; i++) {
        row += seg->lev[i].stride;
        if (++digit[i] < seg->lev[i].count) {
            break;
        }
        digit[i] = 0;
        row -= (ptrdiff_t)seg->lev[i].count * seg->lev[i].stride;
    }
    return row;
}

/* Copies the packed bytes of one segment, from block block and byte skip in it, for len bytes
 * (no further than the segment's end), between the element at origin and packed. The block is
 * found by division over the levels; from there whole rows of level 0 go through copy_rows,
 * several at a time when level 1 allows, and an odometer steps the outer levels. */
static void walk_seg(const mp_dt_seg_t *seg, char *origin, size_t block, size_t skip, char *packed,
                     size_t len, bool to_packed)
{
    size_t digit[MP_DT_SEG_LEVELS];
    char *row = origin + seg->disp; /* block 0 of level 0 at the outer levels' digits */
    for (size_t i = 0; i <= seg->nouter; i++) {
        digit[i] = 0;
        if (block != 0) { /* divisions only where a fragment starts inside the segment */
            digit[i] = block % seg->lev[i].count;
            block /= seg->lev[i].count;
            row += (ptrdiff_t)digit[i] * (i > 0 ? seg->lev[i].stride : 0);
        }
    }
    size_t row_bytes = seg->count * seg->len;
    while (len > 0) {
        if (skip != 0 || len < seg->len) {
            /* A partial block: the start or the end of a fragment. */
            char *mem = row + (ptrdiff_t)digit[0] * seg->stride + skip;
            size_t n = seg->len - skip < len ? seg->len - skip : len;
            if (to_packed) {
                memcpy(packed, mem, n);
            } else {
                memcpy(mem, packed, n);
            }
            packed += n;
            len -= n;
            skip += n;
            if (skip < seg->len) {
                return; /* len is 0 */
            }
            skip = 0;
            digit[0]++;
        } else if (digit[0] == 0 && seg->nouter > 0 && len >= row_bytes) {
            /* Whole rows of level 0, as many as level 1 has left. */
            size_t rows = seg->lev[1].count - digit[1];
            if (rows > len / row_bytes) {
                rows = len / row_bytes;
            }
            copy_rows(row, seg->stride, seg->len, seg->count, seg->lev[1].stride, rows, packed,
                      to_packed);
            packed += rows * row_bytes;
            len -= rows * row_bytes;
            digit[1] += rows - 1;
            row += (ptrdiff_t)(rows - 1) * seg->lev[1].stride;
            row = seg_step(seg, digit, 1, row);
            continue;
        } else {
            size_t n = seg->count - digit[0];
            if (n > len / seg->len) {
                n = len / seg->len;
            }
            copy_rows(row + (ptrdiff_t)digit[0] * seg->stride, seg->stride, seg->len, n, 0, 1,
                      packed, to_packed);
            packed += n * seg->len;
            len -= n * seg->len;
            digit[0] += n;
        }
        if (digit[0] == seg->count && len > 0) {
            digit[0] = 0;
            row = seg_step(seg, digit, 1, row);
        }
    }
}

/* Walks the packed positions [offset, offset + len) of the elements at base, copying each
 * piece between its place in memory and the packed buffer. */
static void walk(const mp_datatype_t *dt, char *base, size_t offset, char *packed, size_t len,
                 bool to_packed)
{
    size_t elem = offset / dt->size;
    size_t in_elem = offset % dt->size;
    size_t s = find_seg(dt, in_elem);
    size_t rel = in_elem - dt->segs[s].pstart;
    if (dt->nsegs == 1 && mp_dt_seg_blocks(&dt->segs[0]) == 1 && rel == 0) {
        /* One block per element (a resized basic type, say): the blocks of whole elements are
         * extent apart, copied in one loop rather than one pass below each. */
        size_t n = len / dt->segs[0].len;
        copy_rows(base + (ptrdiff_t)elem * dt->extent + dt->segs[0].disp, dt->extent,
                  dt->segs[0].len, n, 0, 1, packed, to_packed);
        packed += n * dt->segs[0].len;
        len -= n * dt->segs[0].len;
        elem += n;
    }
    while (len > 0) {
        const mp_dt_seg_t *seg = &dt->segs[s];
        size_t n = seg->len * mp_dt_seg_blocks(seg) - rel;
        if (n > len) {
            n = len;
        }
        if (rel == 0) {
            walk_seg(seg, base + (ptrdiff_t)elem * dt->extent, 0, 0, packed, n, to_packed);
        } else {
            walk_seg(seg, base + (ptrdiff_t)elem * dt->extent, rel / seg->len, rel % seg->len,
                     packed, n, to_packed);
        }
        packed += n;
        len -= n;
        rel = 0;
        if (++s == dt->nsegs) {
            s = 0;
            elem++;
        }
    }
}

void mp_datatype_pack(const mp_datatype_t *dt, size_t count, const void *buf, size_t offset,
                      void *out, size_t len)
{
    (void)count;
    if (dt->contiguous) {
        memcpy(out, (const char *)buf + dt->lb + offset, len);
    } else if (len > 0) {
        walk(dt, (char *)buf, offset, out, len, true);
    }
}

void mp_datatype_unpack(const mp_datatype_t *dt, size_t count, void *buf, size_t offset,
                        const void *in, size_t len)
{
    (void)count;
    if (dt->contiguous) {
        memcpy((char *)buf + dt->lb + offset, in, len);
    } else if (len > 0) {
        walk(dt, buf, offset, (char *)in, len, false);
    }
}

void mp_dt_seg_span(const mp_dt_seg_t *s, ptrdiff_t *lo_p, ptrdiff_t *hi_p)
{
    ptrdiff_t lo = s->disp;
    ptrdiff_t hi = s->disp + (ptrdiff_t)s->len;
    for (size_t i = 0; i <= s->nouter; i++) {
        ptrdiff_t span = (ptrdiff_t)(s->lev[i].count - 1) * s->lev[i].stride;
        lo += span < 0 ? span : 0;
        hi += span > 0 ? span : 0;
    }
    *lo_p = lo;
    *hi_p = hi;
}

/* ---- basic elements ---- */

/* Bytes and basic elements of one pass over the runs (an element is run_reps passes). */
static void run_totals(const mp_datatype_t *dt, size_t *bytes_p, size_t *elems_p)
{
    size_t bytes = 0;
    size_t elems = 0;
    for (size_t i = 0; i < dt->nruns; i++) {
        bytes += dt->runs[i].bytes;
        elems += dt->runs[i].bytes / dt->runs[i].basic;
    }
    *bytes_p = bytes;
    *elems_p = elems;
}

long long mp_datatype_elements(const mp_datatype_t *dt, size_t bytes)
{
    size_t pass_bytes;
    size_t pass_elems;
    run_totals(dt, &pass_bytes, &pass_elems);
    if (pass_bytes == 0) {
        return 0;
    }
    long long elements = (long long)(bytes / pass_bytes * pass_elems);
    size_t rest = bytes % pass_bytes;
    for (size_t i = 0; i < dt->nruns && rest > 0; i++) {
        const mp_dt_run_t *run = &dt->runs[i];
        size_t n = rest < run->bytes ? rest : run->bytes;
        if (n % run->basic != 0) {
            return -1;
        }
        elements += (long long)(n / run->basic);
        rest -= n;
    }
    return elements;
}

size_t mp_datatype_elements_bytes(const mp_datatype_t *dt, size_t elements)
{
    size_t pass_bytes;
    size_t pass_elems;
    run_totals(dt, &pass_bytes, &pass_elems);
    if (pass_elems == 0) {
        return 0;
    }
    size_t bytes = elements / pass_elems * pass_bytes;
    size_t rest = elements % pass_elems;
    for (size_t i = 0; i < dt->nruns && rest > 0; i++) {
        const mp_dt_run_t *run = &dt->runs[i];
        size_t in_run = run->bytes / run->basic;
        size_t take = rest < in_run ? rest : in_run;
        bytes += take * run->basic;
        rest -= take;
    }
    return bytes;
}

/* ---- references ---- */

void mp_datatype_retain(const mp_datatype_t *dt)
{
    if (dt != NULL && !dt->predefined) {
        __atomic_fetch_add(&((mp_datatype_t *)dt)->refs, 1, __ATOMIC_RELAXED);
    }
}

static void contents_fini(mp_dt_contents_t *c)
{
    for (size_t i = 0; i < c->ntypes; i++) {
        mp_datatype_release(c->types[i]);
    }
    free(c->ints);
    free(c->addrs);
    free(c->counts);
    free(c->types);
    memset(c, 0, sizeof(*c));
}

void mp_datatype_release(const mp_datatype_t *dt)
{
    if (dt == NULL || dt->predefined) {
        return;
    }
    mp_datatype_t *d = (mp_datatype_t *)dt;
    if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    contents_fini(&d->contents);
    if (d->segs != d->inline_segs) {
        free(d->segs);
    }
    if (d->runs != d->inline_runs) {
        free(d->runs);
    }
    d->magic = 0;
    free(d);
}

mp_status_t mp_datatype_set_contents(mp_datatype_t *dt, const mp_dt_contents_t *contents)
{
    mp_dt_contents_t c = *contents;
    c.ints = c.nints > 0 ? malloc(c.nints * sizeof(*c.ints)) : NULL;
    c.addrs = c.naddrs > 0 ? malloc(c.naddrs * sizeof(*c.addrs)) : NULL;
    c.counts = c.ncounts > 0 ? malloc(c.ncounts * sizeof(*c.counts)) : NULL;
    c.types = c.ntypes > 0 ? malloc(c.ntypes * sizeof(*c.types)) : NULL;
    if ((c.nints > 0 && c.ints == NULL) || (c.naddrs > 0 && c.addrs == NULL) ||
        (c.ncounts > 0 && c.counts == NULL) || (c.ntypes > 0 && c.types == NULL)) {
        c.ntypes = 0;
        contents_fini(&c);
        return MP_ERR_NOMEM;
    }
    if (c.nints > 0) {
        memcpy(c.ints, contents->ints, c.nints * sizeof(*c.ints));
    }
    if (c.naddrs > 0) {
        memcpy(c.addrs, contents->addrs, c.naddrs * sizeof(*c.addrs));
    }
    if (c.ncounts > 0) {
        memcpy(c.counts, contents->counts, c.ncounts * sizeof(*c.counts));
    }
    for (size_t i = 0; i < c.ntypes; i++) {
        c.types[i] = contents->types[i];
        mp_datatype_retain(c.types[i]);
    }
    contents_fini(&dt->contents);
    dt->contents = c;
    return MP_OK;
}
