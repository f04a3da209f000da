/*
 * Datatype objects and the pack/unpack step every message goes through. A type is flattened,
 * once, when it is built: one element is a list of merged byte blocks (segments, each possibly
 * repeated at a stride), so packing never walks a tree. Contiguous types skip packing.
 *
 * Where the standard leaves a choice, libmp does as MPICH does: a struct's extent is padded to
 * the strictest alignment of its basic types unless a bound was set explicitly (resized,
 * subarray, darray) inside it; blocks of length 0 do not count for bounds; MPI_Type_get_contents
 * returns derived types as new references to the same objects; packed data has no header.
 */
#ifndef MP_CORE_DATATYPE_H
#define MP_CORE_DATATYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "util/addr_span.h"

#define MP_DATATYPE_MAGIC 0x6d706474u /* "mpdt" */

/* Where the derived datatypes lie (their handles are their addresses). */
extern mp_addr_span_t mp_datatype_span;
#define MP_DATATYPE_NAME_MAX 128 /* MPI_MAX_OBJECT_NAME */

/* Most levels of repetition one segment holds: enough for a 3-d subarray of a vector, or a
 * contiguous run of transposes. Deeper nesting is expanded into several segments. */
#define MP_DT_SEG_LEVELS 4

/* One level of repetition: count copies of what is below it, stride bytes apart. */
typedef struct mp_dt_level {
    size_t count;     /* > 0 */
    ptrdiff_t stride; /* 0 when count is 1 */
} mp_dt_level_t;

/* Blocks of len bytes repeated over nested levels, the innermost first: level 0 places count
 * blocks stride apart, level i + 1 repeats the whole pattern of the levels below it. Blocks
 * come in type map order (level 0 fastest), so a vector is one segment however long, and so is
 * a vector of vectors (the transpose), a 3-d subarray or a contiguous run of vectors: building
 * and storing such a type costs the same whatever its counts. A flat segment (nouter 0) is the
 * older form: count blocks stride apart. Level 0 reads as count and stride. */
typedef struct mp_dt_seg {
    ptrdiff_t disp; /* offset of the first block from the element's origin (the buffer) */
    size_t len;     /* bytes per block, > 0 */
    union {
        struct {
            size_t count;     /* blocks of level 0, > 0 */
            ptrdiff_t stride; /* between block starts; 0 when count is 1 */
        };
        mp_dt_level_t lev[MP_DT_SEG_LEVELS]; /* lev[0] is count and stride */
    };
    size_t nouter; /* levels above level 0 in use: lev[1 .. nouter] */
    size_t pstart; /* packed position of the segment's first byte within one element */
} mp_dt_seg_t;

/* Blocks in the segment: the product of its levels' counts. */
static inline size_t mp_dt_seg_blocks(const mp_dt_seg_t *s)
{
    size_t n = s->count;
    for (size_t i = 1; i <= s->nouter; i++) {
        n *= s->lev[i].count;
    }
    return n;
}

/* Offset of block k (< mp_dt_seg_blocks) from the element's origin, found by division. */
static inline ptrdiff_t mp_dt_seg_block_disp(const mp_dt_seg_t *s, size_t k)
{
    ptrdiff_t d = s->disp;
    for (size_t i = 0; i <= s->nouter; i++) {
        d += (ptrdiff_t)(k % s->lev[i].count) * s->lev[i].stride;
        k /= s->lev[i].count;
    }
    return d;
}

/* The bytes [lo, hi) the segment touches, relative to the element's origin. */
void mp_dt_seg_span(const mp_dt_seg_t *s, ptrdiff_t *lo_p, ptrdiff_t *hi_p);

/* bytes of packed data made of basic elements of basic bytes each (complex: the whole value),
 * all of the predefined type type: for MPI_Get_elements and external32. */
typedef struct mp_dt_run {
    size_t bytes;
    size_t basic;
    const struct mp_datatype *type;
} mp_dt_run_t;

