/*
 * The tools information interface (MPI_T): nothing works before MPI_T_init_thread; the control
 * variables are libmp's settings (MP_EAGER_LIMIT, MP_TCP_ONLY, ...): every one has a name, a
 * description, a string type and a read-only scope, is found by its name, and reads as the
 * environment gives it (the run sets MP_EAGER_LIMIT=16K) or else as its default; writes are
 * refused. There are no performance variables, categories, sources or events: each count is 0
 * and every index or name is refused; pvar sessions can still be made and freed. Calls before
 * MPI_Init, between, and after MPI_Finalize. MPI_T_init_thread gives MPI_THREAD_MULTIPLE, also
 * when MPI runs at MPI_THREAD_SINGLE: threads then query the interface all at once.
 */
#include "../attr/attrtest.h"

#include <pthread.h>

#define THREADS 4
#define THREAD_ROUNDS 20

#define T_OK(call) MPT_CHECK((call) == MPI_SUCCESS, "%s failed", #call)
#define T_FAILS(err, call)                                                                         \
    do {                                                                                           \
        int t_rc_ = (call);                                                                        \
        MPT_CHECK(t_rc_ == (err), "%s returned %d, expected %s (%d)", #call, t_rc_, #err, (err));  \
    } while (0)

static void cvars(void)
{
    int num = -1;
    T_OK(MPI_T_cvar_get_num(&num));
    MPT_CHECK(num > 2, "%d control variables", num);
    for (int i = 0; i < num; i++) {
        char name[256], desc[1024];
        int name_len = sizeof(name), desc_len = sizeof(desc), verbosity = -1, bind = -1, scope = -1;
        MPI_Datatype type = MPI_DATATYPE_NULL;
        MPI_T_enum e = (MPI_T_enum)(void *)&num;
        T_OK(MPI_T_cvar_get_info(i, name, &name_len, &verbosity, &type, &e, desc, &desc_len, &bind,
                                 &scope));
        MPT_CHECK(name_len == (int)strlen(name) + 1 && name_len > 1, "cvar %d: name \"%s\" len %d",
                  i, name, name_len);
        MPT_CHECK(desc_len == (int)strlen(desc) + 1 && desc_len > 1, "cvar %d: desc len %d", i,
                  desc_len);
        MPT_CHECK(type == MPI_CHAR && e == MPI_T_ENUM_NULL && bind == MPI_T_BIND_NO_OBJECT &&
                      scope == MPI_T_SCOPE_CONSTANT && verbosity == MPI_T_VERBOSITY_USER_BASIC,
                  "cvar %s: type, enum, bind, scope or verbosity wrong", name);
        int index = -1;
        T_OK(MPI_T_cvar_get_index(name, &index));
        MPT_CHECK(index == i, "cvar %s: index %d, expected %d", name, index, i);
        /* The length alone, then a truncated copy. */
        int need = 0;
        T_OK(MPI_T_cvar_get_info(i, NULL, &need, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
        MPT_CHECK(need == name_len, "cvar %s: needed length %d, expected %d", name, need, name_len);
        char small[4];
        int small_len = sizeof(small);
        T_OK(MPI_T_cvar_get_info(i, small, &small_len, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
        MPT_CHECK(small_len == 4 && strncmp(small, name, 3) == 0 && small[3] == '\0',
                  "cvar %s: truncated to \"%s\" (%d)", name, small, small_len);
    }
    /* Values: MP_EAGER_LIMIT from the environment, MP_TCP_AUTH_TIMEOUT by default. */
    static const struct {
        const char *name, *value;
    } want[] = {{"MP_EAGER_LIMIT", "16K"}, {"MP_TCP_AUTH_TIMEOUT", "5"}};
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        int index = -1, count = -1;
        MPI_T_cvar_handle h = MPI_T_CVAR_HANDLE_NULL;
        T_OK(MPI_T_cvar_get_index(want[k].name, &index));
        T_OK(MPI_T_cvar_handle_alloc(index, NULL, &h, &count));
        MPT_CHECK(count == (int)strlen(want[k].value) + 1, "%s: count %d", want[k].name, count);
        char value[64] = "";
        T_OK(MPI_T_cvar_read(h, value));
        MPT_CHECK(strcmp(value, want[k].value) == 0, "%s reads \"%s\", expected \"%s\"",
                  want[k].name, value, want[k].value);
        T_FAILS(MPI_T_ERR_CVAR_SET_NEVER, MPI_T_cvar_write(h, "1"));
        T_OK(MPI_T_cvar_handle_free(&h));
        MPT_CHECK(h == MPI_T_CVAR_HANDLE_NULL, "handle_free left the handle");
    }
    int index = 0, count = 0;
    MPI_T_cvar_handle h;
    T_FAILS(MPI_T_ERR_INVALID_NAME, MPI_T_cvar_get_index("MP_NO_SUCH_SETTING", &index));
    T_FAILS(MPI_T_ERR_INVALID_INDEX, MPI_T_cvar_handle_alloc(num, NULL, &h, &count));
    T_FAILS(MPI_T_ERR_INVALID_INDEX,
            MPI_T_cvar_get_info(-1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
}

static void the_rest(void)
{
    int num = -1, index = 0;
    T_OK(MPI_T_pvar_get_num(&num));
    MPT_CHECK(num == 0, "%d performance variables", num);
    T_OK(MPI_T_category_get_num(&num));
    MPT_CHECK(num == 0, "%d categories", num);
    T_OK(MPI_T_source_get_num(&num));
    MPT_CHECK(num == 0, "%d sources", num);
    T_OK(MPI_T_event_get_num(&num));
    MPT_CHECK(num == 0, "%d events", num);
    num = -1;
    T_OK(MPI_T_category_changed(&num));
    MPT_CHECK(num == 0, "category update number %d", num);
    T_FAILS(MPI_T_ERR_INVALID_INDEX, MPI_T_pvar_get_info(0, NULL, NULL, NULL, NULL, NULL, NULL,
                                                         NULL, NULL, NULL, NULL, NULL, NULL));
    T_FAILS(MPI_T_ERR_INVALID_NAME, MPI_T_pvar_get_index("x", MPI_T_PVAR_CLASS_COUNTER, &index));
    T_FAILS(MPI_T_ERR_INVALID_INDEX,
            MPI_T_category_get_info(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    T_FAILS(MPI_T_ERR_INVALID_NAME, MPI_T_event_get_index("x", &index));
    MPI_T_pvar_session s = MPI_T_PVAR_SESSION_NULL;
    MPI_T_pvar_handle ph;
    int count;
    T_OK(MPI_T_pvar_session_create(&s));
    T_FAILS(MPI_T_ERR_INVALID_INDEX, MPI_T_pvar_handle_alloc(s, 0, NULL, &ph, &count));
    T_FAILS(MPI_T_ERR_INVALID_SESSION,
            MPI_T_pvar_handle_alloc(MPI_T_PVAR_SESSION_NULL, 0, NULL, &ph, &count));
    T_OK(MPI_T_pvar_session_free(&s));
    MPT_CHECK(s == MPI_T_PVAR_SESSION_NULL, "session_free left the session");
}

/* One of THREADS threads of a tool: its own init/finalize pair around every round. */
static void *tool_thread(void *arg)
{
    (void)arg;
    for (int r = 0; r < THREAD_ROUNDS; r++) {
        int provided = -1;
        T_OK(MPI_T_init_thread(MPI_THREAD_MULTIPLE, &provided));
        MPT_CHECK(provided == MPI_THREAD_MULTIPLE, "a thread's MPI_T_init_thread gave %d",
                  provided);
        cvars();
        the_rest();
        T_OK(MPI_T_finalize());
    }
    return NULL;
}

static void threads_at_once(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        MPT_CHECK(pthread_create(&t[i], NULL, tool_thread, NULL) == 0, "pthread_create");
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
}

int main(int argc, char **argv)
{
    int provided = -1, num, rank = 0;

    T_FAILS(MPI_T_ERR_NOT_INITIALIZED, MPI_T_cvar_get_num(&num));
    T_FAILS(MPI_T_ERR_NOT_INITIALIZED, MPI_T_finalize());
    T_OK(MPI_T_init_thread(MPI_THREAD_SINGLE, &provided));
    MPT_CHECK(provided == MPI_THREAD_SINGLE, "MPI_T_init_thread gave %d", provided);
    cvars(); /* before MPI_Init */
    AT_MPI(MPI_Init(&argc, &argv));
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    T_OK(MPI_T_init_thread(MPI_THREAD_MULTIPLE, &provided)); /* nested */
    MPT_CHECK(provided == MPI_THREAD_MULTIPLE, "MPI_T_init_thread(MULTIPLE) gave %d", provided);
    cvars();
    the_rest();
    threads_at_once(); /* MPI itself at MPI_THREAD_SINGLE */
    T_OK(MPI_T_finalize());
    AT_MPI(MPI_Finalize());
    cvars(); /* after MPI_Finalize, still inside the outer MPI_T_init_thread */
    T_OK(MPI_T_finalize());
    T_FAILS(MPI_T_ERR_NOT_INITIALIZED, MPI_T_cvar_get_num(&num));
    return mpt_finish(rank);
}
