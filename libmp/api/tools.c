/*
 * The tools information interface (MPI_T): libmp's control variables are its environment
 * settings (core/settings.c), one read-only string each, read from the environment as MPI_Init
 * reads them. libmp has no performance variables, categories, event sources or events: those
 * calls see none. Like the standard says, MPI_T calls return their errors and call no handler,
 * and work before MPI_Init and after MPI_Finalize once MPI_T_init_thread was called.
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/settings.h"

static int t_inits; /* MPI_T_init_thread calls not yet matched by MPI_T_finalize */

/* The interface's own lock, so that it gives MPI_THREAD_MULTIPLE whatever level MPI itself runs
 * at: a tool's threads may query it at once. Taken inside the library lock (when that is on);
 * no MPI_T call waits or calls back into the program while it holds it. */
static pthread_mutex_t t_lock = PTHREAD_MUTEX_INITIALIZER;

static void t_lock_leave(int *unused)
{
    (void)unused;
    pthread_mutex_unlock(&t_lock);
}

static int t_lock_enter(void)
{
    pthread_mutex_lock(&t_lock);
    return 0;
}

/* The second statement of every MPI_T function, after MP_API_LOCK: the interface's lock, given
 * back on every return. */
#define MP_T_LOCK()                                                                                \
    int mp_t_lock_guard __attribute__((cleanup(t_lock_leave), unused)) = t_lock_enter()

#define CVAR_MAGIC 0x6d707463u    /* "mptc" */
#define SESSION_MAGIC 0x6d707473u /* "mpts" */

typedef struct cvar_handle {
    uint32_t magic;
    int index;
} cvar_handle_t;

typedef struct pvar_session {
    uint32_t magic;
} pvar_session_t;

/* Where the handles and sessions lie (their handles are their addresses). */
static mp_addr_span_t cvar_span = MP_ADDR_SPAN_EMPTY;
static mp_addr_span_t session_span = MP_ADDR_SPAN_EMPTY;

/* MPI_T's string convention: with no buffer (NULL or length 0) *len becomes the length needed,
 * terminator included; otherwise as much as fits is copied, terminated, and *len is what was
 * written, terminator included. */
static void put_string(const char *s, char *buf, int *len)
{
    if (len == NULL) {
        return;
    }
    size_t need = strlen(s) + 1;
    if (buf == NULL || *len <= 0) {
        *len = (int)need;
        return;
    }
    size_t n = need <= (size_t)*len ? need - 1 : (size_t)*len - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *len = (int)n + 1;
}

static int check_init(void)
{
    return t_inits > 0 ? MPI_SUCCESS : MPI_T_ERR_NOT_INITIALIZED;
}

/* A control variable's value: the environment's, else the setting's default. */
static const char *cvar_value(int index)
{
    const char *v = getenv(mp_settings[index].name);
    return v != NULL ? v : mp_settings[index].default_str;
}

#pragma weak MPI_T_init_thread = PMPI_T_init_thread
int PMPI_T_init_thread(int required, int *provided)
{
    MP_API_LOCK();
    MP_T_LOCK();
    if (provided == NULL ||
        (required != MPI_THREAD_SINGLE && required != MPI_THREAD_FUNNELED &&
         required != MPI_THREAD_SERIALIZED && required != MPI_THREAD_MULTIPLE)) {
        return MPI_T_ERR_INVALID;
    }
    *provided = required; /* every level: the interface has its own lock */
    t_inits++;
    return MPI_SUCCESS;
}

#pragma weak MPI_T_finalize = PMPI_T_finalize
int PMPI_T_finalize(void)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc == MPI_SUCCESS) {
        t_inits--;
    }
    return rc;
}

/* ---- Control variables ---- */

#pragma weak MPI_T_cvar_get_num = PMPI_T_cvar_get_num
int PMPI_T_cvar_get_num(int *num_cvar)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc == MPI_SUCCESS && num_cvar == NULL) {
        rc = MPI_T_ERR_INVALID;
    }
    if (rc == MPI_SUCCESS) {
        *num_cvar = mp_nsettings;
    }
    return rc;
}