/* The arguments a derived type was built with, for MPI_Type_get_envelope/get_contents. */
typedef struct mp_dt_contents {
    int combiner; /* MPI_COMBINER_* */
    bool large;   /* built by a _c constructor: counts hold what ints would */
    size_t nints, naddrs, ncounts, ntypes;
    int *ints;
    intptr_t *addrs;
    int64_t *counts;
    struct mp_datatype **types; /* each holds a reference */
} mp_dt_contents_t;

typedef struct mp_datatype {
    uint32_t magic;        /* MP_DATATYPE_MAGIC while the object is valid */
    size_t size;           /* bytes of data in one element */
    ptrdiff_t lb;          /* lower bound */
    ptrdiff_t extent;      /* distance between consecutive elements */
    ptrdiff_t true_lb;     /* first byte the data touches */
    ptrdiff_t true_extent; /* bytes from the first to the last byte the data touches */
    bool contiguous;       /* count elements are count * size bytes at buf + lb, no gaps */
    bool predefined;       /* a named type of the standard: never freed */
    bool committed;        /* usable in communication */
    bool explicit_bounds;  /* bounds set by resized (or subarray/darray) somewhere inside */
    size_t align;          /* strictest alignment of its basic types: struct padding */
    size_t nsegs;          /* one element's type map, in type map order */
    mp_dt_seg_t *segs;
    size_t nruns; /* basic elements of one element: runs repeated run_reps times */
    mp_dt_run_t *runs;
    size_t run_reps;
    const char *name; /* name_buf; the standard's name for predefined types */
    char name_buf[MP_DATATYPE_NAME_MAX];
    /* The MPI_Datatype handle value: the ABI constant for a predefined type, the object's
     * address for a derived one (what user reduction functions are given). */
    uintptr_t handle;
    /* The predefined type that every basic element of this type is (the type itself when
     * predefined), or NULL when the type mixes basic types: what reductions dispatch on. */
    const struct mp_datatype *elem_type;
    void *attrs;        /* attributes cached on the type (MPI_Type_set_attr); owned by api/ */
    unsigned refs;      /* derived: user handles + operations + types built on it */
    unsigned user_refs; /* derived: handles the user holds (MPI_Type_free drops one) */
    mp_dt_contents_t contents;
    mp_dt_seg_t inline_segs[2]; /* storage of predefined types: no allocation */
    mp_dt_run_t inline_runs[2];
} mp_datatype_t;

/* The ABI puts every predefined datatype handle in [MP_DT_BASE, MP_DT_BASE + MP_DT_SLOTS). */
#define MP_DT_BASE 0x200u
#define MP_DT_SLOTS 0x100u

/* The predefined types, by handle value less MP_DT_BASE; built at first use (datatype.c). */
extern mp_datatype_t mp_dt_predefined_table[MP_DT_SLOTS];
extern bool mp_dt_predefined_ready;
void mp_dt_predefined_build(void);

/* The predefined type behind a handle value of the standard ABI, or NULL. Inline: every
 * message's call looks its type up. */
static inline const mp_datatype_t *mp_datatype_predefined(uintptr_t handle)
{
    if (handle - MP_DT_BASE >= MP_DT_SLOTS) {
        return NULL; /* below MP_DT_BASE too: the subtraction wraps */
    }
    if (!mp_dt_predefined_ready) {
        mp_dt_predefined_build();
    }
    const mp_datatype_t *dt = &mp_dt_predefined_table[handle - MP_DT_BASE];
    return dt->magic == MP_DATATYPE_MAGIC ? dt : NULL;
}

/* Bytes of data in count elements. */
static inline size_t mp_datatype_bytes(const mp_datatype_t *dt, size_t count)
{
    return dt->size * count;
}

/* Copies the packed bytes [offset, offset + len) of count elements at buf into out. The caller
 * keeps offset + len <= mp_datatype_bytes(dt, count). Any offset is found without walking from
 * the start (a binary search in the element's segments), so fragments cost their length. */
void mp_datatype_pack(const mp_datatype_t *dt, size_t count, const void *buf, size_t offset,
                      void *out, size_t len);

