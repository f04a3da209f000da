/*
 * Pins include/mpi.h to the MPI 5.0 standard ABI: type sizes, the MPI_Status layout, and the
 * value of every predefined handle and constant. The expected numbers are written out here on
 * purpose: if one changes in the header, binaries built for the standard ABI break, and so
 * does this test.
 */
#include <mpi.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

/* One value the header gives, next to the value the ABI fixes. */
struct abi_value {
    const char *name;
    long long actual;
    long long expected;
};

/* An integer constant, and a handle or pointer constant, as a row of a table. */
#define INT_VALUE(name, expected)                                                                  \
    {                                                                                              \
#name, (long long)(name), (expected)                                                       \
    }
#define PTR_VALUE(name, expected)                                                                  \
    {                                                                                              \
#name, (long long)(intptr_t)(name), (expected)                                             \
    }

#define TABLE_LEN(table) (sizeof(table) / sizeof((table)[0]))

/* Reports every row whose value differs from the ABI's, then fails if there was one. */
static void check_values(const struct abi_value *table, size_t n)
{
    int wrong = 0;

    for (size_t i = 0; i < n; i++) {
        if (table[i].actual != table[i].expected) {
            print_error("%s is %lld (0x%llx), the standard ABI fixes %lld (0x%llx)\n",
                        table[i].name, table[i].actual, (unsigned long long)table[i].actual,
                        table[i].expected, (unsigned long long)table[i].expected);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

/* Fails if two rows of the table share a value. */
static void check_distinct(const struct abi_value *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (table[i].actual == table[j].actual) {
                print_error("%s and %s are both %lld\n", table[i].name, table[j].name,
                            table[i].actual);
                fail();
            }
        }
    }
}

static void test_versions(void **state)
{
    (void)state;
#if MPI_VERSION != 5 || MPI_SUBVERSION != 0
#error "mpi.h must declare MPI 5.0"
#endif
#if MPI_ABI_VERSION != 1 || MPI_ABI_SUBVERSION != 0
#error "mpi.h must declare standard ABI 1.0"
#endif
    assert_int_equal(MPI_VERSION, 5);
    assert_int_equal(MPI_SUBVERSION, 0);
    assert_int_equal(MPI_ABI_VERSION, 1);
    assert_int_equal(MPI_ABI_SUBVERSION, 0);
}

static void test_integer_types(void **state)
{
    (void)state;
    assert_int_equal(sizeof(MPI_Aint), sizeof(void *));
    assert_int_equal(sizeof(MPI_Aint), sizeof(intptr_t));
    assert_int_equal(sizeof(MPI_Offset), 8);
    assert_int_equal(sizeof(MPI_Count), 8);
    assert_int_equal(sizeof(MPI_Fint), sizeof(int));

    /* All four are signed: a displacement or a count may be negative. */
    assert_true((MPI_Aint)-1 < 0);
    assert_true((MPI_Offset)-1 < 0);
    assert_true((MPI_Count)-1 < 0);
    assert_true((MPI_Fint)-1 < 0);

    /* MPI_Count holds every MPI_Aint and every MPI_Offset. */
    assert_true(sizeof(MPI_Count) >= sizeof(MPI_Aint));
    assert_true(sizeof(MPI_Count) >= sizeof(MPI_Offset));
}

static void test_status_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(MPI_Status), 32);
    assert_int_equal(offsetof(MPI_Status, MPI_SOURCE), 0);
    assert_int_equal(offsetof(MPI_Status, MPI_TAG), 4);
    assert_int_equal(offsetof(MPI_Status, MPI_ERROR), 8);
    assert_int_equal(offsetof(MPI_Status, MPI_internal), 12);
    assert_int_equal(sizeof(((MPI_Status *)0)->MPI_internal), 5 * sizeof(int));

    /* The Fortran 77 view indexes the same ints. */
    assert_int_equal(MPI_F_STATUS_SIZE * sizeof(MPI_Fint), sizeof(MPI_Status));
    assert_int_equal(MPI_F_SOURCE * sizeof(int), offsetof(MPI_Status, MPI_SOURCE));
    assert_int_equal(MPI_F_TAG * sizeof(int), offsetof(MPI_Status, MPI_TAG));
    assert_int_equal(MPI_F_ERROR * sizeof(int), offsetof(MPI_Status, MPI_ERROR));
}

static void test_handle_sizes(void **state)
{
    (void)state;
    assert_int_equal(sizeof(MPI_Comm), sizeof(void *));
    assert_int_equal(sizeof(MPI_Datatype), sizeof(void *));
    assert_int_equal(sizeof(MPI_Errhandler), sizeof(void *));
    assert_int_equal(sizeof(MPI_File), sizeof(void *));
    assert_int_equal(sizeof(MPI_Group), sizeof(void *));
    assert_int_equal(sizeof(MPI_Info), sizeof(void *));
    assert_int_equal(sizeof(MPI_Message), sizeof(void *));
    assert_int_equal(sizeof(MPI_Op), sizeof(void *));
    assert_int_equal(sizeof(MPI_Request), sizeof(void *));
    assert_int_equal(sizeof(MPI_Session), sizeof(void *));
    assert_int_equal(sizeof(MPI_Win), sizeof(void *));
}

