/*
 * The pollable doorbell of the shm transport: an abstract-namespace unix datagram socket per
 * rank that sleeps in poll/epoll (a rank with tcp peers too), rung by local senders.
 */
#ifndef MP_SHM_BELL_H
#define MP_SHM_BELL_H

#include <sys/types.h>

/* Opens this process's bell (named after its pid): a non-blocking socket, readable once rung.
 * Returns the descriptor, or -1 after logging why. */
int mp_shm_bell_open(void);

/* Rings the bell of process pid: one datagram. A full queue or a missing bell is ignored:
 * the first means the owner is already woken, the second that it does not sleep on one. */
void mp_shm_bell_ring(pid_t pid);

/* Empties the bell fd, so that it is readable again only after a later ring. */
void mp_shm_bell_drain(int fd);

/* Closes this process's bell (fd, or -1) and the socket used to ring others. */
void mp_shm_bell_close(int fd);

#endif /* MP_SHM_BELL_H */
