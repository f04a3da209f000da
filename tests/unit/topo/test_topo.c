/*
 * Unit tests of the topology arithmetic (core/topo.c): balanced dimensions against answers
 * computed by hand and by MPICH, ranks and coordinates of grids, shifts at periodic and
 * non-periodic edges, sub-grids, graph and distributed graph neighbour lists, copies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/topo.h"

#define PROC_NULL MPI_PROC_NULL

/* Fills dims (zeros, or the fixed entries of init) for nnodes and compares with want. */
static void dims_is(int nnodes, int ndims, const int *init, const int *want)
{
    int dims[8] = {0};
    if (init != NULL) {
        memcpy(dims, init, sizeof(int) * (size_t)ndims);
    }
    assert_int_equal(mp_topo_dims_create(nnodes, ndims, dims), MP_OK);
    for (int i = 0; i < ndims; i++) {
        if (dims[i] != want[i]) {
            fail_msg("dims_create(%d, %d): dims[%d] = %d, expected %d", nnodes, ndims, i, dims[i],
                     want[i]);
        }
    }
}

static void test_dims_create(void **state)
{
    (void)state;
    /* The standard's examples (MPI 4.1, 8.5.2). */
    dims_is(6, 2, NULL, (int[]){3, 2});
    dims_is(7, 2, NULL, (int[]){7, 1});
    dims_is(6, 3, (int[]){0, 3, 0}, (int[]){2, 3, 1});
    int bad[3] = {0, 3, 0};
    assert_int_equal(mp_topo_dims_create(7, 3, bad), MP_ERR_INVALID);
    assert_int_equal(bad[0], 0);
    assert_int_equal(bad[2], 0);
    /* Small process counts, 1 to 8. */
    dims_is(1, 2, NULL, (int[]){1, 1});
    dims_is(2, 2, NULL, (int[]){2, 1});
    dims_is(4, 2, NULL, (int[]){2, 2});
    dims_is(5, 3, NULL, (int[]){5, 1, 1});
    dims_is(8, 3, NULL, (int[]){2, 2, 2});
    dims_is(8, 2, NULL, (int[]){4, 2});
    dims_is(1, 1, NULL, (int[]){1});
    /* What MPICH answers (checked against it for every n <= 3000, ndims 2..6). */
    dims_is(24, 2, NULL, (int[]){6, 4});
    dims_is(24, 3, NULL, (int[]){4, 3, 2});
    dims_is(60, 4, NULL, (int[]){5, 3, 2, 2});
    dims_is(63, 4, NULL, (int[]){7, 3, 3, 1});
    dims_is(360, 3, NULL, (int[]){10, 6, 6});
    dims_is(5040, 3, NULL, (int[]){21, 16, 15});
    dims_is(100000, 4, NULL, (int[]){25, 20, 20, 10});
    dims_is(1000003, 3, NULL, (int[]){1000003, 1, 1});
    dims_is(18, 3, (int[]){0, 2, 0}, (int[]){3, 2, 3});
    /* Large values stay fast: a prime, and a number with many divisors. */
    dims_is(2147483647, 2, NULL, (int[]){2147483647, 1});
    dims_is(1 << 30, 2, NULL, (int[]){1 << 15, 1 << 15});
    /* All fixed: the product must be nnodes. */
    dims_is(12, 2, (int[]){3, 4}, (int[]){3, 4});
    int fixed[2] = {3, 5};
    assert_int_equal(mp_topo_dims_create(12, 2, fixed), MP_ERR_INVALID);
    /* More free dimensions than factors. */
    dims_is(4, 5, NULL, (int[]){2, 2, 1, 1, 1});
}