/* Every predefined handle other than the datatypes, null handles included. */
static const struct abi_value object_handles[] = {
    PTR_VALUE(MPI_OP_NULL, 0x020),
    PTR_VALUE(MPI_SUM, 0x021),
    PTR_VALUE(MPI_MIN, 0x022),
    PTR_VALUE(MPI_MAX, 0x023),
    PTR_VALUE(MPI_PROD, 0x024),
    PTR_VALUE(MPI_BAND, 0x028),
    PTR_VALUE(MPI_BOR, 0x029),
    PTR_VALUE(MPI_BXOR, 0x02a),
    PTR_VALUE(MPI_LAND, 0x030),
    PTR_VALUE(MPI_LOR, 0x031),
    PTR_VALUE(MPI_LXOR, 0x032),
    PTR_VALUE(MPI_MINLOC, 0x038),
    PTR_VALUE(MPI_MAXLOC, 0x039),
    PTR_VALUE(MPI_REPLACE, 0x03c),
    PTR_VALUE(MPI_NO_OP, 0x03d),
    PTR_VALUE(MPI_COMM_NULL, 0x100),
    PTR_VALUE(MPI_COMM_WORLD, 0x101),
    PTR_VALUE(MPI_COMM_SELF, 0x102),
    PTR_VALUE(MPI_GROUP_NULL, 0x108),
    PTR_VALUE(MPI_GROUP_EMPTY, 0x109),
    PTR_VALUE(MPI_WIN_NULL, 0x110),
    PTR_VALUE(MPI_FILE_NULL, 0x118),
    PTR_VALUE(MPI_SESSION_NULL, 0x120),
    PTR_VALUE(MPI_MESSAGE_NULL, 0x128),
    PTR_VALUE(MPI_MESSAGE_NO_PROC, 0x129),
    PTR_VALUE(MPI_INFO_NULL, 0x130),
    PTR_VALUE(MPI_INFO_ENV, 0x131),
    PTR_VALUE(MPI_ERRHANDLER_NULL, 0x140),
    PTR_VALUE(MPI_ERRORS_ARE_FATAL, 0x141),
    PTR_VALUE(MPI_ERRORS_RETURN, 0x142),
    PTR_VALUE(MPI_ERRORS_ABORT, 0x143),
    PTR_VALUE(MPI_REQUEST_NULL, 0x180),
};

/* Every predefined datatype except the two aliases, which are checked on their own. */
static const struct abi_value datatype_handles[] = {
    PTR_VALUE(MPI_DATATYPE_NULL, 0x200),
    PTR_VALUE(MPI_AINT, 0x201),
    PTR_VALUE(MPI_COUNT, 0x202),
    PTR_VALUE(MPI_OFFSET, 0x203),
    PTR_VALUE(MPI_PACKED, 0x207),
    PTR_VALUE(MPI_SHORT, 0x208),
    PTR_VALUE(MPI_INT, 0x209),
    PTR_VALUE(MPI_LONG, 0x20a),
    PTR_VALUE(MPI_LONG_LONG, 0x20b),
    PTR_VALUE(MPI_UNSIGNED_SHORT, 0x20c),
    PTR_VALUE(MPI_UNSIGNED, 0x20d),
    PTR_VALUE(MPI_UNSIGNED_LONG, 0x20e),
    PTR_VALUE(MPI_UNSIGNED_LONG_LONG, 0x20f),
    PTR_VALUE(MPI_FLOAT, 0x210),
    PTR_VALUE(MPI_C_FLOAT_COMPLEX, 0x212),
    PTR_VALUE(MPI_CXX_FLOAT_COMPLEX, 0x213),
    PTR_VALUE(MPI_DOUBLE, 0x214),
    PTR_VALUE(MPI_C_DOUBLE_COMPLEX, 0x216),
    PTR_VALUE(MPI_CXX_DOUBLE_COMPLEX, 0x217),
    PTR_VALUE(MPI_LOGICAL, 0x218),
    PTR_VALUE(MPI_INTEGER, 0x219),
    PTR_VALUE(MPI_REAL, 0x21a),
    PTR_VALUE(MPI_COMPLEX, 0x21b),
    PTR_VALUE(MPI_DOUBLE_PRECISION, 0x21c),
    PTR_VALUE(MPI_DOUBLE_COMPLEX, 0x21d),
    PTR_VALUE(MPI_CHARACTER, 0x21e),
    PTR_VALUE(MPI_LONG_DOUBLE, 0x220),
    PTR_VALUE(MPI_C_LONG_DOUBLE_COMPLEX, 0x224),
    PTR_VALUE(MPI_CXX_LONG_DOUBLE_COMPLEX, 0x225),
    PTR_VALUE(MPI_FLOAT_INT, 0x228),
    PTR_VALUE(MPI_DOUBLE_INT, 0x229),
    PTR_VALUE(MPI_LONG_INT, 0x22a),
    PTR_VALUE(MPI_2INT, 0x22b),
    PTR_VALUE(MPI_SHORT_INT, 0x22c),
    PTR_VALUE(MPI_LONG_DOUBLE_INT, 0x22d),
    PTR_VALUE(MPI_2REAL, 0x230),
    PTR_VALUE(MPI_2DOUBLE_PRECISION, 0x231),
    PTR_VALUE(MPI_2INTEGER, 0x232),
    PTR_VALUE(MPI_C_BOOL, 0x238),
    PTR_VALUE(MPI_CXX_BOOL, 0x239),
    PTR_VALUE(MPI_WCHAR, 0x23c),
    PTR_VALUE(MPI_INT8_T, 0x240),
    PTR_VALUE(MPI_UINT8_T, 0x241),
    PTR_VALUE(MPI_CHAR, 0x243),
    PTR_VALUE(MPI_SIGNED_CHAR, 0x244),
    PTR_VALUE(MPI_UNSIGNED_CHAR, 0x245),
    PTR_VALUE(MPI_BYTE, 0x247),
    PTR_VALUE(MPI_INT16_T, 0x248),
    PTR_VALUE(MPI_UINT16_T, 0x249),
    PTR_VALUE(MPI_INT32_T, 0x250),
    PTR_VALUE(MPI_UINT32_T, 0x251),
    PTR_VALUE(MPI_INT64_T, 0x258),
    PTR_VALUE(MPI_UINT64_T, 0x259),
    PTR_VALUE(MPI_LOGICAL1, 0x2c0),
    PTR_VALUE(MPI_INTEGER1, 0x2c1),
    PTR_VALUE(MPI_LOGICAL2, 0x2c8),
    PTR_VALUE(MPI_INTEGER2, 0x2c9),
    PTR_VALUE(MPI_REAL2, 0x2ca),
    PTR_VALUE(MPI_LOGICAL4, 0x2d0),
    PTR_VALUE(MPI_INTEGER4, 0x2d1),
    PTR_VALUE(MPI_REAL4, 0x2d2),
    PTR_VALUE(MPI_COMPLEX4, 0x2d3),
    PTR_VALUE(MPI_LOGICAL8, 0x2d8),
    PTR_VALUE(MPI_INTEGER8, 0x2d9),
    PTR_VALUE(MPI_REAL8, 0x2da),
    PTR_VALUE(MPI_COMPLEX8, 0x2db),
    PTR_VALUE(MPI_LOGICAL16, 0x2e0),
    PTR_VALUE(MPI_INTEGER16, 0x2e1),
    PTR_VALUE(MPI_REAL16, 0x2e2),
    PTR_VALUE(MPI_COMPLEX16, 0x2e3),
    PTR_VALUE(MPI_COMPLEX32, 0x2eb),
};

