/*
 * pt2pt's packet headers, as they travel through a transport. Peers run the same build, so
 * these are host-order structs; the transport carries them as opaque bytes.
 */
#ifndef MP_PT2PT_WIRE_H
#define MP_PT2PT_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum mp_pkt_type {
    MP_PKT_EAGER = 1, /* a message's envelope and its first bytes; FRAG packets bring the rest */
    MP_PKT_FRAG,      /* more bytes of the eager message this peer sent last */
    MP_PKT_RTS,       /* rendezvous: the envelope of a large message, data stays with the sender */
    MP_PKT_CTS,       /* rendezvous without single copy: the receiver asks for the data */
    MP_PKT_DATA,      /* rendezvous data, at an offset, for the receiver's request */
    MP_PKT_FIN,       /* rendezvous: the receiver has the data; the send is complete */
    MP_PKT_ACK,       /* a synchronous eager send was matched */
    MP_PKT_PUT,       /* rendezvous: the receiver asks the sender to write a part itself */
    MP_PKT_PUT_DONE,  /* that part is in place (req2 = 1 if it failed) */
    MP_PKT_CANCEL,    /* the sender cancels its message req (req2: its number), if unmatched */
    MP_PKT_CANCEL_DONE, /* the receiver's answer for send req: req2 = 1 if the message is gone */
    MP_PKT_DISC,        /* MPI_Comm_disconnect: the sender is in it for context req; req2: the
                           disconnects of communicators with the receiver it has made in all */
    MP_PKT_BYE,         /* MPI_Finalize: the sender leaves; it takes part in every disconnect
                           with the receiver from now on (pt2pt/leave.h) */
};

#define MP_PKT_FLAG_SYNC 0x1 /* the sender waits for MP_PKT_ACK */

/* EAGER and RTS: the envelope that matching looks at. */
typedef struct mp_pkt_match {
    uint8_t type;
    uint8_t flags;
    uint16_t reserved;   /* 0 */
    uint32_t context_id; /* the communicator's point-to-point context */
    int32_t src;         /* the sender's rank in that communicator */
    int32_t tag;
    uint64_t size; /* bytes of the whole message */
    uint64_t sreq; /* the sender's request, echoed in CTS, FIN and ACK */
    uint64_t addr; /* RTS only: where the data lies in the sender, for a get */
} mp_pkt_match_t;

/* EAGER packets stop before addr. Both ends number the EAGER and RTS packets of a channel (one
 * sender to one receiver) from 1 in the order they travel, which is the order they arrive: that
 * number names a message exactly, where the sender's request address may be reused. */
#define MP_PKT_EAGER_LEN offsetof(mp_pkt_match_t, addr)

/* CTS, DATA, FIN, ACK. */
typedef struct mp_pkt_ctl {
    uint8_t type;
    uint8_t reserved[7];
    uint64_t req;    /* the request this is for: the sender's (CTS, FIN, ACK), receiver's (DATA) */
    uint64_t req2;   /* CTS: the receiver's request, for the DATA packets */
    uint64_t offset; /* DATA: where the payload goes in the message */
} mp_pkt_ctl_t;

/* PUT: a large single-copy message is moved by both ranks at once, the receiver reading the
 * first part while the sender writes the rest. */
typedef struct mp_pkt_put {
    uint8_t type;
    uint8_t reserved[7];
    uint64_t sreq;   /* the sender's request */
    uint64_t rreq;   /* the receiver's request, echoed in PUT_DONE */
    uint64_t offset; /* where the part starts in the message */
    uint64_t len;    /* bytes of the part */
    uint64_t addr;   /* where the part goes in the receiver */
} mp_pkt_put_t;

#endif
