/*
 * MPI_Pack, MPI_Unpack and MPI_Pack_size (and _c): the user-visible form of the packing that
 * every message goes through; their "external32" forms (MPI_Pack_external...). The packed form is
 * the type map's bytes in order, no header, so packed data sent as MPI_PACKED matches a receive of
 * the original type and the other way round.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* The checks shared by pack and unpack: comm, count, type, position within a buffer of size
 * bytes, and room for the data. Sets *bytes_p to the bytes the data takes packed. */
static int check_pack(const char *call, MPI_Comm comm, MPI_Count count, MPI_Datatype datatype,
                      const void *packbuf, MPI_Count size, const MPI_Count *position,
                      const mp_datatype_t **dt_p, size_t *bytes_p)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (count < 0) {
        return mp_api_error(c, call, MPI_ERR_COUNT,
                            "count %lld is negative; pass the number of elements (0 or more)",
                            (long long)count);
    }
    rc = mp_api_datatype_check(c, call, datatype, dt_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (position == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "position is NULL; pass the address of the current position");
    }
    if (size < 0 || *position < 0 || *position > size) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "position %lld is outside the %lld-byte packed buffer",
                            (long long)*position, (long long)size);
    }
    const mp_datatype_t *dt = *dt_p;
    if (dt->size > 0 && (uint64_t)count > SIZE_MAX / dt->size) {
        return mp_api_error(c, call, MPI_ERR_COUNT, "count %lld of %s is too large",
                            (long long)count, mp_api_datatype_name(dt));
    }
    size_t bytes = mp_datatype_bytes(dt, (size_t)count);
    if (bytes > (uint64_t)(size - *position)) {
        return mp_api_error(c, call, MPI_ERR_TRUNCATE,
                            "%lld elements of %s take %zu bytes packed, but only %lld bytes are "
                            "left in the packed buffer (size %lld, position %lld)",
                            (long long)count, mp_api_datatype_name(dt), bytes,
                            (long long)(size - *position), (long long)size, (long long)*position);
    }
    if (bytes > 0 && packbuf == NULL) {
        return mp_api_error(c, call, MPI_ERR_BUFFER, "the packed buffer is NULL");
    }
    *bytes_p = bytes;
    return MPI_SUCCESS;
}

static int pack(const char *call, const void *inbuf, MPI_Count incount, MPI_Datatype datatype,
                void *outbuf, MPI_Count outsize, MPI_Count *position, MPI_Comm comm)
{
    const mp_datatype_t *dt = NULL;
    size_t bytes = 0;
    int rc = check_pack(call, comm, incount, datatype, outbuf, outsize, position, &dt, &bytes);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (bytes > 0) {
        mp_datatype_pack(dt, (size_t)incount, inbuf, 0, (char *)outbuf + *position, bytes);
    }
    *position += (MPI_Count)bytes;
    return MPI_SUCCESS;
}

static int unpack(const char *call, const void *inbuf, MPI_Count insize, MPI_Count *position,
                  void *outbuf, MPI_Count outcount, MPI_Datatype datatype, MPI_Comm comm)
{
    const mp_datatype_t *dt = NULL;
    size_t bytes = 0;
    int rc = check_pack(call, comm, outcount, datatype, inbuf, insize, position, &dt, &bytes);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (bytes > 0) {
        mp_datatype_unpack(dt, (size_t)outcount, outbuf, 0, (const char *)inbuf + *position, bytes);
    }
    *position += (MPI_Count)bytes;
    return MPI_SUCCESS;
}

#pragma weak MPI_Pack = PMPI_Pack
int PMPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize,
              int *position, MPI_Comm comm)
{
    MP_API_LOCK();
    MPI_Count pos = position != NULL ? *position : 0;
    int rc = pack("MPI_Pack", inbuf, incount, datatype, outbuf, outsize,
                  position != NULL ? &pos : NULL, comm);
    if (rc == MPI_SUCCESS) {
        *position = (int)pos; /* pos <= outsize, an int */
    }
    return rc;
}