static void test_object_handles(void **state)
{
    (void)state;
    check_values(object_handles, TABLE_LEN(object_handles));
    check_distinct(object_handles, TABLE_LEN(object_handles));
}

static void test_datatype_handles(void **state)
{
    (void)state;
    check_values(datatype_handles, TABLE_LEN(datatype_handles));
    check_distinct(datatype_handles, TABLE_LEN(datatype_handles));

    /* The two aliases are the same handle as the type they name. */
    assert_ptr_equal(MPI_LONG_LONG_INT, MPI_LONG_LONG);
    assert_ptr_equal(MPI_C_COMPLEX, MPI_C_FLOAT_COMPLEX);
}

/* Handles are checked by type, so a handle of one kind cannot stand for another. */
static void test_handle_types(void **state)
{
    (void)state;
    assert_true(_Generic(MPI_COMM_WORLD, MPI_Comm : 1, default : 0));
    assert_true(_Generic(MPI_COMM_NULL, MPI_Comm : 1, default : 0));
    assert_true(_Generic(MPI_GROUP_EMPTY, MPI_Group : 1, default : 0));
    assert_true(_Generic(MPI_INT, MPI_Datatype : 1, default : 0));
    assert_true(_Generic(MPI_LONG_LONG_INT, MPI_Datatype : 1, default : 0));
    assert_true(_Generic(MPI_SUM, MPI_Op : 1, default : 0));
    assert_true(_Generic(MPI_ERRORS_RETURN, MPI_Errhandler : 1, default : 0));
    assert_true(_Generic(MPI_INFO_ENV, MPI_Info : 1, default : 0));
    assert_true(_Generic(MPI_MESSAGE_NO_PROC, MPI_Message : 1, default : 0));
    assert_true(_Generic(MPI_REQUEST_NULL, MPI_Request : 1, default : 0));
    assert_true(_Generic(MPI_SESSION_NULL, MPI_Session : 1, default : 0));
    assert_true(_Generic(MPI_WIN_NULL, MPI_Win : 1, default : 0));
    assert_true(_Generic(MPI_FILE_NULL, MPI_File : 1, default : 0));
    assert_false(_Generic(MPI_COMM_WORLD, MPI_Group : 1, default : 0));
}

/* The ABI makes the null handles non-zero, so that a zeroed handle is never a valid one. */
static void test_null_handles_are_not_zero(void **state)
{
    (void)state;
    assert_true(MPI_COMM_NULL != (MPI_Comm)0);
    assert_true(MPI_DATATYPE_NULL != (MPI_Datatype)0);
    assert_true(MPI_ERRHANDLER_NULL != (MPI_Errhandler)0);
    assert_true(MPI_FILE_NULL != (MPI_File)0);
    assert_true(MPI_GROUP_NULL != (MPI_Group)0);
    assert_true(MPI_INFO_NULL != (MPI_Info)0);
    assert_true(MPI_MESSAGE_NULL != (MPI_Message)0);
    assert_true(MPI_OP_NULL != (MPI_Op)0);
    assert_true(MPI_REQUEST_NULL != (MPI_Request)0);
    assert_true(MPI_SESSION_NULL != (MPI_Session)0);
    assert_true(MPI_WIN_NULL != (MPI_Win)0);
}

