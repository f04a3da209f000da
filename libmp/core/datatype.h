/*
 * Datatype objects and the pack/unpack step every message goes through. For now the
 * standard's predefined types exist; derived types (a later issue) plug into the same
 * structure through more blocks. Contiguous types skip packing altogether.
 */
#ifndef MP_CORE_DATATYPE_H
#define MP_CORE_DATATYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_DATATYPE_MAGIC 0x6d706474u /* "mpdt" */
#define MP_DATATYPE_MAX_BLOCKS 2

/* One contiguous run of bytes inside an element. */
typedef struct mp_dt_block {
    ptrdiff_t disp; /* offset from the element's start */
    size_t len;     /* bytes */
    size_t basic;   /* size of the basic type it holds, for MPI_Get_elements */
} mp_dt_block_t;

typedef struct mp_datatype {
    uint32_t magic;   /* MP_DATATYPE_MAGIC while the object is valid */
    size_t size;      /* bytes of data in one element */
    ptrdiff_t lb;     /* lower bound */
    ptrdiff_t extent; /* distance between consecutive elements */
    bool contiguous;  /* count elements are count * size bytes at buf + lb, no gaps */
    bool predefined;  /* a named type of the standard: never freed */
    bool committed;   /* usable in communication */
    int nblocks;      /* the element's type map, as runs of bytes */
    mp_dt_block_t blocks[MP_DATATYPE_MAX_BLOCKS];
    const char *name; /* the standard's name, e.g. "MPI_INT" */
    /* The MPI_Datatype handle value: the ABI constant for a predefined type, the object's
     * address for a derived one (what user reduction functions are given). */
    uintptr_t handle;
    /* The predefined type that every basic element of this type is (the type itself when
     * predefined), or NULL when the type mixes basic types: what reductions dispatch on. */
    const struct mp_datatype *elem_type;
    void *attrs; /* attributes cached on the type (MPI_Type_set_attr); owned by api/ */
} mp_datatype_t;

/* The predefined type behind a handle value of the standard ABI, or NULL. */
const mp_datatype_t *mp_datatype_predefined(uintptr_t handle);

/* Bytes of data in count elements. */
static inline size_t mp_datatype_bytes(const mp_datatype_t *dt, size_t count)
{
    return dt->size * count;
}

/* Copies the packed bytes [offset, offset + len) of count elements at buf into out.
 * The caller keeps offset + len <= mp_datatype_bytes(dt, count). */
void mp_datatype_pack(const mp_datatype_t *dt, size_t count, const void *buf, size_t offset,
                      void *out, size_t len);

/* The reverse: writes packed bytes in (stream positions [offset, offset + len)) into the
 * elements at buf. */
void mp_datatype_unpack(const mp_datatype_t *dt, size_t count, void *buf, size_t offset,
                        const void *in, size_t len);

/* MPI_Get_elements: basic elements in the first bytes of a stream of this type, or -1 when
 * bytes ends inside a basic element (MPI_UNDEFINED). */
long long mp_datatype_elements(const mp_datatype_t *dt, size_t bytes);

#endif
