/*
 * MPI-IO errors and file management, every class checked (files' default handler returns
 * codes): MPI_File_open's amode rules, a missing file, MPI_MODE_EXCL (exactly one creation,
 * then MPI_ERR_FILE_EXISTS everywhere), reads and writes against the access mode, bad handles,
 * bad views, MPI_File_delete; error handlers on files and on MPI_FILE_NULL; atomic mode under
 * concurrent overlapping writes; hints, amode, group and handle conversions. Usage: errors.
 */
#include "iotest.h"

static int rank, size;
static int handler_calls;
static MPI_File handler_file;
static int handler_code;

static void file_handler(MPI_File *fh, int *code, ...)
{
    handler_calls++;
    handler_file = *fh;
    handler_code = *code;
}

static void open_errors(void)
{
    MPI_File fh = MPI_FILE_NULL;
    const char *missing = iot_path("missing");
    IOT_FAILS(MPI_File_open(MPI_COMM_WORLD, missing, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
              MPI_ERR_NO_SUCH_FILE);
    IOT_FAILS(MPI_File_open(MPI_COMM_WORLD, missing, MPI_MODE_RDONLY | MPI_MODE_CREATE,
                            MPI_INFO_NULL, &fh),
              MPI_ERR_AMODE);
    IOT_FAILS(
        MPI_File_open(MPI_COMM_WORLD, missing, MPI_MODE_RDONLY | MPI_MODE_EXCL, MPI_INFO_NULL, &fh),
        MPI_ERR_AMODE);
    IOT_FAILS(
        MPI_File_open(MPI_COMM_WORLD, missing, MPI_MODE_RDWR | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh),
        MPI_ERR_AMODE);
    IOT_FAILS(MPI_File_open(MPI_COMM_WORLD, missing, MPI_MODE_CREATE, MPI_INFO_NULL, &fh),
              MPI_ERR_AMODE);
    /* Different amodes on different ranks: every rank fails alike (at size 1 it opens). */
    int amode = MPI_MODE_RDWR | MPI_MODE_CREATE | (rank == 0 ? MPI_MODE_UNIQUE_OPEN : 0);
    int rc = MPI_File_open(MPI_COMM_WORLD, missing, amode | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                           &fh);
    if (size > 1) {
        IOT_FAILS(rc, MPI_ERR_AMODE);
    } else {
        IOT_OK(rc);
        IOT_OK(MPI_File_close(&fh));
    }
    MPT_CHECK(fh == MPI_FILE_NULL, "a failed open changed fh");
    IOT_FAILS(MPI_File_open(MPI_COMM_WORLD, iot_dir, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
              MPI_ERR_BAD_FILE);

    /* MPI_MODE_EXCL: the open that creates succeeds on every rank, the next one fails on all. */
    const char *excl = iot_path("excl");
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, excl, MPI_MODE_WRONLY | MPI_MODE_CREATE | MPI_MODE_EXCL,
                         MPI_INFO_NULL, &fh));
    IOT_OK(MPI_File_close(&fh));
    IOT_FAILS(MPI_File_open(MPI_COMM_WORLD, excl, MPI_MODE_WRONLY | MPI_MODE_CREATE | MPI_MODE_EXCL,
                            MPI_INFO_NULL, &fh),
              MPI_ERR_FILE_EXISTS);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        IOT_OK(MPI_File_delete(excl, MPI_INFO_NULL));
        IOT_FAILS(MPI_File_delete(excl, MPI_INFO_NULL), MPI_ERR_NO_SUCH_FILE);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

static void access_errors(void)
{
    MPI_File fh;
    const char *path = iot_path("access");
    int v[4] = {1, 2, 3, 4};
    IOT_OK(
        MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_WRONLY | MPI_MODE_CREATE, MPI_INFO_NULL, &fh));
    IOT_FAILS(MPI_File_read_at(fh, 0, v, 4, MPI_INT, MPI_STATUS_IGNORE), MPI_ERR_ACCESS);
    IOT_FAILS(MPI_File_write_at(fh, 0, v, -1, MPI_INT, MPI_STATUS_IGNORE), MPI_ERR_COUNT);
    IOT_FAILS(MPI_File_write_at(fh, -4, v, 1, MPI_INT, MPI_STATUS_IGNORE), MPI_ERR_ARG);
    IOT_FAILS(MPI_File_write_at(fh, 0, v, 1, MPI_DATATYPE_NULL, MPI_STATUS_IGNORE), MPI_ERR_TYPE);
    /* The nonblocking forms need somewhere to put their request (individual and shared). */
    IOT_FAILS(MPI_File_iwrite_at(fh, 0, v, 1, MPI_INT, NULL), MPI_ERR_REQUEST);
    IOT_FAILS(MPI_File_iwrite_shared(fh, v, 1, MPI_INT, NULL), MPI_ERR_REQUEST);
    IOT_FAILS(MPI_File_write_all_end(fh, v, MPI_STATUS_IGNORE), MPI_ERR_OTHER);
    /* One split collective at a time per file, whichever kind: the second _begin is refused and
     * the first still ends. */
    IOT_OK(MPI_File_write_at_all_begin(fh, 16 * (MPI_Offset)rank, v, 4, MPI_INT));
    IOT_FAILS(MPI_File_write_at_all_begin(fh, 0, v, 4, MPI_INT), MPI_ERR_OTHER);
    IOT_FAILS(MPI_File_write_ordered_begin(fh, v, 4, MPI_INT), MPI_ERR_OTHER);
    MPI_Status st;
    IOT_OK(MPI_File_write_at_all_end(fh, v, &st));
    int got = -1;
    MPI_Get_count(&st, MPI_INT, &got);
    MPT_CHECK(got == 4, "the split write wrote %d ints, not 4", got);
    IOT_FAILS(MPI_File_write_at_all_end(fh, v, MPI_STATUS_IGNORE), MPI_ERR_OTHER);
    /* A filetype whose blocks go backwards is no filetype. */
    int lens[2] = {1, 1};
    MPI_Aint disps[2] = {8, 0};
    MPI_Datatype back;
    MPI_Type_create_hindexed(2, lens, disps, MPI_INT, &back);
    MPI_Type_commit(&back);
    IOT_FAILS(MPI_File_set_view(fh, 0, MPI_INT, back, "native", MPI_INFO_NULL), MPI_ERR_TYPE);
    MPI_Type_free(&back);
    IOT_FAILS(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "iotest-none", MPI_INFO_NULL),
              MPI_ERR_UNSUPPORTED_DATAREP);
    IOT_FAILS(
        MPI_File_set_view(fh, MPI_DISPLACEMENT_CURRENT, MPI_INT, MPI_INT, "native", MPI_INFO_NULL),
        MPI_ERR_ARG);
    int amode = 0;
    IOT_OK(MPI_File_get_amode(fh, &amode));
    MPT_CHECK(amode == (MPI_MODE_WRONLY | MPI_MODE_CREATE), "get_amode gives %d", amode);
    IOT_OK(MPI_File_close(&fh));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY | MPI_MODE_DELETE_ON_CLOSE,
                         MPI_INFO_NULL, &fh));
    IOT_FAILS(MPI_File_write_at(fh, 0, v, 4, MPI_INT, MPI_STATUS_IGNORE), MPI_ERR_READ_ONLY);
    IOT_FAILS(MPI_File_set_size(fh, 0), MPI_ERR_READ_ONLY);
    IOT_OK(MPI_File_close(&fh));
    /* Handles that are no open file. */
    MPI_Offset sz;
    IOT_FAILS(MPI_File_get_size(MPI_FILE_NULL, &sz), MPI_ERR_FILE);
    IOT_FAILS(MPI_File_get_size(fh, &sz), MPI_ERR_FILE);
    IOT_FAILS(MPI_File_close(&fh), MPI_ERR_FILE);
}