/* The reverse: writes packed bytes in (stream positions [offset, offset + len)) into the
 * elements at buf. */
void mp_datatype_unpack(const mp_datatype_t *dt, size_t count, void *buf, size_t offset,
                        const void *in, size_t len);

/* MPI_Get_elements: basic elements in the first bytes of a stream of this type, or -1 when
 * bytes ends inside a basic element (MPI_UNDEFINED). */
long long mp_datatype_elements(const mp_datatype_t *dt, size_t bytes);

/* MPI_Status_set_elements: the bytes that the first elements basic elements of a stream of
 * this type occupy. */
size_t mp_datatype_elements_bytes(const mp_datatype_t *dt, size_t elements);

/* References. A derived type lives while the user holds a handle to it, an operation uses it,
 * or a type built from it keeps it (for MPI_Type_get_contents). No-ops on predefined types. */
void mp_datatype_retain(const mp_datatype_t *dt);
void mp_datatype_release(const mp_datatype_t *dt);

/* ---- external32 (dt_external.c): the portable representation, big-endian ---- */

/* Bytes that one element of dt takes in external32. */
size_t mp_datatype_external32_size(const mp_datatype_t *dt);

/* Converts count elements, packed in the native representation, to external32 (out holds
 * count * mp_datatype_external32_size(dt) bytes). MP_ERR_INVALID when a value does not fit in
 * its external32 size (a long beyond 32 bits, a wide character beyond U+FFFF). */
mp_status_t mp_datatype_to_external32(const mp_datatype_t *dt, size_t count, const void *native,
                                      void *out);

/* The reverse: count elements of external32 data in, to the native packed form. */
void mp_datatype_from_external32(const mp_datatype_t *dt, size_t count, const void *in,
                                 void *native);

/* ---- Constructors (dt_create.c) ----
 * Each returns a new, uncommitted derived type with one reference (refs 1, user_refs 0: the
 * api layer counts the handle it gives out) and no contents; MP_ERR_NOMEM, or MP_ERR_INVALID
 * when the type's size or bounds overflow. The old types are not retained: contents do that. */

/* count blocks: blocklens[i] copies of types[i] (or of types[0] when one_type) at byte
 * displacement disps[i]. struct_rules adds the alignment padding of MPI_Type_create_struct. */
mp_status_t mp_datatype_create_blocks(size_t count, const size_t *blocklens, const ptrdiff_t *disps,
                                      const mp_datatype_t *const *types, bool one_type,
                                      bool struct_rules, mp_datatype_t **new_p);

/* count blocks of blocklen copies of old, stride bytes apart (vector, hvector, contiguous). */
mp_status_t mp_datatype_create_hvector(size_t count, size_t blocklen, ptrdiff_t stride,
                                       const mp_datatype_t *old, mp_datatype_t **new_p);

/* old with its bounds set to lb and lb + extent. */
mp_status_t mp_datatype_create_resized(const mp_datatype_t *old, ptrdiff_t lb, ptrdiff_t extent,
                                       mp_datatype_t **new_p);

/* A copy of old's type map; committed when old is. */
mp_status_t mp_datatype_create_dup(const mp_datatype_t *old, mp_datatype_t **new_p);

/* The elements of an ndims-dimensional array of old (sizes[], C order: the last dimension
 * varies fastest) whose index in dimension d is in one of nruns[d] runs runs[d][r] =
 * {first index, length}, in increasing order; bounds 0 and the whole array. Subarray and
 * darray (both orders, after the caller put the dimensions in C order) reduce to this. */
typedef struct mp_dt_index_run {
    size_t first;
    size_t len;
} mp_dt_index_run_t;
mp_status_t mp_datatype_create_grid(size_t ndims, const size_t *sizes, const size_t *nruns,
                                    const mp_dt_index_run_t *const *runs, const mp_datatype_t *old,
                                    mp_datatype_t **new_p);

/* Records the constructor's arguments on dt (copied; types retained). */
mp_status_t mp_datatype_set_contents(mp_datatype_t *dt, const mp_dt_contents_t *contents);

#endif
