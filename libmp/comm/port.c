/*
 * Ports of MPI_Comm_accept/connect: this process's open ports with their queues of connects,
 * the hidden communicator the roots meet on, and the progress hook that takes connect requests.
 */
#include "comm/port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "comm/dynamic.h"
#include "core/datatype.h"
#include "core/log.h"
#include "core/runtime.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"
#include "wireup/procs.h"

#define PORT_MAGIC 0x6d70706fu /* "mppo" */
#define PORT_VERSION 2u
#define TAG_REQUEST 0

/* A connecting root's question to the owner of a port (wire format, tag TAG_REQUEST). */
typedef struct port_request {
    uint32_t magic;   /* PORT_MAGIC */
    uint32_t version; /* PORT_VERSION */
    uint32_t number;  /* the owner's port */
    uint32_t conn;    /* the connector's number for this connection (gives the tag) */
    uint32_t job;     /* the connector's job and rank there (wireup/procs.h): the envelope's */
    uint32_t rank;    /* source names a rank of the connector's job, which may not be ours */
} port_request_t;

/* The owner's answer (wire format, on the connection's tag). */
typedef struct port_answer {
    uint32_t magic;    /* PORT_MAGIC */
    uint32_t accepted; /* 1: an accept took it; 0: refused (port closed or never opened) */
} port_answer_t;

static const port_answer_t answer_yes = {PORT_MAGIC, 1};
static const port_answer_t answer_no = {PORT_MAGIC, 0};

/* A connect waiting for an accept on an open port. */
typedef struct pending {
    struct pending *next;
    int connector; /* job rank of the connecting root */
    uint32_t conn;
} pending_t;

typedef struct port {
    struct port *next;
    uint32_t number;
    pending_t *head, *tail; /* connects in arrival order */
} port_t;

static port_t *ports;        /* the open ports */
static uint32_t last_number; /* ports opened so far */
static uint32_t last_conn;   /* connection numbers handed out so far */
static bool wire_ready;
static mp_comm_t wire;              /* the hidden communicator (context MP_COMM_CTX_PORTS) */
static mp_request_t *question;      /* the posted receive for connect requests, or NULL */
static port_request_t question_buf; /* where it lands */

static const mp_datatype_t *byte_type(void)
{
    return mp_datatype_predefined((uintptr_t)MPI_BYTE);
}

mp_comm_t *mp_comm_port_wire(void)
{
    if (!wire_ready) {
        /* A copy of the world with its own context; marked predefined so that the references
         * requests take never destroy it. */
        wire = mp_runtime.world;
        wire.context_id = MP_COMM_CTX_PORTS;
        wire.predefined = true;
        wire.freed = false;
        snprintf(wire.name, sizeof(wire.name), "libmp's port communicator");
        wire_ready = true;
    }
    return &wire;
}

int mp_comm_port_tag(uint32_t conn, int connector, int other)
{
    /* Tag 0 carries requests; the parity tells the direction apart. The order is the global
     * ids' (job ranks in one job), which both sides see alike whatever their jobs. */
    uint32_t n = conn % 0x3fffffffu;
    bool lower = mp_wireup_proc_gid(connector) < mp_wireup_proc_gid(other);
    return (int)(1u + 2u * n + (lower ? 0u : 1u));
}

mp_status_t mp_comm_port_route(int peer, int tag, mp_comm_t **comm_p, int *dest_p, int *tag_p)
{
    if (peer < mp_runtime.size) {
        *comm_p = mp_comm_port_wire();
        *dest_p = peer;
        *tag_p = tag;
        return MP_OK;
    }
    /* The port communicator's sources are job ranks: another job's process is reached on its
     * link, where source 0 is always that process. */
    *dest_p = 0;
    *tag_p = tag & (MP_COMM_LINK_TAG_SPAWN - 1);
    return mp_comm_link_get(peer, comm_p);
}

