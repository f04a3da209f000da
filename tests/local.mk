# Tests: each test directory lists its programs and scripts in its own local.mk, included here.
include tests/unit/header/local.mk
include tests/unit/mpirun/local.mk
include tests/unit/op/local.mk
include tests/mpi/local.mk
include tests/mpi/op/local.mk
include tests/mpi/pt2pt/local.mk
include tests/mpi/dtype/local.mk
include tests/mpi/comm/local.mk
include tests/mpi/coll/local.mk
include tests/bench/local.mk
include tests/unit/datatype/local.mk
include tests/mpi/attr/local.mk
include tests/mpi/errors/local.mk
include tests/unit/info/local.mk
include tests/unit/pt2pt/local.mk
include tests/unit/shm/local.mk
