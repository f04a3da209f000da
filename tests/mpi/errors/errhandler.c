/*
 * Error handlers made by the program: called with the communicator and the code of the error,
 * after which the call returns the code the handler left (also one it replaced); attached
 * handlers outlive MPI_Errhandler_free; MPI_Comm_get_errhandler; MPI_*_call_errhandler (MPI_SUCCESS
 * once the handler returned, MPI_ERRORS_RETURN included); handlers of the wrong kind; the default
 * handler of files; added error classes, codes and strings, MPI_LASTUSEDCODE, and their removal.
 */
#include "../attr/attrtest.h"

static int ncalls;
static MPI_Comm seen_comm;
static int seen_code;

static void comm_handler(MPI_Comm *comm, int *code, ...)
{
    ncalls++;
    seen_comm = *comm;
    seen_code = *code;
}

/* A handler that replaces the code: the call that raised the error returns the replacement. */
static int replacement;
static void replacing_handler(MPI_Comm *comm, int *code, ...)
{
    (void)comm;
    ncalls++;
    *code = replacement;
}

static int nfile_calls;
static void file_replacing_handler(MPI_File *file, int *code, ...)
{
    (void)file;
    nfile_calls++;
    *code = replacement;
}

static void file_handler(MPI_File *file, int *code, ...)
{
    MPT_CHECK(*file == MPI_FILE_NULL, "file handler got file %p", (void *)*file);
    seen_code = *code;
    nfile_calls++;
}

static void win_handler(MPI_Win *win, int *code, ...)
{
    (void)win;
    (void)code;
}

static void check_user_handler(int size)
{
    MPI_Errhandler eh, got;
    AT_MPI(MPI_Comm_create_errhandler(comm_handler, &eh));
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh));
    AT_MPI(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &got));
    MPT_CHECK(got == eh, "MPI_Comm_get_errhandler gave %p, expected %p", (void *)got, (void *)eh);
    AT_MPI(MPI_Errhandler_free(&got));
    /* The communicator keeps its reference: freeing the program's handle changes nothing. */
    AT_MPI(MPI_Errhandler_free(&eh));
    MPT_CHECK(eh == MPI_ERRHANDLER_NULL, "MPI_Errhandler_free did not reset the handle");

    int buf = 0;
    ncalls = 0;
    int rc = MPI_Send(&buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD);
    int cls = -1;
    MPI_Error_class(rc, &cls);
    MPT_CHECK(ncalls == 1, "the handler was called %d times", ncalls);
    MPT_CHECK(seen_comm == MPI_COMM_WORLD, "the handler got communicator %p", (void *)seen_comm);
    MPT_CHECK(seen_code == rc && cls == MPI_ERR_RANK,
              "the handler got code %d, the call returned %d (class %d)", seen_code, rc, cls);

    /* MPI_Comm_call_errhandler: the handler runs with the code given, then MPI_SUCCESS. */
    ncalls = 0;
    rc = MPI_Comm_call_errhandler(MPI_COMM_WORLD, MPI_ERR_OTHER);
    MPT_CHECK(rc == MPI_SUCCESS && ncalls == 1 && seen_code == MPI_ERR_OTHER,
              "MPI_Comm_call_errhandler: rc %d calls %d code %d", rc, ncalls, seen_code);

    /* Errors without a communicator go to MPI_COMM_SELF's handler. */
    MPI_Errhandler self_eh;
    AT_MPI(MPI_Comm_create_errhandler(comm_handler, &self_eh));
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, self_eh));
    AT_MPI(MPI_Errhandler_free(&self_eh));
    ncalls = 0;
    int n;
    rc = MPI_Info_get_nkeys(MPI_INFO_NULL, &n);
    MPT_CHECK(ncalls == 1 && seen_comm == MPI_COMM_SELF && seen_code == rc,
              "error without a communicator: %d calls, communicator %p", ncalls, (void *)seen_comm);

    /* Back to MPI_ERRORS_RETURN: the user handlers are released (LeakSanitizer checks). */
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    rc = MPI_Comm_call_errhandler(MPI_COMM_WORLD, MPI_ERR_OTHER);
    MPT_CHECK(rc == MPI_SUCCESS, "MPI_Comm_call_errhandler under MPI_ERRORS_RETURN gave %d", rc);

    /* A handler's replacement code is what the failing call returns. */
    MPI_Comm dup;
    AT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    AT_MPI(MPI_Comm_create_errhandler(replacing_handler, &eh));
    AT_MPI(MPI_Comm_set_errhandler(dup, eh));
    AT_MPI(MPI_Errhandler_free(&eh));
    int replacements[] = {MPI_ERR_OTHER, MPI_ERR_TAG};
    for (int i = 0; i < 2; i++) {
        replacement = replacements[i];
        ncalls = 0;
        rc = MPI_Send(&buf, 1, MPI_INT, size, 0, dup);
        MPT_CHECK(rc == replacement && ncalls == 1,
                  "send to rank %d with a handler that leaves %d: returned %d, %d calls", size,
                  replacement, rc, ncalls);
    }
    AT_MPI(MPI_Comm_free(&dup));
    AT_MPI(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &got));
    MPT_CHECK(got == MPI_ERRORS_RETURN, "get after set: %p", (void *)got);
    AT_MPI(MPI_Errhandler_free(&got));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_call_errhandler(MPI_COMM_WORLD, -3));
}

