/*
 * The Sessions Model (MPI 4.1, 11.3): sessions start the runtime as MPI_Init does (init.c
 * shares it), name two process sets, mpi://WORLD and mpi://SELF, and make groups of them, from
 * which MPI_Comm_create_from_group and MPI_Intercomm_create_from_groups (intercomm.c) make
 * communicators, which derive from the session (their buffered sends use its buffer, buffer.c).
 * A session's errors go to its own error handler.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/group.h"
#include "core/runtime.h"

#define SESSION_MAGIC 0x6d707373u /* "mpss" */

typedef struct session {
    uint32_t magic; /* SESSION_MAGIC while the session is open */
    int thread_level;
    uintptr_t errhandler; /* the session's error handler (a reference), 0: none yet */
    void *bsend;          /* the buffer MPI_Session_attach_buffer attached, or NULL (bsend.c) */
} session_t;

static int nopen;

int mp_api_sessions_open(void)
{
    return nopen;
}

/* Where sessions lie (their handles are their addresses). */
static mp_addr_span_t session_span = MP_ADDR_SPAN_EMPTY;

static session_t *session_of(MPI_Session session)
{
    session_t *s = (session_t *)(void *)session;
    if (!mp_addr_span_holds(&session_span, s, sizeof(*s))) {
        return NULL;
    }
    return s->magic == SESSION_MAGIC ? s : NULL;
}

void **mp_api_session_bsend_slot(MPI_Session session)
{
    session_t *s = session_of(session);
    return s != NULL ? &s->bsend : NULL;
}

uintptr_t *mp_api_session_errhandler_slot(MPI_Session session)
{
    session_t *s = session_of(session);
    return s != NULL ? &s->errhandler : NULL;
}

/* Raises errclass on session s (or, without one, as a call without an object does). */
__attribute__((format(printf, 4, 5))) static int fail(session_t *s, const char *call, int errclass,
                                                      const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (s == NULL) {
        return mp_api_error(NULL, call, errclass, "%s", why);
    }
    uintptr_t h = s->errhandler != 0 ? s->errhandler : (uintptr_t)MPI_ERRORS_ARE_FATAL;
    return mp_api_session_error((MPI_Session)(void *)s, h, call, errclass, why);
}

int mp_api_session_raise(MPI_Session session, const char *call, int errclass, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return fail(session_of(session), call, errclass, "%s", why);
}

/* The open session behind a handle, or an error for call. */
static int check_session(const char *call, MPI_Session session, session_t **s_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *s_p = session_of(session);
    if (*s_p == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_SESSION,
                            session == MPI_SESSION_NULL
                                ? "MPI_SESSION_NULL is not a session to use"
                                : "invalid session %p; use one from MPI_Session_init that is "
                                  "not finalised",
                            (void *)session);
    }
    return MPI_SUCCESS;
}

/* ---- Thread levels by name (the info key mpi_thread_support_level, in MPI 4.0 thread_level) ----
 */

static const struct {
    int level;
    const char *name;
} levels[] = {
    {MPI_THREAD_SINGLE, "MPI_THREAD_SINGLE"},
    {MPI_THREAD_FUNNELED, "MPI_THREAD_FUNNELED"},
    {MPI_THREAD_SERIALIZED, "MPI_THREAD_SERIALIZED"},
    {MPI_THREAD_MULTIPLE, "MPI_THREAD_MULTIPLE"},
};

static const char *level_name(int level)
{
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (levels[i].level == level) {
            return levels[i].name;
        }
    }
    return "MPI_THREAD_SINGLE";
}

/* ---- Process sets ---- */

static const char *const psets[] = {"mpi://WORLD", "mpi://SELF"};
#define NPSETS 2

