/*
 * MPI-IO data access, every value checked: each rank writes its part of a file and then reads
 * back what the OTHER ranks wrote. Explicit offsets (also from a strided memory type),
 * individual pointers through a strided view, collective _all with a derived etype and holes,
 * split collectives, nonblocking calls, seek and position arithmetic, byte offsets, reads that
 * end at the end of the file (MPI_Get_count), set_size/get_size/preallocate, get_view, the
 * external32 representation and one the program registers; a write-only file written through a
 * view with holes.
 * Usage: basic [N] (ints per rank, a multiple of 4; default 1000).
 */
#include "iotest.h"

static int rank, size;
static long n = 1000;

/* Explicit offsets: rank r's n ints at bytes [r*n*4, (r+1)*n*4). */
static void explicit_offsets(void)
{
    MPI_File fh;
    int *buf = malloc(2 * n * sizeof(int));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("explicit"), MPI_MODE_CREATE | MPI_MODE_RDWR,
                         MPI_INFO_NULL, &fh));
    for (long i = 0; i < n; i++) {
        buf[i] = iot_value(1, rank, i);
    }
    MPI_Status st;
    IOT_OK(MPI_File_write_at(fh, (MPI_Offset)rank * n * 4, buf, (int)n, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, n);
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    /* Every other rank's block, read into every second int of buf (a strided memory type). */
    MPI_Datatype strided;
    MPI_Type_vector((int)n, 1, 2, MPI_INT, &strided);
    MPI_Type_commit(&strided);
    for (int k = 1; k <= size; k++) {
        int peer = (rank + k) % size;
        for (long i = 0; i < 2 * n; i++) {
            buf[i] = -1;
        }
        IOT_OK(MPI_File_read_at(fh, (MPI_Offset)peer * n * 4, buf, 1, strided, &st));
        IOT_COUNT(st, strided, 1);
        IOT_COUNT(st, MPI_INT, n);
        int elements = -1;
        MPI_Get_elements(&st, strided, &elements);
        MPT_CHECK(elements == n, "explicit: MPI_Get_elements gives %d, not %ld", elements, n);
        for (long i = 0; i < n; i++) {
            MPT_CHECK(buf[2 * i] == iot_value(1, peer, i) && buf[2 * i + 1] == -1,
                      "explicit: rank %d's int %ld reads %d (gap %d), expected %d", peer, i,
                      buf[2 * i], buf[2 * i + 1], iot_value(1, peer, i));
        }
    }
    MPI_Type_free(&strided);
    MPI_Offset fsize = -1;
    IOT_OK(MPI_File_get_size(fh, &fsize));
    MPT_CHECK(fsize == (MPI_Offset)size * n * 4, "explicit: size %lld, expected %lld",
              (long long)fsize, (long long)size * n * 4);
    /* Reads past the end return what there is. */
    IOT_OK(MPI_File_read_at(fh, fsize - 12, buf, 10, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, 3);
    MPT_CHECK(buf[2] == iot_value(1, size - 1, n - 1), "explicit: last int at EOF reads %d",
              buf[2]);
    IOT_OK(MPI_File_read_at(fh, fsize, buf, 10, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, 0);
    IOT_OK(MPI_File_close(&fh));
    MPT_CHECK(fh == MPI_FILE_NULL, "MPI_File_close did not set MPI_FILE_NULL");
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        IOT_OK(MPI_File_delete(iot_path("explicit"), MPI_INFO_NULL));
    }
    free(buf);
}

/* Rank r's view: blocks of 4 ints, rank r's at block r of every size blocks. */
static MPI_Datatype rank_filetype(int r)
{
    int gsize = 4 * size, lsize = 4, start = 4 * r;
    MPI_Datatype t;
    MPI_Type_create_subarray(1, &gsize, &lsize, &start, MPI_ORDER_C, MPI_INT, &t);
    MPI_Type_commit(&t);
    return t;
}

/* Individual file pointers through strided views; seek, position and byte offsets. */
static void strided_views(void)
{
    MPI_File fh;
    int *buf = malloc(n * sizeof(int));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("strided"),
                         MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    MPI_Datatype mine = rank_filetype(rank);
    IOT_OK(MPI_File_set_view(fh, 0, MPI_INT, mine, "native", MPI_INFO_NULL));
    for (long i = 0; i < n; i++) {
        buf[i] = iot_value(2, rank, i);
    }
    MPI_Status st;
    IOT_OK(MPI_File_write(fh, buf, (int)(n / 2), MPI_INT, &st));
    IOT_OK(MPI_File_write(fh, buf + n / 2, (int)(n - n / 2), MPI_INT, &st));
    MPI_Offset pos = -1;
    IOT_OK(MPI_File_get_position(fh, &pos));
    MPT_CHECK(pos == n, "strided: position %lld after %ld ints", (long long)pos, n);
    /* Etype 10 of the view is int 2 of the view's third block. */
    MPI_Offset byte = -1;
    IOT_OK(MPI_File_get_byte_offset(fh, 10, &byte));
    MPT_CHECK(byte == (MPI_Offset)(2 * 4 * size + 4 * rank + 2) * 4,
              "strided: byte offset of etype 10 is %lld", (long long)byte);
    IOT_OK(MPI_File_seek(fh, 10, MPI_SEEK_SET));
    IOT_OK(MPI_File_seek(fh, -3, MPI_SEEK_CUR));
    IOT_OK(MPI_File_get_position(fh, &pos));
    MPT_CHECK(pos == 7, "strided: position %lld after seeking to 10 then -3", (long long)pos);
    IOT_FAILS(MPI_File_seek(fh, -8, MPI_SEEK_CUR), MPI_ERR_ARG);
    IOT_FAILS(MPI_File_seek(fh, 0, 12345), MPI_ERR_ARG);
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    /* The end of the file, in my view: every rank wrote n ints, so the file holds n of mine,
     * except that the last rank's final block ends the file. */
    IOT_OK(MPI_File_seek(fh, 0, MPI_SEEK_END));
    IOT_OK(MPI_File_get_position(fh, &pos));
    MPT_CHECK(pos == n, "strided: MPI_SEEK_END gives %lld, expected %ld", (long long)pos, n);
    /* Read the next rank's data through its view. */
    int peer = (rank + 1) % size;
    MPI_Datatype theirs = rank_filetype(peer);
    IOT_OK(MPI_File_set_view(fh, 0, MPI_INT, theirs, "native", MPI_INFO_NULL));
    IOT_OK(MPI_File_get_position(fh, &pos));
    MPT_CHECK(pos == 0, "strided: set_view left the position at %lld", (long long)pos);
    for (long i = 0; i < n; i++) {
        buf[i] = -1;
    }
    IOT_OK(MPI_File_read(fh, buf, (int)n, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, n);
    for (long i = 0; i < n; i++) {
        MPT_CHECK(buf[i] == iot_value(2, peer, i), "strided: rank %d's int %ld reads %d", peer, i,
                  buf[i]);
    }
    /* Past the end of the file through the view (a sieved read): only what is there. */
    IOT_OK(MPI_File_read_at(fh, n - 2, buf, 10, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, 2);
    MPT_CHECK(buf[0] == iot_value(2, peer, n - 2) && buf[1] == iot_value(2, peer, n - 1),
              "strided: the last two ints of rank %d read %d %d", peer, buf[0], buf[1]);
    /* The view is what get_view returns. */
    MPI_Offset disp = -1;
    MPI_Datatype et, ft;
    char rep[MPI_MAX_DATAREP_STRING];
    IOT_OK(MPI_File_get_view(fh, &disp, &et, &ft, rep));
    int ni, na, nd, comb;
    MPI_Type_get_envelope(ft, &ni, &na, &nd, &comb);
    MPT_CHECK(disp == 0 && et == MPI_INT && strcmp(rep, "native") == 0,
              "get_view: disp %lld, datarep %s", (long long)disp, rep);
    MPI_Aint lb, ext, theirs_ext;
    MPI_Type_get_extent(ft, &lb, &ext);
    MPI_Type_get_extent(theirs, &lb, &theirs_ext);
    MPT_CHECK(ext == theirs_ext, "get_view: filetype extent %ld, expected %ld", (long)ext,
              (long)theirs_ext);
    MPI_Type_free(&ft);
    MPI_Aint fext = 0;
    IOT_OK(MPI_File_get_type_extent(fh, theirs, &fext));
    MPT_CHECK(fext == theirs_ext, "get_type_extent gives %ld", (long)fext);
    MPI_Type_free(&mine);
    MPI_Type_free(&theirs);
    IOT_OK(MPI_File_close(&fh)); /* MPI_MODE_DELETE_ON_CLOSE removes it */
    free(buf);
}

/* Collective access with a derived etype (two ints) and a filetype with holes: rank r owns etype
 * slots r, r + size, r + 2*size... from a displacement of 64 bytes. */
static void collective_holes(void)
{
    MPI_File fh;
    long m = n / 2; /* etypes per rank */
    int *buf = malloc(2 * m * sizeof(int));
    int *all = malloc(2 * m * size * sizeof(int));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("holes"), MPI_MODE_CREATE | MPI_MODE_RDWR,
                         MPI_INFO_NULL, &fh));
    MPI_Datatype pair, vec, ft;
    MPI_Type_contiguous(2, MPI_INT, &pair);
    MPI_Type_commit(&pair);
    MPI_Type_vector(2, 1, size, pair, &vec);
    MPI_Type_create_resized(vec, 0, (MPI_Aint)2 * size * 8, &ft);
    MPI_Type_commit(&ft);
    IOT_OK(MPI_File_set_view(fh, 64 + (MPI_Offset)rank * 8, pair, ft, "native", MPI_INFO_NULL));
    for (long i = 0; i < 2 * m; i++) {
        buf[i] = iot_value(3, rank, i);
    }
    MPI_Status st;
    long half = m / 2;
    IOT_OK(MPI_File_write_all(fh, buf, (int)half, pair, &st));
    IOT_COUNT(st, pair, half);
    /* The rest through a split collective at an explicit offset. */
    IOT_OK(MPI_File_write_at_all_begin(fh, half, buf + 2 * half, (int)(m - half), pair));
    IOT_OK(MPI_File_write_at_all_end(fh, buf + 2 * half, &st));
    IOT_COUNT(st, pair, m - half);
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    /* The whole file through the default view: the 64 bytes first are a hole. */
    IOT_OK(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
    IOT_OK(MPI_File_read_at_all(fh, 64, all, (int)(2 * m * size), MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, 2 * m * size);
    for (long slot = 0; slot < m * size; slot++) {
        int owner = (int)(slot % size);
        long idx = slot / size;
        for (int h = 0; h < 2; h++) {
            MPT_CHECK(all[2 * slot + h] == iot_value(3, owner, 2 * idx + h),
                      "holes: slot %ld (rank %d's etype %ld) int %d reads %d", slot, owner, idx, h,
                      all[2 * slot + h]);
        }
    }
    int zero[16];
    IOT_OK(MPI_File_read_at(fh, 0, zero, 16, MPI_INT, &st));
    for (int i = 0; i < 16; i++) {
        MPT_CHECK(zero[i] == 0, "holes: the leading hole holds %d at int %d", zero[i], i);
    }
    /* Split collective read through the next rank's view. */
    int peer = (rank + 1) % size;
    IOT_OK(MPI_File_set_view(fh, 64 + (MPI_Offset)peer * 8, pair, ft, "native", MPI_INFO_NULL));
    IOT_OK(MPI_File_read_all_begin(fh, buf, (int)m, pair));
    IOT_FAILS(MPI_File_read_all_begin(fh, buf, (int)m, pair), MPI_ERR_OTHER);
    IOT_OK(MPI_File_read_all_end(fh, buf, &st));
    IOT_COUNT(st, pair, m);
    for (long i = 0; i < 2 * m; i++) {
        MPT_CHECK(buf[i] == iot_value(3, peer, i), "holes: rank %d's int %ld reads %d", peer, i,
                  buf[i]);
    }
    /* A filetype that is not made of the etype is refused. */
    IOT_FAILS(MPI_File_set_view(fh, 0, MPI_DOUBLE, ft, "native", MPI_INFO_NULL), MPI_ERR_TYPE);
    /* ... but bytes go with anything. */
    IOT_OK(MPI_File_set_view(fh, 0, MPI_BYTE, ft, "native", MPI_INFO_NULL));
    IOT_FAILS(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "external99", MPI_INFO_NULL),
              MPI_ERR_UNSUPPORTED_DATAREP);
    MPI_Type_free(&ft);
    MPI_Type_free(&vec);
    MPI_Type_free(&pair);
    IOT_OK(MPI_File_close(&fh));
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        IOT_OK(MPI_File_delete(iot_path("holes"), MPI_INFO_NULL));
    }
    free(buf);
    free(all);
}

/* Nonblocking calls; sizes. */
static void nonblocking_and_sizes(void)
{
    MPI_File fh;
    int *buf = malloc(n * sizeof(int));
    int *in = malloc(n * size * sizeof(int));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("nonblocking"),
                         MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    for (long i = 0; i < n; i++) {
        buf[i] = iot_value(4, rank, i);
    }
    MPI_Request req[2];
    MPI_Status st[2];
    long h = n / 2;
    IOT_OK(MPI_File_iwrite_at(fh, (MPI_Offset)rank * n * 4, buf, (int)h, MPI_INT, &req[0]));
    IOT_OK(MPI_File_iwrite_at_all(fh, ((MPI_Offset)rank * n + h) * 4, buf + h, (int)(n - h),
                                  MPI_INT, &req[1]));
    IOT_OK(MPI_Waitall(2, req, st));
    IOT_COUNT(st[0], MPI_INT, h);
    IOT_COUNT(st[1], MPI_INT, n - h);
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    for (long i = 0; i < n * size; i++) {
        in[i] = -1;
    }
    /* The blocks of the others, by individual pointer, each completed by MPI_Test. */
    for (int k = 1; k < size; k++) {
        int peer = (rank + k) % size;
        IOT_OK(MPI_File_seek(fh, (MPI_Offset)peer * n * 4, MPI_SEEK_SET));
        MPI_Request r;
        IOT_OK(MPI_File_iread(fh, in + peer * n, (int)n, MPI_INT, &r));
        int done = 0;
        MPI_Status s;
        while (!done) {
            IOT_OK(MPI_Test(&r, &done, &s));
        }
        IOT_COUNT(s, MPI_INT, n);
        MPI_Offset pos = -1;
        MPI_File_get_position(fh, &pos);
        MPT_CHECK(pos == ((MPI_Offset)peer + 1) * n * 4, "iread moved the pointer to %lld",
                  (long long)pos);
        for (long i = 0; i < n; i++) {
            MPT_CHECK(in[peer * n + i] == iot_value(4, peer, i), "iread: rank %d's int %ld is %d",
                      peer, i, in[peer * n + i]);
        }
    }
    /* Sizes (collective). */
    MPI_Offset fsize = -1;
    IOT_OK(MPI_File_set_size(fh, 100));
    IOT_OK(MPI_File_get_size(fh, &fsize));
    MPT_CHECK(fsize == 100, "set_size(100) gives %lld", (long long)fsize);
    IOT_OK(MPI_File_preallocate(fh, 4096));
    IOT_OK(MPI_File_get_size(fh, &fsize));
    MPT_CHECK(fsize == 4096, "preallocate(4096) gives %lld", (long long)fsize);
    IOT_OK(MPI_File_preallocate(fh, 10)); /* never shrinks */
    IOT_OK(MPI_File_get_size(fh, &fsize));
    MPT_CHECK(fsize == 4096, "preallocate(10) shrank the file to %lld", (long long)fsize);
    IOT_OK(MPI_File_set_size(fh, 0));
    IOT_OK(MPI_File_get_size(fh, &fsize));
    MPT_CHECK(fsize == 0, "set_size(0) gives %lld", (long long)fsize);
    IOT_FAILS(MPI_File_set_size(fh, -1), MPI_ERR_ARG);
    MPI_Request r;
    MPI_Status s;
    IOT_OK(MPI_File_iread_at(fh, 0, in, 4, MPI_INT, &r));
    IOT_OK(MPI_Wait(&r, &s));
    IOT_COUNT(s, MPI_INT, 0);
    IOT_OK(MPI_File_close(&fh));
    free(buf);
    free(in);
}

/* The external32 representation: big-endian in the file, the same values back through it. */
static void external32(void)
{
    MPI_File fh;
    int *buf = malloc(2 * n * sizeof(int));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("external32"),
                         MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    IOT_OK(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "external32", MPI_INFO_NULL));
    for (long i = 0; i < n; i++) {
        buf[2 * i] = iot_value(6, rank, i);
        buf[2 * i + 1] = -7;
    }
    MPI_Datatype strided; /* every other int of memory */
    MPI_Type_vector((int)n, 1, 2, MPI_INT, &strided);
    MPI_Type_commit(&strided);
    MPI_Status st;
    IOT_OK(MPI_File_write_at_all(fh, (MPI_Offset)rank * n, buf, 1, strided, &st));
    IOT_COUNT(st, MPI_INT, n);
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    int peer = (rank + 1) % size;
    IOT_OK(MPI_File_read_at(fh, (MPI_Offset)peer * n, buf, (int)n, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, n);
    for (long i = 0; i < n; i++) {
        MPT_CHECK(buf[i] == iot_value(6, peer, i), "external32: rank %d's int %ld reads %d", peer,
                  i, buf[i]);
    }
    /* The bytes in the file, most significant first. */
    unsigned char raw[4 * 8];
    IOT_OK(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
    IOT_OK(MPI_File_read_at(fh, (MPI_Offset)peer * n * 4, raw, (int)sizeof(raw), MPI_BYTE, &st));
    for (int i = 0; i < 8; i++) {
        unsigned v = (unsigned)iot_value(6, peer, i);
        unsigned got = (unsigned)raw[4 * i] << 24 | (unsigned)raw[4 * i + 1] << 16 |
                       (unsigned)raw[4 * i + 2] << 8 | raw[4 * i + 3];
        MPT_CHECK(got == v, "external32: int %d is stored as %08x, not big-endian %08x", i, got, v);
    }
    MPI_Type_free(&strided);
    IOT_OK(MPI_File_close(&fh));
    free(buf);
}

/* A user-defined representation: ints stored byte-reversed, converted by the program's
 * functions (data items counted from position into the buffer). */
static unsigned swap32(unsigned v)
{
    return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

static int swap_conv(void *userbuf, MPI_Datatype datatype, int count, void *filebuf,
                     MPI_Offset position, void *extra, int to_file)
{
    MPT_CHECK(datatype == MPI_INT, "the conversion got another datatype than MPI_INT");
    unsigned *user = (unsigned *)userbuf + position;
    unsigned *file = filebuf;
    for (int i = 0; i < count; i++) {
        if (to_file) {
            file[i] = swap32(user[i]);
        } else {
            user[i] = swap32(file[i]);
        }
    }
    (*(int *)extra)++;
    return MPI_SUCCESS;
}

static int swap_read(void *userbuf, MPI_Datatype datatype, int count, void *filebuf,
                     MPI_Offset position, void *extra)
{
    return swap_conv(userbuf, datatype, count, filebuf, position, extra, 0);
}

static int swap_write(void *userbuf, MPI_Datatype datatype, int count, void *filebuf,
                      MPI_Offset position, void *extra)
{
    return swap_conv(userbuf, datatype, count, filebuf, position, extra, 1);
}

static int native_extent(MPI_Datatype datatype, MPI_Aint *extent, void *extra)
{
    (void)extra;
    MPI_Aint lb;
    return MPI_Type_get_extent(datatype, &lb, extent);
}

static void user_datarep(void)
{
    static int calls;
    IOT_OK(MPI_Register_datarep("iotest-swap", swap_read, swap_write, native_extent, &calls));
    MPI_File fh;
    int *buf = malloc(n * sizeof(int));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("datarep"),
                         MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    IOT_OK(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "iotest-swap", MPI_INFO_NULL));
    for (long i = 0; i < n; i++) {
        buf[i] = iot_value(7, rank, i);
    }
    MPI_Status st;
    IOT_OK(MPI_File_write_at(fh, (MPI_Offset)rank * n, buf, (int)n, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, n);
    MPT_CHECK(calls > 0, "the write conversion function was not called");
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    int peer = (rank + 1) % size;
    IOT_OK(MPI_File_read_at(fh, (MPI_Offset)peer * n, buf, (int)n, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, n);
    for (long i = 0; i < n; i++) {
        MPT_CHECK(buf[i] == iot_value(7, peer, i), "datarep: rank %d's int %ld reads %d", peer, i,
                  buf[i]);
    }
    IOT_OK(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "native", MPI_INFO_NULL));
    IOT_OK(MPI_File_read_at(fh, (MPI_Offset)peer * n, buf, (int)n, MPI_INT, &st));
    for (long i = 0; i < n; i++) {
        MPT_CHECK((unsigned)buf[i] == swap32((unsigned)iot_value(7, peer, i)),
                  "datarep: rank %d's int %ld is stored as %08x", peer, i, (unsigned)buf[i]);
    }
    IOT_OK(MPI_File_close(&fh));
    free(buf);
}

/* A file opened MPI_MODE_WRONLY, written through a view with holes dense enough for data sieving
 * (whose read-modify-write cannot read such a file: the runs go one by one): rank r's part is
 * 3n/2 ints from int 3n/2 * r, two ints of every three its own, the third a hole that keeps
 * what rank 0 wrote there before. Collective, individual and nonblocking writes; rank 0 reads
 * the whole file back and checks every int. */
static void write_only_holes(void)
{
    long part = n / 2 * 3;
    MPI_File fh;
    MPI_Status st;
    if (rank == 0) {
        int *fill = malloc(part * size * sizeof(int));
        for (long i = 0; i < part * size; i++) {
            fill[i] = iot_value(8, size, i);
        }
        IOT_OK(MPI_File_open(MPI_COMM_SELF, iot_path("wronly"), MPI_MODE_CREATE | MPI_MODE_WRONLY,
                             MPI_INFO_NULL, &fh));
        IOT_OK(MPI_File_write(fh, fill, (int)(part * size), MPI_INT, &st));
        IOT_OK(MPI_File_close(&fh));
        free(fill);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Datatype pairs;
    MPI_Type_vector((int)(n / 2), 2, 3, MPI_INT, &pairs);
    MPI_Type_commit(&pairs);
    int *buf = malloc(n * sizeof(int));
    for (long i = 0; i < n; i++) {
        buf[i] = iot_value(8, rank, i);
    }
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("wronly"), MPI_MODE_WRONLY, MPI_INFO_NULL, &fh));
    IOT_OK(MPI_File_set_view(fh, (MPI_Offset)(part * rank * sizeof(int)), MPI_INT, pairs, "native",
                             MPI_INFO_NULL));
    long q = n / 4; /* a quarter each: _all, individual, explicit offset, nonblocking */
    IOT_OK(MPI_File_write_all(fh, buf, (int)q, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, q);
    IOT_OK(MPI_File_write(fh, buf + q, (int)q, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, q);
    IOT_OK(MPI_File_write_at(fh, 2 * q, buf + 2 * q, (int)q, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, q);
    MPI_Request req;
    IOT_OK(MPI_File_iwrite_at(fh, 3 * q, buf + 3 * q, (int)(n - 3 * q), MPI_INT, &req));
    IOT_OK(MPI_Wait(&req, &st));
    IOT_COUNT(st, MPI_INT, n - 3 * q);
    IOT_OK(MPI_File_close(&fh));
    MPI_Type_free(&pairs);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        int *all = malloc(part * size * sizeof(int));
        IOT_OK(MPI_File_open(MPI_COMM_SELF, iot_path("wronly"),
                             MPI_MODE_RDONLY | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL, &fh));
        IOT_OK(MPI_File_read(fh, all, (int)(part * size), MPI_INT, &st));
        IOT_COUNT(st, MPI_INT, part * size);
        IOT_OK(MPI_File_close(&fh));
        for (long i = 0; i < part * size; i++) {
            long r = i / part, k = i % part;
            int expect =
                k % 3 == 2 ? iot_value(8, size, i) : iot_value(8, (int)r, k / 3 * 2 + k % 3);
            MPT_CHECK(all[i] == expect, "write-only file: int %ld is %d, expected %d (%s)", i,
                      all[i], expect, k % 3 == 2 ? "a hole" : "written");
        }
        free(all);
    }
    free(buf);
    MPI_Barrier(MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    if (argc > 1) {
        n = mpt_parse_long(argv[1], "N");
    }
    if (n < 4 || n % 4 != 0) {
        fprintf(stderr, "N must be a positive multiple of 4\n");
        return 2;
    }
    iot_dir_create(MPI_COMM_WORLD);
    explicit_offsets();
    strided_views();
    collective_holes();
    nonblocking_and_sizes();
    external32();
    user_datarep();
    write_only_holes();
    iot_dir_remove(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(rank);
}
