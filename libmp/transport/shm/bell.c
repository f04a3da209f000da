/*
 * The pollable shm doorbell: a unix datagram socket in the abstract namespace, named after the
 * owner's pid, so that a sleeper can wait on it together with its tcp sockets.
 */
#define _GNU_SOURCE
#include "transport/shm/bell.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"

/* The socket this process rings others' bells with; -1 until the first ring. */
static int ring_fd = -1;

/* The abstract address of pid's bell; returns its length. Abstract names vanish with their
 * socket, so a dead rank leaves nothing behind (unlike a path). */
static socklen_t bell_addr(pid_t pid, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    /* sun_path[0] stays '\0': the abstract namespace. */
    int n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "libmp-bell.%ld", (long)pid);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int mp_shm_bell_open(void)
{
    struct sockaddr_un sa;
    socklen_t len = bell_addr(getpid(), &sa);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        mp_log_error("shm: cannot make a doorbell socket: %s", strerror(errno));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, len) != 0) {
        mp_log_error("shm: cannot bind the doorbell socket @%s: %s", sa.sun_path + 1,
                     strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void mp_shm_bell_ring(pid_t pid)
{
    struct sockaddr_un sa;
    socklen_t len = bell_addr(pid, &sa);
    char byte = 1;

    if (ring_fd < 0) {
        ring_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (ring_fd < 0) {
            /* The owner still wakes at the end of its sleep slice. */
            return;
        }
    }
    /* EAGAIN: datagrams are queued, the owner is woken already; ECONNREFUSED: no bell (yet). */
    (void)sendto(ring_fd, &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
}

void mp_shm_bell_drain(int fd)
{
    char buf[64];
    while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
    }
}

void mp_shm_bell_close(int fd)
{
    if (fd >= 0) {
        close(fd);
    }
    if (ring_fd >= 0) {
        close(ring_fd);
        ring_fd = -1;
    }
}
