/*
 * MPI-IO shared file pointers, every value checked: concurrent write_shared (each record lands
 * exactly once, none lost or doubled), write_ordered/read_ordered (rank order) and their split
 * forms, iwrite_shared/iread_shared, seek_shared/get_position_shared, MPI_MODE_APPEND and
 * MPI_MODE_SEQUENTIAL. Usage: shared [R] (records per rank, default 50).
 */
#include <stdbool.h>

#include "iotest.h"

#define REC 8 /* ints per record: writer, index, then a pattern */

static int rank, size;
static long nrec = 50;

static void fill_record(int *r, int writer, long i)
{
    r[0] = writer;
    r[1] = (int)i;
    for (int k = 2; k < REC; k++) {
        r[k] = iot_value(5, writer, i * REC + k);
    }
}

static bool record_ok(const int *r)
{
    if (r[0] < 0 || r[0] >= size || r[1] < 0 || r[1] >= nrec) {
        return false;
    }
    for (int k = 2; k < REC; k++) {
        if (r[k] != iot_value(5, r[0], (long)r[1] * REC + k)) {
            return false;
        }
    }
    return true;
}

/* write_shared from every rank at once, then every rank reads the whole file and finds each
 * record once. */
static void shared_records(void)
{
    MPI_File fh;
    MPI_Datatype rec;
    MPI_Type_contiguous(REC, MPI_INT, &rec);
    MPI_Type_commit(&rec);
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("shared"),
                         MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    IOT_OK(MPI_File_set_view(fh, 0, rec, rec, "native", MPI_INFO_NULL));
    int r[REC];
    MPI_Status st;
    for (long i = 0; i < nrec; i++) {
        fill_record(r, rank, i);
        if (i % 2 == 0) {
            IOT_OK(MPI_File_write_shared(fh, r, 1, rec, &st));
        } else {
            MPI_Request req;
            IOT_OK(MPI_File_iwrite_shared(fh, r, REC, MPI_INT, &req));
            IOT_OK(MPI_Wait(&req, &st));
        }
        IOT_COUNT(st, MPI_INT, REC);
    }
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    MPI_Offset pos = -1;
    IOT_OK(MPI_File_get_position_shared(fh, &pos));
    MPT_CHECK(pos == nrec * size, "shared pointer at %lld after %ld records", (long long)pos,
              nrec * size);
    long total = nrec * size;
    int *all = malloc(total * REC * sizeof(int));
    char *seen = calloc(total, 1);
    IOT_OK(MPI_File_read_at(fh, 0, all, (int)total, rec, &st));
    IOT_COUNT(st, rec, total);
    for (long j = 0; j < total; j++) {
        const int *q = all + j * REC;
        if (!record_ok(q)) {
            MPT_CHECK(0, "shared: record %ld is damaged (%d %d %d)", j, q[0], q[1], q[2]);
            continue;
        }
        long id = (long)q[0] * nrec + q[1];
        MPT_CHECK(!seen[id], "shared: rank %d's record %d appears twice", q[0], q[1]);
        seen[id] = 1;
    }
    for (long id = 0; id < total; id++) {
        MPT_CHECK(seen[id], "shared: rank %ld's record %ld is missing", id / nrec, id % nrec);
    }
    /* Reading with the shared pointer: collective seek to the start, then each rank takes
     * records with read_shared until the file ends; together they get each one once. */
    IOT_OK(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
    IOT_OK(MPI_File_get_position_shared(fh, &pos));
    MPT_CHECK(pos == 0, "seek_shared(0) left the pointer at %lld", (long long)pos);
    MPI_Barrier(MPI_COMM_WORLD); /* nobody moves the pointer before every rank has read it */
    long mine = 0;
    memset(seen, 0, total);
    for (;;) {
        int count = -1;
        IOT_OK(MPI_File_read_shared(fh, r, 1, rec, &st));
        MPI_Get_count(&st, rec, &count);
        if (count == 0) {
            break;
        }
        MPT_CHECK(count == 1 && record_ok(r), "read_shared: a damaged record (count %d)", count);
        if (record_ok(r)) {
            seen[(long)r[0] * nrec + r[1]] = 1;
        }
        mine++;
    }
    long sum = 0;
    MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    MPT_CHECK(sum == total, "read_shared: the ranks read %ld records of %ld", sum, total);
    MPI_Allreduce(MPI_IN_PLACE, seen, (int)total, MPI_CHAR, MPI_MAX, MPI_COMM_WORLD);
    for (long id = 0; id < total; id++) {
        MPT_CHECK(seen[id], "read_shared: nobody read record %ld", id);
    }
    /* MPI_SEEK_END: the end of the file in records. */
    IOT_OK(MPI_File_seek_shared(fh, -2, MPI_SEEK_END));
    IOT_OK(MPI_File_get_position_shared(fh, &pos));
    MPT_CHECK(pos == total - 2, "seek_shared(-2, END) gives %lld", (long long)pos);
    free(all);
    free(seen);
    MPI_Type_free(&rec);
    IOT_OK(MPI_File_close(&fh));
}

/* Ordered access: rank r writes r+1 records, which follow those of ranks 0..r-1. */
static void ordered(void)
{
    MPI_File fh;
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("ordered"),
                         MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    int mine = rank + 1;
    int *buf = malloc(mine * REC * sizeof(int));
    for (int i = 0; i < mine; i++) {
        fill_record(buf + i * REC, rank, i);
    }
    MPI_Status st;
    /* Twice: once whole, once as a split collective; the second round follows the first. */
    IOT_OK(MPI_File_write_ordered(fh, buf, mine * REC, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, mine * REC);
    IOT_OK(MPI_File_write_ordered_begin(fh, buf, mine * REC, MPI_INT));
    IOT_OK(MPI_File_write_ordered_end(fh, buf, &st));
    IOT_COUNT(st, MPI_INT, mine * REC);
    IOT_OK(MPI_File_sync(fh));
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(MPI_File_sync(fh));
    long per_round = (long)size * (size + 1) / 2;
    MPI_Offset pos = -1;
    IOT_OK(MPI_File_get_position_shared(fh, &pos));
    MPT_CHECK(pos == 2 * per_round * REC * 4, "ordered: shared pointer at %lld", (long long)pos);
    int *all = malloc(2 * per_round * REC * sizeof(int));
    IOT_OK(MPI_File_read_at(fh, 0, all, (int)(2 * per_round * REC), MPI_INT, &st));
    long j = 0;
    for (int round = 0; round < 2; round++) {
        for (int w = 0; w < size; w++) {
            for (int i = 0; i <= w; i++, j++) {
                int expect[REC];
                fill_record(expect, w, i);
                MPT_CHECK(memcmp(all + j * REC, expect, sizeof(expect)) == 0,
                          "ordered: record %ld should be rank %d's %d, holds rank %d's %d", j, w, i,
                          all[j * REC], all[j * REC + 1]);
            }
        }
    }
    /* read_ordered from the start: rank r asks for r+1 records, as many as it wrote, so it gets
     * exactly its own records of round 0 back (and of round 1 the second time). */
    IOT_OK(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
    memset(buf, 0, mine * REC * sizeof(int));
    IOT_OK(MPI_File_read_ordered(fh, buf, mine * REC, MPI_INT, &st));
    IOT_COUNT(st, MPI_INT, mine * REC);
    for (int i = 0; i < mine; i++) {
        int expect[REC];
        fill_record(expect, rank, i);
        MPT_CHECK(memcmp(buf + i * REC, expect, sizeof(expect)) == 0,
                  "read_ordered: record %d is rank %d's %d", i, buf[i * REC], buf[i * REC + 1]);
    }
    /* The second round, with the split form. */
    memset(buf, 0, mine * REC * sizeof(int));
    IOT_OK(MPI_File_read_ordered_begin(fh, buf, mine * REC, MPI_INT));
    IOT_OK(MPI_File_read_ordered_end(fh, buf, &st));
    for (int i = 0; i < mine; i++) {
        MPT_CHECK(buf[i * REC] == rank && buf[i * REC + 1] == i,
                  "read_ordered_begin: record %d is rank %d's %d", i, buf[i * REC],
                  buf[i * REC + 1]);
    }
    free(all);
    free(buf);
    IOT_OK(MPI_File_close(&fh));
}

/* MPI_MODE_APPEND: both pointers start at the end. MPI_MODE_SEQUENTIAL: shared pointer only. */
static void append_and_sequential(void)
{
    MPI_File fh;
    const char *path = iot_path("append");
    if (rank == 0) {
        IOT_OK(MPI_File_open(MPI_COMM_SELF, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL,
                             &fh));
        int head[4] = {11, 22, 33, 44};
        IOT_OK(MPI_File_write(fh, head, 4, MPI_INT, MPI_STATUS_IGNORE));
        IOT_OK(MPI_File_close(&fh));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    IOT_OK(
        MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_WRONLY | MPI_MODE_APPEND, MPI_INFO_NULL, &fh));
    MPI_Offset pos = -1, spos = -1;
    IOT_OK(MPI_File_get_position(fh, &pos));
    IOT_OK(MPI_File_get_position_shared(fh, &spos));
    MPT_CHECK(pos == 16 && spos == 16, "append: pointers start at %lld and %lld, not 16",
              (long long)pos, (long long)spos);
    int v = 100 + rank;
    IOT_OK(MPI_File_write_ordered(fh, &v, 1, MPI_INT, MPI_STATUS_IGNORE));
    IOT_OK(MPI_File_close(&fh));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, path,
                         MPI_MODE_RDONLY | MPI_MODE_SEQUENTIAL | MPI_MODE_DELETE_ON_CLOSE,
                         MPI_INFO_NULL, &fh));
    int got[4];
    IOT_FAILS(MPI_File_read_at(fh, 0, got, 1, MPI_INT, MPI_STATUS_IGNORE),
              MPI_ERR_UNSUPPORTED_OPERATION);
    IOT_FAILS(MPI_File_seek(fh, 0, MPI_SEEK_SET), MPI_ERR_UNSUPPORTED_OPERATION);
    /* Rank 0 takes the four ints of the head with the shared pointer... */
    if (rank == 0) {
        IOT_OK(MPI_File_read_shared(fh, got, 4, MPI_INT, MPI_STATUS_IGNORE));
        MPT_CHECK(got[0] == 11 && got[1] == 22 && got[2] == 33 && got[3] == 44,
                  "sequential: the head reads %d %d %d %d", got[0], got[1], got[2], got[3]);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    /* ... so the view starts after it, at the shared pointer, on every rank. */
    IOT_OK(
        MPI_File_set_view(fh, MPI_DISPLACEMENT_CURRENT, MPI_INT, MPI_INT, "native", MPI_INFO_NULL));
    MPI_Offset disp = -1;
    MPI_Datatype et, ft;
    char rep[MPI_MAX_DATAREP_STRING];
    IOT_OK(MPI_File_get_view(fh, &disp, &et, &ft, rep));
    MPT_CHECK(disp == 16, "sequential: MPI_DISPLACEMENT_CURRENT gave displacement %lld, not 16",
              (long long)disp);
    int mine = -1;
    IOT_OK(MPI_File_read_ordered(fh, &mine, 1, MPI_INT, MPI_STATUS_IGNORE));
    MPT_CHECK(mine == 100 + rank, "sequential: rank %d's appended int reads %d", rank, mine);
    MPI_Status st;
    IOT_OK(MPI_File_read_shared(fh, got, 1, MPI_INT, &st));
    int count = -1;
    MPI_Get_count(&st, MPI_INT, &count);
    MPT_CHECK(count == 0, "sequential: read_shared at the end got %d ints", count);
    IOT_OK(MPI_File_close(&fh));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    if (argc > 1) {
        nrec = mpt_parse_long(argv[1], "R");
    }
    iot_dir_create(MPI_COMM_WORLD);
    shared_records();
    ordered();
    append_and_sequential();
    iot_dir_remove(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(rank);
}
