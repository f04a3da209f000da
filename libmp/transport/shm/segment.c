/*
 * The shm segments in /dev/shm: the owner creates and lays out its own; peers map it after
 * checking that it is what they expect, so that a stale or foreign segment fails loudly.
 */
#define _GNU_SOURCE
#include "transport/shm/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

/* The longest job id that goes into a name as it is; a longer one is cut and given a hash so
 * that the name stays under NAME_MAX and still differs from other jobs'. */
#define JOB_ID_MAX_IN_NAME 200

size_t mp_shm_segment_size(int nrings)
{
    return mp_shm_segment_rings_offset(nrings) +
           (size_t)nrings * mp_shm_ring_size(mp_shm_ring_cells(nrings));
}

/* FNV-1a: a short, stable fingerprint of a long job id. */
static uint64_t hash_string(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    }
    return h;
}

void mp_shm_segment_name(char *name, const char *job_id, int local_rank)
{
    char id[JOB_ID_MAX_IN_NAME + 1];
    if (strlen(job_id) <= JOB_ID_MAX_IN_NAME) {
        snprintf(id, sizeof(id), "%s", job_id);
    } else {
        snprintf(id, sizeof(id), "%.*s-%016" PRIx64, JOB_ID_MAX_IN_NAME - 17, job_id,
                 hash_string(job_id));
    }
    for (char *c = id; *c != '\0'; c++) {
        if (*c == '/') {
            *c = '_';
        }
    }
    snprintf(name, MP_SHM_NAME_MAX, "/libmp.%s.%d", id, local_rank);
}

static void layout(unsigned char *base, size_t size, int nrings)
{
    mp_shm_seg_hdr_t *hdr = (mp_shm_seg_hdr_t *)base;
    hdr->magic = MP_SHM_MAGIC;
    hdr->version = MP_SHM_VERSION;
    hdr->nrings = (uint32_t)nrings;
    uint32_t cells = mp_shm_ring_cells(nrings);
    hdr->ncells = cells;
    hdr->cell_size = MP_SHM_CELL_SIZE;
    hdr->size = size;
    /* Relaxed, like the rest of the layout: the wire-up fence publishes it. */
    atomic_store_explicit(&hdr->nmapped, 0, memory_order_relaxed);
    mp_shm_ctl_t *ctl = (mp_shm_ctl_t *)(base + MP_SHM_SEG_CTL_OFFSET);
    atomic_store_explicit(&ctl->sleeping, 0, memory_order_relaxed);
    atomic_store_explicit(&ctl->doorbell, 0, memory_order_relaxed);
    /* The pages are new and zero already; the node memory's contract says so explicitly. */
    memset(base + MP_SHM_SEG_NODE_OFFSET, 0, mp_tl_node_area_size(nrings + 1));
    for (int i = 0; i < nrings; i++) {
        mp_shm_ring_init(base + mp_shm_segment_rings_offset(nrings) +
                             (size_t)i * mp_shm_ring_size(cells),
                         cells);
    }
}

mp_status_t mp_shm_segment_create(const char *name, int nrings, mp_shm_segment_t *seg_p)
{
    size_t size = mp_shm_segment_size(nrings);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            mp_log_error("shm: cannot create /dev/shm%s: it exists already, probably left by a "
                         "crashed job with the same id; remove it",
                         name);
        } else {
            mp_log_error("shm: shm_open(%s) failed: %s", name, strerror(errno));
        }
        return MP_ERR_SYSCALL;
    }
    /* Reserving every page now turns a full /dev/shm into an error here rather than a SIGBUS
     * at the first packet that touches a missing page. */
    int rc = posix_fallocate(fd, 0, (off_t)size);
    if (rc != 0) {
        mp_log_error("shm: cannot reserve %zu bytes for /dev/shm%s: %s (is /dev/shm large "
                     "enough? containers may need e.g. docker run --shm-size)",
                     size, name, strerror(rc));
        goto err_unlink;
    }
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        mp_log_error("shm: mmap of %zu bytes of /dev/shm%s failed: %s", size, name,
                     strerror(errno));
        goto err_unlink;
    }
    close(fd);
    layout(base, size, nrings);
    snprintf(seg_p->name, sizeof(seg_p->name), "%s", name);
    seg_p->base = base;
    seg_p->size = size;
    return MP_OK;