#pragma weak MPI_T_cvar_get_info = PMPI_T_cvar_get_info
int PMPI_T_cvar_get_info(int cvar_index, char *name, int *name_len, int *verbosity,
                         MPI_Datatype *datatype, MPI_T_enum *enumtype, char *desc, int *desc_len,
                         int *bind, int *scope)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (cvar_index < 0 || cvar_index >= mp_nsettings) {
        return MPI_T_ERR_INVALID_INDEX;
    }
    const mp_setting_t *s = &mp_settings[cvar_index];
    put_string(s->name, name, name_len);
    put_string(s->doc, desc, desc_len);
    if (verbosity != NULL) {
        *verbosity = MPI_T_VERBOSITY_USER_BASIC;
    }
    if (datatype != NULL) {
        *datatype = MPI_CHAR;
    }
    if (enumtype != NULL) {
        *enumtype = MPI_T_ENUM_NULL;
    }
    if (bind != NULL) {
        *bind = MPI_T_BIND_NO_OBJECT;
    }
    if (scope != NULL) {
        /* Read once, at start-up: nothing changes them while the program runs. */
        *scope = MPI_T_SCOPE_CONSTANT;
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_T_cvar_get_index = PMPI_T_cvar_get_index
int PMPI_T_cvar_get_index(const char *name, int *cvar_index)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc == MPI_SUCCESS && (name == NULL || cvar_index == NULL)) {
        rc = MPI_T_ERR_INVALID;
    }
    for (int i = 0; rc == MPI_SUCCESS && i < mp_nsettings; i++) {
        if (strcmp(mp_settings[i].name, name) == 0) {
            *cvar_index = i;
            return MPI_SUCCESS;
        }
    }
    return rc == MPI_SUCCESS ? MPI_T_ERR_INVALID_NAME : rc;
}

#pragma weak MPI_T_cvar_handle_alloc = PMPI_T_cvar_handle_alloc
int PMPI_T_cvar_handle_alloc(int cvar_index, void *obj_handle, MPI_T_cvar_handle *handle,
                             int *count)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)obj_handle; /* bound to no object */
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (cvar_index < 0 || cvar_index >= mp_nsettings) {
        return MPI_T_ERR_INVALID_INDEX;
    }
    if (handle == NULL || count == NULL) {
        return MPI_T_ERR_INVALID;
    }
    cvar_handle_t *h = malloc(sizeof(*h));
    if (h == NULL) {
        return MPI_T_ERR_MEMORY;
    }
    mp_addr_span_note(&cvar_span, h, sizeof(*h));
    h->magic = CVAR_MAGIC;
    h->index = cvar_index;
    /* A string variable's count is the buffer a read needs, terminator included. */
    *count = (int)strlen(cvar_value(cvar_index)) + 1;
    *handle = (MPI_T_cvar_handle)(void *)h;
    return MPI_SUCCESS;
}

static cvar_handle_t *cvar_of(MPI_T_cvar_handle handle)
{
    cvar_handle_t *h = (cvar_handle_t *)(void *)handle;
    return mp_addr_span_holds(&cvar_span, h, sizeof(*h)) && h->magic == CVAR_MAGIC ? h : NULL;
}

#pragma weak MPI_T_cvar_handle_free = PMPI_T_cvar_handle_free
int PMPI_T_cvar_handle_free(MPI_T_cvar_handle *handle)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    cvar_handle_t *h = handle != NULL ? cvar_of(*handle) : NULL;
    if (h == NULL) {
        return MPI_T_ERR_INVALID_HANDLE;
    }
    h->magic = 0;
    free(h);
    *handle = MPI_T_CVAR_HANDLE_NULL;
    return MPI_SUCCESS;
}

