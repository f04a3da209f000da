/*
 * The shape of the fence relay across daemons: positions 0 (mpirun) and 1..n (the daemons in
 * node order) form a tree of fan-out k, parent of p being (p-1)/k. Pure arithmetic, unit-tested.
 */
#ifndef MPIRUN_TREE_H
#define MPIRUN_TREE_H

#include <stddef.h>

/* The fan-out when MP_FENCE_FANOUT is not set: depth 2 already reaches 72 daemons. */
#define MPIRUN_TREE_FANOUT_DEFAULT 8
#define MPIRUN_TREE_FANOUT_MAX 1024

/* The parent position of position p (1 or more). */
int mpirun_tree_parent(int p, int fanout);

/* How many children position p has in a tree of positions 0..n. */
int mpirun_tree_nchildren(int p, int fanout, int n);

/* The position of p's i-th child (i < mpirun_tree_nchildren). */
int mpirun_tree_child(int p, int fanout, int i);

/* Reads MP_FENCE_FANOUT's value (NULL or empty: the default) into *fanout. Returns 0, or -1 with
 * a message in err when it is not a whole number from 1 to MPIRUN_TREE_FANOUT_MAX. */
int mpirun_tree_fanout_parse(const char *text, int *fanout, char *err, size_t errlen);

#endif
