/*
 * The info object (MPI_Info_*), MPI_INFO_ENV, and the hints of communicators
 * (MPI_Comm_set_info / MPI_Comm_get_info). Info calls work before MPI_Init and after
 * MPI_Finalize too, as MPI 4 allows.
 */
#define _GNU_SOURCE /* program_invocation_name */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api/api.h"
#include "core/info.h"
#include "core/runtime.h"

/* ---- MPI_INFO_ENV ---- */

static mp_info_t info_env;
static int env_argc = -1; /* -1: MPI_Init was given no arguments */
static char **env_argv;

void mp_api_info_env_args(int *argc, char ***argv)
{
    if (argc != NULL && argv != NULL && *argv != NULL) {
        env_argc = *argc;
        env_argv = *argv;
    }
}

/* The command line: argc and argv when given (argc >= 1), else the kernel's copy. */
static void env_set_command(mp_info_t *env, int argc, char **argv)
{
    char args[MPI_MAX_INFO_VAL] = "";
    size_t used = 0;
    if (argc >= 1) {
        mp_info_set(env, "command", argv[0]);
        for (int i = 1; i < argc && used < sizeof(args); i++) {
            used += (size_t)snprintf(args + used, sizeof(args) - used, "%s%s", i > 1 ? " " : "",
                                     argv[i]);
        }
    } else {
        mp_info_set(env, "command", program_invocation_name);
        FILE *f = fopen("/proc/self/cmdline", "r");
        if (f != NULL) {
            char raw[MPI_MAX_INFO_VAL];
            size_t n = fread(raw, 1, sizeof(raw) - 1, f);
            fclose(f);
            size_t first = strnlen(raw, n) + 1; /* skip the command itself */
            for (size_t i = first; i < n; i++) {
                args[used++] = raw[i] == '\0' ? ' ' : raw[i];
            }
            while (used > 0 && args[used - 1] == ' ') {
                used--;
            }
            args[used] = '\0';
        }
    }
    if (args[0] != '\0') {
        mp_info_set(env, "argv", args);
    }
}

static const char *thread_level_name(int level)
{
    switch (level) {
    case MPI_THREAD_SINGLE:
        return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED:
        return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED:
        return "MPI_THREAD_SERIALIZED";
    default:
        return "MPI_THREAD_MULTIPLE";
    }
}

/* MPI_INFO_ENV, filled afresh at each use: what is known changes at MPI_Init. The keys are the
 * standard's (command, argv, maxprocs, soft, host, arch, wdir, file, thread_level); soft and file
 * are left out, as no launcher argument gives them. */
static mp_info_t *env_info_from(int argc, char **argv)
{
    mp_info_t *env = &info_env;
    char buf[MPI_MAX_INFO_VAL];
    mp_info_clear(env);
    env->magic = MP_INFO_MAGIC;
    env_set_command(env, argc, argv);
    if (mp_runtime.state == MP_RUNTIME_READY) {
        snprintf(buf, sizeof(buf), "%d", mp_runtime.size);
        mp_info_set(env, "maxprocs", buf);
        mp_info_set(env, "host", mp_runtime.wireup.hostname);
        mp_info_set(env, "thread_level", thread_level_name(mp_runtime.thread_level));
    } else if (gethostname(buf, sizeof(buf) - 1) == 0) {
        buf[sizeof(buf) - 1] = '\0';
        mp_info_set(env, "host", buf);
    }
    struct utsname u;
    if (uname(&u) == 0) {
        mp_info_set(env, "arch", u.machine);
    }
    if (getcwd(buf, sizeof(buf)) != NULL) {
        mp_info_set(env, "wdir", buf);
    }
    return env;
}

/* MPI_INFO_ENV: the command line from MPI_Init's arguments. */
static mp_info_t *env_info(void)
{
    return env_info_from(env_argc, env_argv);
}

/* Frees MPI_INFO_ENV's strings at MPI_Finalize (it is rebuilt if used afterwards). */
void mp_api_info_fini(void)
{
    mp_info_clear(&info_env);
}

/* ---- Handles ---- */

mp_info_t *mp_api_info_get(MPI_Info info)
{
    if (info == MPI_INFO_ENV) {
        return env_info();
    }
    mp_info_t *obj = (mp_info_t *)info;
    if (!mp_addr_span_holds(&mp_info_span, obj, sizeof(*obj))) {
        return NULL;
    }
    return obj->magic == MP_INFO_MAGIC ? obj : NULL;
}