/* Every error class, and the bounds of the range they live in. */
static const struct abi_value error_classes[] = {
    INT_VALUE(MPI_ERR_BUFFER, 1),
    INT_VALUE(MPI_ERR_COUNT, 2),
    INT_VALUE(MPI_ERR_TYPE, 3),
    INT_VALUE(MPI_ERR_TAG, 4),
    INT_VALUE(MPI_ERR_COMM, 5),
    INT_VALUE(MPI_ERR_RANK, 6),
    INT_VALUE(MPI_ERR_REQUEST, 7),
    INT_VALUE(MPI_ERR_ROOT, 8),
    INT_VALUE(MPI_ERR_GROUP, 9),
    INT_VALUE(MPI_ERR_OP, 10),
    INT_VALUE(MPI_ERR_TOPOLOGY, 11),
    INT_VALUE(MPI_ERR_DIMS, 12),
    INT_VALUE(MPI_ERR_ARG, 13),
    INT_VALUE(MPI_ERR_UNKNOWN, 14),
    INT_VALUE(MPI_ERR_TRUNCATE, 15),
    INT_VALUE(MPI_ERR_OTHER, 16),
    INT_VALUE(MPI_ERR_INTERN, 17),
    INT_VALUE(MPI_ERR_PENDING, 18),
    INT_VALUE(MPI_ERR_IN_STATUS, 19),
    INT_VALUE(MPI_ERR_ACCESS, 20),
    INT_VALUE(MPI_ERR_AMODE, 21),
    INT_VALUE(MPI_ERR_ASSERT, 22),
    INT_VALUE(MPI_ERR_BAD_FILE, 23),
    INT_VALUE(MPI_ERR_BASE, 24),
    INT_VALUE(MPI_ERR_CONVERSION, 25),
    INT_VALUE(MPI_ERR_DISP, 26),
    INT_VALUE(MPI_ERR_DUP_DATAREP, 27),
    INT_VALUE(MPI_ERR_FILE_EXISTS, 28),
    INT_VALUE(MPI_ERR_FILE_IN_USE, 29),
    INT_VALUE(MPI_ERR_FILE, 30),
    INT_VALUE(MPI_ERR_INFO_KEY, 31),
    INT_VALUE(MPI_ERR_INFO_NOKEY, 32),
    INT_VALUE(MPI_ERR_INFO_VALUE, 33),
    INT_VALUE(MPI_ERR_INFO, 34),
    INT_VALUE(MPI_ERR_IO, 35),
    INT_VALUE(MPI_ERR_KEYVAL, 36),
    INT_VALUE(MPI_ERR_LOCKTYPE, 37),
    INT_VALUE(MPI_ERR_NAME, 38),
    INT_VALUE(MPI_ERR_NO_MEM, 39),
    INT_VALUE(MPI_ERR_NOT_SAME, 40),
    INT_VALUE(MPI_ERR_NO_SPACE, 41),
    INT_VALUE(MPI_ERR_NO_SUCH_FILE, 42),
    INT_VALUE(MPI_ERR_PORT, 43),
    INT_VALUE(MPI_ERR_QUOTA, 44),
    INT_VALUE(MPI_ERR_READ_ONLY, 45),
    INT_VALUE(MPI_ERR_RMA_ATTACH, 46),
    INT_VALUE(MPI_ERR_RMA_CONFLICT, 47),
    INT_VALUE(MPI_ERR_RMA_RANGE, 48),
    INT_VALUE(MPI_ERR_RMA_SHARED, 49),
    INT_VALUE(MPI_ERR_RMA_SYNC, 50),
    INT_VALUE(MPI_ERR_SERVICE, 51),
    INT_VALUE(MPI_ERR_SIZE, 52),
    INT_VALUE(MPI_ERR_SPAWN, 53),
    INT_VALUE(MPI_ERR_UNSUPPORTED_DATAREP, 54),
    INT_VALUE(MPI_ERR_UNSUPPORTED_OPERATION, 55),
    INT_VALUE(MPI_ERR_WIN, 56),
    INT_VALUE(MPI_ERR_RMA_FLAVOR, 57),
    INT_VALUE(MPI_ERR_PROC_ABORTED, 58),
    INT_VALUE(MPI_ERR_VALUE_TOO_LARGE, 59),
    INT_VALUE(MPI_ERR_SESSION, 60),
    INT_VALUE(MPI_ERR_ERRHANDLER, 61),
    INT_VALUE(MPI_ERR_ABI, 62),
    INT_VALUE(MPI_T_ERR_CANNOT_INIT, 1001),
    INT_VALUE(MPI_T_ERR_NOT_ACCESSIBLE, 1002),
    INT_VALUE(MPI_T_ERR_NOT_INITIALIZED, 1003),
    INT_VALUE(MPI_T_ERR_NOT_SUPPORTED, 1004),
    INT_VALUE(MPI_T_ERR_MEMORY, 1005),
    INT_VALUE(MPI_T_ERR_INVALID, 1006),
    INT_VALUE(MPI_T_ERR_INVALID_INDEX, 1007),
    INT_VALUE(MPI_T_ERR_INVALID_ITEM, 1008),
    INT_VALUE(MPI_T_ERR_INVALID_SESSION, 1009),
    INT_VALUE(MPI_T_ERR_INVALID_HANDLE, 1010),
    INT_VALUE(MPI_T_ERR_INVALID_NAME, 1011),
    INT_VALUE(MPI_T_ERR_OUT_OF_HANDLES, 1012),
    INT_VALUE(MPI_T_ERR_OUT_OF_SESSIONS, 1013),
    INT_VALUE(MPI_T_ERR_CVAR_SET_NOT_NOW, 1014),
    INT_VALUE(MPI_T_ERR_CVAR_SET_NEVER, 1015),
    INT_VALUE(MPI_T_ERR_PVAR_NO_WRITE, 1016),
    INT_VALUE(MPI_T_ERR_PVAR_NO_STARTSTOP, 1017),
    INT_VALUE(MPI_T_ERR_PVAR_NO_ATOMIC, 1018),
};

static void test_error_classes(void **state)
{
    (void)state;
    assert_int_equal(MPI_SUCCESS, 0);
    assert_int_equal(MPI_ERR_LASTCODE, 16383);
    check_values(error_classes, TABLE_LEN(error_classes));
    check_distinct(error_classes, TABLE_LEN(error_classes));
    for (size_t i = 0; i < TABLE_LEN(error_classes); i++) {
        assert_true(error_classes[i].actual > MPI_SUCCESS);
        assert_true(error_classes[i].actual <= MPI_ERR_LASTCODE);
    }
}

/* Wildcards and special ranks: negative, so never a real rank or tag, and all different. */
static const struct abi_value special_ranks[] = {
    INT_VALUE(MPI_ANY_SOURCE, -1), INT_VALUE(MPI_ANY_TAG, -2),       INT_VALUE(MPI_PROC_NULL, -3),
    INT_VALUE(MPI_ROOT, -4),       INT_VALUE(MPI_UNDEFINED, -32766),
};

static void test_special_ranks(void **state)
{
    (void)state;
    check_values(special_ranks, TABLE_LEN(special_ranks));
    check_distinct(special_ranks, TABLE_LEN(special_ranks));
    for (size_t i = 0; i < TABLE_LEN(special_ranks); i++) {
        assert_true(special_ranks[i].actual < 0);
    }
}

static const struct abi_value thread_levels[] = {
    INT_VALUE(MPI_THREAD_SINGLE, 0),
    INT_VALUE(MPI_THREAD_FUNNELED, 1024),
    INT_VALUE(MPI_THREAD_SERIALIZED, 2048),
    INT_VALUE(MPI_THREAD_MULTIPLE, 4096),
};

static void test_thread_levels(void **state)
{
    (void)state;
    check_values(thread_levels, TABLE_LEN(thread_levels));
    /* A program compares levels: provided < MPI_THREAD_MULTIPLE must mean "less support". */
    for (size_t i = 1; i < TABLE_LEN(thread_levels); i++) {
        assert_true(thread_levels[i - 1].actual < thread_levels[i].actual);
    }
}

