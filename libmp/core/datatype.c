/*
 * The standard's predefined datatypes and the pack/unpack step. A type is a list of byte runs
 * (blocks) per element; contiguous types are copied with one memcpy.
 */
#include "core/datatype.h"

#include <complex.h>
#include <stdbool.h>
#include <string.h>
#include <wchar.h>

#include <mpi.h>

/* The ABI puts every predefined datatype handle in [DT_BASE, DT_BASE + DT_SLOTS). */
#define DT_BASE 0x200u
#define DT_SLOTS 0x100u

/* A basic type: one block of its own size. */
#define BASIC(handle, ctype)                                                                       \
    {                                                                                              \
        (uintptr_t)(handle), #handle, sizeof(ctype), sizeof(ctype), 0, 0, sizeof(ctype)            \
    }
/* A basic type given by byte size (Fortran types, whose C equivalents vary). */
#define SIZED(handle, bytes, basic)                                                                \
    {                                                                                              \
        (uintptr_t)(handle), #handle, (bytes), (bytes), 0, 0, (basic)                              \
    }
/* A pair type for MINLOC/MAXLOC: a value then an index, laid out as the C struct would be. */
#define PAIR(handle, vtype, itype)                                                                 \
    {                                                                                              \
        (uintptr_t)(handle), #handle, sizeof(struct {                                              \
            vtype v;                                                                               \
            itype i;                                                                               \
        }),                                                                                        \
            sizeof(vtype),                                                                         \
            offsetof(                                                                              \
                struct {                                                                           \
                    vtype v;                                                                       \
                    itype i;                                                                       \
                },                                                                                 \
                i),                                                                                \
            sizeof(itype), 0                                                                       \
    }

typedef struct dt_spec {
    uintptr_t handle;
    const char *name;
    size_t extent;
    size_t first_len;   /* bytes of the first block (the whole element for basic types) */
    size_t second_disp; /* pair types: where the second block starts */
    size_t second_len;  /* pair types: its bytes; 0 for basic types */
    size_t basic;       /* basic types: the size of one basic element (complex: the whole) */
} dt_spec_t;

static const dt_spec_t specs[] = {
    BASIC(MPI_AINT, MPI_Aint),
    BASIC(MPI_COUNT, MPI_Count),
    BASIC(MPI_OFFSET, MPI_Offset),
    SIZED(MPI_PACKED, 1, 1),
    SIZED(MPI_BYTE, 1, 1),
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
    SIZED(MPI_CXX_BOOL, 1, 1),
    PAIR(MPI_FLOAT_INT, float, int),
    PAIR(MPI_DOUBLE_INT, double, int),
    PAIR(MPI_LONG_INT, long, int),
    PAIR(MPI_2INT, int, int),
    PAIR(MPI_SHORT_INT, short, int),
    PAIR(MPI_LONG_DOUBLE_INT, long double, int),
    PAIR(MPI_2REAL, float, float),
    PAIR(MPI_2DOUBLE_PRECISION, double, double),
    PAIR(MPI_2INTEGER, int, int),
    SIZED(MPI_LOGICAL, 4, 4),
    SIZED(MPI_INTEGER, 4, 4),
    SIZED(MPI_REAL, 4, 4),
    SIZED(MPI_COMPLEX, 8, 8),
    SIZED(MPI_DOUBLE_PRECISION, 8, 8),
    SIZED(MPI_DOUBLE_COMPLEX, 16, 16),
    SIZED(MPI_CHARACTER, 1, 1),
    SIZED(MPI_LOGICAL1, 1, 1),
    SIZED(MPI_INTEGER1, 1, 1),
    SIZED(MPI_LOGICAL2, 2, 2),
    SIZED(MPI_INTEGER2, 2, 2),
    SIZED(MPI_REAL2, 2, 2),
    SIZED(MPI_LOGICAL4, 4, 4),
    SIZED(MPI_INTEGER4, 4, 4),
    SIZED(MPI_REAL4, 4, 4),
    SIZED(MPI_COMPLEX4, 4, 4),
    SIZED(MPI_LOGICAL8, 8, 8),
    SIZED(MPI_INTEGER8, 8, 8),
    SIZED(MPI_REAL8, 8, 8),
    SIZED(MPI_COMPLEX8, 8, 8),
    SIZED(MPI_LOGICAL16, 16, 16),
    SIZED(MPI_INTEGER16, 16, 16),
    SIZED(MPI_REAL16, 16, 16),
    SIZED(MPI_COMPLEX16, 16, 16),
    SIZED(MPI_COMPLEX32, 32, 32),
};

