# libmp: the MPI library the ranks link. Layers (see libmp/README.md): api -> core -> wireup.
lib_LTLIBRARIES += libmp/libmp.la
include_HEADERS += include/mpi.h

libmp_libmp_la_SOURCES = \
	libmp/api/abi.c \
	libmp/api/abi_fortran.c \
	libmp/api/api.h \
	libmp/api/attr.c \
	libmp/api/bsend.c \
	libmp/api/buffer.c \
	libmp/api/cart.c \
	libmp/api/coll.c \
	libmp/api/coll.h \
	libmp/api/coll_impl.c \
	libmp/api/coll_init.c \
	libmp/api/coll_persist.c \
	libmp/api/comm.c \
	libmp/api/comm_split_type.c \
	libmp/api/datatype.c \
	libmp/api/dynamic.c \
	libmp/api/dist_graph.c \
	libmp/api/environment.c \
	libmp/api/errhandler.c \
	libmp/api/errors.c \
	libmp/api/file.c \
	libmp/api/file.h \
	libmp/api/file_rw.c \
	libmp/api/file_shared.c \
	libmp/api/file_view.c \
	libmp/api/fint.c \
	libmp/api/graph.c \
	libmp/api/greq.c \
	libmp/api/group.c \
	libmp/api/hw_info.c \
	libmp/api/icoll.c \
	libmp/api/info.c \
	libmp/api/init.c \
	libmp/api/intercomm.c \
	libmp/api/join.c \
	libmp/api/memory.c \
	libmp/api/mpi1_removed.c \
	libmp/api/name.c \
	libmp/api/neighbor.c \
	libmp/api/neighbor_init.c \
	libmp/api/op.c \
	libmp/api/pack.c \
	libmp/api/port.c \
	libmp/api/partition.c \
	libmp/api/probe.c \
	libmp/api/profiling.c \
	libmp/api/pt2pt.c \
	libmp/api/request.c \
	libmp/api/session.c \
	libmp/api/spawn.c \
	libmp/api/status.c \
	libmp/api/status_f08.c \
	libmp/api/tools.c \
	libmp/api/topo.c \
	libmp/api/topo.h \
	libmp/api/type_create.c \
	libmp/api/type_f90.c \
	libmp/api/win.c \
	libmp/api/win_ops.c \
	libmp/api/win_sync.c \
	libmp/coll/allgather.c \
	libmp/coll/allreduce.c \
	libmp/coll/alltoall.c \
	libmp/coll/barrier.c \
	libmp/coll/bcast.c \
	libmp/coll/coll.h \
	libmp/coll/gather.c \
	libmp/coll/inter.c \
	libmp/coll/reduce.c \
	libmp/coll/reduce_scatter.c \
	libmp/coll/scan.c \
	libmp/coll/sched.c \
	libmp/coll/shm.c \
	libmp/coll/shm.h \
	libmp/coll/shm_allgather.c \
	libmp/coll/shm_alltoall.c \
	libmp/coll/shm_barrier.c \
	libmp/coll/shm_bcast.c \
	libmp/coll/shm_copy.c \
	libmp/coll/shm_reduce.c \
	libmp/coll/shm_allreduce_slots.c \
	libmp/coll/shm_reduce_copy.c \
	libmp/coll/shm_reduce_pair.c \
	libmp/comm/comm_create.c \
	libmp/comm/comm_create.h \
	libmp/comm/disconnect.c \
	libmp/comm/disconnect.h \
	libmp/comm/dynamic.c \
	libmp/comm/dynamic.h \
	libmp/comm/port.c \
	libmp/comm/port.h \
	libmp/core/comm.c \
	libmp/core/comm.h \
	libmp/core/datatype.c \
	libmp/core/datatype.h \
	libmp/core/dt_create.c \
	libmp/core/dt_external.c \
	libmp/core/group.c \
	libmp/core/group.h \
	libmp/core/info.c \
	libmp/core/info.h \
	libmp/core/lock.c \
	libmp/core/lock.h \
	libmp/core/log.c \
	libmp/core/log.h \
	libmp/core/op.c \
	libmp/core/op.h \
	libmp/core/op_kernels.c \
	libmp/core/op_kernels.h \
	libmp/core/runtime.c \
	libmp/core/runtime.h \
	libmp/core/settings.c \
	libmp/core/settings.h \
	libmp/core/status.c \
	libmp/core/status.h \
	libmp/core/topo.c \
	libmp/core/topo.h \
	libmp/io/io.h \
	libmp/io/posix.c \
	libmp/io/view.c \
	libmp/pt2pt/cancel.c \
	libmp/pt2pt/cancel.h \
	libmp/pt2pt/fastpath.c \
	libmp/pt2pt/leave.c \
	libmp/pt2pt/leave.h \
	libmp/pt2pt/match.c \
	libmp/pt2pt/match.h \
	libmp/pt2pt/node.c \
	libmp/pt2pt/node.h \
	libmp/pt2pt/peer.c \
	libmp/pt2pt/peer.h \
	libmp/pt2pt/progress.c \
	libmp/pt2pt/progress.h \
	libmp/pt2pt/pt2pt.c \
	libmp/pt2pt/pt2pt.h \
	libmp/pt2pt/pt2pt_internal.h \
	libmp/pt2pt/request.c \
	libmp/pt2pt/request.h \
	libmp/pt2pt/wire.h \
	libmp/rma/apply.c \
	libmp/rma/direct.c \
	libmp/rma/ops.c \
	libmp/rma/rma.h \
	libmp/rma/rma_internal.h \
	libmp/rma/sync.c \
	libmp/rma/target.c \
	libmp/rma/win.c \
	libmp/transport/self/self.c \
	libmp/transport/shm/bell.c \
	libmp/transport/shm/bell.h \
	libmp/transport/shm/cma.c \
	libmp/transport/shm/cma.h \
	libmp/transport/shm/ring.c \
	libmp/transport/shm/ring.h \
	libmp/transport/shm/segment.c \
	libmp/transport/shm/segment.h \
	libmp/transport/shm/shm.c \
	libmp/transport/shm/shm.h \
	libmp/transport/tcp/conn.c \
	libmp/transport/tcp/netif.c \
	libmp/transport/tcp/netif.h \
	libmp/transport/tcp/proto.c \
	libmp/transport/tcp/proto.h \
	libmp/transport/tcp/rxtx.c \
	libmp/transport/tcp/tcp.c \
	libmp/transport/tcp/tcp_internal.h \
	libmp/transport/transport.h \
	libmp/util/grow.h \
	libmp/util/addr_span.h \
	libmp/util/copy.h \
	libmp/util/memcheck.h \
	libmp/util/netfilter.c \
	libmp/util/netfilter.h \
	libmp/hwtopo/hwtopo.c \
	libmp/hwtopo/hwtopo.h \
	libmp/util/ptrmap.c \
	libmp/util/ptrmap.h \
	libmp/util/sha256.c \
	libmp/util/sha256.h \
	libmp/wireup/cpus.c \
	libmp/wireup/cpus.h \
	libmp/wireup/names.c \
	libmp/wireup/procs.c \
	libmp/wireup/procs.h \
	libmp/wireup/spawn.c \
	libmp/wireup/wireup.c \
	libmp/wireup/wireup.h \
	libmp/wireup/wireup_internal.h
