/*
 * MPI_Init and MPI_Finalize below the API layer: wire-up through PMIx, the predefined
 * communicators, and the closing fence that keeps a rank's resources alive until every peer
 * is done with them.
 */
#include "core/runtime.h"

#include "pt2pt/pt2pt.h"
#include "pt2pt/pt2pt_internal.h"
#include "wireup/procs.h"

mp_runtime_t mp_runtime = {.state = MP_RUNTIME_NEW, .rank = -1};

mp_status_t mp_runtime_init(int thread_level)
{
    mp_runtime.main_thread = pthread_self();
    mp_runtime.thread_level = thread_level;
    mp_status_t status = mp_wireup_init(&mp_runtime.wireup);
    if (status != MP_OK) {
        return status;
    }
    mp_runtime.rank = mp_runtime.wireup.rank;
    mp_runtime.size = mp_runtime.wireup.size;
    mp_runtime.has_parent = mp_wireup_parent(&mp_runtime.parent) == MP_OK;
    mp_runtime.universe_size = mp_wireup_universe_size();
    mp_runtime.appnum = mp_wireup_appnum();
    status =
        mp_comm_world_init(&mp_runtime.world, &mp_runtime.self, mp_runtime.rank, mp_runtime.size);
    if (status != MP_OK) {
        return status;
    }
    /* Transports publish their cards before this fence; it also proves every rank started. */
    status = mp_pt2pt_setup(&mp_runtime.wireup);
    if (status == MP_OK && mp_runtime.size > 1) {
        status = mp_wireup_fence(true);
    }
    if (status == MP_OK) {
        mp_wireup_cpus_read(&mp_runtime.wireup);
        status = mp_pt2pt_init(&mp_runtime.wireup);
    }
    if (status != MP_OK) {
        return status;
    }
    mp_runtime.state = MP_RUNTIME_READY;
    return MP_OK;
}

mp_status_t mp_runtime_fini(bool disconnect)
{
    mp_status_t status = MP_OK;
    /* Packets still queued go out first; the fence then keeps every rank's memory (shared
     * segments, rendezvous buffers) alive until all peers are done with it. The rank keeps
     * answering packets until then: a peer may still wait on it (for a cancel's answer, say),
     * and a blocking fence would leave that peer, and so the fence, waiting forever. */
    mp_pt2pt_flush();
    if (mp_runtime.size > 1) {
        status = mp_wireup_fence_start(mp_pt2pt_wake_self);
        if (status == MP_OK) {
            mp_pt2pt_serve_until(mp_wireup_fence_is_done);
            status = mp_wireup_fence_finish();
        }
    }
    mp_pt2pt_fini();
    mp_comm_world_fini(&mp_runtime.world, &mp_runtime.self);
    mp_status_t fini_status = mp_wireup_fini(&mp_runtime.wireup, disconnect);
    mp_runtime.state = MP_RUNTIME_FINALIZED;
    return status != MP_OK ? status : fini_status;
}