#pragma weak MPI_T_cvar_read = PMPI_T_cvar_read
int PMPI_T_cvar_read(MPI_T_cvar_handle handle, void *buf)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    cvar_handle_t *h = cvar_of(handle);
    if (h == NULL) {
        return MPI_T_ERR_INVALID_HANDLE;
    }
    if (buf == NULL) {
        return MPI_T_ERR_INVALID;
    }
    const char *v = cvar_value(h->index);
    memcpy(buf, v, strlen(v) + 1);
    return MPI_SUCCESS;
}

#pragma weak MPI_T_cvar_write = PMPI_T_cvar_write
int PMPI_T_cvar_write(MPI_T_cvar_handle handle, const void *buf)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)buf;
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Settings are read at start-up; set them in the environment of mpirun instead. */
    return cvar_of(handle) == NULL ? MPI_T_ERR_INVALID_HANDLE : MPI_T_ERR_CVAR_SET_NEVER;
}

/* ---- Enumerations: no variable has one ---- */

#pragma weak MPI_T_enum_get_info = PMPI_T_enum_get_info
int PMPI_T_enum_get_info(MPI_T_enum enumtype, int *num, char *name, int *name_len)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)enumtype, (void)num, (void)name, (void)name_len;
    int rc = check_init();
    return rc != MPI_SUCCESS ? rc : MPI_T_ERR_INVALID_HANDLE;
}

#pragma weak MPI_T_enum_get_item = PMPI_T_enum_get_item
int PMPI_T_enum_get_item(MPI_T_enum enumtype, int index, int *value, char *name, int *name_len)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)enumtype, (void)index, (void)value, (void)name, (void)name_len;
    int rc = check_init();
    return rc != MPI_SUCCESS ? rc : MPI_T_ERR_INVALID_HANDLE;
}

/* ---- Performance variables: none, but sessions exist ---- */

/* How a call about a variable, category, source or event that cannot exist answers. */
static int none_by_index(void)
{
    int rc = check_init();
    return rc != MPI_SUCCESS ? rc : MPI_T_ERR_INVALID_INDEX;
}

static int none_by_name(const char *name)
{
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return name == NULL ? MPI_T_ERR_INVALID : MPI_T_ERR_INVALID_NAME;
}

static int zero(int *num)
{
    int rc = check_init();
    if (rc == MPI_SUCCESS && num == NULL) {
        rc = MPI_T_ERR_INVALID;
    }
    if (rc == MPI_SUCCESS) {
        *num = 0;
    }
    return rc;
}

static pvar_session_t *session_of(MPI_T_pvar_session session)
{
    pvar_session_t *s = (pvar_session_t *)(void *)session;
    return mp_addr_span_holds(&session_span, s, sizeof(*s)) && s->magic == SESSION_MAGIC ? s : NULL;
}

/* A call on a session and a pvar handle: no handle can exist. */
static int no_pvar_handle(MPI_T_pvar_session session)
{
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return session_of(session) == NULL ? MPI_T_ERR_INVALID_SESSION : MPI_T_ERR_INVALID_HANDLE;
}

#pragma weak MPI_T_pvar_get_num = PMPI_T_pvar_get_num
int PMPI_T_pvar_get_num(int *num_pvar)
{
    MP_API_LOCK();
    MP_T_LOCK();
    return zero(num_pvar);
}

#pragma weak MPI_T_pvar_get_info = PMPI_T_pvar_get_info
int PMPI_T_pvar_get_info(int pvar_index, char *name, int *name_len, int *verbosity, int *var_class,
                         MPI_Datatype *datatype, MPI_T_enum *enumtype, char *desc, int *desc_len,
                         int *bind, int *readonly, int *continuous, int *atomic)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)pvar_index, (void)name, (void)name_len, (void)verbosity, (void)var_class;
    (void)datatype, (void)enumtype, (void)desc, (void)desc_len, (void)bind, (void)readonly;
    (void)continuous, (void)atomic;
    return none_by_index();
}