err_unlink:
    close(fd);
    shm_unlink(name);
    return MP_ERR_SYSCALL;
}

/* The checks of a peer's segment header: each mismatch names both values. */
static mp_status_t check_header(const mp_shm_seg_hdr_t *hdr, const char *name, int peer, int nrings,
                                size_t size, size_t mapped)
{
    if (hdr->magic != MP_SHM_MAGIC) {
        mp_log_error("shm: the segment /dev/shm%s of rank %d has magic 0x%016" PRIx64
                     ", expected 0x%016" PRIx64 ": it is not a libmp segment",
                     name, peer, hdr->magic, (uint64_t)MP_SHM_MAGIC);
        return MP_ERR_PEER;
    }
    if (hdr->version != MP_SHM_VERSION) {
        mp_log_error("shm: the segment /dev/shm%s of rank %d has version %" PRIu32
                     ", this libmp has version %u: run every rank with the same libmp",
                     name, peer, hdr->version, MP_SHM_VERSION);
        return MP_ERR_PEER;
    }
    if (hdr->ncells != mp_shm_ring_cells(nrings) || hdr->cell_size != MP_SHM_CELL_SIZE ||
        hdr->nrings != (uint32_t)nrings || hdr->size != size || mapped != size) {
        mp_log_error("shm: the segment /dev/shm%s of rank %d has %" PRIu32 " rings of %" PRIu32
                     " cells of %" PRIu32 " bytes (%zu bytes), expected %d rings of %d "
                     "cells of %d bytes (%zu bytes): run every rank with the same libmp",
                     name, peer, hdr->nrings, hdr->ncells, hdr->cell_size, mapped, nrings,
                     (int)mp_shm_ring_cells(nrings), (int)MP_SHM_CELL_SIZE, size);
        return MP_ERR_PEER;
    }
    return MP_OK;
}

mp_status_t mp_shm_segment_open(const char *name, int nrings, int peer, mp_shm_segment_t *seg_p)
{
    size_t size = mp_shm_segment_size(nrings);
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) {
        mp_log_error("shm: cannot open the segment /dev/shm%s of rank %d: %s", name, peer,
                     strerror(errno));
        return MP_ERR_SYSCALL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        mp_log_error("shm: fstat of /dev/shm%s failed: %s", name, strerror(errno));
        close(fd);
        return MP_ERR_SYSCALL;
    }
    /* Mapped at the size the file has, so that the magic and version are checked before the
     * layout, whatever a foreign file's size. */
    size_t mapped = (size_t)st.st_size;
    if (mapped < sizeof(mp_shm_seg_hdr_t)) {
        mp_log_error("shm: the segment /dev/shm%s of rank %d is %zu bytes, too small for a libmp "
                     "segment",
                     name, peer, mapped);
        close(fd);
        return MP_ERR_PEER;
    }
    void *base = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        mp_log_error("shm: mmap of the segment /dev/shm%s of rank %d failed: %s", name, peer,
                     strerror(errno));
        return MP_ERR_SYSCALL;
    }
    mp_status_t status = check_header(base, name, peer, nrings, size, mapped);
    if (status != MP_OK) {
        munmap(base, mapped);
        return status;
    }
    snprintf(seg_p->name, sizeof(seg_p->name), "%s", name);
    seg_p->base = base;
    seg_p->size = size;
    return MP_OK;
}

void mp_shm_segment_close(mp_shm_segment_t *seg)
{
    if (seg->base != NULL) {
        munmap(seg->base, seg->size);
        seg->base = NULL;
    }
}

void mp_shm_segment_unlink(const char *name)
{
    if (shm_unlink(name) != 0 && errno != ENOENT) {
        mp_log_error("shm: shm_unlink(%s) failed: %s", name, strerror(errno));
    }
}
