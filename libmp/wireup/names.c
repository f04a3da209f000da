/*
 * MPI_Publish_name and friends below the API: the launcher's name service through PMIx
 * (PMIx_Publish, PMIx_Lookup, PMIx_Unpublish), under keys MP_WIREUP_NAME_PREFIX + service.
 */
#include <stdio.h>
#include <string.h>

#include <pmix.h>

#include "core/log.h"
#include "wireup/wireup.h"

static mp_status_t make_key(const char *service, pmix_key_t key)
{
    if (strlen(service) > MP_WIREUP_NAME_MAX) {
        return MP_ERR_INVALID;
    }
    snprintf(key, PMIX_MAX_KEYLEN + 1, "%s%s", MP_WIREUP_NAME_PREFIX, service);
    return MP_OK;
}

/* What a PMIx status means here; logs the unexpected ones. */
static mp_status_t from_pmix(const char *what, const char *service, pmix_status_t rc)
{
    switch (rc) {
    case PMIX_SUCCESS:
        return MP_OK;
    case PMIX_ERR_NOT_FOUND:
    case PMIX_ERR_NO_PERMISSIONS:
        return MP_ERR_NOT_FOUND;
    case PMIX_ERR_DUPLICATE_KEY:
        return MP_ERR_EXISTS;
    case PMIX_ERR_NOT_SUPPORTED:
    case PMIX_ERR_UNREACH:
    case PMIX_ERR_INIT:
        return MP_ERR_UNSUPPORTED;
    default:
        mp_log_error("%s(\"%s\") failed: %s", what, service, PMIx_Error_string(rc));
        return MP_ERR_WIREUP;
    }
}

mp_status_t mp_wireup_name_publish(const char *service, const char *port)
{
    pmix_info_t info;
    PMIX_INFO_CONSTRUCT(&info);
    mp_status_t st = make_key(service, info.key);
    if (st != MP_OK) {
        return st;
    }
    pmix_status_t rc = PMIx_Value_load(&info.value, port, PMIX_STRING);
    if (rc == PMIX_SUCCESS) {
        rc = PMIx_Publish(&info, 1);
    }
    PMIX_INFO_DESTRUCT(&info);
    return from_pmix("PMIx_Publish", service, rc);
}

mp_status_t mp_wireup_name_lookup(const char *service, char *port, size_t len)
{
    pmix_pdata_t data;
    PMIX_PDATA_CONSTRUCT(&data);
    mp_status_t st = make_key(service, data.key);
    if (st != MP_OK) {
        return st;
    }
    pmix_status_t rc = PMIx_Lookup(&data, 1, NULL, 0);
    st = from_pmix("PMIx_Lookup", service, rc);
    if (st == MP_OK && (data.value.type != PMIX_STRING || data.value.data.string == NULL)) {
        st = MP_ERR_NOT_FOUND;
    }
    if (st == MP_OK) {
        snprintf(port, len, "%s", data.value.data.string);
    }
    PMIX_PDATA_DESTRUCT(&data);
    return st;
}

mp_status_t mp_wireup_name_unpublish(const char *service)
{
    pmix_key_t key;
    mp_status_t st = make_key(service, key);
    if (st != MP_OK) {
        return st;
    }
    char *keys[2] = {key, NULL};
    return from_pmix("PMIx_Unpublish", service, PMIx_Unpublish(keys, NULL, 0));
}
