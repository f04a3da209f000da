/*
 * Unit tests of MPI-IO views (libmp/io/view.c, posix.c): data offsets of a view mapped to runs of
 * file bytes for nested file types tiled from a displacement, checked byte by byte against
 * hand-computed layouts for every range; merging of adjacent blocks; byte offsets; the data
 * before a file offset (MPI_SEEK_END); the monotonic-filetype rule; and writes and reads through a
 * view with holes in a real file (posix.c: data sieving keeps the holes, reads stop at the end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "io/io.h"

static const mp_datatype_t *dt_int;

static int setup(void **state)
{
    (void)state;
    dt_int = mp_datatype_predefined((uintptr_t)MPI_INT);
    return dt_int != NULL ? 0 : -1;
}

/* The file offsets of one tile's data bytes, in order, from runs {off, len}. */
typedef struct layout {
    int64_t offs[256];
    size_t n;
} layout_t;

static void add_run(layout_t *l, int64_t off, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        l->offs[l->n++] = off + (int64_t)i;
    }
}

/* What the runs of one walk say: the file offset of each data byte, and the runs themselves. */
typedef struct walk {
    int64_t *byte_at; /* by buffer offset */
    size_t len;
    size_t nruns;
    int64_t last_end; /* file end of the previous run */
    size_t next_buf;  /* runs come in buffer order, without gaps */
    bool adjacent;    /* two consecutive runs touched: they should have been merged */
} walk_t;

static mp_status_t record(int64_t file_off, size_t len, size_t buf_off, void *arg)
{
    walk_t *w = arg;
    assert_int_equal(buf_off, w->next_buf);
    assert_true(buf_off + len <= w->len);
    if (w->nruns > 0 && w->last_end == file_off) {
        w->adjacent = true;
    }
    for (size_t i = 0; i < len; i++) {
        w->byte_at[buf_off + i] = file_off + (int64_t)i;
    }
    w->nruns++;
    w->last_end = file_off + (int64_t)len;
    w->next_buf = buf_off + len;
    return MP_OK;
}

/* Maps every range [off, off + len) within tiles tiles of view and compares each byte with the
 * layout; checks byte offsets and the data before each file offset as well. */
static void check_view(const mp_io_view_t *view, const layout_t *l, size_t tiles)
{
    const mp_datatype_t *ft = view->filetype;
    assert_int_equal(ft->size, l->n);
    size_t total = l->n * tiles;
    int64_t *expect = malloc(total * sizeof(*expect));
    int64_t *got = malloc(total * sizeof(*got));
    for (size_t t = 0; t < tiles; t++) {
        for (size_t k = 0; k < l->n; k++) {
            expect[t * l->n + k] = view->disp + (int64_t)t * ft->extent + l->offs[k];
        }
    }
    for (size_t off = 0; off < total; off++) {
        assert_int_equal(mp_io_view_file_offset(view, off), expect[off]);
        for (size_t len = 1; off + len <= total; len += (len < 8 ? 1 : 7)) {
            walk_t w = {.byte_at = got, .len = len};
            assert_int_equal(mp_io_view_map(view, off, len, record, &w), MP_OK);
            assert_int_equal(w.next_buf, len);
            assert_false(w.adjacent);
            for (size_t i = 0; i < len; i++) {
                assert_int_equal(got[i], expect[off + i]);
            }
        }
    }
    /* The data before file offset f: the bytes whose offset is below f. */
    for (int64_t f = 0; f <= expect[total - 1] + 1; f++) {
        uint64_t below = 0;
        while (below < total && expect[below] < f) {
            below++;
        }
        assert_int_equal(mp_io_view_data_before(view, f), below);
    }
    free(expect);
    free(got);
}

/* A vector of two ints 12 bytes apart, three of them 40 bytes apart, resized to 128 bytes,
 * from a displacement of 100. */
