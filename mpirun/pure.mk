# mpirun's pure modules (command line, program files, host lists, mapping and binding, the
# job-end policy, stdio forwarding, the daemon protocol, fence gathering, the launch agent's
# command line) and the hwloc wrapper:
# a convenience library that mpirun and the unit tests in tests/unit/mpirun/ both link.
noinst_LTLIBRARIES += mpirun/libmpirun_pure.la
mpirun_libmpirun_pure_la_SOURCES = \
	mpirun/options.c \
	mpirun/options.h \
	mpirun/appfile.c \
	mpirun/appfile.h \
	mpirun/hostfile.c \
	mpirun/hostfile.h \
	mpirun/mapping.c \
	mpirun/mapping.h \
	mpirun/job.c \
	mpirun/job.h \
	mpirun/iof.c \
	mpirun/iof.h \
	mpirun/addrs.c \
	mpirun/addrs.h \
	mpirun/wire.c \
	mpirun/wire.h \
	mpirun/agent.c \
	mpirun/agent.h \
	mpirun/collect.c \
	mpirun/collect.h \
	mpirun/tree.c \
	mpirun/tree.h \
	mpirun/names.c \
	mpirun/names.h \
	libmp/util/netfilter.c \
	libmp/util/netfilter.h \
	libmp/util/sha256.c \
	libmp/util/sha256.h \
	libmp/hwtopo/hwtopo.c \
	libmp/hwtopo/hwtopo.h
mpirun_libmpirun_pure_la_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
mpirun_libmpirun_pure_la_LIBADD = $(HWLOC_LIBS)