static const struct abi_value modes[] = {
    INT_VALUE(MPI_MODE_APPEND, 1),          INT_VALUE(MPI_MODE_CREATE, 2),
    INT_VALUE(MPI_MODE_DELETE_ON_CLOSE, 4), INT_VALUE(MPI_MODE_EXCL, 8),
    INT_VALUE(MPI_MODE_RDONLY, 16),         INT_VALUE(MPI_MODE_RDWR, 32),
    INT_VALUE(MPI_MODE_SEQUENTIAL, 64),     INT_VALUE(MPI_MODE_UNIQUE_OPEN, 128),
    INT_VALUE(MPI_MODE_WRONLY, 256),        INT_VALUE(MPI_MODE_NOCHECK, 1024),
    INT_VALUE(MPI_MODE_NOPRECEDE, 2048),    INT_VALUE(MPI_MODE_NOPUT, 4096),
    INT_VALUE(MPI_MODE_NOSTORE, 8192),      INT_VALUE(MPI_MODE_NOSUCCEED, 16384),
};

static void test_modes(void **state)
{
    long long seen = 0;

    (void)state;
    check_values(modes, TABLE_LEN(modes));
    /* Each mode is one bit of its own, so that a program can or them together. */
    for (size_t i = 0; i < TABLE_LEN(modes); i++) {
        long long bit = modes[i].actual;

        assert_true(bit > 0);
        assert_int_equal(bit & (bit - 1), 0);
        assert_int_equal(seen & bit, 0);
        seen |= bit;
    }
}

/* Predefined attribute keys: all different, and none is MPI_KEYVAL_INVALID. */
static const struct abi_value attribute_keys[] = {
    INT_VALUE(MPI_KEYVAL_INVALID, 0),
    INT_VALUE(MPI_TAG_UB, 501),
    INT_VALUE(MPI_IO, 502),
    INT_VALUE(MPI_HOST, 503),
    INT_VALUE(MPI_WTIME_IS_GLOBAL, 504),
    INT_VALUE(MPI_UNIVERSE_SIZE, 505),
    INT_VALUE(MPI_APPNUM, 506),
    INT_VALUE(MPI_LASTUSEDCODE, 507),
    INT_VALUE(MPI_WIN_BASE, 601),
    INT_VALUE(MPI_WIN_DISP_UNIT, 602),
    INT_VALUE(MPI_WIN_SIZE, 603),
    INT_VALUE(MPI_WIN_CREATE_FLAVOR, 604),
    INT_VALUE(MPI_WIN_MODEL, 605),
};

static void test_attribute_keys(void **state)
{
    (void)state;
    check_values(attribute_keys, TABLE_LEN(attribute_keys));
    check_distinct(attribute_keys, TABLE_LEN(attribute_keys));
}