static void test_cart_coords_and_rank(void **state)
{
    (void)state;
    mp_topo_t *t = NULL;
    assert_int_equal(mp_topo_cart_create(3, (int[]){2, 3, 4}, (int[]){0, 1, 0}, 0, &t), MP_OK);
    assert_int_equal(mp_topo_cart_size(t->ndims, t->dims), 24);
    for (int r = 0; r < 24; r++) {
        int c[3];
        mp_topo_cart_coords(t, r, c);
        assert_int_equal(c[0], r / 12);
        assert_int_equal(c[1], (r / 4) % 3);
        assert_int_equal(c[2], r % 4);
        int back = -5;
        assert_int_equal(mp_topo_cart_rank(t, c, &back), MP_OK);
        assert_int_equal(back, r);
    }
    int r = -5;
    /* Periodic dimension 1 wraps, either way. */
    assert_int_equal(mp_topo_cart_rank(t, (int[]){1, -1, 2}, &r), MP_OK);
    assert_int_equal(r, 12 + 2 * 4 + 2);
    assert_int_equal(mp_topo_cart_rank(t, (int[]){0, 7, 0}, &r), MP_OK);
    assert_int_equal(r, 1 * 4);
    /* Non-periodic dimensions do not. */
    assert_int_equal(mp_topo_cart_rank(t, (int[]){2, 0, 0}, &r), MP_ERR_INVALID);
    assert_int_equal(mp_topo_cart_rank(t, (int[]){0, 0, -1}, &r), MP_ERR_INVALID);
    mp_topo_release(t);
}

static void test_cart_shift(void **state)
{
    (void)state;
    mp_topo_t *t = NULL;
    /* 4 x 3, periodic in dimension 0 only. */
    assert_int_equal(mp_topo_cart_create(2, (int[]){4, 3}, (int[]){1, 0}, 0, &t), MP_OK);
    int src, dst;
    mp_topo_cart_shift(t, 0, 0, 1, &src, &dst); /* (0,0) */
    assert_int_equal(src, 9);                   /* (3,0): wrapped */
    assert_int_equal(dst, 3);                   /* (1,0) */
    mp_topo_cart_shift(t, 0, 1, 1, &src, &dst);
    assert_int_equal(src, PROC_NULL); /* (0,-1): off the edge */
    assert_int_equal(dst, 1);
    mp_topo_cart_shift(t, 5, 1, 1, &src, &dst); /* (1,2) */
    assert_int_equal(src, 4);
    assert_int_equal(dst, PROC_NULL);
    mp_topo_cart_shift(t, 5, 1, -2, &src, &dst);
    assert_int_equal(src, PROC_NULL);
    assert_int_equal(dst, 3);
    mp_topo_cart_shift(t, 5, 0, 6, &src, &dst); /* 6 = 2 mod 4 */
    assert_int_equal(src, 11);                  /* (3,2) */
    assert_int_equal(dst, 11);
    mp_topo_cart_shift(t, 5, 0, 0, &src, &dst);
    assert_int_equal(src, 5);
    assert_int_equal(dst, 5);
    mp_topo_release(t);
}

static void test_cart_neighbors(void **state)
{
    (void)state;
    mp_topo_t *t = NULL;
    /* Rank 4 = (1,1) of a 3 x 2 grid, periodic in dimension 1 (of size 2). */
    assert_int_equal(mp_topo_cart_create(2, (int[]){3, 2}, (int[]){0, 1}, 3, &t), MP_OK);
    assert_int_equal(t->indegree, 4);
    assert_int_equal(t->outdegree, 4);
    int want[4] = {1, 5, 2, 2}; /* (0,1) (2,1); (1,0) (1,0) */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(t->in[i], want[i]);
        assert_int_equal(t->out[i], want[i]);
    }
    mp_topo_release(t);
    /* Rank 0 at the corner: the missing neighbours are PROC_NULL and keep their slots. */
    assert_int_equal(mp_topo_cart_create(2, (int[]){3, 2}, (int[]){0, 0}, 0, &t), MP_OK);
    int corner[4] = {PROC_NULL, 2, PROC_NULL, 1};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(t->in[i], corner[i]);
    }
    mp_topo_release(t);
    /* Zero dimensions: no neighbours. */
    assert_int_equal(mp_topo_cart_create(0, NULL, NULL, 0, &t), MP_OK);
    assert_int_equal(t->indegree, 0);
    mp_topo_release(t);
}