static void handlers(void)
{
    MPI_File fh;
    MPI_Errhandler eh, got;
    const char *path = iot_path("handlers");
    IOT_OK(MPI_File_create_errhandler(file_handler, &eh));
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, path,
                         MPI_MODE_RDWR | MPI_MODE_CREATE | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    IOT_OK(MPI_File_get_errhandler(fh, &got));
    MPT_CHECK(got == MPI_ERRORS_RETURN, "a new file's handler is not MPI_ERRORS_RETURN");
    IOT_OK(MPI_File_set_errhandler(fh, eh));
    int v = 0;
    handler_calls = 0;
    MPI_File_read_at(fh, -1, &v, 1, MPI_INT, MPI_STATUS_IGNORE);
    MPT_CHECK(handler_calls == 1 && handler_file == fh && handler_code != MPI_SUCCESS,
              "the file's handler ran %d times, file %s", handler_calls,
              handler_file == fh ? "right" : "wrong");
    IOT_OK(MPI_File_call_errhandler(fh, MPI_ERR_IO));
    MPT_CHECK(handler_calls == 2 && handler_code == MPI_ERR_IO,
              "MPI_File_call_errhandler: %d calls, code %d", handler_calls, handler_code);
    IOT_OK(MPI_File_get_errhandler(fh, &got));
    MPT_CHECK(got == eh, "MPI_File_get_errhandler gives another handler");
    MPI_Errhandler_free(&got);
    /* Conversions of a real handle. */
    MPI_Fint fi = MPI_File_c2f(fh);
    MPT_CHECK(MPI_File_f2c(fi) == fh, "MPI_File_f2c(MPI_File_c2f(fh)) != fh");
    MPT_CHECK(MPI_File_fromint(MPI_File_toint(fh)) == fh, "MPI_File_fromint(toint(fh)) != fh");
    IOT_OK(MPI_File_close(&fh));
    /* MPI_FILE_NULL's handler: errors of open, and the default of new files. */
    IOT_OK(MPI_File_set_errhandler(MPI_FILE_NULL, eh));
    handler_calls = 0;
    MPI_File_open(MPI_COMM_WORLD, iot_path("missing"), MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
    MPT_CHECK(handler_calls == 1 && handler_file == MPI_FILE_NULL &&
                  handler_code == MPI_ERR_NO_SUCH_FILE,
              "open of a missing file: handler ran %d times, code %d", handler_calls, handler_code);
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, path,
                         MPI_MODE_RDWR | MPI_MODE_CREATE | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    IOT_OK(MPI_File_get_errhandler(fh, &got));
    MPT_CHECK(got == eh, "a new file did not get MPI_FILE_NULL's handler");
    MPI_Errhandler_free(&got);
    IOT_OK(MPI_File_close(&fh));
    IOT_OK(MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN));
    MPI_Errhandler_free(&eh);
}

