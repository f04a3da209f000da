# mpirun (and mpiexec): the launcher. Pure modules (options, hosts, mapping) are in pure.mk so
# that unit tests link them without the PMIx server.
include mpirun/pure.mk

bin_PROGRAMS += mpirun/mpirun
mpirun_mpirun_SOURCES = \
	mpirun/conn.c \
	mpirun/conn.h \
	mpirun/daemon.c \
	mpirun/daemon.h \
	mpirun/launch.c \
	mpirun/launch.h \
	mpirun/loop.c \
	mpirun/loop.h \
	mpirun/main.c \
	mpirun/relay.c \
	mpirun/relay.h \
	mpirun/remote.c \
	mpirun/remote.h \
	mpirun/server.c \
	mpirun/server.h \
	mpirun/spawn.c \
	mpirun/spawn.h \
	mpirun/tmpdir.c \
	mpirun/tmpdir.h \
	libmp/core/settings.c \
	libmp/core/settings.h
mpirun_mpirun_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS) $(PMIX_CFLAGS)
mpirun_mpirun_LDADD = mpirun/libmpirun_pure.la $(PMIX_LIBS) $(HWLOC_LIBS) -lpthread

# mpiexec is the standard's name for the same launcher.
all-local: mpirun/mpiexec
mpirun/mpiexec: mpirun/mpirun$(EXEEXT)
	$(AM_V_GEN)ln -sf mpirun$(EXEEXT) $@
CLEANFILES += mpirun/mpiexec
install-exec-hook: mpirun-install-mpiexec
mpirun-install-mpiexec:
	cd $(DESTDIR)$(bindir) && ln -sf mpirun$(EXEEXT) mpiexec
uninstall-hook: mpirun-uninstall-mpiexec
mpirun-uninstall-mpiexec:
	rm -f $(DESTDIR)$(bindir)/mpiexec
.PHONY: mpirun-install-mpiexec mpirun-uninstall-mpiexec