/* The other integer constants, group by group. */
static const struct abi_value other_constants[] = {
    /* Array order and distribution. */
    INT_VALUE(MPI_ORDER_C, 12),
    INT_VALUE(MPI_ORDER_FORTRAN, 15),
    INT_VALUE(MPI_DISTRIBUTE_NONE, 16),
    INT_VALUE(MPI_DISTRIBUTE_BLOCK, 17),
    INT_VALUE(MPI_DISTRIBUTE_CYCLIC, 18),
    INT_VALUE(MPI_DISTRIBUTE_DFLT_DARG, 19),
    /* Combiners. */
    INT_VALUE(MPI_COMBINER_NAMED, 101),
    INT_VALUE(MPI_COMBINER_DUP, 102),
    INT_VALUE(MPI_COMBINER_CONTIGUOUS, 103),
    INT_VALUE(MPI_COMBINER_VECTOR, 104),
    INT_VALUE(MPI_COMBINER_HVECTOR, 105),
    INT_VALUE(MPI_COMBINER_INDEXED, 106),
    INT_VALUE(MPI_COMBINER_HINDEXED, 107),
    INT_VALUE(MPI_COMBINER_INDEXED_BLOCK, 108),
    INT_VALUE(MPI_COMBINER_HINDEXED_BLOCK, 109),
    INT_VALUE(MPI_COMBINER_STRUCT, 110),
    INT_VALUE(MPI_COMBINER_SUBARRAY, 111),
    INT_VALUE(MPI_COMBINER_DARRAY, 112),
    INT_VALUE(MPI_COMBINER_F90_INTEGER, 113),
    INT_VALUE(MPI_COMBINER_F90_REAL, 114),
    INT_VALUE(MPI_COMBINER_F90_COMPLEX, 115),
    INT_VALUE(MPI_COMBINER_RESIZED, 116),
    INT_VALUE(MPI_COMBINER_VALUE_INDEX, 117),
    /* Type classes. */
    INT_VALUE(MPI_TYPECLASS_INTEGER, 192),
    INT_VALUE(MPI_TYPECLASS_REAL, 193),
    INT_VALUE(MPI_TYPECLASS_COMPLEX, 194),
    /* Comparisons. */
    INT_VALUE(MPI_IDENT, 201),
    INT_VALUE(MPI_CONGRUENT, 202),
    INT_VALUE(MPI_SIMILAR, 203),
    INT_VALUE(MPI_UNEQUAL, 204),
    /* Topologies and split types. */
    INT_VALUE(MPI_CART, 211),
    INT_VALUE(MPI_GRAPH, 212),
    INT_VALUE(MPI_DIST_GRAPH, 213),
    INT_VALUE(MPI_COMM_TYPE_SHARED, 221),
    INT_VALUE(MPI_COMM_TYPE_HW_UNGUIDED, 222),
    INT_VALUE(MPI_COMM_TYPE_HW_GUIDED, 223),
    INT_VALUE(MPI_COMM_TYPE_RESOURCE_GUIDED, 224),
    /* One-sided. */
    INT_VALUE(MPI_LOCK_EXCLUSIVE, 301),
    INT_VALUE(MPI_LOCK_SHARED, 302),
    INT_VALUE(MPI_WIN_FLAVOR_CREATE, 311),
    INT_VALUE(MPI_WIN_FLAVOR_ALLOCATE, 312),
    INT_VALUE(MPI_WIN_FLAVOR_DYNAMIC, 313),
    INT_VALUE(MPI_WIN_FLAVOR_SHARED, 314),
    INT_VALUE(MPI_WIN_UNIFIED, 321),
    INT_VALUE(MPI_WIN_SEPARATE, 322),
    /* Files. */
    INT_VALUE(MPI_SEEK_SET, 401),
    INT_VALUE(MPI_SEEK_CUR, 402),
    INT_VALUE(MPI_SEEK_END, 403),
    INT_VALUE(MPI_DISPLACEMENT_CURRENT, -1),
    /* Fortran status indices. */
    INT_VALUE(MPI_F_STATUS_SIZE, 8),
    INT_VALUE(MPI_F_SOURCE, 0),
    INT_VALUE(MPI_F_TAG, 1),
    INT_VALUE(MPI_F_ERROR, 2),
    /* Sizes. */
    INT_VALUE(MPI_BSEND_OVERHEAD, 512),
    /* Tool interface. */
    INT_VALUE(MPI_T_CB_REQUIRE_NONE, 0x00),
    INT_VALUE(MPI_T_CB_REQUIRE_MPI_RESTRICTED, 0x03),
    INT_VALUE(MPI_T_CB_REQUIRE_THREAD_SAFE, 0x0f),
    INT_VALUE(MPI_T_CB_REQUIRE_ASYNC_SIGNAL_SAFE, 0x3f),
    INT_VALUE(MPI_T_SOURCE_ORDERED, 1),
    INT_VALUE(MPI_T_SOURCE_UNORDERED, 2),
    INT_VALUE(MPI_T_VERBOSITY_USER_BASIC, 0x09),
    INT_VALUE(MPI_T_VERBOSITY_USER_DETAIL, 0x0a),
    INT_VALUE(MPI_T_VERBOSITY_USER_ALL, 0x0c),
    INT_VALUE(MPI_T_VERBOSITY_TUNER_BASIC, 0x11),
    INT_VALUE(MPI_T_VERBOSITY_TUNER_DETAIL, 0x12),
    INT_VALUE(MPI_T_VERBOSITY_TUNER_ALL, 0x14),
    INT_VALUE(MPI_T_VERBOSITY_MPIDEV_BASIC, 0x21),
    INT_VALUE(MPI_T_VERBOSITY_MPIDEV_DETAIL, 0x22),
    INT_VALUE(MPI_T_VERBOSITY_MPIDEV_ALL, 0x24),
    INT_VALUE(MPI_T_BIND_NO_OBJECT, 1),
    INT_VALUE(MPI_T_BIND_MPI_COMM, 2),
    INT_VALUE(MPI_T_BIND_MPI_DATATYPE, 3),
    INT_VALUE(MPI_T_BIND_MPI_ERRHANDLER, 4),
    INT_VALUE(MPI_T_BIND_MPI_FILE, 5),
    INT_VALUE(MPI_T_BIND_MPI_GROUP, 6),
    INT_VALUE(MPI_T_BIND_MPI_OP, 7),
    INT_VALUE(MPI_T_BIND_MPI_REQUEST, 8),
    INT_VALUE(MPI_T_BIND_MPI_WIN, 9),
    INT_VALUE(MPI_T_BIND_MPI_MESSAGE, 10),
    INT_VALUE(MPI_T_BIND_MPI_INFO, 11),
    INT_VALUE(MPI_T_BIND_MPI_SESSION, 12),
    INT_VALUE(MPI_T_SCOPE_CONSTANT, 1),
    INT_VALUE(MPI_T_SCOPE_READONLY, 2),
    INT_VALUE(MPI_T_SCOPE_LOCAL, 3),
    INT_VALUE(MPI_T_SCOPE_GROUP, 4),
    INT_VALUE(MPI_T_SCOPE_GROUP_EQ, 5),
    INT_VALUE(MPI_T_SCOPE_ALL, 6),
    INT_VALUE(MPI_T_SCOPE_ALL_EQ, 7),
    INT_VALUE(MPI_T_PVAR_CLASS_STATE, 1),
    INT_VALUE(MPI_T_PVAR_CLASS_LEVEL, 2),
    INT_VALUE(MPI_T_PVAR_CLASS_SIZE, 3),
    INT_VALUE(MPI_T_PVAR_CLASS_PERCENTAGE, 4),
    INT_VALUE(MPI_T_PVAR_CLASS_HIGHWATERMARK, 5),
    INT_VALUE(MPI_T_PVAR_CLASS_LOWWATERMARK, 6),
    INT_VALUE(MPI_T_PVAR_CLASS_COUNTER, 7),
    INT_VALUE(MPI_T_PVAR_CLASS_AGGREGATE, 8),
    INT_VALUE(MPI_T_PVAR_CLASS_TIMER, 9),
    INT_VALUE(MPI_T_PVAR_CLASS_GENERIC, 10),
};

static void test_other_constants(void **state)
{
    (void)state;
    check_values(other_constants, TABLE_LEN(other_constants));
    assert_int_equal(sizeof(MPI_DISPLACEMENT_CURRENT), sizeof(MPI_Offset));
}

/* String lengths: a program declares buffers with them, so they are part of the ABI. */
static const struct abi_value string_lengths[] = {
    INT_VALUE(MPI_MAX_PROCESSOR_NAME, 256),
    INT_VALUE(MPI_MAX_ERROR_STRING, 512),
    INT_VALUE(MPI_MAX_LIBRARY_VERSION_STRING, 8192),
    INT_VALUE(MPI_MAX_OBJECT_NAME, 128),
    INT_VALUE(MPI_MAX_INFO_KEY, 256),
    INT_VALUE(MPI_MAX_INFO_VAL, 1024),
    INT_VALUE(MPI_MAX_PORT_NAME, 1024),
    INT_VALUE(MPI_MAX_DATAREP_STRING, 128),
    INT_VALUE(MPI_MAX_PSET_NAME_LEN, 1024),
    INT_VALUE(MPI_MAX_STRINGTAG_LEN, 1024),
};

static void test_string_lengths(void **state)
{
    /* They must also be constant expressions, usable as array sizes. */
    char name[MPI_MAX_PROCESSOR_NAME];
    char error[MPI_MAX_ERROR_STRING];

    (void)state;
    check_values(string_lengths, TABLE_LEN(string_lengths));
    assert_int_equal(sizeof(name), 256);
    assert_int_equal(sizeof(error), 512);
}