/* The index of a process set by name (case does not matter), or -1. */
static int pset_index(const char *name)
{
    for (int i = 0; name != NULL && i < NPSETS; i++) {
        if (strcasecmp(name, psets[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/* Checks session (its object in *s_p) and then pset_name (its index in *i_p); an error goes
 * through the session's handler. */
static int check_pset(const char *call, MPI_Session session, const char *pset_name, session_t **s_p,
                      int *i_p)
{
    int rc = check_session(call, session, s_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *i_p = pset_index(pset_name);
    if (*i_p < 0) {
        return fail(*s_p, call, MPI_ERR_ARG, "pset_name \"%.64s\" is not mpi://WORLD or mpi://SELF",
                    pset_name != NULL ? pset_name : "(NULL)");
    }
    return MPI_SUCCESS;
}

/* A new info object holding key = value, in *info_p. */
static int info_with(const char *key, const char *value, MPI_Info *info_p)
{
    MPI_Info info = MPI_INFO_NULL;
    int rc = PMPI_Info_create(&info);
    if (rc == MPI_SUCCESS) {
        rc = PMPI_Info_set(info, key, value);
    }
    if (rc != MPI_SUCCESS) {
        if (info != MPI_INFO_NULL) {
            PMPI_Info_free(&info);
        }
        return rc;
    }
    *info_p = info;
    return MPI_SUCCESS;
}

/* ---- Init and finalize ---- */

#pragma weak MPI_Session_init = PMPI_Session_init
int PMPI_Session_init(MPI_Info info, MPI_Errhandler errhandler, MPI_Session *session)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_init";
    if (session == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "session is NULL");
    }
    int required = MPI_THREAD_SINGLE;
    if (info != MPI_INFO_NULL) {
        char value[MPI_MAX_INFO_VAL];
        int flag = 0;
        int rc =
            PMPI_Info_get(info, "mpi_thread_support_level", MPI_MAX_INFO_VAL - 1, value, &flag);
        if (rc == MPI_SUCCESS && !flag) {
            /* The key's name in MPI 4.0, which programs written for it (OSU's osu_latency_mt
             * -I, Open MPI's and MPICH's own examples) still pass. */
            rc = PMPI_Info_get(info, "thread_level", MPI_MAX_INFO_VAL - 1, value, &flag);
        }
        if (rc != MPI_SUCCESS) {
            return rc;
        }
        for (size_t i = 0; flag && i < sizeof(levels) / sizeof(levels[0]); i++) {
            if (strcmp(value, levels[i].name) == 0) {
                required = levels[i].level;
            }
        }
    }
    if (errhandler != MPI_ERRHANDLER_NULL) {
        int rc = mp_api_errhandler_check_session(call, errhandler);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    session_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "out of memory");
    }
    int provided = MPI_THREAD_SINGLE;
    int rc = mp_api_runtime_start(call, required, &provided);
    if (rc != MPI_SUCCESS) {
        free(s);
        return rc;
    }
    mp_addr_span_note(&session_span, s, sizeof(*s));
    s->magic = SESSION_MAGIC;
    s->thread_level = provided;
    if (errhandler != MPI_ERRHANDLER_NULL) {
        mp_api_errhandler_retain((uintptr_t)errhandler);
        s->errhandler = (uintptr_t)errhandler;
    }
    nopen++;
    *session = (MPI_Session)(void *)s;
    return MPI_SUCCESS;
}

#pragma weak MPI_Session_finalize = PMPI_Session_finalize
int PMPI_Session_finalize(MPI_Session *session)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_finalize";
    if (session == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "session is NULL");
    }
    session_t *s = NULL;
    int rc = check_session(call, *session, &s);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* A buffer still attached is sent and forgotten, as a communicator's is at its free. */
    mp_api_bsend_session_free(*session);
    s->magic = 0;
    mp_api_errhandler_release(s->errhandler);
    free(s);
    *session = MPI_SESSION_NULL;
    nopen--;
    /* The last session ends the runtime unless the world model still uses it. It keeps the
     * connection to the launcher: another session may start the runtime again. */
    return nopen == 0 && !mp_api_world_is_active() ? mp_api_runtime_stop(call, false) : MPI_SUCCESS;
}

/* ---- Queries ---- */

#pragma weak MPI_Session_get_num_psets = PMPI_Session_get_num_psets
int PMPI_Session_get_num_psets(MPI_Session session, MPI_Info info, int *npset_names)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_get_num_psets";
    (void)info; /* no hint narrows the sets */
    session_t *s = NULL;
    int rc = check_session(call, session, &s);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (npset_names == NULL) {
        return fail(s, call, MPI_ERR_ARG, "npset_names is NULL");
    }
    *npset_names = NPSETS;
    return MPI_SUCCESS;
}