int mp_api_info_check(const mp_comm_t *comm, const char *call, MPI_Info info, mp_info_t **info_p)
{
    mp_info_t *obj = mp_api_info_get(info);
    if (obj == NULL) {
        return mp_api_error(comm, call, MPI_ERR_INFO,
                            info == MPI_INFO_NULL
                                ? "MPI_INFO_NULL is not an info object to use here; create one "
                                  "with MPI_Info_create"
                                : "invalid info handle %p; use one made by MPI_Info_create or "
                                  "MPI_Info_dup, or MPI_INFO_ENV",
                            (void *)info);
    }
    *info_p = obj;
    return MPI_SUCCESS;
}

/* Checks an info handle that the call changes: MPI_INFO_ENV is read-only. */
static int info_check_writable(const char *call, MPI_Info info, mp_info_t **info_p)
{
    if (info == MPI_INFO_ENV) {
        return mp_api_error(NULL, call, MPI_ERR_INFO,
                            "MPI_INFO_ENV is read-only; MPI_Info_dup it to get a copy to change");
    }
    return mp_api_info_check(NULL, call, info, info_p);
}

static int check_key(const char *call, const char *key)
{
    if (key == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_INFO_KEY, "key is NULL");
    }
    size_t len = strnlen(key, MPI_MAX_INFO_KEY);
    if (len == 0) {
        return mp_api_error(NULL, call, MPI_ERR_INFO_KEY, "key is the empty string");
    }
    if (len >= MPI_MAX_INFO_KEY) {
        return mp_api_error(NULL, call, MPI_ERR_INFO_KEY,
                            "key \"%.32s...\" is longer than %d characters (MPI_MAX_INFO_KEY - 1)",
                            key, MPI_MAX_INFO_KEY - 1);
    }
    return MPI_SUCCESS;
}

static int status_error(const char *call, mp_status_t status)
{
    return mp_api_error(NULL, call, mp_api_errclass(status), "%s", mp_status_string(status));
}

int mp_api_info_make(const char *call, const char *(*pairs)[2], size_t n, MPI_Info *info_p)
{
    mp_info_t *made = NULL;
    mp_status_t status = mp_info_create(&made);
    for (size_t i = 0; status == MP_OK && i < n; i++) {
        if (pairs[i][1] != NULL) {
            status = mp_info_set(made, pairs[i][0], pairs[i][1]);
        }
    }
    if (status != MP_OK) {
        if (made != NULL) {
            mp_info_destroy(made);
        }
        return status_error(call, status);
    }
    *info_p = (MPI_Info)made;
    return MPI_SUCCESS;
}

/* ---- MPI_Info_* ---- */

