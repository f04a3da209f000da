/*
 * Caching: attribute keys (keyvals) and the attributes set on communicators, datatypes and
 * windows, with their copy and delete callbacks; and the attributes MPI predefines on
 * communicators (MPI_TAG_UB and friends, read-only).
 */
#include <stdlib.h>

#include "api/api.h"
#include "core/runtime.h"

/* ---- Predefined attributes ---- */

/* The values the attributes point at: the standard returns a pointer to an int. */
static int attr_tag_ub = MP_API_TAG_UB;
static int attr_host = MPI_PROC_NULL; /* no process is the "host" */
static int attr_io = MPI_ANY_SOURCE;  /* every process can do I/O */
static int attr_wtime_is_global = 0;  /* MPI_Wtime is a local clock */
static int attr_universe_size;        /* the launcher's PMIX_UNIV_SIZE */
static int attr_appnum;               /* the launcher's PMIX_APPNUM */
static int attr_lastusedcode;

static int *predefined_attr(int keyval)
{
    switch (keyval) {
    case MPI_TAG_UB:
        return &attr_tag_ub;
    case MPI_HOST:
        return &attr_host;
    case MPI_IO:
        return &attr_io;
    case MPI_WTIME_IS_GLOBAL:
        return &attr_wtime_is_global;
    case MPI_UNIVERSE_SIZE:
        attr_universe_size = mp_runtime.universe_size;
        return &attr_universe_size;
    case MPI_APPNUM:
        attr_appnum = mp_runtime.appnum;
        return &attr_appnum;
    case MPI_LASTUSEDCODE:
        attr_lastusedcode = mp_api_error_lastused();
        return &attr_lastusedcode;
    default:
        return NULL;
    }
}

static bool is_predefined_win_keyval(int keyval)
{
    return keyval >= MPI_WIN_BASE && keyval <= MPI_WIN_MODEL;
}

/* ---- Keyvals ---- */

typedef enum attr_kind {
    KIND_COMM,
    KIND_TYPE,
    KIND_WIN,
} attr_kind_t;

static const char *const kind_names[] = {"communicators", "datatypes", "windows"};

/* MPI_*_NULL_COPY_FN and MPI_*_DUP_FN, as the ABI encodes them. */
#define COPY_NULL ((uintptr_t)0)
#define COPY_DUP ((uintptr_t)1)

typedef struct keyval {
    int id;
    attr_kind_t kind;
    union { /* the member of kind; also COPY_NULL or COPY_DUP */
        MPI_Comm_copy_attr_function *comm;
        MPI_Type_copy_attr_function *type;
        MPI_Win_copy_attr_function *win;
    } copy_fn;
    union { /* the member of kind; NULL: nothing to do */
        MPI_Comm_delete_attr_function *comm;
        MPI_Type_delete_attr_function *type;
        MPI_Win_delete_attr_function *win;
    } delete_fn;
    void *extra_state;
    int refs;   /* one for the program's handle until MPI_*_free_keyval, one per attribute */
    bool freed; /* the program freed it: it lives on for its attributes (and, as in MPICH, can
                 * still be used through its id until the last one goes) */
} keyval_t;

/* Keyvals live in a table; a keyval's id is its slot plus KEYVAL_BASE, well away from the
 * predefined keys (501..605) and from MPI_KEYVAL_INVALID (0). A slot is reused only once its
 * keyval is gone altogether. */
#define KEYVAL_BASE 0x10000

static keyval_t **keyvals;
static int nkeyvals;
static int keyvals_used; /* slots below this one held a keyval once: an empty one was freed */

static keyval_t *keyval_get(int id)
{
    if (id < KEYVAL_BASE || id >= KEYVAL_BASE + nkeyvals) {
        return NULL;
    }
    return keyvals[id - KEYVAL_BASE];
}

static void keyval_release(keyval_t *kv)
{
    if (--kv->refs == 0) {
        keyvals[kv->id - KEYVAL_BASE] = NULL;
        free(kv);
    }
}