#pragma weak MPI_T_pvar_get_index = PMPI_T_pvar_get_index
int PMPI_T_pvar_get_index(const char *name, int var_class, int *pvar_index)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)var_class, (void)pvar_index;
    return none_by_name(name);
}

#pragma weak MPI_T_pvar_session_create = PMPI_T_pvar_session_create
int PMPI_T_pvar_session_create(MPI_T_pvar_session *session)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (session == NULL) {
        return MPI_T_ERR_INVALID;
    }
    pvar_session_t *s = malloc(sizeof(*s));
    if (s == NULL) {
        return MPI_T_ERR_MEMORY;
    }
    mp_addr_span_note(&session_span, s, sizeof(*s));
    s->magic = SESSION_MAGIC;
    *session = (MPI_T_pvar_session)(void *)s;
    return MPI_SUCCESS;
}

#pragma weak MPI_T_pvar_session_free = PMPI_T_pvar_session_free
int PMPI_T_pvar_session_free(MPI_T_pvar_session *session)
{
    MP_API_LOCK();
    MP_T_LOCK();
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    pvar_session_t *s = session != NULL ? session_of(*session) : NULL;
    if (s == NULL) {
        return MPI_T_ERR_INVALID_SESSION;
    }
    s->magic = 0;
    free(s);
    *session = MPI_T_PVAR_SESSION_NULL;
    return MPI_SUCCESS;
}

#pragma weak MPI_T_pvar_handle_alloc = PMPI_T_pvar_handle_alloc
int PMPI_T_pvar_handle_alloc(MPI_T_pvar_session session, int pvar_index, void *obj_handle,
                             MPI_T_pvar_handle *handle, int *count)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)pvar_index, (void)obj_handle, (void)handle, (void)count;
    int rc = check_init();
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    return session_of(session) == NULL ? MPI_T_ERR_INVALID_SESSION : MPI_T_ERR_INVALID_INDEX;
}

#pragma weak MPI_T_pvar_handle_free = PMPI_T_pvar_handle_free
int PMPI_T_pvar_handle_free(MPI_T_pvar_session session, MPI_T_pvar_handle *handle)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle;
    return no_pvar_handle(session);
}

#pragma weak MPI_T_pvar_start = PMPI_T_pvar_start
int PMPI_T_pvar_start(MPI_T_pvar_session session, MPI_T_pvar_handle handle)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle;
    return no_pvar_handle(session);
}

#pragma weak MPI_T_pvar_stop = PMPI_T_pvar_stop
int PMPI_T_pvar_stop(MPI_T_pvar_session session, MPI_T_pvar_handle handle)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle;
    return no_pvar_handle(session);
}

#pragma weak MPI_T_pvar_read = PMPI_T_pvar_read
int PMPI_T_pvar_read(MPI_T_pvar_session session, MPI_T_pvar_handle handle, void *buf)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle, (void)buf;
    return no_pvar_handle(session);
}

#pragma weak MPI_T_pvar_write = PMPI_T_pvar_write
int PMPI_T_pvar_write(MPI_T_pvar_session session, MPI_T_pvar_handle handle, const void *buf)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle, (void)buf;
    return no_pvar_handle(session);
}

#pragma weak MPI_T_pvar_reset = PMPI_T_pvar_reset
int PMPI_T_pvar_reset(MPI_T_pvar_session session, MPI_T_pvar_handle handle)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle;
    return no_pvar_handle(session);
}

#pragma weak MPI_T_pvar_readreset = PMPI_T_pvar_readreset
int PMPI_T_pvar_readreset(MPI_T_pvar_session session, MPI_T_pvar_handle handle, void *buf)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)handle, (void)buf;
    return no_pvar_handle(session);
}

/* ---- Categories: none ---- */

#pragma weak MPI_T_category_get_num = PMPI_T_category_get_num
int PMPI_T_category_get_num(int *num_cat)
{
    MP_API_LOCK();
    MP_T_LOCK();
    return zero(num_cat);
}