/* Atomic mode: every rank writes its own value over the same ints at once, through a view with
 * holes (every other int), so that each write is many runs; the lock around each access makes
 * it seen whole, so the ints all hold one rank's value. */
static void atomic_mode(int atomic)
{
    enum { K = 1024, ROUNDS = 20 };
    MPI_File fh;
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("atomic"),
                         MPI_MODE_RDWR | MPI_MODE_CREATE | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                         &fh));
    int flag = -1;
    IOT_OK(MPI_File_get_atomicity(fh, &flag));
    MPT_CHECK(flag == 0, "atomicity starts at %d", flag);
    IOT_OK(MPI_File_set_atomicity(fh, atomic));
    IOT_OK(MPI_File_get_atomicity(fh, &flag));
    MPT_CHECK(flag == atomic, "atomicity is %d after setting it to %d", flag, atomic);
    MPI_Datatype every_other, ft;
    MPI_Type_vector(1, 1, 2, MPI_INT, &every_other);
    MPI_Type_create_resized(every_other, 0, 8, &ft);
    MPI_Type_commit(&ft);
    IOT_OK(MPI_File_set_view(fh, 0, MPI_INT, ft, "native", MPI_INFO_NULL));
    int *buf = malloc(K * sizeof(int));
    int *in = malloc(K * sizeof(int));
    int torn = 0;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < K; i++) {
            buf[i] = rank * 1000 + round;
        }
        IOT_OK(MPI_File_write_at(fh, 0, buf, K, MPI_INT, MPI_STATUS_IGNORE));
        IOT_OK(MPI_File_read_at(fh, 0, in, K, MPI_INT, MPI_STATUS_IGNORE));
        for (int i = 1; i < K; i++) {
            if (in[i] != in[0]) {
                torn++;
                break;
            }
        }
    }
    if (atomic) {
        MPT_CHECK(torn == 0, "atomic: %d of %d reads saw a torn write", torn, ROUNDS);
    } else if (rank == 0 && getenv("IOTEST_SHOW_TORN") != NULL) {
        printf("without atomicity, %d of %d reads saw a torn write\n", torn, ROUNDS);
    }
    MPI_Type_free(&every_other);
    MPI_Type_free(&ft);
    free(buf);
    free(in);
    IOT_OK(MPI_File_close(&fh));
}