static void test_nested(void **state)
{
    (void)state;
    mp_datatype_t *inner = NULL, *outer = NULL, *ft = NULL;
    assert_int_equal(mp_datatype_create_hvector(2, 1, 12, dt_int, &inner), MP_OK);
    assert_int_equal(mp_datatype_create_hvector(3, 1, 40, inner, &outer), MP_OK);
    assert_int_equal(mp_datatype_create_resized(outer, 0, 128, &ft), MP_OK);
    layout_t l = {.n = 0};
    for (int b = 0; b < 3; b++) {
        add_run(&l, 40 * b, 4);
        add_run(&l, 40 * b + 12, 4);
    }
    assert_true(mp_io_filetype_is_monotonic(ft));
    mp_io_view_t view = {.disp = 100, .filetype = ft};
    check_view(&view, &l, 3);
    /* Without the resize, the extent (96) still leaves the next tile after the last block. */
    assert_true(mp_io_filetype_is_monotonic(outer));
    mp_datatype_t *tight = NULL;
    assert_int_equal(mp_datatype_create_resized(outer, 0, 50, &tight), MP_OK);
    assert_false(mp_io_filetype_is_monotonic(tight)); /* tiles would overlap */
    mp_datatype_release(tight);
    /* Nested levels whose copies overlap the pattern below them are not monotonic. */
    mp_datatype_t *back = NULL;
    assert_int_equal(mp_datatype_create_hvector(3, 1, 6, inner, &back), MP_OK);
    assert_false(mp_io_filetype_is_monotonic(back));
    mp_datatype_release(back);
    mp_datatype_release(ft);
    mp_datatype_release(outer);
    mp_datatype_release(inner);

    /* A 3-d subarray (one nested segment): ints {1..2} x {0..1} x {2..3} of a 3x4x5 array. */
    size_t sizes[3] = {3, 4, 5};
    size_t nruns[3] = {1, 1, 1};
    mp_dt_index_run_t r0 = {1, 2}, r1 = {0, 2}, r2 = {2, 2};
    const mp_dt_index_run_t *runs[3] = {&r0, &r1, &r2};
    mp_datatype_t *grid = NULL;
    assert_int_equal(mp_datatype_create_grid(3, sizes, nruns, runs, dt_int, &grid), MP_OK);
    assert_int_equal(grid->nsegs, 1);
    layout_t g = {.n = 0};
    for (int i = 1; i <= 2; i++) {
        for (int j = 0; j <= 1; j++) {
            add_run(&g, ((i * 4 + j) * 5 + 2) * 4, 8);
        }
    }
    assert_true(mp_io_filetype_is_monotonic(grid));
    mp_io_view_t gview = {.disp = 12, .filetype = grid};
    check_view(&gview, &g, 2);
    mp_datatype_release(grid);
}

/* Blocks of a struct at increasing displacements, one with a leading hole (lb 0, first block at
 * 8), and blocks that touch: they come out merged. */
static void test_blocks_merge(void **state)
{
    (void)state;
    size_t lens[3] = {2, 1, 3};
    ptrdiff_t disps[3] = {8, 16, 20}; /* ints 8..15, 16..19 touch; 20.. touches too */
    const mp_datatype_t *types[1] = {dt_int};
    mp_datatype_t *blocks = NULL, *ft = NULL;
    assert_int_equal(mp_datatype_create_blocks(3, lens, disps, types, true, false, &blocks), MP_OK);
    assert_int_equal(mp_datatype_create_resized(blocks, 0, 64, &ft), MP_OK);
    layout_t l = {.n = 0};
    add_run(&l, 8, 24);
    mp_io_view_t view = {.disp = 4, .filetype = ft};
    check_view(&view, &l, 4);
    /* One tile's data is one run. */
    walk_t w = {.byte_at = calloc(24, sizeof(int64_t)), .len = 24};
    assert_int_equal(mp_io_view_map(&view, 0, 24, record, &w), MP_OK);
    assert_int_equal(w.nruns, 1);
    free(w.byte_at);
    mp_datatype_release(ft);
    mp_datatype_release(blocks);
}

/* A lower bound above the data (an int resized to lb 4, extent 12): tiles start extent apart
 * from the displacement, and the int sits at its own displacement 0 in each, as MPI-IO
 * implementations place it. */
static void test_resized_lb(void **state)
{
    (void)state;
    mp_datatype_t *ft = NULL;
    assert_int_equal(mp_datatype_create_resized(dt_int, 4, 12, &ft), MP_OK);
    assert_true(mp_io_filetype_is_monotonic(ft));
    layout_t l = {.n = 0};
    add_run(&l, 0, 4);
    mp_io_view_t view = {.disp = 0, .filetype = ft};
    check_view(&view, &l, 5);
    mp_datatype_release(ft);
}