static int keyval_create(const char *call, attr_kind_t kind, void (*copy_fn)(void),
                         void (*delete_fn)(void), int *keyval, void *extra_state)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (keyval == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "the keyval output argument is NULL");
    }
    int slot = 0;
    while (slot < nkeyvals && keyvals[slot] != NULL) {
        slot++;
    }
    if (slot == nkeyvals) {
        keyval_t **grown = realloc(keyvals, (size_t)(nkeyvals + 16) * sizeof(*grown));
        if (grown == NULL) {
            return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "no memory for a keyval");
        }
        for (int i = nkeyvals; i < nkeyvals + 16; i++) {
            grown[i] = NULL;
        }
        keyvals = grown;
        nkeyvals += 16;
    }
    keyval_t *kv = malloc(sizeof(*kv));
    if (kv == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_NO_MEM, "no memory for a keyval");
    }
    kv->id = KEYVAL_BASE + slot;
    kv->kind = kind;
    /* Stored back in the type they came in; the members share one representation. */
    kv->copy_fn.comm = (MPI_Comm_copy_attr_function *)copy_fn;
    kv->delete_fn.comm = (MPI_Comm_delete_attr_function *)delete_fn;
    if (kind == KIND_TYPE) {
        kv->copy_fn.type = (MPI_Type_copy_attr_function *)copy_fn;
        kv->delete_fn.type = (MPI_Type_delete_attr_function *)delete_fn;
    } else if (kind == KIND_WIN) {
        kv->copy_fn.win = (MPI_Win_copy_attr_function *)copy_fn;
        kv->delete_fn.win = (MPI_Win_delete_attr_function *)delete_fn;
    }
    kv->extra_state = extra_state;
    kv->refs = 1;
    kv->freed = false;
    keyvals[slot] = kv;
    if (slot >= keyvals_used) {
        keyvals_used = slot + 1;
    }
    *keyval = kv->id;
    return MPI_SUCCESS;
}

/* Checks that id is a live keyval for objects of kind; reports for call on comm otherwise. */
static int keyval_check(const mp_comm_t *comm, const char *call, int id, attr_kind_t kind,
                        keyval_t **kv_p)
{
    keyval_t *kv = keyval_get(id);
    if (kv == NULL) {
        const char *kind_fn = kind == KIND_COMM ? "Comm" : kind == KIND_TYPE ? "Type" : "Win";
        if (id == MPI_KEYVAL_INVALID) {
            return mp_api_error(comm, call, MPI_ERR_KEYVAL,
                                "MPI_KEYVAL_INVALID is not a key; create one with "
                                "MPI_%s_create_keyval",
                                kind_fn);
        }
        if (id >= KEYVAL_BASE && id < KEYVAL_BASE + keyvals_used) {
            return mp_api_error(comm, call, MPI_ERR_KEYVAL,
                                "key %d was already freed with MPI_%s_free_keyval and no "
                                "attribute uses it any more, so it no longer exists",
                                id, kind_fn);
        }
        return mp_api_error(comm, call, MPI_ERR_KEYVAL,
                            "%d is not an attribute key; create one with MPI_%s_create_keyval", id,
                            kind_fn);
    }
    if (kv->kind != kind) {
        return mp_api_error(comm, call, MPI_ERR_KEYVAL, "key %d was created for %s, not for %s", id,
                            kind_names[kv->kind], kind_names[kind]);
    }
    *kv_p = kv;
    return MPI_SUCCESS;
}

/* ---- Attribute lists ---- */

/* An attribute on an object. Lists keep the most recently set attribute first, so that
 * deletion, which walks the list, goes in the reverse order of setting (the order MPI asks for
 * at MPI_Finalize, and MPICH's order on every free). */
typedef struct attr {
    struct attr *next;
    keyval_t *kv;
    void *value;
} attr_t;

/* The object an attribute list hangs on, as its callbacks see it. */
typedef struct attr_obj {
    attr_kind_t kind;
    union { /* the handle passed to the callbacks: the member of kind */
        MPI_Comm comm;
        MPI_Datatype type;
        MPI_Win win;
    } handle;
    attr_t **list;         /* where the object keeps its attributes */
    const mp_comm_t *comm; /* where errors are raised (NULL: MPI_COMM_SELF) */
} attr_obj_t;