static int extent_fn(MPI_Datatype datatype, MPI_Aint *extent, void *extra)
{
    (void)extra;
    MPI_Aint lb;
    return MPI_Type_get_extent(datatype, &lb, extent);
}

static void hints_and_group(void)
{
    MPI_File fh;
    MPI_Info info, used;
    MPI_Info_create(&info);
    MPI_Info_set(info, "access_style", "read_once");
    IOT_OK(MPI_File_open(MPI_COMM_WORLD, iot_path("hints"),
                         MPI_MODE_RDWR | MPI_MODE_CREATE | MPI_MODE_DELETE_ON_CLOSE, info, &fh));
    MPI_Info_set(info, "striping_unit", "65536");
    IOT_OK(MPI_File_set_info(fh, info));
    MPI_Info_free(&info);
    IOT_OK(MPI_File_get_info(fh, &used));
    char value[MPI_MAX_INFO_VAL];
    int flag = 0;
    MPI_Info_get(used, "access_style", MPI_MAX_INFO_VAL - 1, value, &flag);
    MPT_CHECK(flag && strcmp(value, "read_once") == 0, "hint access_style lost");
    MPI_Info_get(used, "striping_unit", MPI_MAX_INFO_VAL - 1, value, &flag);
    MPT_CHECK(flag && strcmp(value, "65536") == 0, "hint striping_unit lost");
    MPI_Info_free(&used);
    MPI_Group g, wg;
    IOT_OK(MPI_File_get_group(fh, &g));
    MPI_Comm_group(MPI_COMM_WORLD, &wg);
    int cmp = -1;
    MPI_Group_compare(g, wg, &cmp);
    MPT_CHECK(cmp == MPI_IDENT, "the file's group is not MPI_COMM_WORLD's (%d)", cmp);
    MPI_Group_free(&g);
    MPI_Group_free(&wg);
    IOT_OK(MPI_File_close(&fh));
    /* Data representations: names are unique. */
    IOT_FAILS(MPI_Register_datarep("native", MPI_CONVERSION_FN_NULL, MPI_CONVERSION_FN_NULL,
                                   extent_fn, NULL),
              MPI_ERR_DUP_DATAREP);
    IOT_OK(MPI_Register_datarep("iotest", MPI_CONVERSION_FN_NULL, MPI_CONVERSION_FN_NULL, extent_fn,
                                NULL));
    IOT_FAILS(MPI_Register_datarep("iotest", MPI_CONVERSION_FN_NULL, MPI_CONVERSION_FN_NULL,
                                   extent_fn, NULL),
              MPI_ERR_DUP_DATAREP);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    iot_dir_create(MPI_COMM_WORLD);
    open_errors();
    access_errors();
    handlers();
    atomic_mode(1);
    atomic_mode(0); /* runs alike, checks nothing: IOTEST_SHOW_TORN=1 shows the need */
    hints_and_group();
    iot_dir_remove(MPI_COMM_WORLD);
    MPI_Finalize();
    return mpt_finish(rank);
}
