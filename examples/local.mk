# Examples: the first programs a student runs (mpirun/mpirun -n 4 examples/hello).
noinst_PROGRAMS += examples/hello
examples_hello_SOURCES = examples/hello.c
examples_hello_LDADD = libmp/libmp.la
examples_hello_LDFLAGS = $(AM_LDFLAGS) -no-install
noinst_PROGRAMS += examples/ring
examples_ring_SOURCES = examples/ring.c
examples_ring_LDADD = libmp/libmp.la
examples_ring_LDFLAGS = $(AM_LDFLAGS) -no-install
noinst_PROGRAMS += examples/pi
examples_pi_SOURCES = examples/pi.c
examples_pi_LDADD = libmp/libmp.la -lm
examples_pi_LDFLAGS = $(AM_LDFLAGS) -no-install
noinst_PROGRAMS += examples/heat
examples_heat_SOURCES = examples/heat.c
examples_heat_LDADD = libmp/libmp.la -lm
examples_heat_LDFLAGS = $(AM_LDFLAGS) -no-install