/* Special addresses and "ignore" arguments. */
static const struct abi_value special_pointers[] = {
    PTR_VALUE(MPI_BOTTOM, 0),
    PTR_VALUE(MPI_IN_PLACE, 1),
    PTR_VALUE(MPI_BUFFER_AUTOMATIC, 2),
    PTR_VALUE(MPI_STATUS_IGNORE, 0),
    PTR_VALUE(MPI_STATUSES_IGNORE, 0),
    PTR_VALUE(MPI_ERRCODES_IGNORE, 0),
    PTR_VALUE(MPI_ARGV_NULL, 0),
    PTR_VALUE(MPI_ARGVS_NULL, 0),
    PTR_VALUE(MPI_UNWEIGHTED, 10),
    PTR_VALUE(MPI_WEIGHTS_EMPTY, 11),
    PTR_VALUE(MPI_T_ENUM_NULL, 0),
    PTR_VALUE(MPI_T_CVAR_HANDLE_NULL, 0),
    PTR_VALUE(MPI_T_PVAR_HANDLE_NULL, 0),
    PTR_VALUE(MPI_T_PVAR_SESSION_NULL, 0),
    PTR_VALUE(MPI_T_PVAR_ALL_HANDLES, 1),
};

static void test_special_pointers(void **state)
{
    (void)state;
    check_values(special_pointers, TABLE_LEN(special_pointers));
    assert_null(MPI_BOTTOM);
    assert_null(MPI_STATUS_IGNORE);
    assert_null(MPI_STATUSES_IGNORE);
    assert_null(MPI_ERRCODES_IGNORE);
    assert_null(MPI_ARGV_NULL);
    assert_null(MPI_ARGVS_NULL);
    assert_true(MPI_IN_PLACE != MPI_BOTTOM);
    assert_true(MPI_UNWEIGHTED != MPI_WEIGHTS_EMPTY);
    assert_non_null(MPI_UNWEIGHTED);
    assert_non_null(MPI_WEIGHTS_EMPTY);
}

/* The predefined attribute callbacks are constants: 0 copies or deletes nothing, 1 duplicates. */
static const struct abi_value predefined_callbacks[] = {
    PTR_VALUE(MPI_NULL_COPY_FN, 0),        PTR_VALUE(MPI_DUP_FN, 1),
    PTR_VALUE(MPI_NULL_DELETE_FN, 0),      PTR_VALUE(MPI_COMM_NULL_COPY_FN, 0),
    PTR_VALUE(MPI_COMM_DUP_FN, 1),         PTR_VALUE(MPI_COMM_NULL_DELETE_FN, 0),
    PTR_VALUE(MPI_TYPE_NULL_COPY_FN, 0),   PTR_VALUE(MPI_TYPE_DUP_FN, 1),
    PTR_VALUE(MPI_TYPE_NULL_DELETE_FN, 0), PTR_VALUE(MPI_WIN_NULL_COPY_FN, 0),
    PTR_VALUE(MPI_WIN_DUP_FN, 1),          PTR_VALUE(MPI_WIN_NULL_DELETE_FN, 0),
    PTR_VALUE(MPI_CONVERSION_FN_NULL, 0),  PTR_VALUE(MPI_CONVERSION_FN_NULL_C, 0),
};

static void test_predefined_callbacks(void **state)
{
    (void)state;
    check_values(predefined_callbacks, TABLE_LEN(predefined_callbacks));
}

/* True when expression `e` has type `type`; `e` is not evaluated, so nothing is linked. */
#define HAS_TYPE(e, type) _Generic((e), type : 1, default : 0)

/* Each callback type has the standard's signature: a user callback of that signature fits. */
static void test_callback_types(void **state)
{
    (void)state;
    assert_true(HAS_TYPE((MPI_User_function *)0, void (*)(void *, void *, int *, MPI_Datatype *)));
    assert_true(
        HAS_TYPE((MPI_User_function_c *)0, void (*)(void *, void *, MPI_Count *, MPI_Datatype *)));
    assert_true(HAS_TYPE((MPI_Comm_copy_attr_function *)0,
                         int (*)(MPI_Comm, int, void *, void *, void *, int *)));
    assert_true(
        HAS_TYPE((MPI_Comm_delete_attr_function *)0, int (*)(MPI_Comm, int, void *, void *)));
    assert_true(HAS_TYPE((MPI_Type_copy_attr_function *)0,
                         int (*)(MPI_Datatype, int, void *, void *, void *, int *)));
    assert_true(
        HAS_TYPE((MPI_Type_delete_attr_function *)0, int (*)(MPI_Datatype, int, void *, void *)));
    assert_true(HAS_TYPE((MPI_Win_copy_attr_function *)0,
                         int (*)(MPI_Win, int, void *, void *, void *, int *)));
    assert_true(HAS_TYPE((MPI_Win_delete_attr_function *)0, int (*)(MPI_Win, int, void *, void *)));
    assert_true(
        HAS_TYPE((MPI_Copy_function *)0, int (*)(MPI_Comm, int, void *, void *, void *, int *)));
    assert_true(HAS_TYPE((MPI_Delete_function *)0, int (*)(MPI_Comm, int, void *, void *)));
    assert_true(HAS_TYPE((MPI_Comm_errhandler_function *)0, void (*)(MPI_Comm *, int *, ...)));
    assert_true(HAS_TYPE((MPI_File_errhandler_function *)0, void (*)(MPI_File *, int *, ...)));
    assert_true(HAS_TYPE((MPI_Win_errhandler_function *)0, void (*)(MPI_Win *, int *, ...)));
    assert_true(
        HAS_TYPE((MPI_Session_errhandler_function *)0, void (*)(MPI_Session *, int *, ...)));
    assert_true(HAS_TYPE((MPI_Comm_errhandler_fn *)0, void (*)(MPI_Comm *, int *, ...)));
    assert_true(HAS_TYPE((MPI_File_errhandler_fn *)0, void (*)(MPI_File *, int *, ...)));
    assert_true(HAS_TYPE((MPI_Win_errhandler_fn *)0, void (*)(MPI_Win *, int *, ...)));
    assert_true(HAS_TYPE((MPI_Session_errhandler_fn *)0, void (*)(MPI_Session *, int *, ...)));
    assert_true(HAS_TYPE((MPI_Grequest_query_function *)0, int (*)(void *, MPI_Status *)));
    assert_true(HAS_TYPE((MPI_Grequest_free_function *)0, int (*)(void *)));
    assert_true(HAS_TYPE((MPI_Grequest_cancel_function *)0, int (*)(void *, int)));
    assert_true(
        HAS_TYPE((MPI_Datarep_extent_function *)0, int (*)(MPI_Datatype, MPI_Aint *, void *)));
    assert_true(HAS_TYPE((MPI_Datarep_conversion_function *)0,
                         int (*)(void *, MPI_Datatype, int, void *, MPI_Offset, void *)));
    assert_true(HAS_TYPE((MPI_Datarep_conversion_function_c *)0,
                         int (*)(void *, MPI_Datatype, MPI_Count, void *, MPI_Offset, void *)));
    assert_true(HAS_TYPE(
        (MPI_T_event_cb_function *)0,
        void (*)(MPI_T_event_instance, MPI_T_event_registration, MPI_T_cb_safety, void *)));
    assert_true(HAS_TYPE((MPI_T_event_free_cb_function *)0,
                         void (*)(MPI_T_event_registration, MPI_T_cb_safety, void *)));
    assert_true(
        HAS_TYPE((MPI_T_event_dropped_cb_function *)0,
                 void (*)(MPI_Count, MPI_T_event_registration, int, MPI_T_cb_safety, void *)));
    assert_int_equal(sizeof(MPI_T_cb_safety), sizeof(int));
    assert_int_equal(sizeof(MPI_T_source_order), sizeof(int));
}

