/*
 * Tells valgrind's memcheck, when the build can, that memory another process wrote into this
 * one (a single copy by the kernel on the peer's behalf) is set: memcheck never saw it written.
 */
#ifndef MP_UTIL_MEMCHECK_H
#define MP_UTIL_MEMCHECK_H

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define MP_MEM_DEFINED(addr, len) VALGRIND_MAKE_MEM_DEFINED(addr, len)
#endif
#endif
#ifndef MP_MEM_DEFINED
#define MP_MEM_DEFINED(addr, len) ((void)(addr), (void)(len))
#endif

#endif