static mp_datatype_t table[DT_SLOTS];
static bool table_ready;

static void build_table(void)
{
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        const dt_spec_t *s = &specs[i];
        mp_datatype_t *dt = &table[s->handle - DT_BASE];
        dt->magic = MP_DATATYPE_MAGIC;
        dt->predefined = true;
        dt->committed = true;
        dt->name = s->name;
        dt->handle = s->handle;
        dt->elem_type = dt;
        dt->lb = 0;
        dt->extent = (ptrdiff_t)s->extent;
        dt->blocks[0] = (mp_dt_block_t){
            .disp = 0, .len = s->first_len, .basic = s->second_len != 0 ? s->first_len : s->basic};
        dt->nblocks = 1;
        if (s->second_len != 0) {
            dt->blocks[1] = (mp_dt_block_t){
                .disp = (ptrdiff_t)s->second_disp, .len = s->second_len, .basic = s->second_len};
            dt->nblocks = 2;
        }
        dt->size = s->first_len + s->second_len;
        dt->contiguous = dt->size == s->extent;
    }
    table_ready = true;
}

const mp_datatype_t *mp_datatype_predefined(uintptr_t handle)
{
    if (handle < DT_BASE || handle >= DT_BASE + DT_SLOTS) {
        return NULL;
    }
    if (!table_ready) {
        build_table();
    }
    const mp_datatype_t *dt = &table[handle - DT_BASE];
    return dt->magic == MP_DATATYPE_MAGIC ? dt : NULL;
}

/* Walks the packed positions [offset, offset + len) of count elements, calling copy for each
 * piece with the element memory address and the packed position. */
static void walk(const mp_datatype_t *dt, char *base, size_t offset, char *packed, size_t len,
                 bool to_packed)
{
    size_t elem = offset / dt->size;
    size_t in_elem = offset % dt->size;
    while (len > 0) {
        char *elem_base = base + dt->lb + (ptrdiff_t)elem * dt->extent;
        size_t block_start = 0;
        for (int b = 0; b < dt->nblocks && len > 0; b++) {
            const mp_dt_block_t *blk = &dt->blocks[b];
            if (in_elem >= block_start + blk->len) {
                block_start += blk->len;
                continue;
            }
            size_t skip = in_elem - block_start;
            size_t n = blk->len - skip < len ? blk->len - skip : len;
            char *mem = elem_base + blk->disp + (ptrdiff_t)skip;
            if (to_packed) {
                memcpy(packed, mem, n);
            } else {
                memcpy(mem, packed, n);
            }
            packed += n;
            len -= n;
            in_elem += n;
            block_start += blk->len;
        }
        elem++;
        in_elem = 0;
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

long long mp_datatype_elements(const mp_datatype_t *dt, size_t bytes)
{
    if (dt->size == 0) {
        return 0;
    }
    long long elements = 0;
    for (int b = 0; b < dt->nblocks; b++) {
        elements += (long long)(dt->blocks[b].len / dt->blocks[b].basic);
    }
    elements *= (long long)(bytes / dt->size);
    size_t rest = bytes % dt->size;
    for (int b = 0; b < dt->nblocks && rest > 0; b++) {
        const mp_dt_block_t *blk = &dt->blocks[b];
        size_t n = rest < blk->len ? rest : blk->len;
        if (n % blk->basic != 0) {
            return -1;
        }
        elements += (long long)(n / blk->basic);
        rest -= n;
    }
    return elements;
}