static attr_t *attr_find(attr_t *list, const keyval_t *kv)
{
    for (attr_t *a = list; a != NULL; a = a->next) {
        if (a->kv == kv) {
            return a;
        }
    }
    return NULL;
}

/* Runs the delete callback of a's key on its value; returns the callback's code. */
static int run_delete(const attr_obj_t *obj, const attr_t *a)
{
    const keyval_t *kv = a->kv;
    switch (obj->kind) {
    case KIND_COMM:
        return kv->delete_fn.comm == NULL
                   ? MPI_SUCCESS
                   : kv->delete_fn.comm(obj->handle.comm, kv->id, a->value, kv->extra_state);
    case KIND_TYPE:
        return kv->delete_fn.type == NULL
                   ? MPI_SUCCESS
                   : kv->delete_fn.type(obj->handle.type, kv->id, a->value, kv->extra_state);
    case KIND_WIN:
        return kv->delete_fn.win == NULL
                   ? MPI_SUCCESS
                   : kv->delete_fn.win(obj->handle.win, kv->id, a->value, kv->extra_state);
    }
    return MPI_SUCCESS;
}

/* Runs the copy callback of a's key (a user function, not COPY_NULL or COPY_DUP). */
static int run_copy(const attr_obj_t *obj, const attr_t *a, void *out, int *flag)
{
    const keyval_t *kv = a->kv;
    switch (obj->kind) {
    case KIND_COMM:
        return kv->copy_fn.comm(obj->handle.comm, kv->id, kv->extra_state, a->value, out, flag);
    case KIND_TYPE:
        return kv->copy_fn.type(obj->handle.type, kv->id, kv->extra_state, a->value, out, flag);
    case KIND_WIN:
        return kv->copy_fn.win(obj->handle.win, kv->id, kv->extra_state, a->value, out, flag);
    }
    *flag = 0;
    return MPI_SUCCESS;
}

static void attr_unlink(attr_t **list, attr_t *a)
{
    attr_t **pp = list;
    while (*pp != a) {
        pp = &(*pp)->next;
    }
    *pp = a->next;
    keyval_release(a->kv);
    free(a);
}

static int attr_set(const char *call, const attr_obj_t *obj, keyval_t *kv, void *value)
{
    attr_t *a = attr_find(*obj->list, kv);
    if (a != NULL) {
        /* As if the old value were deleted first: its delete callback runs. */
        int rc = run_delete(obj, a);
        if (rc != MPI_SUCCESS) {
            return mp_api_error(obj->comm, call, rc,
                                "the delete callback of key %d returned error %d on the old value",
                                kv->id, rc);
        }
        a->value = value;
        return MPI_SUCCESS;
    }
    a = malloc(sizeof(*a));
    if (a == NULL) {
        return mp_api_error(obj->comm, call, MPI_ERR_NO_MEM, "no memory for an attribute");
    }
    a->kv = kv;
    a->value = value;
    a->next = *obj->list;
    *obj->list = a;
    kv->refs++;
    return MPI_SUCCESS;
}

static int attr_get(const attr_obj_t *obj, const keyval_t *kv, void *attribute_val, int *flag)
{
    const attr_t *a = attr_find(*obj->list, kv);
    *flag = a != NULL;
    if (a != NULL) {
        *(void **)attribute_val = a->value;
    }
    return MPI_SUCCESS;
}

static int attr_delete(const char *call, const attr_obj_t *obj, keyval_t *kv)
{
    attr_t *a = attr_find(*obj->list, kv);
    if (a == NULL) {
        return mp_api_error(obj->comm, call, MPI_ERR_KEYVAL,
                            "no attribute with key %d is set on this object", kv->id);
    }
    /* A failing delete callback keeps the attribute, as in MPICH. */
    int rc = run_delete(obj, a);
    if (rc != MPI_SUCCESS) {
        return mp_api_error(obj->comm, call, rc, "the delete callback of key %d returned error %d",
                            kv->id, rc);
    }
    attr_unlink(obj->list, a);
    return MPI_SUCCESS;
}

