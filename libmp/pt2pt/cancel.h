/*
 * Cancelling sends (cancel.c): the sender's side, and the two packets that the receiver answers
 * and the sender completes with.
 */
#ifndef MP_PT2PT_CANCEL_H
#define MP_PT2PT_CANCEL_H

#include <stdbool.h>

#include "pt2pt/request.h"
#include "pt2pt/wire.h"

/* Cancels send req: at once when its message has not left (returns true; req is complete and
 * cancelled), else by asking the receiver (returns false; req completes with the answer). A send
 * that cannot be cancelled (the receiver matched it, or it never had a message: MPI_PROC_NULL,
 * the copy of a buffered send) is left as it is. */
bool mp_cancel_send(mp_request_t *req);

/* The receiver: MP_PKT_CANCEL from job rank world. */
void mp_cancel_on_request(int world, const mp_pkt_ctl_t *c);

/* The sender: MP_PKT_CANCEL_DONE. */
void mp_cancel_on_answer(const mp_pkt_ctl_t *c);

#endif
