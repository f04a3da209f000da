/*
 * MPI_Get_hw_resource_info (MPI 4.1): what the calling process learns of the hardware it runs on
 * at the moment of the call, cheaply from the kernel: its node, the CPUs it may run on now, and
 * the resource type that MPI_COMM_TYPE_HW_GUIDED splits by on any machine (the finer hwloc
 * levels it also takes are listed in README).
 */
#define _GNU_SOURCE
#include <config.h>

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"

/* The CPUs in set as a list of ranges ("0-3,8,10-11"); false if it does not fit. */
static bool cpu_list(const cpu_set_t *set, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, set)) {
            continue;
        }
        int last = cpu;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set)) {
            last++;
        }
        int n = last > cpu ? snprintf(out + at, cap - at, "%s%d-%d", at > 0 ? "," : "", cpu, last)
                           : snprintf(out + at, cap - at, "%s%d", at > 0 ? "," : "", cpu);
        if (n < 0 || (size_t)n >= cap - at) {
            return false;
        }
        at += (size_t)n;
        cpu = last;
    }
    return true;
}

#pragma weak MPI_Get_hw_resource_info = PMPI_Get_hw_resource_info
int PMPI_Get_hw_resource_info(MPI_Info *hw_info)
{
    MP_API_LOCK();
    static const char call[] = "MPI_Get_hw_resource_info";
    if (hw_info == NULL) {
        return mp_api_error(NULL, call, MPI_ERR_ARG, "hw_info is NULL");
    }
    char host[MPI_MAX_PROCESSOR_NAME], online[24], cpus[MPI_MAX_INFO_VAL] = "";
    int len;
    int rc = PMPI_Get_processor_name(host, &len);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    snprintf(online, sizeof(online), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    cpu_set_t set;
    bool have_cpus =
        sched_getaffinity(0, sizeof(set), &set) == 0 && cpu_list(&set, cpus, sizeof(cpus));
    /* mpi_hw_resource_type: the values of the key of that name that guided splits take here. */
    const char *pairs[][2] = {
        {"mpi_hw_resource_type", "mpi_shared_memory"},
        {"host", host},
        {"cpus_online", online},
        {"cpus_allowed", have_cpus ? cpus : NULL},
    };
    return mp_api_info_make(call, pairs, sizeof(pairs) / sizeof(pairs[0]), hw_info);
}
