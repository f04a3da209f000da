/*
 * Handles as integers (MPI_X_c2f/f2c and the ABI's MPI_X_toint/fromint, every kind): predefined
 * handles go back and forth as themselves; handles the program made get integers that are
 * distinct, stable, the same through both function pairs, and that come back as handles that
 * work (a communicator, datatype, info, request, group, op and error handler used through their
 * converted handles); integers that name nothing give the kind's null handle. Statuses to and
 * from Fortran arrays keep source, tag and count; NULL arguments are MPI_ERR_ARG. Also the
 * standard ABI's MPI_Abi_get_version, MPI_Abi_get_info and its Fortran calls.
 */
#include "../attr/attrtest.h"

#define ROUND(kind, T, h)                                                                          \
    do {                                                                                           \
        T h_ = (h);                                                                                \
        MPI_Fint f_ = MPI_##kind##_c2f(h_);                                                        \
        MPT_CHECK(MPI_##kind##_toint(h_) == f_, #h ": toint %d != c2f %d", MPI_##kind##_toint(h_), \
                  f_);                                                                             \
        MPT_CHECK(MPI_##kind##_f2c(f_) == h_, #h ": f2c(c2f) is %p, not %p",                       \
                  (void *)MPI_##kind##_f2c(f_), (void *)h_);                                       \
        MPT_CHECK(MPI_##kind##_fromint(f_) == h_, #h ": fromint(toint) is %p, not %p",             \
                  (void *)MPI_##kind##_fromint(f_), (void *)h_);                                   \
        MPT_CHECK(MPI_##kind##_c2f(h_) == f_, #h ": a second c2f gave %d, then %d", f_,            \
                  MPI_##kind##_c2f(h_));                                                           \
    } while (0)

static void predefined(void)
{
    ROUND(Comm, MPI_Comm, MPI_COMM_WORLD);
    ROUND(Comm, MPI_Comm, MPI_COMM_SELF);
    ROUND(Comm, MPI_Comm, MPI_COMM_NULL);
    ROUND(Type, MPI_Datatype, MPI_INT);
    ROUND(Type, MPI_Datatype, MPI_DOUBLE_INT);
    ROUND(Type, MPI_Datatype, MPI_DATATYPE_NULL);
    ROUND(Group, MPI_Group, MPI_GROUP_EMPTY);
    ROUND(Group, MPI_Group, MPI_GROUP_NULL);
    ROUND(Op, MPI_Op, MPI_SUM);
    ROUND(Op, MPI_Op, MPI_OP_NULL);
    ROUND(Info, MPI_Info, MPI_INFO_ENV);
    ROUND(Info, MPI_Info, MPI_INFO_NULL);
    ROUND(Errhandler, MPI_Errhandler, MPI_ERRORS_RETURN);
    ROUND(Errhandler, MPI_Errhandler, MPI_ERRHANDLER_NULL);
    ROUND(Request, MPI_Request, MPI_REQUEST_NULL);
    ROUND(Message, MPI_Message, MPI_MESSAGE_NO_PROC);
    ROUND(Message, MPI_Message, MPI_MESSAGE_NULL);
    ROUND(Win, MPI_Win, MPI_WIN_NULL);
    ROUND(File, MPI_File, MPI_FILE_NULL);
    ROUND(Session, MPI_Session, MPI_SESSION_NULL);
    /* Predefined handles keep their ABI values as integers. */
    MPT_CHECK(MPI_Comm_c2f(MPI_COMM_WORLD) == (MPI_Fint)(intptr_t)MPI_COMM_WORLD,
              "MPI_COMM_WORLD is %d, not its ABI value %d", MPI_Comm_c2f(MPI_COMM_WORLD),
              (int)(intptr_t)MPI_COMM_WORLD);
}

static void nothing(void)
{
    MPT_CHECK(MPI_Comm_f2c(-1) == MPI_COMM_NULL, "f2c(-1) is not MPI_COMM_NULL");
    MPT_CHECK(MPI_Comm_f2c(0) == MPI_COMM_NULL, "f2c(0) is not MPI_COMM_NULL");
    MPT_CHECK(MPI_Type_fromint(2000000000) == MPI_DATATYPE_NULL,
              "fromint(2000000000) is not MPI_DATATYPE_NULL");
    MPT_CHECK(MPI_Request_f2c(1 << 30) == MPI_REQUEST_NULL, "f2c(1 << 30) is not null");
}

static void user_handles(int rank, int size)
{
    MPI_Comm dup[3];
    MPI_Fint f[3];
    for (int i = 0; i < 3; i++) {
        AT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup[i]));
        ROUND(Comm, MPI_Comm, dup[i]);
        f[i] = MPI_Comm_c2f(dup[i]);
        MPT_CHECK(f[i] != MPI_Comm_c2f(MPI_COMM_WORLD) && f[i] != MPI_Comm_c2f(MPI_COMM_SELF),
                  "a dup has the integer %d of a predefined communicator", f[i]);
        for (int j = 0; j < i; j++) {
            MPT_CHECK(f[i] != f[j], "dups %d and %d share the integer %d", i, j, f[i]);
        }
    }
    /* The converted handle works: a sum over it. */
    int one = 1, sum = 0;
    AT_MPI(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_Comm_f2c(f[1])));
    MPT_CHECK(sum == size, "Allreduce over f2c(c2f(dup)) gave %d, expected %d", sum, size);

    /* A datatype, used through its converted handle. */
    MPI_Datatype pair;
    AT_MPI(MPI_Type_contiguous(2, MPI_INT, &pair));
    AT_MPI(MPI_Type_commit(&pair));
    ROUND(Type, MPI_Datatype, pair);
    int out[2] = {rank, -rank}, in[2] = {-1, -1};
    MPI_Datatype back = MPI_Type_fromint(MPI_Type_toint(pair));
    AT_MPI(MPI_Sendrecv(out, 1, back, 0, 0, in, 1, back, 0, 0, MPI_COMM_SELF, MPI_STATUS_IGNORE));
    MPT_CHECK(in[0] == rank && in[1] == -rank, "pair through fromint: got %d %d", in[0], in[1]);

    /* An info, a group, an op and an error handler. */
    MPI_Info info;
    AT_MPI(MPI_Info_create(&info));
    AT_MPI(MPI_Info_set(info, "key", "value"));
    ROUND(Info, MPI_Info, info);
    char value[16] = "";
    int flag = 0;
    AT_MPI(MPI_Info_get(MPI_Info_f2c(MPI_Info_c2f(info)), "key", 15, value, &flag));
    MPT_CHECK(flag && strcmp(value, "value") == 0, "info through f2c: flag %d value \"%s\"", flag,
              value);
    MPI_Group g;
    AT_MPI(MPI_Comm_group(dup[0], &g));
    ROUND(Group, MPI_Group, g);
    int gsize = -1;
    AT_MPI(MPI_Group_size(MPI_Group_f2c(MPI_Group_c2f(g)), &gsize));
    MPT_CHECK(gsize == size, "group size through f2c: %d", gsize);
    MPI_Op op;
    AT_MPI(MPI_Op_create((MPI_User_function *)(void (*)(void))0x1, 1, &op));
    ROUND(Op, MPI_Op, op);
    int commute = -1;
    AT_MPI(MPI_Op_commutative(MPI_Op_f2c(MPI_Op_c2f(op)), &commute));
    MPT_CHECK(commute == 1, "op through f2c: commutative %d", commute);
    MPI_Errhandler eh;
    AT_MPI(MPI_Comm_create_errhandler((MPI_Comm_errhandler_function *)(void (*)(void))0x1, &eh));
    ROUND(Errhandler, MPI_Errhandler, eh);
    AT_MPI(MPI_Comm_set_errhandler(dup[2], MPI_Errhandler_f2c(MPI_Errhandler_c2f(eh))));

    /* A request and a matched message, completed through their converted handles. */
    int v = -1, w = 7 + rank;
    MPI_Request req;
    MPI_Status st;
    MPI_Fint fst[MPI_F_STATUS_SIZE];
    AT_MPI(MPI_Irecv(&v, 1, MPI_INT, 0, 5, MPI_COMM_SELF, &req));
    ROUND(Request, MPI_Request, req);
    MPI_Request r2 = MPI_Request_f2c(MPI_Request_c2f(req));
    AT_MPI(MPI_Send(&w, 1, MPI_INT, 0, 5, MPI_COMM_SELF));
    AT_MPI(MPI_Wait(&r2, &st));
    MPT_CHECK(v == w && r2 == MPI_REQUEST_NULL, "request through f2c: got %d", v);
    AT_MPI(MPI_Status_c2f(&st, fst));
    MPT_CHECK(fst[MPI_F_SOURCE] == 0 && fst[MPI_F_TAG] == 5, "Fortran status: source %d tag %d",
              fst[MPI_F_SOURCE], fst[MPI_F_TAG]);
    MPI_Status back_st;
    AT_MPI(MPI_Status_f2c(fst, &back_st));
    int count = -1;
    AT_MPI(MPI_Get_count(&back_st, MPI_INT, &count));
    MPT_CHECK(count == 1 && back_st.MPI_SOURCE == 0 && back_st.MPI_TAG == 5,
              "status back from Fortran: count %d source %d tag %d", count, back_st.MPI_SOURCE,
              back_st.MPI_TAG);
    MPI_Message msg;
    AT_MPI(MPI_Send(&w, 1, MPI_INT, 0, 6, MPI_COMM_SELF));
    AT_MPI(MPI_Mprobe(0, 6, MPI_COMM_SELF, &msg, MPI_STATUS_IGNORE));
    ROUND(Message, MPI_Message, msg);
    MPI_Message m2 = MPI_Message_fromint(MPI_Message_toint(msg));
    v = -1;
    AT_MPI(MPI_Mrecv(&v, 1, MPI_INT, &m2, MPI_STATUS_IGNORE));
    MPT_CHECK(v == w, "message through fromint: got %d", v);

    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Status_c2f(&st, NULL));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Status_f2c(NULL, &st));

    /* Free and make new objects: conversions still go both ways. */
    for (int i = 0; i < 3; i++) {
        AT_MPI(MPI_Comm_free(&dup[i]));
    }
    MPI_Comm again;
    AT_MPI(MPI_Comm_split(MPI_COMM_WORLD, 0, -rank, &again));
    ROUND(Comm, MPI_Comm, again);
    int again_rank = -1;
    AT_MPI(MPI_Comm_rank(MPI_Comm_f2c(MPI_Comm_c2f(again)), &again_rank));
    MPT_CHECK(again_rank == size - 1 - rank, "split through f2c: rank %d", again_rank);
    AT_MPI(MPI_Comm_free(&again));
    AT_MPI(MPI_Type_free(&pair));
    AT_MPI(MPI_Info_free(&info));
    AT_MPI(MPI_Group_free(&g));
    AT_MPI(MPI_Op_free(&op));
    AT_MPI(MPI_Errhandler_free(&eh));
}