/* Each declared function has the standard's C signature, under both of its names. */
static void test_function_signatures(void **state)
{
    (void)state;
    assert_true(HAS_TYPE(&MPI_Init, int (*)(int *, char ***)));
    assert_true(HAS_TYPE(&PMPI_Init, int (*)(int *, char ***)));
    assert_true(HAS_TYPE(&MPI_Init_thread, int (*)(int *, char ***, int, int *)));
    assert_true(HAS_TYPE(&PMPI_Init_thread, int (*)(int *, char ***, int, int *)));
    assert_true(HAS_TYPE(&MPI_Initialized, int (*)(int *)));
    assert_true(HAS_TYPE(&PMPI_Initialized, int (*)(int *)));
    assert_true(HAS_TYPE(&MPI_Finalize, int (*)(void)));
    assert_true(HAS_TYPE(&PMPI_Finalize, int (*)(void)));
    assert_true(HAS_TYPE(&MPI_Finalized, int (*)(int *)));
    assert_true(HAS_TYPE(&PMPI_Finalized, int (*)(int *)));
    assert_true(HAS_TYPE(&MPI_Query_thread, int (*)(int *)));
    assert_true(HAS_TYPE(&PMPI_Query_thread, int (*)(int *)));
    assert_true(HAS_TYPE(&MPI_Is_thread_main, int (*)(int *)));
    assert_true(HAS_TYPE(&PMPI_Is_thread_main, int (*)(int *)));
    assert_true(HAS_TYPE(&MPI_Abort, int (*)(MPI_Comm, int)));
    assert_true(HAS_TYPE(&PMPI_Abort, int (*)(MPI_Comm, int)));
    assert_true(HAS_TYPE(&MPI_Comm_rank, int (*)(MPI_Comm, int *)));
    assert_true(HAS_TYPE(&PMPI_Comm_rank, int (*)(MPI_Comm, int *)));
    assert_true(HAS_TYPE(&MPI_Comm_size, int (*)(MPI_Comm, int *)));
    assert_true(HAS_TYPE(&PMPI_Comm_size, int (*)(MPI_Comm, int *)));
    assert_true(HAS_TYPE(&MPI_Get_processor_name, int (*)(char *, int *)));
    assert_true(HAS_TYPE(&PMPI_Get_processor_name, int (*)(char *, int *)));
    assert_true(HAS_TYPE(&MPI_Get_version, int (*)(int *, int *)));
    assert_true(HAS_TYPE(&PMPI_Get_version, int (*)(int *, int *)));
    assert_true(HAS_TYPE(&MPI_Get_library_version, int (*)(char *, int *)));
    assert_true(HAS_TYPE(&PMPI_Get_library_version, int (*)(char *, int *)));
    assert_true(HAS_TYPE(&MPI_Error_string, int (*)(int, char *, int *)));
    assert_true(HAS_TYPE(&PMPI_Error_string, int (*)(int, char *, int *)));
    assert_true(HAS_TYPE(&MPI_Error_class, int (*)(int, int *)));
    assert_true(HAS_TYPE(&PMPI_Error_class, int (*)(int, int *)));
    assert_true(HAS_TYPE(&MPI_Wtime, double (*)(void)));
    assert_true(HAS_TYPE(&PMPI_Wtime, double (*)(void)));
    assert_true(HAS_TYPE(&MPI_Wtick, double (*)(void)));
    assert_true(HAS_TYPE(&PMPI_Wtick, double (*)(void)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_integer_types),
        cmocka_unit_test(test_status_layout),
        cmocka_unit_test(test_handle_sizes),
        cmocka_unit_test(test_object_handles),
        cmocka_unit_test(test_datatype_handles),
        cmocka_unit_test(test_handle_types),
        cmocka_unit_test(test_null_handles_are_not_zero),
        cmocka_unit_test(test_error_classes),
        cmocka_unit_test(test_special_ranks),
        cmocka_unit_test(test_thread_levels),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_attribute_keys),
        cmocka_unit_test(test_other_constants),
        cmocka_unit_test(test_string_lengths),
        cmocka_unit_test(test_special_pointers),
        cmocka_unit_test(test_predefined_callbacks),
        cmocka_unit_test(test_callback_types),
        cmocka_unit_test(test_function_signatures),
    };

    return cmocka_run_group_tests_name("mpi.h", tests, NULL, NULL);
}
