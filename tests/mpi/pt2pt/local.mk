# Point-to-point MPI tests (tests/mpi/pt2pt): self-checking programs run by run-testlist.sh from
# tests/mpi/pt2pt.testlist. They are plain MPI and also build with mpicc.openmpi and mpicc.mpich.
mpi_pt2pt_programs = \
	tests/mpi/pt2pt/anyorder \
	tests/mpi/pt2pt/bcancel \
	tests/mpi/pt2pt/bsend \
	tests/mpi/pt2pt/bufcomm \
	tests/mpi/pt2pt/cancel \
	tests/mpi/pt2pt/errfield \
	tests/mpi/pt2pt/partitioned \
	tests/mpi/pt2pt/cancelfin \
	tests/mpi/pt2pt/cancelseq \
	tests/mpi/pt2pt/completion \
	tests/mpi/pt2pt/fastrecv \
	tests/mpi/pt2pt/readahead \
	tests/mpi/pt2pt/flood \
	tests/mpi/pt2pt/greq \
	tests/mpi/pt2pt/isendrecv \
	tests/mpi/pt2pt/order \
	tests/mpi/pt2pt/persistent \
	tests/mpi/pt2pt/probe \
	tests/mpi/pt2pt/procnull \
	tests/mpi/pt2pt/scancel \
	tests/mpi/pt2pt/sizes \
	tests/mpi/pt2pt/status \
	tests/mpi/pt2pt/truncate \
	tests/mpi/pt2pt/waitallerr \
	tests/mpi/pt2pt/window
check_PROGRAMS += $(mpi_pt2pt_programs)
noinst_HEADERS += tests/mpi/pt2pt/p2ptest.h

# Like the env programs: the uninstalled libmp, no libtool wrapper scripts.
tests_mpi_pt2pt_anyorder_SOURCES = tests/mpi/pt2pt/anyorder.c
tests_mpi_pt2pt_anyorder_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_anyorder_LDFLAGS = $(mpi_test_link_flags)

tests_mpi_pt2pt_bcancel_SOURCES = tests/mpi/pt2pt/bcancel.c
tests_mpi_pt2pt_bcancel_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_bcancel_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_bsend_SOURCES = tests/mpi/pt2pt/bsend.c
tests_mpi_pt2pt_bsend_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_bsend_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_bufcomm_SOURCES = tests/mpi/pt2pt/bufcomm.c
tests_mpi_pt2pt_bufcomm_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_bufcomm_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_cancel_SOURCES = tests/mpi/pt2pt/cancel.c
tests_mpi_pt2pt_cancel_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_cancel_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_cancelfin_SOURCES = tests/mpi/pt2pt/cancelfin.c
tests_mpi_pt2pt_cancelfin_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_cancelfin_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_cancelseq_SOURCES = tests/mpi/pt2pt/cancelseq.c
tests_mpi_pt2pt_cancelseq_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_cancelseq_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_completion_SOURCES = tests/mpi/pt2pt/completion.c
tests_mpi_pt2pt_completion_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_completion_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_readahead_SOURCES = tests/mpi/pt2pt/readahead.c
tests_mpi_pt2pt_readahead_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_readahead_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_fastrecv_SOURCES = tests/mpi/pt2pt/fastrecv.c
tests_mpi_pt2pt_fastrecv_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_fastrecv_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_flood_SOURCES = tests/mpi/pt2pt/flood.c
tests_mpi_pt2pt_flood_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_flood_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_greq_SOURCES = tests/mpi/pt2pt/greq.c
tests_mpi_pt2pt_greq_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_pt2pt_greq_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_isendrecv_SOURCES = tests/mpi/pt2pt/isendrecv.c
tests_mpi_pt2pt_isendrecv_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_isendrecv_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_order_SOURCES = tests/mpi/pt2pt/order.c
tests_mpi_pt2pt_order_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_order_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_persistent_SOURCES = tests/mpi/pt2pt/persistent.c
tests_mpi_pt2pt_persistent_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_persistent_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_probe_SOURCES = tests/mpi/pt2pt/probe.c
tests_mpi_pt2pt_probe_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_probe_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_procnull_SOURCES = tests/mpi/pt2pt/procnull.c
tests_mpi_pt2pt_procnull_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_procnull_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_scancel_SOURCES = tests/mpi/pt2pt/scancel.c
tests_mpi_pt2pt_scancel_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_scancel_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_sizes_SOURCES = tests/mpi/pt2pt/sizes.c
tests_mpi_pt2pt_sizes_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_sizes_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_status_SOURCES = tests/mpi/pt2pt/status.c
tests_mpi_pt2pt_status_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_status_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_errfield_SOURCES = tests/mpi/pt2pt/errfield.c
tests_mpi_pt2pt_errfield_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_errfield_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_partitioned_SOURCES = tests/mpi/pt2pt/partitioned.c
tests_mpi_pt2pt_partitioned_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_partitioned_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_truncate_SOURCES = tests/mpi/pt2pt/truncate.c
tests_mpi_pt2pt_truncate_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_truncate_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_waitallerr_SOURCES = tests/mpi/pt2pt/waitallerr.c
tests_mpi_pt2pt_waitallerr_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_waitallerr_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_pt2pt_window_SOURCES = tests/mpi/pt2pt/window.c
tests_mpi_pt2pt_window_LDADD = $(mpi_test_libs)
tests_mpi_pt2pt_window_LDFLAGS = $(mpi_test_link_flags)