static void check_kinds(void)
{
    MPI_Errhandler weh, feh;
    AT_MPI(MPI_Win_create_errhandler(win_handler, &weh));
    AT_MPI(MPI_File_create_errhandler(file_handler, &feh));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_set_errhandler(MPI_COMM_WORLD, weh));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_File_set_errhandler(MPI_FILE_NULL, weh));
    AT_MPI_FAILS(MPI_ERR_WIN, MPI_Win_set_errhandler(MPI_WIN_NULL, weh));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Comm_create_errhandler(NULL, &weh));

    /* Files: MPI_FILE_NULL holds the default handler, MPI_ERRORS_RETURN at first. */
    MPI_Errhandler got;
    AT_MPI(MPI_File_get_errhandler(MPI_FILE_NULL, &got));
    MPT_CHECK(got == MPI_ERRORS_RETURN, "the default file handler is %p", (void *)got);
    AT_MPI(MPI_File_set_errhandler(MPI_FILE_NULL, feh));
    AT_MPI(MPI_File_get_errhandler(MPI_FILE_NULL, &got));
    MPT_CHECK(got == feh, "MPI_File_get_errhandler gave %p, expected %p", (void *)got, (void *)feh);
    AT_MPI(MPI_Errhandler_free(&got));
    nfile_calls = 0;
    AT_MPI(MPI_File_call_errhandler(MPI_FILE_NULL, MPI_ERR_IO));
    MPT_CHECK(nfile_calls == 1 && seen_code == MPI_ERR_IO, "file handler: %d calls, code %d",
              nfile_calls, seen_code);
    AT_MPI(MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN));
    AT_MPI(MPI_File_call_errhandler(MPI_FILE_NULL, MPI_ERR_IO));

    /* A failed open returns what the default file handler left, MPI_SUCCESS included. */
    MPI_Errhandler fix;
    AT_MPI(MPI_File_create_errhandler(file_replacing_handler, &fix));
    AT_MPI(MPI_File_set_errhandler(MPI_FILE_NULL, fix));
    AT_MPI(MPI_Errhandler_free(&fix));
    int replacements[] = {MPI_SUCCESS, MPI_ERR_OTHER};
    for (int i = 0; i < 2; i++) {
        replacement = replacements[i];
        nfile_calls = 0;
        MPI_File fh = MPI_FILE_NULL;
        int rc = MPI_File_open(MPI_COMM_SELF, "/nonexistent-libmp-dir/none", MPI_MODE_RDONLY,
                               MPI_INFO_NULL, &fh);
        MPT_CHECK(rc == replacement && nfile_calls == 1 && fh == MPI_FILE_NULL,
                  "open of a missing file with a handler that leaves %d: returned %d, %d calls",
                  replacement, rc, nfile_calls);
    }
    AT_MPI(MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN));

    /* A window's MPI_ERRORS_RETURN: MPI_Win_call_errhandler returns MPI_SUCCESS. */
    int mem = 0;
    MPI_Win win;
    AT_MPI(MPI_Win_create(&mem, sizeof(mem), 1, MPI_INFO_NULL, MPI_COMM_SELF, &win));
    AT_MPI(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
    AT_MPI(MPI_Win_call_errhandler(win, MPI_ERR_OTHER));
    AT_MPI(MPI_Win_free(&win));

    AT_MPI(MPI_Errhandler_free(&weh));
    AT_MPI(MPI_Errhandler_free(&feh));
    MPI_Errhandler null = MPI_ERRHANDLER_NULL;
    AT_MPI_FAILS(MPI_ERR_ERRHANDLER, MPI_Errhandler_free(&null));
    /* Predefined handlers may be freed since MPI 4: only the handle is reset. */
    MPI_Errhandler ret = MPI_ERRORS_RETURN;
    AT_MPI(MPI_Errhandler_free(&ret));
    MPT_CHECK(ret == MPI_ERRHANDLER_NULL, "MPI_Errhandler_free(MPI_ERRORS_RETURN) left %p",
              (void *)ret);
}