/* Deletes every attribute, newest first. Stops at the first failing callback, leaving the
 * attributes not yet deleted in place. */
static int attr_delete_all(const char *call, const attr_obj_t *obj)
{
    while (*obj->list != NULL) {
        attr_t *a = *obj->list;
        int rc = run_delete(obj, a);
        if (rc != MPI_SUCCESS) {
            return mp_api_error(obj->comm, call, rc,
                                "the delete callback of key %d returned error %d", a->kv->id, rc);
        }
        attr_unlink(obj->list, a);
    }
    return MPI_SUCCESS;
}

/* Removes every attribute without calling anything: what is left after a failing callback on
 * an object that goes anyway. */
static void attr_drop_all(attr_t **list)
{
    while (*list != NULL) {
        attr_unlink(list, *list);
    }
}

/* Copies the attributes of from onto to (whose list is empty), oldest first, so that to keeps
 * the same order. On a failing copy callback, the copies made so far are deleted again. */
static int attr_copy_all(const char *call, const attr_obj_t *from, const attr_obj_t *to)
{
    int n = 0;
    for (const attr_t *a = *from->list; a != NULL; a = a->next) {
        n++;
    }
    const attr_t **order = malloc((size_t)(n > 0 ? n : 1) * sizeof(*order));
    if (order == NULL) {
        return mp_api_error(from->comm, call, MPI_ERR_NO_MEM, "no memory to copy attributes");
    }
    int i = n;
    for (const attr_t *a = *from->list; a != NULL; a = a->next) {
        order[--i] = a;
    }
    int rc = MPI_SUCCESS;
    for (i = 0; i < n && rc == MPI_SUCCESS; i++) {
        keyval_t *kv = order[i]->kv;
        void *out = NULL;
        int flag = 0;
        uintptr_t copy_fn = (uintptr_t)kv->copy_fn.comm;
        if (copy_fn == COPY_DUP) {
            out = order[i]->value;
            flag = 1;
        } else if (copy_fn != COPY_NULL) {
            int cb = run_copy(from, order[i], &out, &flag);
            if (cb != MPI_SUCCESS) {
                /* to is not handed out: its copies are deleted, and dropped if that fails. */
                attr_delete_all(call, to);
                attr_drop_all(to->list);
                rc = mp_api_error(from->comm, call, cb,
                                  "the copy callback of key %d returned error %d", kv->id, cb);
                break;
            }
        }
        if (flag) {
            rc = attr_set(call, to, kv, out);
        }
    }
    free(order);
    return rc;
}

/* ---- Communicators ---- */

static attr_obj_t comm_obj(mp_comm_t *c)
{
    return (attr_obj_t){.kind = KIND_COMM,
                        .handle.comm = mp_api_comm_handle(c),
                        .list = (attr_t **)&c->attrs,
                        .comm = c};
}

int mp_api_attr_comm_copy_all(const char *call, mp_comm_t *old, mp_comm_t *new_comm)
{
    /* The hints go with the communicator too: MPI_Comm_dup keeps them. */
    if (old->info != NULL) {
        int rc = mp_api_info_comm_merge(call, new_comm, old->info);
        if (rc != MPI_SUCCESS) {
            return rc;
        }
    }
    attr_obj_t from = comm_obj(old);
    attr_obj_t to = comm_obj(new_comm);
    int rc = attr_copy_all(call, &from, &to);
    if (rc != MPI_SUCCESS) {
        mp_api_info_comm_free(new_comm);
    }
    return rc;
}

int mp_api_attr_comm_delete_all(const char *call, mp_comm_t *comm)
{
    attr_obj_t obj = comm_obj(comm);
    int rc = attr_delete_all(call, &obj);
    if (rc == MPI_SUCCESS) {
        mp_api_info_comm_free(comm);
    }
    return rc;
}

