# libmp under Slurm's srun --mpi=pmix on a private single-node Slurm (skipped without Slurm or
# root); it runs the programs of tests/slurm/srun.testlist, built for tests/mpi.
TESTS += tests/slurm/srun.sh
dist_noinst_SCRIPTS += tests/slurm/srun.sh
EXTRA_DIST += tests/slurm/srun.testlist