mp_status_t mp_comm_port_owner(const char *job_name, unsigned long rank, int *index_p)
{
    const char *mine = mp_runtime.wireup.job_name;
    if (strcmp(job_name, mine) == 0) {
        if (rank >= (unsigned long)mp_runtime.size) {
            return MP_ERR_INVALID;
        }
        *index_p = (int)rank;
        return MP_OK;
    }
    /* Another job of the same launcher: "<its namespace>.<the same secret's fingerprint>". */
    const char *my_dot = strrchr(mine, '.');
    const char *dot = strrchr(job_name, '.');
    if (!mp_wireup_jobs_known() || my_dot == NULL || dot == NULL || strcmp(dot, my_dot) != 0 ||
        rank > INT32_MAX) {
        return MP_ERR_NOT_FOUND;
    }
    char nspace[256];
    snprintf(nspace, sizeof(nspace), "%.*s", (int)(dot - job_name), job_name);
    uint32_t job = 0;
    mp_status_t st = mp_wireup_job_of(nspace, &job);
    if (st != MP_OK) {
        return MP_ERR_NOT_FOUND;
    }
    return mp_wireup_proc_index(mp_wireup_gid_make(job, (uint32_t)rank), index_p);
}

uint32_t mp_comm_port_next_conn(void)
{
    return ++last_conn;
}

static port_t *find(uint32_t number)
{
    for (port_t *p = ports; p != NULL; p = p->next) {
        if (p->number == number) {
            return p;
        }
    }
    return NULL;
}

bool mp_comm_port_is_open(uint32_t number)
{
    return find(number) != NULL;
}

/* Sends an answer and lets it complete on its own (the answers are constants). */
static void answer(int connector, uint32_t conn, bool yes)
{
    mp_request_t *req = NULL;
    int me = mp_runtime.rank;
    mp_comm_t *comm = NULL;
    int dest = 0, tag = 0;
    mp_status_t st =
        mp_comm_port_route(connector, mp_comm_port_tag(conn, connector, me), &comm, &dest, &tag);
    if (st == MP_OK) {
        st = mp_pt2pt_isend(yes ? &answer_yes : &answer_no, sizeof(port_answer_t), byte_type(),
                            dest, tag, comm, MP_SEND_STANDARD, &req);
    }
    if (st != MP_OK) {
        mp_log_error("cannot answer the connect of job rank %d: %s", connector,
                     mp_status_string(st));
        return;
    }
    mp_request_free(req);
}

static mp_status_t post_question(void)
{
    return mp_pt2pt_irecv(&question_buf, sizeof(question_buf), byte_type(), MPI_ANY_SOURCE,
                          TAG_REQUEST, mp_comm_port_wire(), &question);
}

/* Files an arrived request: queued on its open port, else refused. */
static void take_question(const mp_msg_status_t *st)
{
    int from = st->source;
    port_request_t q = question_buf;
    if (st->error != MP_OK || st->bytes != sizeof(q) || q.magic != PORT_MAGIC ||
        q.version != PORT_VERSION) {
        mp_log_error("ignoring a malformed connect request from job rank %d", from);
        return;
    }
    if (q.job != mp_wireup_job_number() &&
        mp_wireup_proc_index(mp_wireup_gid_make(q.job, q.rank), &from) != MP_OK) {
        mp_log_error("ignoring a connect request from job %u rank %u, which is unreachable", q.job,
                     q.rank);
        return;
    }
    port_t *p = find(q.number);
    pending_t *w = p != NULL ? malloc(sizeof(*w)) : NULL;
    if (w == NULL) {
        answer(from, q.conn, false);
        return;
    }
    *w = (pending_t){.connector = from, .conn = q.conn};
    if (p->tail != NULL) {
        p->tail->next = w;
    } else {
        p->head = w;
    }
    p->tail = w;
}

/* The progress hook: takes each connect request as it arrives and posts for the next. */
static int port_progress(void)
{
    if (question == NULL && post_question() != MP_OK) {
        return 0;
    }
    if (!mp_request_is_complete(question)) {
        return 0;
    }
    mp_msg_status_t st = question->status;
    mp_request_free(question);
    question = NULL;
    take_question(&st);
    if (post_question() != MP_OK) {
        mp_log_error("cannot post the receive for connect requests");
        question = NULL;
    }
    return 1;
}

/* A message on the port context found no posted receive: a connect request to a process that
 * has not served any yet. The hook posts for it at its next run. */
static void on_unexpected(int tag)
{
    if (tag == TAG_REQUEST) {
        mp_progress_hook_add(port_progress);
    }
}

void mp_comm_port_init(void)
{
    mp_pt2pt_watch_context(MP_COMM_CTX_PORTS, on_unexpected);
}