#pragma weak MPI_Pack_c = PMPI_Pack_c
int PMPI_Pack_c(const void *inbuf, MPI_Count incount, MPI_Datatype datatype, void *outbuf,
                MPI_Count outsize, MPI_Count *position, MPI_Comm comm)
{
    MP_API_LOCK();
    return pack("MPI_Pack_c", inbuf, incount, datatype, outbuf, outsize, position, comm);
}

#pragma weak MPI_Unpack = PMPI_Unpack
int PMPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount,
                MPI_Datatype datatype, MPI_Comm comm)
{
    MP_API_LOCK();
    MPI_Count pos = position != NULL ? *position : 0;
    int rc = unpack("MPI_Unpack", inbuf, insize, position != NULL ? &pos : NULL, outbuf, outcount,
                    datatype, comm);
    if (rc == MPI_SUCCESS) {
        *position = (int)pos;
    }
    return rc;
}

#pragma weak MPI_Unpack_c = PMPI_Unpack_c
int PMPI_Unpack_c(const void *inbuf, MPI_Count insize, MPI_Count *position, void *outbuf,
                  MPI_Count outcount, MPI_Datatype datatype, MPI_Comm comm)
{
    MP_API_LOCK();
    return unpack("MPI_Unpack_c", inbuf, insize, position, outbuf, outcount, datatype, comm);
}

static int pack_size(const char *call, MPI_Count incount, MPI_Datatype datatype, MPI_Comm comm,
                     const void *size, MPI_Count *bytes_p)
{
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check(call, comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (incount < 0) {
        return mp_api_error(c, call, MPI_ERR_COUNT, "incount %lld is negative", (long long)incount);
    }
    const mp_datatype_t *dt = NULL;
    rc = mp_api_datatype_check(c, call, datatype, &dt);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (size == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "size is NULL; pass the address of the result");
    }
    if (dt->size > 0 && (uint64_t)incount > (uint64_t)INT64_MAX / dt->size) {
        return mp_api_error(c, call, MPI_ERR_COUNT, "incount %lld of %s is too large",
                            (long long)incount, mp_api_datatype_name(dt));
    }
    *bytes_p = incount * (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

#pragma weak MPI_Pack_size = PMPI_Pack_size
int PMPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int *size)
{
    MP_API_LOCK();
    MPI_Count bytes = 0;
    int rc = pack_size("MPI_Pack_size", incount, datatype, comm, size, &bytes);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (bytes > INT_MAX) {
        return mp_api_error(mp_api_comm_get(comm), "MPI_Pack_size", MPI_ERR_COUNT,
                            "the packed size, %lld bytes, does not fit in an int; use "
                            "MPI_Pack_size_c",
                            (long long)bytes);
    }
    *size = (int)bytes;
    return MPI_SUCCESS;
}

#pragma weak MPI_Pack_size_c = PMPI_Pack_size_c
int PMPI_Pack_size_c(MPI_Count incount, MPI_Datatype datatype, MPI_Comm comm, MPI_Count *size)
{
    MP_API_LOCK();
    MPI_Count bytes = 0;
    int rc = pack_size("MPI_Pack_size_c", incount, datatype, comm, size, &bytes);
    if (rc == MPI_SUCCESS) {
        *size = bytes;
    }
    return rc;
}

/* ---- external32 ---- */

/* The checks of the external calls: MPI ready, the representation, count and type. Sets
 * *ext_p to the external32 bytes of count elements. */
static int check_external(const char *call, const char *datarep, MPI_Count count,
                          MPI_Datatype datatype, const mp_datatype_t **dt_p, size_t *ext_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (datarep == NULL || strcmp(datarep, "external32") != 0) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "data representation \"%s\" is not supported; use \"external32\"",
                            datarep != NULL ? datarep : "(NULL)");
    }
    if (count < 0) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT, "count %lld is negative", (long long)count);
    }
    rc = mp_api_datatype_check(NULL, call, datatype, dt_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    size_t per = mp_datatype_external32_size(*dt_p);
    if (per > 0 && (uint64_t)count > (uint64_t)INT64_MAX / per) {
        return mp_api_error(NULL, call, MPI_ERR_COUNT, "count %lld is too large", (long long)count);
    }
    *ext_p = per * (size_t)count;
    return MPI_SUCCESS;
}

