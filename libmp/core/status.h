/*
 * The one internal status type. Every internal function that can fail returns an mp_status_t;
 * only libmp/api/ turns it into an MPI error class.
 */
#ifndef MP_CORE_STATUS_H
#define MP_CORE_STATUS_H

/* X(name, value, description): the single list that gives both the enum and the strings. */
#define MP_STATUS_LIST(X)                                                                          \
    X(MP_OK, 0, "success")                                                                         \
    X(MP_INPROGRESS, 1, "operation in progress")                                                   \
    X(MP_ERR_NOMEM, -1, "out of memory")                                                           \
    X(MP_ERR_WIREUP, -2, "wire-up through PMIx failed")                                            \
    X(MP_ERR_NOT_FOUND, -3, "not found")                                                           \
    X(MP_ERR_INVALID, -4, "invalid argument")                                                      \
    X(MP_ERR_SYSCALL, -5, "system call failed")                                                    \
    X(MP_ERR_AGAIN, -6, "resource temporarily full, try again")                                    \
    X(MP_ERR_TRUNCATE, -7, "message truncated")                                                    \
    X(MP_ERR_PEER, -8, "peer unreachable")                                                         \
    X(MP_ERR_EXISTS, -9, "already exists")                                                         \
    X(MP_ERR_UNSUPPORTED, -10, "not supported here")                                               \
    X(MP_ERR_SPAWN, -11, "the launcher could not start the processes")

typedef enum mp_status {
#define MP_STATUS_ENUM(name, value, text) name = value,
    MP_STATUS_LIST(MP_STATUS_ENUM)
#undef MP_STATUS_ENUM
} mp_status_t;

/* A short description of a status, for log lines. Never NULL. */
const char *mp_status_string(mp_status_t status);

#endif