mp_status_t mp_comm_port_open(uint32_t *number_p)
{
    port_t *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return MP_ERR_NOMEM;
    }
    if (question == NULL) {
        mp_status_t st = post_question();
        if (st != MP_OK) {
            free(p);
            return st;
        }
        mp_progress_hook_add(port_progress);
    }
    p->number = ++last_number;
    p->next = ports;
    ports = p;
    *number_p = p->number;
    return MP_OK;
}

mp_status_t mp_comm_port_close(uint32_t number)
{
    for (port_t **pp = &ports; *pp != NULL; pp = &(*pp)->next) {
        port_t *p = *pp;
        if (p->number != number) {
            continue;
        }
        *pp = p->next;
        for (pending_t *w = p->head, *next = NULL; w != NULL; w = next) {
            next = w->next;
            answer(w->connector, w->conn, false);
            free(w);
        }
        free(p);
        return MP_OK;
    }
    return MP_ERR_NOT_FOUND;
}

typedef struct accept_wait {
    uint32_t number;
} accept_wait_t;

static bool connect_arrived(void *arg)
{
    const port_t *p = find(((const accept_wait_t *)arg)->number);
    return p == NULL || p->head != NULL;
}

mp_status_t mp_comm_port_accept(uint32_t number, int *peer_p, int *tag_p)
{
    accept_wait_t arg = {.number = number};
    mp_progress_wait(connect_arrived, &arg);
    port_t *p = find(number);
    if (p == NULL) {
        return MP_ERR_NOT_FOUND;
    }
    pending_t *w = p->head;
    p->head = w->next;
    if (p->head == NULL) {
        p->tail = NULL;
    }
    int connector = w->connector;
    uint32_t conn = w->conn;
    free(w);
    answer(connector, conn, true);
    *peer_p = connector;
    *tag_p = mp_comm_port_tag(conn, connector, mp_runtime.rank);
    return MP_OK;
}

static mp_status_t finish(mp_request_t *req)
{
    mp_request_wait(req);
    mp_status_t st = req->status.error;
    mp_request_free(req);
    return st;
}

mp_status_t mp_comm_port_connect(int owner, uint32_t number, int *tag_p)
{
    uint32_t conn = mp_comm_port_next_conn();
    int tag = mp_comm_port_tag(conn, mp_runtime.rank, owner);
    port_request_t q = {PORT_MAGIC, PORT_VERSION,           number,
                        conn,       mp_wireup_job_number(), (uint32_t)mp_runtime.rank};
    port_answer_t a = {0, 0};
    mp_request_t *rreq = NULL, *sreq = NULL;
    mp_comm_t *w = mp_comm_port_wire();
    mp_comm_t *from = NULL;
    int src = 0, answer_tag = 0;
    mp_status_t st = mp_comm_port_route(owner, tag, &from, &src, &answer_tag);
    if (st == MP_OK) {
        st = mp_pt2pt_irecv(&a, sizeof(a), byte_type(), src, answer_tag, from, &rreq);
    }
    if (st != MP_OK) {
        return st;
    }
    st = mp_pt2pt_isend(&q, sizeof(q), byte_type(), owner, TAG_REQUEST, w, MP_SEND_STANDARD, &sreq);
    if (st == MP_OK) {
        st = finish(sreq);
    }
    if (st != MP_OK) {
        /* The answer cannot come: nothing reached the owner. */
        if (!mp_pt2pt_cancel(rreq)) {
            mp_request_wait(rreq);
        }
        mp_request_free(rreq);
        return st;
    }
    st = finish(rreq);
    if (st != MP_OK) {
        return st;
    }
    if (a.magic != PORT_MAGIC) {
        mp_log_error("malformed answer to a connect from job rank %d", owner);
        return MP_ERR_PEER;
    }
    if (a.accepted != 1) {
        return MP_ERR_NOT_FOUND;
    }
    *tag_p = tag;
    return MP_OK;
}

void mp_comm_port_fini(void)
{
    while (ports != NULL) {
        port_t *p = ports;
        ports = p->next;
        for (pending_t *w = p->head, *next = NULL; w != NULL; w = next) {
            next = w->next;
            free(w);
        }
        free(p);
    }
    /* The posted receive went with the request pool at the end of pt2pt. */
    mp_pt2pt_watch_context(0, NULL);
    question = NULL;
    wire_ready = false;
}
