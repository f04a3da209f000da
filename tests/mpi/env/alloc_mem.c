/*
 * MPI_Alloc_mem and MPI_Free_mem: blocks of every size (0 B to 1 MiB) are cache-line aligned
 * (or aligned as the mpi_minimum_memory_alignment hint asks; bad hints are ignored), hold what is
 * written to them, and carry messages around a ring; a thousand blocks freed in a shuffled order;
 * errors under MPI_ERRORS_RETURN (negative size, NULL baseptr, a bad info, freeing memory that
 * MPI_Alloc_mem did not give or gave and took back). Also MPI_Pcontrol at every level and
 * MPI_Comm_get_parent (no libmp process is spawned: MPI_COMM_NULL).
 */
#include <stdint.h>

#include "../attr/attrtest.h"

#define NBLOCKS 1000

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)(seed * 131u + i * 7u + 1u);
    }
}

static size_t first_bad(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != (unsigned char)(seed * 131u + i * 7u + 1u)) {
            return i;
        }
    }
    return n;
}

/* Blocks of each size around the ring: rank r sends a block filled for r to r + 1. */
static void ring(int rank, int size)
{
    static const MPI_Aint sizes[] = {0, 1, 7, 64, 4096, 65537, 1 << 20};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        unsigned char *s = NULL, *r = NULL;
        AT_MPI(MPI_Alloc_mem(sizes[k], MPI_INFO_NULL, &s));
        AT_MPI(MPI_Alloc_mem(sizes[k], MPI_INFO_NULL, &r));
        if (s == NULL || r == NULL) {
            MPT_CHECK(0, "MPI_Alloc_mem(%ld) gave NULL", (long)sizes[k]);
            return;
        }
        MPT_CHECK(s != r, "two blocks of %ld bytes at the same address", (long)sizes[k]);
        MPT_CHECK((uintptr_t)s % 64 == 0 && (uintptr_t)r % 64 == 0,
                  "blocks of %ld bytes at %p and %p are not 64-byte aligned", (long)sizes[k],
                  (void *)s, (void *)r);
        fill(s, (size_t)sizes[k], (unsigned)rank + (unsigned)k);
        int n = (int)sizes[k];
        MPI_Status st;
        AT_MPI(MPI_Sendrecv(s, n, MPI_BYTE, (rank + 1) % size, (int)k, r, n, MPI_BYTE,
                            (rank + size - 1) % size, (int)k, MPI_COMM_WORLD, &st));
        unsigned from = (unsigned)((rank + size - 1) % size);
        size_t bad = first_bad(r, (size_t)n, from + (unsigned)k);
        MPT_CHECK(bad == (size_t)n, "%d-byte block from rank %u: byte %zu is wrong", n, from, bad);
        AT_MPI(MPI_Free_mem(s));
        AT_MPI(MPI_Free_mem(r));
    }
}

/* The alignment hint: powers of two are honoured, anything else is ignored. */
static void hints(void)
{
    static const struct {
        const char *value;
        uintptr_t align;
    } cases[] = {{"4096", 4096}, {"128", 128}, {"8", 64}, {"3", 64}, {"abc", 64}, {"-64", 64}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        MPI_Info info;
        AT_MPI(MPI_Info_create(&info));
        AT_MPI(MPI_Info_set(info, "mpi_minimum_memory_alignment", cases[k].value));
        void *p = NULL;
        AT_MPI(MPI_Alloc_mem(1000, info, &p));
        MPT_CHECK(p != NULL && (uintptr_t)p % cases[k].align == 0,
                  "hint \"%s\": block at %p, expected a multiple of %lu", cases[k].value, p,
                  (unsigned long)cases[k].align);
        if (p != NULL) {
            fill(p, 1000, 9);
            MPT_CHECK(first_bad(p, 1000, 9) == 1000, "hint \"%s\": block lost data",
                      cases[k].value);
        }
        AT_MPI(MPI_Free_mem(p));
        AT_MPI(MPI_Info_free(&info));
    }
}

/* Many live blocks, each tagged with its index, freed in a shuffled order. */
static void many(void)
{
    static unsigned char *blocks[NBLOCKS];
    static int order[NBLOCKS];
    for (int i = 0; i < NBLOCKS; i++) {
        AT_MPI(MPI_Alloc_mem(16 + i % 100, MPI_INFO_NULL, &blocks[i]));
        fill(blocks[i], 16 + (size_t)(i % 100), (unsigned)i);
        order[i] = i;
    }
    unsigned x = 12345;
    for (int i = NBLOCKS - 1; i > 0; i--) {
        x = x * 1103515245u + 12345u;
        int j = (int)((x >> 8) % (unsigned)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < NBLOCKS; k++) {
        int i = order[k];
        size_t n = 16 + (size_t)(i % 100);
        MPT_CHECK(first_bad(blocks[i], n, (unsigned)i) == n, "block %d was overwritten", i);
        AT_MPI(MPI_Free_mem(blocks[i]));
    }
}

static void errors(void)
{
    void *p = NULL;
    int on_stack = 0;
    MPI_Info info;

    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Alloc_mem(-1, MPI_INFO_NULL, &p));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Alloc_mem(8, MPI_INFO_NULL, NULL));
    /* A handle that is no info object: the address of an ordinary int. */
    int not_info = 0;
    info = (MPI_Info)(void *)&not_info;
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Alloc_mem(8, info, &p));
    AT_MPI_FAILS(MPI_ERR_BASE, MPI_Free_mem(&on_stack));
    AT_MPI(MPI_Alloc_mem(8, MPI_INFO_NULL, &p));
    AT_MPI_FAILS(MPI_ERR_BASE, MPI_Free_mem((char *)p + 1));
    AT_MPI(MPI_Free_mem(p));
    AT_MPI_FAILS(MPI_ERR_BASE, MPI_Free_mem(p));
    AT_MPI(MPI_Free_mem(NULL));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Comm parent = MPI_COMM_WORLD;

    AT_MPI(MPI_Init(&argc, &argv));
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    /* Calls without a communicator raise their errors on MPI_COMM_SELF. */
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));

    ring(rank, size);
    hints();
    many();
    errors();
    AT_MPI(MPI_Pcontrol(0));
    AT_MPI(MPI_Pcontrol(1));
    AT_MPI(MPI_Pcontrol(2, "extra", 3));
    AT_MPI(MPI_Comm_get_parent(&parent));
    MPT_CHECK(parent == MPI_COMM_NULL, "MPI_Comm_get_parent gave %p, not MPI_COMM_NULL",
              (void *)parent);

    AT_MPI(MPI_Finalize());
    return mpt_finish(rank);
}