#pragma weak MPI_Comm_create_keyval = PMPI_Comm_create_keyval
int PMPI_Comm_create_keyval(MPI_Comm_copy_attr_function *comm_copy_attr_fn,
                            MPI_Comm_delete_attr_function *comm_delete_attr_fn, int *comm_keyval,
                            void *extra_state)
{
    MP_API_LOCK();
    return keyval_create("MPI_Comm_create_keyval", KIND_COMM, (void (*)(void))comm_copy_attr_fn,
                         (void (*)(void))comm_delete_attr_fn, comm_keyval, extra_state);
}

/* The checks shared by MPI_*_free_keyval: predefined keys cannot be freed. */
static int keyval_free(const char *call, int *keyval, attr_kind_t kind)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (keyval == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "keyval is NULL");
    }
    if (predefined_attr(*keyval) != NULL || is_predefined_win_keyval(*keyval)) {
        return mp_api_error(NULL, call, MPI_ERR_KEYVAL,
                            "key %d is predefined by MPI and cannot be freed", *keyval);
    }
    keyval_t *kv = NULL;
    rc = keyval_check(NULL, call, *keyval, kind, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Attributes still using the key keep it alive until they are deleted. Freeing it again
     * while it lives (through a copy of the int, or from its own delete callback, as MPICH's
     * attr/keyval_double_free and ROMIO do) changes nothing and succeeds: the program's
     * reference is dropped once only. This is MPICH's choice (MPIR_free_keyval checks
     * was_freed); Open MPI drops a reference on every call, which frees the key under the
     * attributes still using it. Reporting MPI_ERR_KEYVAL instead would abort such programs
     * under the default MPI_ERRORS_ARE_FATAL, though the standard says freeing a key in use
     * is not erroneous. Once the last attribute goes, the key is gone and a free reports
     * MPI_ERR_KEYVAL (keyval_check above). */
    if (!kv->freed) {
        kv->freed = true;
        keyval_release(kv);
    }
    *keyval = MPI_KEYVAL_INVALID;
    return MPI_SUCCESS;
}

#pragma weak MPI_Comm_free_keyval = PMPI_Comm_free_keyval
int PMPI_Comm_free_keyval(int *comm_keyval)
{
    MP_API_LOCK();
    return keyval_free("MPI_Comm_free_keyval", comm_keyval, KIND_COMM);
}

/* The checks of MPI_Comm_set_attr and MPI_Comm_delete_attr: predefined keys are read-only. */
static int comm_attr_args(const char *call, MPI_Comm comm, int keyval, mp_comm_t **c_p,
                          keyval_t **kv_p)
{
    int rc = mp_api_comm_check(call, comm, c_p);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (predefined_attr(keyval) != NULL) {
        return mp_api_error(*c_p, call, MPI_ERR_KEYVAL,
                            "key %d is predefined by MPI and read-only; create a key of your own "
                            "with MPI_Comm_create_keyval",
                            keyval);
    }
    return keyval_check(*c_p, call, keyval, KIND_COMM, kv_p);
}

#pragma weak MPI_Comm_set_attr = PMPI_Comm_set_attr
int PMPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void *attribute_val)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    keyval_t *kv = NULL;
    int rc = comm_attr_args("MPI_Comm_set_attr", comm, comm_keyval, &c, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = comm_obj(c);
    return attr_set("MPI_Comm_set_attr", &obj, kv, attribute_val);
}

#pragma weak MPI_Comm_delete_attr = PMPI_Comm_delete_attr
int PMPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    keyval_t *kv = NULL;
    int rc = comm_attr_args("MPI_Comm_delete_attr", comm, comm_keyval, &c, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = comm_obj(c);
    return attr_delete("MPI_Comm_delete_attr", &obj, kv);
}