#pragma weak MPI_T_category_get_info = PMPI_T_category_get_info
int PMPI_T_category_get_info(int cat_index, char *name, int *name_len, char *desc, int *desc_len,
                             int *num_cvars, int *num_pvars, int *num_categories)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index, (void)name, (void)name_len, (void)desc, (void)desc_len, (void)num_cvars;
    (void)num_pvars, (void)num_categories;
    return none_by_index();
}

#pragma weak MPI_T_category_get_num_events = PMPI_T_category_get_num_events
int PMPI_T_category_get_num_events(int cat_index, int *num_events)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index, (void)num_events;
    return none_by_index();
}

#pragma weak MPI_T_category_get_index = PMPI_T_category_get_index
int PMPI_T_category_get_index(const char *name, int *cat_index)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index;
    return none_by_name(name);
}

#pragma weak MPI_T_category_get_cvars = PMPI_T_category_get_cvars
int PMPI_T_category_get_cvars(int cat_index, int len, int indices[])
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index, (void)len, (void)indices;
    return none_by_index();
}

#pragma weak MPI_T_category_get_pvars = PMPI_T_category_get_pvars
int PMPI_T_category_get_pvars(int cat_index, int len, int indices[])
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index, (void)len, (void)indices;
    return none_by_index();
}

#pragma weak MPI_T_category_get_events = PMPI_T_category_get_events
int PMPI_T_category_get_events(int cat_index, int len, int indices[])
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index, (void)len, (void)indices;
    return none_by_index();
}

#pragma weak MPI_T_category_get_categories = PMPI_T_category_get_categories
int PMPI_T_category_get_categories(int cat_index, int len, int indices[])
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)cat_index, (void)len, (void)indices;
    return none_by_index();
}

#pragma weak MPI_T_category_changed = PMPI_T_category_changed
int PMPI_T_category_changed(int *update_number)
{
    MP_API_LOCK();
    MP_T_LOCK();
    /* The (empty) set of categories never changes. */
    return zero(update_number);
}

/* ---- Event sources and events: none ---- */

#pragma weak MPI_T_source_get_num = PMPI_T_source_get_num
int PMPI_T_source_get_num(int *num_sources)
{
    MP_API_LOCK();
    MP_T_LOCK();
    return zero(num_sources);
}

#pragma weak MPI_T_source_get_info = PMPI_T_source_get_info
int PMPI_T_source_get_info(int source_index, char *name, int *name_len, char *desc, int *desc_len,
                           MPI_T_source_order *ordering, MPI_Count *ticks_per_second,
                           MPI_Count *max_ticks, MPI_Info *info)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)source_index, (void)name, (void)name_len, (void)desc, (void)desc_len, (void)ordering;
    (void)ticks_per_second, (void)max_ticks, (void)info;
    return none_by_index();
}

#pragma weak MPI_T_source_get_timestamp = PMPI_T_source_get_timestamp
int PMPI_T_source_get_timestamp(int source_index, MPI_Count *timestamp)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)source_index, (void)timestamp;
    return none_by_index();
}

#pragma weak MPI_T_event_get_num = PMPI_T_event_get_num
int PMPI_T_event_get_num(int *num_events)
{
    MP_API_LOCK();
    MP_T_LOCK();
    return zero(num_events);
}

#pragma weak MPI_T_event_get_info = PMPI_T_event_get_info
int PMPI_T_event_get_info(int event_index, char *name, int *name_len, int *verbosity,
                          MPI_Datatype array_of_datatypes[], MPI_Aint array_of_displacements[],
                          int *num_elements, MPI_T_enum *enumtype, MPI_Info *info, char *desc,
                          int *desc_len, int *bind)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_index, (void)name, (void)name_len, (void)verbosity, (void)array_of_datatypes;
    (void)array_of_displacements, (void)num_elements, (void)enumtype, (void)info, (void)desc;
    (void)desc_len, (void)bind;
    return none_by_index();
}