static int lastused(void)
{
    int *v = NULL, flag = 0;
    AT_MPI(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &v, &flag));
    return flag ? *v : -1;
}

static void check_added(void)
{
    int last0 = lastused();
    MPT_CHECK(last0 >= MPI_ERR_LASTCODE, "MPI_LASTUSEDCODE %d", last0);

    int cls, code1, code2;
    AT_MPI(MPI_Add_error_class(&cls));
    MPT_CHECK(cls > MPI_ERR_LASTCODE, "added class %d is not above MPI_ERR_LASTCODE", cls);
    AT_MPI(MPI_Add_error_code(cls, &code1));
    AT_MPI(MPI_Add_error_code(MPI_ERR_ARG, &code2));
    MPT_CHECK(code1 != cls && code2 != cls && code1 != code2, "codes %d %d class %d", code1, code2,
              cls);
    MPT_CHECK(lastused() >= code1 && lastused() >= code2 && lastused() >= cls,
              "MPI_LASTUSEDCODE %d below the added codes", lastused());

    int got;
    AT_MPI(MPI_Error_class(code1, &got));
    MPT_CHECK(got == cls, "class of added code: %d, expected %d", got, cls);
    AT_MPI(MPI_Error_class(code2, &got));
    MPT_CHECK(got == MPI_ERR_ARG, "class of code added to MPI_ERR_ARG: %d", got);
    AT_MPI(MPI_Error_class(cls, &got));
    MPT_CHECK(got == cls, "class of an added class: %d", got);

    char s[MPI_MAX_ERROR_STRING];
    int len = -1;
    AT_MPI(MPI_Error_string(code1, s, &len));
    MPT_CHECK(len == 0 && s[0] == '\0', "an added code without a string has \"%s\"", s);
    AT_MPI(MPI_Add_error_string(cls, "my class"));
    AT_MPI(MPI_Add_error_string(code1, "my code"));
    AT_MPI(MPI_Add_error_string(code1, "my code, again")); /* replaces */
    AT_MPI(MPI_Error_string(code1, s, &len));
    MPT_CHECK(strcmp(s, "my code, again") == 0 && len == 14, "added string \"%s\" (%d)", s, len);
    AT_MPI(MPI_Error_string(cls, s, &len));
    MPT_CHECK(strcmp(s, "my class") == 0, "added class string \"%s\"", s);
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Add_error_string(MPI_ERR_RANK, "mine"));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Add_error_code(code1, &got)); /* a code is not a class */

    /* A user handler receives added codes. */
    MPI_Errhandler eh;
    AT_MPI(MPI_Comm_create_errhandler(comm_handler, &eh));
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, eh));
    ncalls = 0;
    AT_MPI(MPI_Comm_call_errhandler(MPI_COMM_SELF, code1));
    MPT_CHECK(ncalls == 1 && seen_code == code1 && seen_comm == MPI_COMM_SELF,
              "call_errhandler with an added code: %d calls, code %d", ncalls, seen_code);
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    AT_MPI(MPI_Errhandler_free(&eh));

    /* MPI 4.1 removal: strings first, then codes, then the class. */
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_code(code1));   /* still has a string */
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_class(code1));  /* a code, not a class */
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_string(code2)); /* has no string */
    AT_MPI(MPI_Remove_error_string(code1));
    AT_MPI(MPI_Remove_error_string(cls));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_class(cls)); /* code1 still belongs to it */
    AT_MPI(MPI_Remove_error_code(code1));
    AT_MPI(MPI_Remove_error_class(cls));
    AT_MPI(MPI_Remove_error_code(code2));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Error_class(code1, &got));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_class(cls));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Remove_error_class(MPI_ERR_RANK));
    /* Removed values are reused (MPI 4.1 allows it), MPI_LASTUSEDCODE does not go down, and
     * a reused value has the new class and no string. */
    int last = lastused();
    int code3;
    AT_MPI(MPI_Add_error_class(&code3));
    MPT_CHECK(code3 == cls || code3 == code1 || code3 == code2,
              "code %d, not a removed one, was "
              "handed out",
              code3);
    MPT_CHECK(lastused() == last, "MPI_LASTUSEDCODE went from %d to %d", last, lastused());
    AT_MPI(MPI_Error_class(code3, &got));
    MPT_CHECK(got == code3, "reused code %d has class %d", code3, got);
    AT_MPI(MPI_Error_string(code3, s, &len));
    MPT_CHECK(len == 0, "reused code %d has string \"%s\"", code3, s);
    AT_MPI(MPI_Remove_error_class(code3));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);

    check_user_handler(size);
    check_kinds();
    check_added();

    MPI_Finalize();
    return mpt_finish(rank);
}
