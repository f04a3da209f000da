/*
 * Communicator and group objects in isolation (cmocka): the predefined ones, membership and
 * comparison of groups, the table of free context ids, and the reference counting that
 * returns a freed communicator's id only when its last reference goes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/comm.h"
#include "core/group.h"

static mp_comm_t world, self;

static bool pair_is_free(uint32_t context_id)
{
    uint64_t mask[MP_COMM_CTX_WORDS];
    mp_comm_ctx_free_mask(mask);
    uint32_t pair = context_id / 2;
    return (mask[pair / 64] >> (pair % 64)) & 1;
}

static int setup(void **state)
{
    (void)state;
    return mp_comm_world_init(&world, &self, 2, 5) == MP_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mp_comm_world_fini(&world, &self);
    return 0;
}

static void test_predefined(void **state)
{
    (void)state;
    assert_int_equal(world.rank, 2);
    assert_int_equal(world.size, 5);
    assert_int_equal(world.context_id, 0);
    assert_null(world.world_ranks); /* the identity: pt2pt's fast path */
    assert_int_equal(self.rank, 0);
    assert_int_equal(self.size, 1);
    assert_int_equal(self.context_id, 2);
    assert_int_equal(mp_comm_world_rank(&self, 0), 2);
    assert_int_equal(world.group->rank, 2);
    assert_int_equal(self.group->world_ranks[0], 2);
    assert_false(pair_is_free(0));
    assert_false(pair_is_free(2));
    assert_false(pair_is_free(MP_COMM_CTX_PORTS)); /* the hidden port communicator */
    assert_false(pair_is_free(MP_COMM_CTX_LINK));  /* the links to other jobs */
    assert_true(pair_is_free(8));
    assert_true(pair_is_free(2 * (MP_COMM_CTX_PAIRS - 1)));
}

static void test_groups(void **state)
{
    (void)state;
    const int pick[] = {4, 2, 0};
    mp_group_t *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(mp_group_incl(world.group, 3, pick, &a), MP_OK);
    assert_int_equal(a->size, 3);
    assert_int_equal(a->rank, 1); /* job rank 2 is second */
    assert_int_equal(mp_group_rank_of(a, 0), 2);
    assert_int_equal(mp_group_rank_of(a, 3), -1);
    const int same[] = {0, 2, 4};
    assert_int_equal(mp_group_incl(world.group, 3, same, &b), MP_OK);
    assert_false(mp_group_is_ident(a, b));
    assert_true(mp_group_is_similar(a, b));
    assert_int_equal(mp_group_incl(a, 3, (const int[]){2, 1, 0}, &c), MP_OK);
    assert_true(mp_group_is_ident(b, c));
    const int other[] = {1};
    mp_group_t *d = NULL;
    assert_int_equal(mp_group_incl(world.group, 1, other, &d), MP_OK);
    assert_int_equal(d->rank, -1);
    assert_false(mp_group_is_similar(a, d));
    assert_true(mp_group_is_ident(&mp_group_empty, &mp_group_empty));
    mp_group_release(a);
    mp_group_release(b);
    mp_group_release(c);
    mp_group_release(d);
    mp_group_release(&mp_group_empty); /* predefined: never freed */
    assert_int_equal(mp_group_empty.magic, MP_GROUP_MAGIC);
}

static void test_lifetime(void **state)
{
    (void)state;
    mp_comm_t *c = NULL;
    mp_comm_ctx_take(8);
    assert_false(pair_is_free(8));
    assert_int_equal(mp_comm_create(world.group, NULL, 8, &c), MP_OK);
    assert_int_equal(c->rank, 2);
    assert_int_equal(c->size, 5);
    assert_ptr_equal(c->world_ranks, world.group->world_ranks);
    assert_int_equal(world.group->refcount, 2);
    mp_comm_retain(c); /* a pending request */
    c->freed = true;   /* MPI_Comm_free */
    mp_comm_unref(c);
    assert_false(pair_is_free(8)); /* the request still holds it */
    mp_comm_unref(c);
    assert_true(pair_is_free(8));
    assert_int_equal(world.group->refcount, 1);
}

static void test_intercomm_ranks(void **state)
{
    (void)state;
    mp_group_t *local = NULL, *remote = NULL;
    assert_int_equal(mp_group_incl(world.group, 2, (const int[]){2, 3}, &local), MP_OK);
    assert_int_equal(mp_group_incl(world.group, 3, (const int[]){4, 0, 1}, &remote), MP_OK);
    mp_comm_t *c = NULL;
    mp_comm_ctx_take(10);
    assert_int_equal(mp_comm_create(local, remote, 10, &c), MP_OK);
    assert_true(c->is_inter);
    assert_int_equal(c->rank, 0);
    assert_int_equal(c->size, 2);
    assert_int_equal(mp_comm_peer_size(c), 3);
    /* Point-to-point names remote ranks. */
    assert_int_equal(mp_comm_world_rank(c, 0), 4);
    assert_int_equal(mp_comm_world_rank(c, 2), 1);
    mp_group_release(local);
    mp_group_release(remote);
    c->freed = true;
    mp_comm_unref(c);
    assert_true(pair_is_free(10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_predefined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifetime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intercomm_ranks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
