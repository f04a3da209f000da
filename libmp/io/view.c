/*
 * Views of files: maps the data offsets of a view (its file type tiled from a displacement) to
 * runs of file bytes, using the flattened segments of the file type (core/datatype.h).
 */
#include "io/io.h"

/* The segment of dt that holds packed byte within (< dt->size) of one element: the last one
 * whose packed start is at or before it (segments are in packed order). */
static size_t find_seg(const mp_datatype_t *dt, size_t within)
{
    size_t lo = 0;
    size_t hi = dt->nsegs;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (dt->segs[mid].pstart <= within) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Where data offset off lies: tile, segment, block in the segment and byte in the block. */
typedef struct cursor {
    uint64_t tile;
    size_t seg;
    size_t block;
    size_t in_block;
} cursor_t;

static cursor_t locate(const mp_datatype_t *ft, uint64_t off)
{
    cursor_t c;
    c.tile = off / ft->size;
    size_t within = (size_t)(off % ft->size);
    c.seg = find_seg(ft, within);
    size_t in_seg = within - ft->segs[c.seg].pstart;
    c.block = in_seg / ft->segs[c.seg].len;
    c.in_block = in_seg % ft->segs[c.seg].len;
    return c;
}

static int64_t cursor_file_offset(const mp_io_view_t *view, const cursor_t *c)
{
    const mp_dt_seg_t *s = &view->filetype->segs[c->seg];
    return view->disp + (int64_t)c->tile * view->filetype->extent +
           mp_dt_seg_block_disp(s, c->block) + (int64_t)c->in_block;
}

int64_t mp_io_view_file_offset(const mp_io_view_t *view, uint64_t off)
{
    const mp_datatype_t *ft = view->filetype;
    if (ft->size == 0) {
        return view->disp;
    }
    cursor_t c = locate(ft, off);
    return cursor_file_offset(view, &c);
}

/* Whether the tiles of ft follow one another without holes: its data is one block that fills
 * its extent, so the whole view is one stream of file bytes. */
static bool is_dense(const mp_datatype_t *ft)
{
    const mp_dt_seg_t *s = &ft->segs[0];
    return ft->nsegs == 1 && s->nouter == 0 && (s->count == 1 || s->stride == (ptrdiff_t)s->len) &&
           ft->extent == (ptrdiff_t)ft->size;
}

/* The bytes from the cursor on that are consecutive in the file within its segment: the rest of
 * the block, or of the whole segment when its blocks touch (nested segments never do: their
 * touching levels were folded into the block). */
static size_t contiguous_from(const mp_dt_seg_t *s, const cursor_t *c)
{
    if (s->nouter == 0 && (s->count == 1 || s->stride == (ptrdiff_t)s->len)) {
        return (s->count - c->block) * s->len - c->in_block;
    }
    return s->len - c->in_block;
}

mp_status_t mp_io_view_map(const mp_io_view_t *view, uint64_t off, size_t len, mp_io_run_fn fn,
                           void *arg)
{
    const mp_datatype_t *ft = view->filetype;
    if (len == 0) {
        return MP_OK;
    }
    if (ft->size == 0 || ft->nsegs == 0) {
        return MP_ERR_INVALID;
    }
    if (is_dense(ft)) {
        return fn(view->disp + ft->segs[0].disp + (int64_t)off, len, 0, arg);
    }
    cursor_t c = locate(ft, off);
    /* A run waiting to be handed out, so that blocks that touch in the file go out as one. */
    int64_t run_off = 0;
    size_t run_len = 0;
    size_t run_buf = 0;
    size_t done = 0;
    while (done < len) {
        const mp_dt_seg_t *s = &ft->segs[c.seg];
        size_t n = contiguous_from(s, &c);
        if (n > len - done) {
            n = len - done;
        }
        int64_t at = cursor_file_offset(view, &c);
        if (run_len > 0 && run_off + (int64_t)run_len == at) {
            run_len += n;
        } else {
            if (run_len > 0) {
                mp_status_t st = fn(run_off, run_len, run_buf, arg);
                if (st != MP_OK) {
                    return st;
                }
            }
            run_off = at;
            run_len = n;
            run_buf = done;
        }
        done += n;
        /* Step past the n bytes: within the segment, then to the next segment or tile. */
        c.block += (c.in_block + n) / s->len;
        c.in_block = (c.in_block + n) % s->len;
        if (c.block == mp_dt_seg_blocks(s)) {
            c.block = 0;
            if (++c.seg == ft->nsegs) {
                c.seg = 0;
                c.tile++;
            }
        }
    }
    return fn(run_off, run_len, run_buf, arg);
}

bool mp_io_filetype_is_monotonic(const mp_datatype_t *filetype)
{
    int64_t end = 0; /* the first byte after the blocks seen so far */
    for (size_t i = 0; i < filetype->nsegs; i++) {
        const mp_dt_seg_t *s = &filetype->segs[i];
        if (s->disp < end) {
            return false;
        }
        /* Each level's copies start after the whole pattern below them ends. */
        int64_t span = (int64_t)s->len;
        for (size_t l = 0; l <= s->nouter; l++) {
            if (s->lev[l].count > 1 && s->lev[l].stride < span) {
                return false;
            }
            span += (int64_t)(s->lev[l].count - 1) * s->lev[l].stride;
        }
        end = s->disp + span;
    }
    /* Tiles follow one another at the extent: one tile's blocks end before the next one's begin. */
    return filetype->nsegs == 0 ||
           (filetype->extent > 0 && end <= filetype->extent + filetype->segs[0].disp);
}

uint64_t mp_io_view_data_before(const mp_io_view_t *view, int64_t file_off)
{
    const mp_datatype_t *ft = view->filetype;
    if (file_off <= view->disp || ft->size == 0 || ft->extent <= 0) {
        return 0;
    }
    int64_t rel = file_off - view->disp;
    uint64_t tiles = (uint64_t)(rel / ft->extent);
    int64_t rem = rel % ft->extent;
    uint64_t data = tiles * ft->size;
    /* The blocks of the partial tile that start before rem, the last one perhaps cut. */
    for (size_t i = 0; i < ft->nsegs; i++) {
        const mp_dt_seg_t *s = &ft->segs[i];
        size_t blocks = mp_dt_seg_blocks(s);
        for (size_t b = 0; b < blocks; b++) {
            int64_t start = mp_dt_seg_block_disp(s, b);
            if (start >= rem) {
                return data;
            }
            int64_t end = start + (int64_t)s->len;
            data += (uint64_t)((end <= rem ? end : rem) - start);
        }
    }
    return data;
}
