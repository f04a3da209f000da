/*
 * Ports for MPI_Comm_accept and MPI_Comm_connect between processes of one job, or of the jobs
 * of one launcher (MPI_Comm_spawn's): the table of a
 * process's open ports, and how the two roots meet, through messages on a hidden communicator
 * over the whole job (context pair MP_COMM_CTX_PORTS, reserved on every process at MPI_Init).
 *
 * A connecting root asks the port's owner (tag 0) and waits for its answer on a tag of its own
 * for this connection; the owner queues the question while the port is open (answered by the
 * next MPI_Comm_accept on it, in arrival order) and refuses it at once when the port is closed
 * or was never opened. Questions are taken from progress (a hook), from the first
 * mp_comm_port_open or the first question of the process on, so an owner answers whenever it is
 * inside MPI.
 * All calls run on the thread inside MPI, under the library lock.
 */
#ifndef MP_COMM_PORT_H
#define MP_COMM_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/comm.h"
#include "core/status.h"

/* MPI_Init: from now on a connect request that finds this process without open ports (it never
 * opened one, or closed them all) is refused from progress too, rather than left unanswered. */
void mp_comm_port_init(void);

/* Opens a new port of this process: its number (never 0, never reused in this run). */
mp_status_t mp_comm_port_open(uint32_t *number_p);

/* Closes port number: connects still queued on it are refused. MP_ERR_NOT_FOUND when the port
 * is not open. */
mp_status_t mp_comm_port_close(uint32_t number);

/* Whether port number of this process is open. */
bool mp_comm_port_is_open(uint32_t number);

/* MPI_Comm_accept's root: waits for the next connect on the open port number, accepts it and
 * sets the connecting root's job rank (*peer_p) and the tag of the connection (*tag_p), for
 * mp_comm_intercomm_create over mp_comm_port_wire(). MP_ERR_NOT_FOUND when the port is closed
 * (or was never open) while it waits. Blocking (drives progress). */
mp_status_t mp_comm_port_accept(uint32_t number, int *peer_p, int *tag_p);

/* MPI_Comm_connect's root: asks job rank owner to connect to its port number and waits for the
 * answer; *tag_p is the connection's tag when accepted. MP_ERR_NOT_FOUND when the owner refused
 * (the port is closed or was never opened). Blocking (drives progress). */
mp_status_t mp_comm_port_connect(int owner, uint32_t number, int *tag_p);

/* A connection number of this process for MPI_Comm_join (each side proposes one; the tag comes
 * from the lower job rank's, see mp_comm_port_tag). */
uint32_t mp_comm_port_next_conn(void);

/* The tag of connection conn that job rank connector proposed to job rank other. Connections
 * between the same two processes in either direction get different tags. */
int mp_comm_port_tag(uint32_t conn, int connector, int other);

/* The hidden communicator over the whole job on which roots meet (ranks are job ranks). */
mp_comm_t *mp_comm_port_wire(void);

/* How this process reaches peer index with tag: on the port communicator (a rank of this
 * job: *dest_p = peer), or on its link when it belongs to another job (comm/dynamic.h:
 * *dest_p = 0, the tag brought into the link's range). */
mp_status_t mp_comm_port_route(int peer, int tag, mp_comm_t **comm_p, int *dest_p, int *tag_p);

/* The peer index of rank of the job named job_name in a port name: this job, or another job of
 * the same launcher (MPI_Comm_spawn's). MP_ERR_INVALID for a rank this job lacks,
 * MP_ERR_NOT_FOUND for a job this process cannot reach. */
mp_status_t mp_comm_port_owner(const char *job_name, unsigned long rank, int *index_p);

/* MPI_Finalize, after the closing fence: forgets the ports. */
void mp_comm_port_fini(void);

#endif
