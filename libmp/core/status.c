/*
 * Descriptions of internal statuses, generated from the same list as the enum so the two
 * cannot drift apart.
 */
#include "core/status.h"

const char *mp_status_string(mp_status_t status)
{
    switch (status) {
#define MP_STATUS_CASE(name, value, text)                                                          \
    case name:                                                                                     \
        return text;
        MP_STATUS_LIST(MP_STATUS_CASE)
#undef MP_STATUS_CASE
    }
    return "unknown status";
}