/* The ABI's own calls: version 1.0, the integer sizes, no Fortran details. */
static void abi(void)
{
    int major = -1, minor = -1;
    AT_MPI(MPI_Abi_get_version(&major, &minor));
    MPT_CHECK(major == MPI_ABI_VERSION && minor == MPI_ABI_SUBVERSION && major == 1 && minor == 0,
              "MPI_Abi_get_version gave %d.%d", major, minor);
    MPI_Info info = MPI_INFO_NULL;
    AT_MPI(MPI_Abi_get_info(&info));
    static const struct {
        const char *key;
        int size;
    } want[] = {{"mpi_aint_size", (int)sizeof(MPI_Aint)},
                {"mpi_count_size", (int)sizeof(MPI_Count)},
                {"mpi_offset_size", (int)sizeof(MPI_Offset)}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char value[32] = "";
        int flag = 0;
        AT_MPI(MPI_Info_get(info, want[i].key, 31, value, &flag));
        MPT_CHECK(flag && atoi(value) == want[i].size, "MPI_Abi_get_info: %s = \"%s\" (flag %d)",
                  want[i].key, value, flag);
    }
    AT_MPI(MPI_Info_free(&info));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_get_version(NULL, &minor));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_get_info(NULL));
}

/* The ABI's Fortran details: the sizes libmp's Fortran datatypes have, which a binding layer may
 * confirm once but not change. */