#pragma weak MPI_T_event_get_index = PMPI_T_event_get_index
int PMPI_T_event_get_index(const char *name, int *event_index)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_index;
    return none_by_name(name);
}

#pragma weak MPI_T_event_handle_alloc = PMPI_T_event_handle_alloc
int PMPI_T_event_handle_alloc(int event_index, void *obj_handle, MPI_Info info,
                              MPI_T_event_registration *event_registration)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_index, (void)obj_handle, (void)info, (void)event_registration;
    return none_by_index();
}

/* No event registration can exist: calls on one are given an invalid handle. */
static int no_registration(void)
{
    int rc = check_init();
    return rc != MPI_SUCCESS ? rc : MPI_T_ERR_INVALID_HANDLE;
}

#pragma weak MPI_T_event_handle_set_info = PMPI_T_event_handle_set_info
int PMPI_T_event_handle_set_info(MPI_T_event_registration event_registration, MPI_Info info)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)info;
    return no_registration();
}

#pragma weak MPI_T_event_handle_get_info = PMPI_T_event_handle_get_info
int PMPI_T_event_handle_get_info(MPI_T_event_registration event_registration, MPI_Info *info_used)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)info_used;
    return no_registration();
}

#pragma weak MPI_T_event_register_callback = PMPI_T_event_register_callback
int PMPI_T_event_register_callback(MPI_T_event_registration event_registration,
                                   MPI_T_cb_safety cb_safety, MPI_Info info, void *user_data,
                                   MPI_T_event_cb_function *event_cb_function)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)cb_safety, (void)info, (void)user_data;
    (void)event_cb_function;
    return no_registration();
}

#pragma weak MPI_T_event_callback_set_info = PMPI_T_event_callback_set_info
int PMPI_T_event_callback_set_info(MPI_T_event_registration event_registration,
                                   MPI_T_cb_safety cb_safety, MPI_Info info)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)cb_safety, (void)info;
    return no_registration();
}

#pragma weak MPI_T_event_callback_get_info = PMPI_T_event_callback_get_info
int PMPI_T_event_callback_get_info(MPI_T_event_registration event_registration,
                                   MPI_T_cb_safety cb_safety, MPI_Info *info_used)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)cb_safety, (void)info_used;
    return no_registration();
}

#pragma weak MPI_T_event_handle_free = PMPI_T_event_handle_free
int PMPI_T_event_handle_free(MPI_T_event_registration event_registration, void *user_data,
                             MPI_T_event_free_cb_function *free_cb_function)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)user_data, (void)free_cb_function;
    return no_registration();
}

#pragma weak MPI_T_event_set_dropped_handler = PMPI_T_event_set_dropped_handler
int PMPI_T_event_set_dropped_handler(MPI_T_event_registration event_registration,
                                     MPI_T_event_dropped_cb_function *dropped_cb_function)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_registration, (void)dropped_cb_function;
    return no_registration();
}

#pragma weak MPI_T_event_read = PMPI_T_event_read
int PMPI_T_event_read(MPI_T_event_instance event_instance, int element_index, void *buffer)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_instance, (void)element_index, (void)buffer;
    return no_registration();
}

#pragma weak MPI_T_event_copy = PMPI_T_event_copy
int PMPI_T_event_copy(MPI_T_event_instance event_instance, void *buffer)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_instance, (void)buffer;
    return no_registration();
}

#pragma weak MPI_T_event_get_timestamp = PMPI_T_event_get_timestamp
int PMPI_T_event_get_timestamp(MPI_T_event_instance event_instance, MPI_Count *event_timestamp)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_instance, (void)event_timestamp;
    return no_registration();
}

#pragma weak MPI_T_event_get_source = PMPI_T_event_get_source
int PMPI_T_event_get_source(MPI_T_event_instance event_instance, int *source_index)
{
    MP_API_LOCK();
    MP_T_LOCK();
    (void)event_instance, (void)source_index;
    return no_registration();
}