#pragma weak MPI_Comm_get_attr = PMPI_Comm_get_attr
int PMPI_Comm_get_attr(MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag)
{
    MP_API_LOCK();
    mp_comm_t *c = NULL;
    int rc = mp_api_comm_check("MPI_Comm_get_attr", comm, &c);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (attribute_val == NULL || flag == NULL) {
        return mp_api_error(c, "MPI_Comm_get_attr", MPI_ERR_ARG, "attribute_val or flag is NULL");
    }
    int *value = predefined_attr(comm_keyval);
    if (value != NULL && c->session != 0 && comm_keyval != MPI_TAG_UB) {
        /* The other predefined attributes describe the world model's MPI_COMM_WORLD; a
         * communicator of the Sessions Model has MPI_TAG_UB only (MPI 4.1, 7.4.2 and 9.1.2). */
        *flag = 0;
        return MPI_SUCCESS;
    }
    if (value != NULL) {
        /* attribute_val is the address of a pointer, which receives the address of the value. */
        *(int **)attribute_val = value;
        *flag = 1;
        return MPI_SUCCESS;
    }
    keyval_t *kv = NULL;
    rc = keyval_check(c, "MPI_Comm_get_attr", comm_keyval, KIND_COMM, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = comm_obj(c);
    return attr_get(&obj, kv, attribute_val, flag);
}

/* The MPI-1 names (deprecated): the same calls on communicators. */
#pragma weak MPI_Keyval_create = PMPI_Keyval_create
int PMPI_Keyval_create(MPI_Copy_function *copy_fn, MPI_Delete_function *delete_fn, int *keyval,
                       void *extra_state)
{
    MP_API_LOCK();
    return keyval_create("MPI_Keyval_create", KIND_COMM, (void (*)(void))copy_fn,
                         (void (*)(void))delete_fn, keyval, extra_state);
}

#pragma weak MPI_Keyval_free = PMPI_Keyval_free
int PMPI_Keyval_free(int *keyval)
{
    MP_API_LOCK();
    return keyval_free("MPI_Keyval_free", keyval, KIND_COMM);
}

#pragma weak MPI_Attr_put = PMPI_Attr_put
int PMPI_Attr_put(MPI_Comm comm, int keyval, void *attribute_val)
{
    MP_API_LOCK();
    return PMPI_Comm_set_attr(comm, keyval, attribute_val);
}

#pragma weak MPI_Attr_get = PMPI_Attr_get
int PMPI_Attr_get(MPI_Comm comm, int keyval, void *attribute_val, int *flag)
{
    MP_API_LOCK();
    return PMPI_Comm_get_attr(comm, keyval, attribute_val, flag);
}

#pragma weak MPI_Attr_delete = PMPI_Attr_delete
int PMPI_Attr_delete(MPI_Comm comm, int keyval)
{
    MP_API_LOCK();
    return PMPI_Comm_delete_attr(comm, keyval);
}

/* ---- Datatypes ---- */

/* Predefined datatypes are shared constants, so their attribute lists live here, by handle. */
static attr_t *predefined_type_attrs[MP_API_HANDLE_RESERVED];

static attr_obj_t type_obj(const mp_datatype_t *dt)
{
    attr_t **list = dt->predefined ? &predefined_type_attrs[dt->handle]
                                   : (attr_t **)&((mp_datatype_t *)dt)->attrs;
    return (attr_obj_t){.kind = KIND_TYPE, .handle.type = (MPI_Datatype)dt->handle, .list = list};
}

int mp_api_attr_type_copy_all(const char *call, mp_datatype_t *old, mp_datatype_t *new_type)
{
    attr_obj_t from = type_obj(old);
    attr_obj_t to = type_obj(new_type);
    return attr_copy_all(call, &from, &to);
}

int mp_api_attr_type_delete_all(const char *call, mp_datatype_t *datatype)
{
    attr_obj_t obj = type_obj(datatype);
    return attr_delete_all(call, &obj);
}

#pragma weak MPI_Type_create_keyval = PMPI_Type_create_keyval
int PMPI_Type_create_keyval(MPI_Type_copy_attr_function *type_copy_attr_fn,
                            MPI_Type_delete_attr_function *type_delete_attr_fn, int *type_keyval,
                            void *extra_state)
{
    MP_API_LOCK();
    return keyval_create("MPI_Type_create_keyval", KIND_TYPE, (void (*)(void))type_copy_attr_fn,
                         (void (*)(void))type_delete_attr_fn, type_keyval, extra_state);
}

#pragma weak MPI_Type_free_keyval = PMPI_Type_free_keyval
int PMPI_Type_free_keyval(int *type_keyval)
{
    MP_API_LOCK();
    return keyval_free("MPI_Type_free_keyval", type_keyval, KIND_TYPE);
}

/* The checks shared by the datatype attribute calls. Uncommitted types may carry attributes. */
static int type_attr_args(const char *call, MPI_Datatype datatype, int keyval,
                          const mp_datatype_t **dt_p, keyval_t **kv_p)
{
    int rc = mp_api_check_ready(call);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const mp_datatype_t *dt = mp_api_datatype_get(datatype);
    if (dt == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_TYPE,
                            datatype == MPI_DATATYPE_NULL
                                ? "MPI_DATATYPE_NULL is not a datatype to hold attributes"
                                : "invalid datatype handle %p; use a predefined type such as "
                                  "MPI_INT or one you created",
                            (void *)datatype);
    }
    *dt_p = dt;
    return keyval_check(NULL, call, keyval, KIND_TYPE, kv_p);
}

