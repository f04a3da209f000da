# Process topology and neighbourhood collective tests (tests/mpi/topo): self-checking programs
# run by run-testlist.sh from tests/mpi/topo.testlist. Plain MPI: they also build with other MPIs.
mpi_topo_programs = \
	tests/mpi/topo/cart \
	tests/mpi/topo/dims \
	tests/mpi/topo/dist_graph \
	tests/mpi/topo/graph \
	tests/mpi/topo/neighbor
check_PROGRAMS += $(mpi_topo_programs)
noinst_HEADERS += tests/mpi/topo/topotest.h

tests_mpi_topo_cart_SOURCES = tests/mpi/topo/cart.c
tests_mpi_topo_cart_LDADD = $(mpi_test_libs)
tests_mpi_topo_cart_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_topo_dims_SOURCES = tests/mpi/topo/dims.c
tests_mpi_topo_dims_LDADD = $(mpi_test_libs)
tests_mpi_topo_dims_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_topo_dist_graph_SOURCES = tests/mpi/topo/dist_graph.c
tests_mpi_topo_dist_graph_LDADD = $(mpi_test_libs)
tests_mpi_topo_dist_graph_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_topo_graph_SOURCES = tests/mpi/topo/graph.c
tests_mpi_topo_graph_LDADD = $(mpi_test_libs)
tests_mpi_topo_graph_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_topo_neighbor_SOURCES = tests/mpi/topo/neighbor.c
tests_mpi_topo_neighbor_LDADD = $(mpi_test_libs)
tests_mpi_topo_neighbor_LDFLAGS = $(mpi_test_link_flags)