libmp_libmp_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden $(PMIX_CFLAGS) $(HWLOC_CFLAGS)
libmp_libmp_la_LIBADD = $(PMIX_LIBS) $(HWLOC_LIBS) -lpthread
# Binaries built for the standard ABI look for libmpi_abi.so.1: it is a link to this library.
libmp_libmp_la_LDFLAGS = -version-info 1:0:0 -Wl,--version-script=$(srcdir)/libmp/libmp.map
EXTRA_DIST += libmp/libmp.map libmp/wrapper.in libmp/README.md

# mpicc (C) and mpicxx (C++, also installed as mpic++) come from one template, in two forms
# each: one for the build tree (used by tests), one for the install.
bin_SCRIPTS += mpicc.install mpicxx.install
CLEANFILES += mpicc mpicc.install mpicxx mpicxx.install
noinst_SCRIPTS = mpicc mpicxx
wrapper_edit = sed -e 's|__EXTRA_LDFLAGS__|$(MP_SAN_FLAGS)|g' -e 's|__VERSION__|$(PACKAGE_VERSION)|g'
mpicc_edit = $(wrapper_edit) -e 's|__NAME__|mpicc|g' -e 's|__LANG__|C|g' \
	-e 's|__ENVVAR__|MPICC_CC|g' -e 's|__CC__|$(CC)|g'
mpicxx_edit = $(wrapper_edit) -e 's|__NAME__|mpicxx|g' -e 's|__LANG__|C++|g' \
	-e 's|__ENVVAR__|MPICXX_CXX|g' -e 's|__CC__|$(CXX)|g'
build_dirs = -e 's|__INCDIR__|$(abs_top_srcdir)/include|g' \
	-e 's|__LIBDIR__|$(abs_top_builddir)/libmp/.libs|g'
install_dirs = -e 's|__INCDIR__|$(includedir)|g' -e 's|__LIBDIR__|$(libdir)|g'
mpicc: $(srcdir)/libmp/wrapper.in Makefile
	$(AM_V_GEN)$(mpicc_edit) $(build_dirs) $(srcdir)/libmp/wrapper.in > $@ && chmod +x $@
mpicc.install: $(srcdir)/libmp/wrapper.in Makefile
	$(AM_V_GEN)$(mpicc_edit) $(install_dirs) $(srcdir)/libmp/wrapper.in > $@ && chmod +x $@
mpicxx: $(srcdir)/libmp/wrapper.in Makefile
	$(AM_V_GEN)$(mpicxx_edit) $(build_dirs) $(srcdir)/libmp/wrapper.in > $@ && chmod +x $@
mpicxx.install: $(srcdir)/libmp/wrapper.in Makefile
	$(AM_V_GEN)$(mpicxx_edit) $(install_dirs) $(srcdir)/libmp/wrapper.in > $@ && chmod +x $@

# The ABI name in the build tree, so that tests can link -lmpi_abi before install.
all-local: libmp-abi-links
libmp-abi-links: libmp/libmp.la
	@cd libmp/.libs && ln -sf libmp.so.1 libmpi_abi.so.1 && ln -sf libmpi_abi.so.1 libmpi_abi.so
.PHONY: libmp-abi-links

install-exec-hook: libmp-install-links
libmp-install-links:
	cd $(DESTDIR)$(bindir) && mv -f mpicc.install mpicc && mv -f mpicxx.install mpicxx && \
	    ln -sf mpicxx mpic++
	cd $(DESTDIR)$(libdir) && ln -sf libmp.so.1 libmpi_abi.so.1 && ln -sf libmpi_abi.so.1 libmpi_abi.so
uninstall-hook: libmp-uninstall-links
libmp-uninstall-links:
	rm -f $(DESTDIR)$(bindir)/mpicc $(DESTDIR)$(bindir)/mpicxx $(DESTDIR)$(bindir)/mpic++ \
	    $(DESTDIR)$(libdir)/libmpi_abi.so.1 $(DESTDIR)$(libdir)/libmpi_abi.so
.PHONY: libmp-install-links libmp-uninstall-links