/* Position and room in a buffer of size bytes for bytes more. */
static int check_room(const char *call, MPI_Count size, const MPI_Count *position, size_t bytes,
                      const void *buf)
{
    if (position == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "position is NULL");
    }
    if (size < 0 || *position < 0 || *position > size) {
        return mp_api_error(NULL, call, MPI_ERR_ARG,
                            "position %lld is outside the %lld-byte buffer", (long long)*position,
                            (long long)size);
    }
    if (bytes > (uint64_t)(size - *position)) {
        return mp_api_error(NULL, call, MPI_ERR_TRUNCATE,
                            "the data takes %zu bytes in external32 but only %lld are left (size "
                            "%lld, position %lld)",
                            bytes, (long long)(size - *position), (long long)size,
                            (long long)*position);
    }
    if (bytes > 0 && buf == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_BUFFER, "the packed buffer is NULL");
    }
    return MPI_SUCCESS;
}

static int pack_external(const char *call, const char *datarep, const void *inbuf,
                         MPI_Count incount, MPI_Datatype datatype, void *outbuf, MPI_Count outsize,
                         MPI_Count *position)
{
    const mp_datatype_t *dt = NULL;
    size_t ext = 0;
    int rc = check_external(call, datarep, incount, datatype, &dt, &ext);
    if (rc == MPI_SUCCESS) {
        rc = check_room(call, outsize, position, ext, outbuf);
    }
    if (rc != MPI_SUCCESS || ext == 0) {
        return rc;
    }
    size_t bytes = mp_datatype_bytes(dt, (size_t)incount);
    char *native = malloc(bytes > 0 ? bytes : 1);
    if (native == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "cannot allocate %zu bytes", bytes);
    }
    mp_datatype_pack(dt, (size_t)incount, inbuf, 0, native, bytes);
    mp_status_t st =
        mp_datatype_to_external32(dt, (size_t)incount, native, (char *)outbuf + *position);
    free(native);
    if (st != MP_OK) {
        return mp_api_error(NULL, call, MPI_ERR_CONVERSION,
                            "a value does not fit in its external32 size: a long beyond 32 bits "
                            "(4 bytes), or a wide character beyond U+FFFF (2 bytes)");
    }
    *position += (MPI_Count)ext;
    return MPI_SUCCESS;
}

static int unpack_external(const char *call, const char *datarep, const void *inbuf,
                           MPI_Count insize, MPI_Count *position, void *outbuf, MPI_Count outcount,
                           MPI_Datatype datatype)
{
    const mp_datatype_t *dt = NULL;
    size_t ext = 0;
    int rc = check_external(call, datarep, outcount, datatype, &dt, &ext);
    if (rc == MPI_SUCCESS) {
        rc = check_room(call, insize, position, ext, inbuf);
    }
    if (rc != MPI_SUCCESS || ext == 0) {
        return rc;
    }
    size_t bytes = mp_datatype_bytes(dt, (size_t)outcount);
    char *native = malloc(bytes > 0 ? bytes : 1);
    if (native == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "cannot allocate %zu bytes", bytes);
    }
    mp_datatype_from_external32(dt, (size_t)outcount, (const char *)inbuf + *position, native);
    mp_datatype_unpack(dt, (size_t)outcount, outbuf, 0, native, bytes);
    free(native);
    *position += (MPI_Count)ext;
    return MPI_SUCCESS;
}