#pragma weak MPI_Session_get_nth_pset = PMPI_Session_get_nth_pset
int PMPI_Session_get_nth_pset(MPI_Session session, MPI_Info info, int n, int *pset_len,
                              char *pset_name)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_get_nth_pset";
    (void)info;
    session_t *s = NULL;
    int rc = check_session(call, session, &s);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (n < 0 || n >= NPSETS) {
        return fail(s, call, MPI_ERR_ARG, "n = %d is out of range 0..%d", n, NPSETS - 1);
    }
    if (pset_len == NULL) {
        return fail(s, call, MPI_ERR_ARG, "pset_len is NULL");
    }
    int need = (int)strlen(psets[n]) + 1;
    /* With 0, only the length needed (terminator included) comes back. */
    if (*pset_len > 0) {
        if (pset_name == NULL) {
            return fail(s, call, MPI_ERR_ARG, "pset_name is NULL");
        }
        int n_copy = need <= *pset_len ? need - 1 : *pset_len - 1;
        memcpy(pset_name, psets[n], (size_t)n_copy);
        pset_name[n_copy] = '\0';
    }
    *pset_len = need;
    return MPI_SUCCESS;
}

#pragma weak MPI_Session_get_info = PMPI_Session_get_info
int PMPI_Session_get_info(MPI_Session session, MPI_Info *info_used)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_get_info";
    session_t *s = NULL;
    int rc = check_session(call, session, &s);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (info_used == NULL) {
        return fail(s, call, MPI_ERR_ARG, "info_used is NULL");
    }
    rc = info_with("mpi_thread_support_level", level_name(s->thread_level), info_used);
    if (rc == MPI_SUCCESS) {
        /* Also under its MPI 4.0 name, where such programs look for it. */
        rc = PMPI_Info_set(*info_used, "thread_level", level_name(s->thread_level));
        if (rc != MPI_SUCCESS) {
            PMPI_Info_free(info_used);
        }
    }
    return rc;
}

#pragma weak MPI_Session_get_pset_info = PMPI_Session_get_pset_info
int PMPI_Session_get_pset_info(MPI_Session session, const char *pset_name, MPI_Info *info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Session_get_pset_info";
    session_t *s = NULL;
    int i;
    int rc = check_pset(call, session, pset_name, &s, &i);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (info == NULL) {
        return fail(s, call, MPI_ERR_ARG, "info is NULL");
    }
    char size[24];
    snprintf(size, sizeof(size), "%d", i == 0 ? mp_runtime.size : 1);
    return info_with("mpi_size", size, info);
}

/* ---- Groups and communicators ---- */

#pragma weak MPI_Group_from_session_pset = PMPI_Group_from_session_pset
int PMPI_Group_from_session_pset(MPI_Session session, const char *pset_name, MPI_Group *newgroup)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Group_from_session_pset";
    session_t *s = NULL;
    int i;
    int rc = check_pset(call, session, pset_name, &s, &i);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (newgroup == NULL) {
        return fail(s, call, MPI_ERR_ARG, "newgroup is NULL");
    }
    if ((uintptr_t)newgroup < MP_API_HANDLE_RESERVED) {
        /* No object lives in the first page: this is a predefined handle (MPI_GROUP_NULL, say)
         * passed where the address of an MPI_Group belongs. */
        return fail(s, call, MPI_ERR_ARG,
                    "newgroup = %p is not the address of an MPI_Group; pass &group",
                    (void *)newgroup);
    }
    /* A group of its own, marked with the session that communicators made from it derive from. */
    const mp_group_t *of = mp_api_comm_get(i == 0 ? MPI_COMM_WORLD : MPI_COMM_SELF)->group;
    mp_group_t *g = NULL;
    if (mp_group_create(of->size, &g) != MP_OK) {
        return fail(s, call, MPI_ERR_NO_MEM, "out of memory building the group of %s", pset_name);
    }
    memcpy(g->world_ranks, of->world_ranks, sizeof(int) * (size_t)of->size);
    g->session = (uintptr_t)session;
    mp_group_seal(g);
    *newgroup = mp_api_group_handle(g);
    return MPI_SUCCESS;
}