/* A contiguous view (ints one after another): any range is a single run. */
static void test_contiguous(void **state)
{
    (void)state;
    mp_io_view_t view = {.disp = 7, .filetype = dt_int};
    walk_t w = {.byte_at = calloc(4000, sizeof(int64_t)), .len = 3999};
    assert_int_equal(mp_io_view_map(&view, 1, 3999, record, &w), MP_OK);
    assert_int_equal(w.nruns, 1);
    assert_int_equal(w.byte_at[0], 8);
    assert_int_equal(mp_io_view_data_before(&view, 107), 100);
    free(w.byte_at);
}

/* Blocks that go backwards, or a type without data. */
static void test_refused(void **state)
{
    (void)state;
    size_t lens[2] = {1, 1};
    ptrdiff_t back[2] = {8, 0};
    const mp_datatype_t *types[1] = {dt_int};
    mp_datatype_t *ft = NULL;
    assert_int_equal(mp_datatype_create_blocks(2, lens, back, types, true, false, &ft), MP_OK);
    assert_false(mp_io_filetype_is_monotonic(ft));
    mp_datatype_release(ft);
    mp_datatype_t *empty = NULL;
    assert_int_equal(mp_datatype_create_hvector(0, 1, 4, dt_int, &empty), MP_OK);
    mp_io_view_t view = {.disp = 0, .filetype = empty};
    walk_t w = {.byte_at = NULL, .len = 0};
    assert_int_equal(mp_io_view_map(&view, 0, 4, record, &w), MP_ERR_INVALID);
    assert_int_equal(mp_io_view_map(&view, 0, 0, record, &w), MP_OK);
    assert_int_equal(mp_io_view_data_before(&view, 100), 0);
    mp_datatype_release(empty);
}

/* Writes and reads through a view with holes in a real file (posix.c): the sieved write keeps
 * the bytes in the holes, and reads past the end of the file return what is there. */
static void test_file_access(void **state)
{
    (void)state;
    char path[] = "/tmp/mp-test-view-XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    close(tmp);
    int fd = -1;
    mp_io_open_mode_t mode = {.read = true, .write = true};
    assert_int_equal(mp_io_file_open(path, &mode, &fd), MP_OK);
    unlink(path); /* nothing stays behind, whatever fails below */
    unsigned char old[4096];
    memset(old, 0xaa, sizeof(old));
    assert_int_equal(pwrite(fd, old, sizeof(old), 0), (ssize_t)sizeof(old));
    /* 4 bytes of every 16, from byte 8: a span of 16 * count, sieved. */
    mp_datatype_t *blk = NULL, *ft = NULL;
    assert_int_equal(
        mp_datatype_create_hvector(1, 4, 1, mp_datatype_predefined((uintptr_t)MPI_BYTE), &blk),
        MP_OK);
    assert_int_equal(mp_datatype_create_resized(blk, 0, 16, &ft), MP_OK);
    mp_io_view_t view = {.disp = 8, .filetype = ft};
    unsigned char data[1024];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)i;
    }
    for (int atomic = 0; atomic < 2; atomic++) {
        assert_int_equal(mp_io_view_write(fd, &view, 0, data, sizeof(data), atomic), MP_OK);
        unsigned char now[4200];
        ssize_t n = pread(fd, now, sizeof(now), 0);
        assert_int_equal(n, (ssize_t)sizeof(old)); /* the write ends inside the old data */
        for (ssize_t b = 0; b < n; b++) {
            bool in_data = b >= 8 && (b - 8) % 16 < 4;
            unsigned char want = in_data ? (unsigned char)((b - 8) / 16 * 4 + (b - 8) % 16) : 0xaa;
            assert_int_equal(now[b], want);
        }
        /* From data byte 1000 on, 24 bytes exist; more are asked for. */
        unsigned char back[100];
        size_t done = 0;
        assert_int_equal(mp_io_view_read(fd, &view, 1000, back, sizeof(back), atomic, &done),
                         MP_OK);
        assert_int_equal(done, 24);
        assert_memory_equal(back, data + 1000, 24);
    }
    assert_int_equal(mp_io_file_close(fd), MP_OK);
    mp_datatype_release(ft);
    mp_datatype_release(blk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested),     cmocka_unit_test(test_blocks_merge),
        cmocka_unit_test(test_resized_lb), cmocka_unit_test(test_contiguous),
        cmocka_unit_test(test_refused),    cmocka_unit_test(test_file_access),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