static void test_cart_sub(void **state)
{
    (void)state;
    mp_topo_t *t = NULL;
    /* A 2 x 3 x 4 grid, periodic in dimension 2. */
    assert_int_equal(mp_topo_cart_create(3, (int[]){2, 3, 4}, (int[]){0, 0, 1}, 0, &t), MP_OK);
    int color, key;
    /* Keep dimensions 0 and 2: rank 23 = (1,2,3) is in sub-grid 2 (its coordinate 1 is 2) at
     * rank 1*4+3. */
    mp_topo_cart_sub_split(t, 23, (int[]){1, 0, 1}, &color, &key);
    assert_int_equal(color, 2);
    assert_int_equal(key, 7);
    /* Keep dimension 1 only: colour from (c0, c2), key c1. */
    mp_topo_cart_sub_split(t, 17, (int[]){0, 1, 0}, &color, &key); /* (1,1,1) */
    assert_int_equal(color, 1 * 4 + 1);
    assert_int_equal(key, 1);
    /* Keep nothing: every process alone. */
    mp_topo_cart_sub_split(t, 17, (int[]){0, 0, 0}, &color, &key);
    assert_int_equal(color, 17);
    assert_int_equal(key, 0);
    mp_topo_t *sub = NULL;
    assert_int_equal(mp_topo_cart_sub_create(t, (int[]){1, 0, 1}, 7, &sub), MP_OK);
    assert_int_equal(sub->ndims, 2);
    assert_int_equal(sub->dims[0], 2);
    assert_int_equal(sub->dims[1], 4);
    assert_false(sub->period[0]);
    assert_true(sub->period[1]);
    /* Rank 7 = (1,3) of the 2 x 4 sub-grid: neighbours (0,3), none; (1,2), (1,0) wrapped. */
    int want[4] = {3, PROC_NULL, 6, 4};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(sub->in[i], want[i]);
    }
    mp_topo_release(sub);
    mp_topo_release(t);
}

static void test_graph(void **state)
{
    (void)state;
    /* The standard's example (MPI 4.1, 8.5.3): 4 nodes, 0-1 0-3 1-0 2-3 3-0 3-2. */
    int index[4] = {2, 3, 4, 6};
    int edges[6] = {1, 3, 0, 3, 0, 2};
    mp_topo_t *t = NULL;
    assert_int_equal(mp_topo_graph_create(4, index, edges, 3, &t), MP_OK);
    assert_int_equal(t->nnodes, 4);
    assert_int_equal(t->indegree, 2);
    assert_int_equal(t->in[0], 0);
    assert_int_equal(t->in[1], 2);
    int n;
    const int *nb;
    mp_topo_graph_neighbors(t, 0, &n, &nb);
    assert_int_equal(n, 2);
    assert_int_equal(nb[0], 1);
    assert_int_equal(nb[1], 3);
    mp_topo_graph_neighbors(t, 2, &n, &nb);
    assert_int_equal(n, 1);
    assert_int_equal(nb[0], 3);
    mp_topo_t *copy = NULL;
    assert_int_equal(mp_topo_dup(t, &copy), MP_OK);
    mp_topo_release(t);
    mp_topo_graph_neighbors(copy, 1, &n, &nb);
    assert_int_equal(n, 1);
    assert_int_equal(nb[0], 0);
    assert_int_equal(copy->out[1], 2);
    mp_topo_release(copy);
}

static void test_dist_graph(void **state)
{
    (void)state;
    mp_topo_t *t = NULL;
    int src[3] = {4, 1, 4};
    int sw[3] = {7, 8, 9};
    int dst[2] = {0, 2};
    assert_int_equal(mp_topo_dist_graph_create(3, src, sw, 2, dst, NULL, &t), MP_OK);
    assert_true(t->weighted);
    assert_int_equal(t->indegree, 3);
    assert_int_equal(t->outdegree, 2);
    assert_int_equal(t->in[2], 4);
    assert_int_equal(t->in_weights[1], 8);
    assert_int_equal(t->out[1], 2);
    mp_topo_t *copy = NULL;
    assert_int_equal(mp_topo_dup(t, &copy), MP_OK);
    mp_topo_release(t);
    assert_int_equal(copy->in_weights[2], 9);
    mp_topo_release(copy);
    assert_int_equal(mp_topo_dist_graph_create(0, NULL, NULL, 1, dst, NULL, &t), MP_OK);
    assert_false(t->weighted);
    assert_null(t->in_weights);
    assert_int_equal(t->out[0], 0);
    mp_topo_release(t);
    mp_topo_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dims_create), cmocka_unit_test(test_cart_coords_and_rank),
        cmocka_unit_test(test_cart_shift),  cmocka_unit_test(test_cart_neighbors),
        cmocka_unit_test(test_cart_sub),    cmocka_unit_test(test_graph),
        cmocka_unit_test(test_dist_graph),
    };
    return cmocka_run_group_tests_name("topology arithmetic", tests, NULL, NULL);
}