#pragma weak MPI_Pack_external = PMPI_Pack_external
int PMPI_Pack_external(const char datarep[], const void *inbuf, int incount, MPI_Datatype datatype,
                       void *outbuf, MPI_Aint outsize, MPI_Aint *position)
{
    MP_API_LOCK();
    MPI_Count pos = position != NULL ? *position : 0;
    int rc = pack_external("MPI_Pack_external", datarep, inbuf, incount, datatype, outbuf, outsize,
                           position != NULL ? &pos : NULL);
    if (rc == MPI_SUCCESS) {
        *position = (MPI_Aint)pos;
    }
    return rc;
}

#pragma weak MPI_Pack_external_c = PMPI_Pack_external_c
int PMPI_Pack_external_c(const char datarep[], const void *inbuf, MPI_Count incount,
                         MPI_Datatype datatype, void *outbuf, MPI_Count outsize,
                         MPI_Count *position)
{
    MP_API_LOCK();
    return pack_external("MPI_Pack_external_c", datarep, inbuf, incount, datatype, outbuf, outsize,
                         position);
}

#pragma weak MPI_Unpack_external = PMPI_Unpack_external
int PMPI_Unpack_external(const char datarep[], const void *inbuf, MPI_Aint insize,
                         MPI_Aint *position, void *outbuf, int outcount, MPI_Datatype datatype)
{
    MP_API_LOCK();
    MPI_Count pos = position != NULL ? *position : 0;
    int rc = unpack_external("MPI_Unpack_external", datarep, inbuf, insize,
                             position != NULL ? &pos : NULL, outbuf, outcount, datatype);
    if (rc == MPI_SUCCESS) {
        *position = (MPI_Aint)pos;
    }
    return rc;
}

#pragma weak MPI_Unpack_external_c = PMPI_Unpack_external_c
int PMPI_Unpack_external_c(const char datarep[], const void *inbuf, MPI_Count insize,
                           MPI_Count *position, void *outbuf, MPI_Count outcount,
                           MPI_Datatype datatype)
{
    MP_API_LOCK();
    return unpack_external("MPI_Unpack_external_c", datarep, inbuf, insize, position, outbuf,
                           outcount, datatype);
}

static int external_size(const char *call, const char *datarep, MPI_Count incount,
                         MPI_Datatype datatype, const void *size, MPI_Count *bytes_p)
{
    const mp_datatype_t *dt = NULL;
    size_t ext = 0;
    int rc = check_external(call, datarep, incount, datatype, &dt, &ext);
    if (rc == MPI_SUCCESS && size == NULL) {
        rc = mp_api_error(NULL, call, MPI_ERR_ARG, "size is NULL");
    }
    if (rc == MPI_SUCCESS) {
        *bytes_p = (MPI_Count)ext;
    }
    return rc;
}

#pragma weak MPI_Pack_external_size = PMPI_Pack_external_size
int PMPI_Pack_external_size(const char datarep[], int incount, MPI_Datatype datatype,
                            MPI_Aint *size)
{
    MP_API_LOCK();
    MPI_Count bytes = 0;
    int rc = external_size("MPI_Pack_external_size", datarep, incount, datatype, size, &bytes);
    if (rc == MPI_SUCCESS) {
        *size = (MPI_Aint)bytes;
    }
    return rc;
}

#pragma weak MPI_Pack_external_size_c = PMPI_Pack_external_size_c
int PMPI_Pack_external_size_c(const char datarep[], MPI_Count incount, MPI_Datatype datatype,
                              MPI_Count *size)
{
    MP_API_LOCK();
    MPI_Count bytes = 0;
    int rc = external_size("MPI_Pack_external_size_c", datarep, incount, datatype, size, &bytes);
    if (rc == MPI_SUCCESS) {
        *size = bytes;
    }
    return rc;
}