static void abi_fortran_info(void)
{
    MPI_Info info = MPI_INFO_NULL;
    AT_MPI(MPI_Abi_get_fortran_info(&info));
    MPT_CHECK(info != MPI_INFO_NULL, "MPI_Abi_get_fortran_info gave MPI_INFO_NULL");
    static const struct {
        const char *key;
        MPI_Datatype type;
    } kinds[] = {{"mpi_logical_size", MPI_LOGICAL},
                 {"mpi_integer_size", MPI_INTEGER},
                 {"mpi_real_size", MPI_REAL},
                 {"mpi_double_precision_size", MPI_DOUBLE_PRECISION}};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        char value[32] = "";
        int flag = 0, size = -1;
        AT_MPI(MPI_Info_get(info, kinds[i].key, 31, value, &flag));
        AT_MPI(MPI_Type_size(kinds[i].type, &size));
        MPT_CHECK(flag && atoi(value) == size, "MPI_Abi_get_fortran_info: %s = \"%s\", size %d",
                  kinds[i].key, value, size);
    }
    char value[32] = "";
    int flag = 0;
    AT_MPI(MPI_Info_get(info, "mpi_integer8_supported", 31, value, &flag));
    MPT_CHECK(flag && strcmp(value, "true") == 0, "mpi_integer8_supported = \"%s\"", value);

    /* What disagrees with libmp's datatypes, or is no value at all, is refused and not counted. */
    MPI_Info other;
    AT_MPI(MPI_Info_create(&other));
    AT_MPI(MPI_Info_set(other, "mpi_integer_size", "8"));
    AT_MPI_FAILS(MPI_ERR_ABI, MPI_Abi_set_fortran_info(other));
    AT_MPI(MPI_Info_set(other, "mpi_integer_size", "four"));
    AT_MPI_FAILS(MPI_ERR_INFO_VALUE, MPI_Abi_set_fortran_info(other));
    AT_MPI(MPI_Info_set(other, "mpi_integer_size", "4"));
    AT_MPI(MPI_Info_set(other, "mpi_real16_supported", "maybe"));
    AT_MPI_FAILS(MPI_ERR_INFO_VALUE, MPI_Abi_set_fortran_info(other));
    AT_MPI_FAILS(MPI_ERR_INFO, MPI_Abi_set_fortran_info(MPI_INFO_NULL));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_get_fortran_info(NULL));
    /* libmp's own details, less a type the compiler lacks: taken, once. */
    AT_MPI(MPI_Info_set(info, "mpi_real2_supported", "false"));
    AT_MPI(MPI_Abi_set_fortran_info(info));
    AT_MPI_FAILS(MPI_ERR_ABI, MPI_Abi_set_fortran_info(info));
    AT_MPI(MPI_Info_free(&other));
    AT_MPI(MPI_Info_free(&info));
}