#pragma weak MPI_Info_create = PMPI_Info_create
int PMPI_Info_create(MPI_Info *info)
{
    MP_API_LOCK();
    if (info == NULL) {
        return mp_api_error(NULL, "MPI_Info_create", MPI_ERR_ARG, "info is NULL");
    }
    mp_info_t *obj = NULL;
    mp_status_t status = mp_info_create(&obj);
    if (status != MP_OK) {
        return status_error("MPI_Info_create", status);
    }
    *info = (MPI_Info)obj;
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_create_env = PMPI_Info_create_env
int PMPI_Info_create_env(int argc, char *argv[], MPI_Info *info)
{
    MP_API_LOCK();
    if (info == NULL) {
        return mp_api_error(NULL, "MPI_Info_create_env", MPI_ERR_ARG, "info is NULL");
    }
    if (argc < 0 || (argc > 0 && argv == NULL)) {
        return mp_api_error(NULL, "MPI_Info_create_env", MPI_ERR_ARG,
                            "argc %d with argv %p: pass main's argc and argv, or 0 and NULL", argc,
                            (void *)argv);
    }
    /* The arguments given here describe the command line, else MPI_Init's do. */
    mp_info_t *env = argc > 0 ? env_info_from(argc, argv) : env_info();
    mp_info_t *obj = NULL;
    mp_status_t status = mp_info_dup(env, &obj);
    if (status != MP_OK) {
        return status_error("MPI_Info_create_env", status);
    }
    *info = (MPI_Info)obj;
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_set = PMPI_Info_set
int PMPI_Info_set(MPI_Info info, const char *key, const char *value)
{
    MP_API_LOCK();
    mp_info_t *obj = NULL;
    int rc = info_check_writable("MPI_Info_set", info, &obj);
    if (rc == MPI_SUCCESS) {
        rc = check_key("MPI_Info_set", key);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (value == NULL) {
        return mp_api_error(NULL, "MPI_Info_set", MPI_ERR_INFO_VALUE, "value of key \"%s\" is NULL",
                            key);
    }
    if (strnlen(value, MPI_MAX_INFO_VAL) >= MPI_MAX_INFO_VAL) {
        return mp_api_error(NULL, "MPI_Info_set", MPI_ERR_INFO_VALUE,
                            "the value of key \"%s\" is longer than %d characters "
                            "(MPI_MAX_INFO_VAL - 1)",
                            key, MPI_MAX_INFO_VAL - 1);
    }
    mp_status_t status = mp_info_set(obj, key, value);
    return status == MP_OK ? MPI_SUCCESS : status_error("MPI_Info_set", status);
}

#pragma weak MPI_Info_delete = PMPI_Info_delete
int PMPI_Info_delete(MPI_Info info, const char *key)
{
    MP_API_LOCK();
    mp_info_t *obj = NULL;
    int rc = info_check_writable("MPI_Info_delete", info, &obj);
    if (rc == MPI_SUCCESS) {
        rc = check_key("MPI_Info_delete", key);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (mp_info_delete(obj, key) != MP_OK) {
        return mp_api_error(NULL, "MPI_Info_delete", MPI_ERR_INFO_NOKEY,
                            "key \"%s\" is not set in this info object", key);
    }
    return MPI_SUCCESS;
}

/* The checks shared by the calls that look a key up; *value_p is NULL when the key is unset. */
static int info_lookup(const char *call, MPI_Info info, const char *key, const void *out,
                       const char **value_p)
{
    mp_info_t *obj = NULL;
    int rc = mp_api_info_check(NULL, call, info, &obj);
    if (rc == MPI_SUCCESS) {
        rc = check_key(call, key);
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (out == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "an output argument is NULL");
    }
    *value_p = mp_info_get(obj, key);
    return MPI_SUCCESS;
}

/* Copies at most room - 1 characters of value and a terminating NUL. */
static void copy_truncated(char *out, const char *value, size_t room)
{
    size_t len = strlen(value);
    if (len >= room) {
        len = room - 1;
    }
    memcpy(out, value, len);
    out[len] = '\0';
}

#pragma weak MPI_Info_get = PMPI_Info_get
int PMPI_Info_get(MPI_Info info, const char *key, int valuelen, char *value, int *flag)
{
    MP_API_LOCK();
    const char *v = NULL;
    int rc = info_lookup("MPI_Info_get", info, key, flag, &v);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (valuelen < 0 || value == NULL) {
        return mp_api_error(NULL, "MPI_Info_get", MPI_ERR_ARG,
                            "valuelen %d or value %p: pass a buffer of valuelen + 1 characters",
                            valuelen, (void *)value);
    }
    *flag = v != NULL;
    if (v != NULL) {
        copy_truncated(value, v, (size_t)valuelen + 1);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_get_valuelen = PMPI_Info_get_valuelen
int PMPI_Info_get_valuelen(MPI_Info info, const char *key, int *valuelen, int *flag)
{
    MP_API_LOCK();
    const char *v = NULL;
    int rc = info_lookup("MPI_Info_get_valuelen", info, key, valuelen != NULL ? flag : NULL, &v);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *flag = v != NULL;
    if (v != NULL) {
        *valuelen = (int)strlen(v);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_get_string = PMPI_Info_get_string
int PMPI_Info_get_string(MPI_Info info, const char *key, int *buflen, char *value, int *flag)
{
    MP_API_LOCK();
    const char *v = NULL;
    int rc = info_lookup("MPI_Info_get_string", info, key, buflen != NULL ? flag : NULL, &v);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (*buflen < 0 || (*buflen > 0 && value == NULL)) {
        return mp_api_error(NULL, "MPI_Info_get_string", MPI_ERR_ARG,
                            "buflen %d with value %p: pass the size of value, or 0 to ask for "
                            "the length",
                            *buflen, (void *)value);
    }
    *flag = v != NULL;
    if (v == NULL) {
        return MPI_SUCCESS;
    }
    /* MPI 4: a buflen of 0 asks only for the size the value needs, its NUL included. */
    if (*buflen > 0) {
        copy_truncated(value, v, (size_t)*buflen);
    }
    *buflen = (int)strlen(v) + 1;
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_get_nkeys = PMPI_Info_get_nkeys
int PMPI_Info_get_nkeys(MPI_Info info, int *nkeys)
{
    MP_API_LOCK();
    mp_info_t *obj = NULL;
    int rc = mp_api_info_check(NULL, "MPI_Info_get_nkeys", info, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (nkeys == NULL) {
        return mp_api_error(NULL, "MPI_Info_get_nkeys", MPI_ERR_ARG, "nkeys is NULL");
    }
    *nkeys = obj->nkeys;
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_get_nthkey = PMPI_Info_get_nthkey
int PMPI_Info_get_nthkey(MPI_Info info, int n, char *key)
{
    MP_API_LOCK();
    mp_info_t *obj = NULL;
    int rc = mp_api_info_check(NULL, "MPI_Info_get_nthkey", info, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (key == NULL) {
        return mp_api_error(NULL, "MPI_Info_get_nthkey", MPI_ERR_ARG, "key is NULL");
    }
    const char *k = mp_info_nthkey(obj, n);
    if (k == NULL) {
        return mp_api_error(NULL, "MPI_Info_get_nthkey", MPI_ERR_ARG,
                            "n = %d is not a key index: this info object has %d keys, numbered "
                            "from 0",
                            n, obj->nkeys);
    }
    copy_truncated(key, k, MPI_MAX_INFO_KEY);
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_dup = PMPI_Info_dup
int PMPI_Info_dup(MPI_Info info, MPI_Info *newinfo)
{
    MP_API_LOCK();
    mp_info_t *obj = NULL;
    int rc = mp_api_info_check(NULL, "MPI_Info_dup", info, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (newinfo == NULL) {
        return mp_api_error(NULL, "MPI_Info_dup", MPI_ERR_ARG, "newinfo is NULL");
    }
    mp_info_t *dup = NULL;
    mp_status_t status = mp_info_dup(obj, &dup);
    if (status != MP_OK) {
        return status_error("MPI_Info_dup", status);
    }
    *newinfo = (MPI_Info)dup;
    return MPI_SUCCESS;
}

#pragma weak MPI_Info_free = PMPI_Info_free
int PMPI_Info_free(MPI_Info *info)
{
    MP_API_LOCK();
    if (info == NULL) {
        return mp_api_error(NULL, "MPI_Info_free", MPI_ERR_ARG, "info is NULL");
    }
    if (*info == MPI_INFO_ENV) {
        return mp_api_error(NULL, "MPI_Info_free", MPI_ERR_INFO,
                            "MPI_INFO_ENV is predefined and cannot be freed");
    }
    mp_info_t *obj = NULL;
    int rc = mp_api_info_check(NULL, "MPI_Info_free", *info, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_info_destroy(obj);
    *info = MPI_INFO_NULL;
    return MPI_SUCCESS;
}

/* ---- Hints of communicators ---- */

int mp_api_info_comm_merge(const char *call, mp_comm_t *comm, const mp_info_t *hints)
{
    if (comm->info == NULL) {
        mp_info_t *obj = NULL;
        mp_status_t status = mp_info_create(&obj);
        if (status != MP_OK) {
            return mp_api_error(comm, call, MPI_ERR_NO_MEM, "no memory for the hints");
        }
        comm->info = obj;
    }
    if (mp_info_merge(comm->info, hints) != MP_OK) {
        return mp_api_error(comm, call, MPI_ERR_NO_MEM, "no memory for the hints");
    }
    return MPI_SUCCESS;
}

void mp_api_info_comm_free(mp_comm_t *comm)
{
    if (comm->info != NULL) {
        mp_info_destroy(comm->info);
        comm->info = NULL;
    }
}

#pragma weak MPI_Comm_set_info = PMPI_Comm_set_info
int PMPI_Comm_set_info(MPI_Comm comm, MPI_Info info)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_set_info", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_info_t *obj = NULL;
    rc = mp_api_info_check(c, "MPI_Comm_set_info", info, &obj);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* libmp acts on no communicator hint yet; it keeps them, so that MPI_Comm_get_info returns
     * what the program set, as MPI 4 asks. Keys not in info keep their earlier value. */
    return mp_api_info_comm_merge("MPI_Comm_set_info", c, obj);
}

#pragma weak MPI_Comm_get_info = PMPI_Comm_get_info
int PMPI_Comm_get_info(MPI_Comm comm, MPI_Info *info_used)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_get_info", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (info_used == NULL) {
        return mp_api_error(c, "MPI_Comm_get_info", MPI_ERR_ARG, "info_used is NULL");
    }
    mp_info_t *dup = NULL;
    mp_status_t status = c->info != NULL ? mp_info_dup(c->info, &dup) : mp_info_create(&dup);
    if (status != MP_OK) {
        return mp_api_error(c, "MPI_Comm_get_info", MPI_ERR_NO_MEM, "no memory for the hints");
    }
    *info_used = (MPI_Info)dup;
    return MPI_SUCCESS;
}