#pragma weak MPI_Type_set_attr = PMPI_Type_set_attr
int PMPI_Type_set_attr(MPI_Datatype datatype, int type_keyval, void *attribute_val)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    keyval_t *kv = NULL;
    int rc = type_attr_args("MPI_Type_set_attr", datatype, type_keyval, &dt, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = type_obj(dt);
    return attr_set("MPI_Type_set_attr", &obj, kv, attribute_val);
}

#pragma weak MPI_Type_get_attr = PMPI_Type_get_attr
int PMPI_Type_get_attr(MPI_Datatype datatype, int type_keyval, void *attribute_val, int *flag)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    keyval_t *kv = NULL;
    int rc = type_attr_args("MPI_Type_get_attr", datatype, type_keyval, &dt, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (attribute_val == NULL || flag == NULL) {
        return mp_api_error(NULL, "MPI_Type_get_attr", MPI_ERR_ARG,
                            "attribute_val or flag is NULL");
    }
    attr_obj_t obj = type_obj(dt);
    return attr_get(&obj, kv, attribute_val, flag);
}

#pragma weak MPI_Type_delete_attr = PMPI_Type_delete_attr
int PMPI_Type_delete_attr(MPI_Datatype datatype, int type_keyval)
{
    MP_API_LOCK();
    const mp_datatype_t *dt = NULL;
    keyval_t *kv = NULL;
    int rc = type_attr_args("MPI_Type_delete_attr", datatype, type_keyval, &dt, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = type_obj(dt);
    return attr_delete("MPI_Type_delete_attr", &obj, kv);
}

/* ---- Windows ---- */

#pragma weak MPI_Win_create_keyval = PMPI_Win_create_keyval
int PMPI_Win_create_keyval(MPI_Win_copy_attr_function *win_copy_attr_fn,
                           MPI_Win_delete_attr_function *win_delete_attr_fn, int *win_keyval,
                           void *extra_state)
{
    MP_API_LOCK();
    return keyval_create("MPI_Win_create_keyval", KIND_WIN, (void (*)(void))win_copy_attr_fn,
                         (void (*)(void))win_delete_attr_fn, win_keyval, extra_state);
}

#pragma weak MPI_Win_free_keyval = PMPI_Win_free_keyval
int PMPI_Win_free_keyval(int *win_keyval)
{
    MP_API_LOCK();
    return keyval_free("MPI_Win_free_keyval", win_keyval, KIND_WIN);
}

static attr_obj_t win_obj(mp_win_t *w)
{
    return (attr_obj_t){.kind = KIND_WIN,
                        .handle.win = mp_api_win_handle(w),
                        .list = (attr_t **)&w->attrs,
                        .comm = w->comm};
}

int mp_api_attr_win_delete_all(const char *call, mp_win_t *win)
{
    attr_obj_t obj = win_obj(win);
    return attr_delete_all(call, &obj);
}

/* The checks shared by the window attribute calls; predefined keys only where allowed. */
static int win_attr_args(const char *call, MPI_Win win, int keyval, bool predefined_ok,
                         mp_win_t **win_p, keyval_t **kv_p)
{
    int rc = mp_api_win_check(call, win, win_p);
    if (rc != MPI_SUCCESS || (predefined_ok && is_predefined_win_keyval(keyval))) {
        return rc;
    }
    if (is_predefined_win_keyval(keyval)) {
        return mp_api_error((*win_p)->comm, call, MPI_ERR_KEYVAL,
                            "key %d is predefined by MPI and read-only", keyval);
    }
    return keyval_check((*win_p)->comm, call, keyval, KIND_WIN, kv_p);
}

#pragma weak MPI_Win_set_attr = PMPI_Win_set_attr
int PMPI_Win_set_attr(MPI_Win win, int win_keyval, void *attribute_val)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    keyval_t *kv = NULL;
    int rc = win_attr_args("MPI_Win_set_attr", win, win_keyval, false, &w, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = win_obj(w);
    return attr_set("MPI_Win_set_attr", &obj, kv, attribute_val);
}

#pragma weak MPI_Win_get_attr = PMPI_Win_get_attr
int PMPI_Win_get_attr(MPI_Win win, int win_keyval, void *attribute_val, int *flag)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    keyval_t *kv = NULL;
    int rc = win_attr_args("MPI_Win_get_attr", win, win_keyval, true, &w, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (attribute_val == NULL || flag == NULL) {
        return mp_api_error(w->comm, "MPI_Win_get_attr", MPI_ERR_ARG,
                            "attribute_val or flag is NULL");
    }
    void *predefined = mp_api_win_predefined_attr(w, win_keyval);
    if (predefined != NULL || is_predefined_win_keyval(win_keyval)) {
        *(void **)attribute_val = predefined;
        *flag = 1;
        return MPI_SUCCESS;
    }
    attr_obj_t obj = win_obj(w);
    return attr_get(&obj, kv, attribute_val, flag);
}

#pragma weak MPI_Win_delete_attr = PMPI_Win_delete_attr
int PMPI_Win_delete_attr(MPI_Win win, int win_keyval)
{
    MP_API_LOCK();
    mp_win_t *w = NULL;
    keyval_t *kv = NULL;
    int rc = win_attr_args("MPI_Win_delete_attr", win, win_keyval, false, &w, &kv);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    attr_obj_t obj = win_obj(w);
    return attr_delete("MPI_Win_delete_attr", &obj, kv);
}

/* ---- MPI_Finalize ---- */

void mp_api_attr_fini(void)
{
    /* MPI: MPI_COMM_SELF's attributes go first, while all of MPI still works; then
     * MPI_COMM_WORLD's. A failing callback is reported, and the rest are dropped silently. */
    mp_api_attr_comm_delete_all("MPI_Finalize", &mp_runtime.self);
    mp_api_attr_comm_delete_all("MPI_Finalize", &mp_runtime.world);
    attr_drop_all((attr_t **)&mp_runtime.self.attrs);
    attr_drop_all((attr_t **)&mp_runtime.world.attrs);
    mp_api_info_comm_free(&mp_runtime.self);
    mp_api_info_comm_free(&mp_runtime.world);
    /* Attributes on predefined datatypes are freed without callbacks, as MPICH does. */
    for (size_t h = 0; h < MP_API_HANDLE_RESERVED; h++) {
        attr_drop_all(&predefined_type_attrs[h]);
    }
    /* Keys the program never freed go now; a key still used by a live derived type or
     * communicator stays with it. */
    bool any_left = false;
    for (int i = 0; i < nkeyvals; i++) {
        if (keyvals[i] != NULL && !keyvals[i]->freed) {
            keyvals[i]->freed = true;
            keyval_release(keyvals[i]);
        }
        any_left = any_left || keyvals[i] != NULL;
    }
    if (!any_left) {
        free(keyvals);
        keyvals = NULL;
        nkeyvals = 0;
        keyvals_used = 0;
    }
}