/* .TRUE. and .FALSE. of every LOGICAL size: 1 and 0, set by libmp, confirmed but not changed. */
static void abi_fortran_booleans(void)
{
    for (int size = 1; size <= 16; size *= 2) {
        unsigned char t[17], f[17], one[16] = {0}, zero[16] = {0};
        memset(t, 0xa5, sizeof(t));
        memset(f, 0xa5, sizeof(f));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        one[0] = 1;
#else
        one[size - 1] = 1;
#endif
        int is_set = 0;
        AT_MPI(MPI_Abi_get_fortran_booleans(size, t, f, &is_set));
        MPT_CHECK(is_set == 1 && memcmp(t, one, (size_t)size) == 0 &&
                      memcmp(f, zero, (size_t)size) == 0 && t[size] == 0xa5 && f[size] == 0xa5,
                  "MPI_Abi_get_fortran_booleans(%d): is_set %d, true %02x.., false %02x..", size,
                  is_set, t[0], f[0]);
        AT_MPI(MPI_Abi_set_fortran_booleans(size, t, f));
        memset(t, 0xff, (size_t)size); /* .TRUE. as -1, as some compilers have it */
        AT_MPI_FAILS(MPI_ERR_ABI, MPI_Abi_set_fortran_booleans(size, t, f));
    }
    unsigned char t[4] = {1}, f[4] = {0};
    int is_set;
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_get_fortran_booleans(3, t, f, &is_set));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_set_fortran_booleans(0, t, f));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_get_fortran_booleans(4, t, f, NULL));
    AT_MPI_FAILS(MPI_ERR_ARG, MPI_Abi_set_fortran_booleans(4, NULL, f));
}

int main(int argc, char **argv)
{
    int rank, size;

    AT_MPI(MPI_Init(&argc, &argv));
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    AT_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));

    predefined();
    nothing();
    user_handles(rank, size);
    abi();
    abi_fortran_info();
    abi_fortran_booleans();

    AT_MPI(MPI_Finalize());
    return mpt_finish(rank);
}
