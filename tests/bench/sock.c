/*
 * The physical limit of tcp on this host, without MPI: two processes (this one and a forked
 * child, each pinned to its own core when there are two) over one loopback tcp connection with
 * TCP_NODELAY, polling nonblocking sockets as a spinning MPI rank does. "latency": ping-pong,
 * half the round trip in us; "bw": a window of 64 messages, then a 1-byte ack, in MB/s. Sizes
 * and iteration counts as latency.c and bw.c. Usage: sock latency|bw [min [max [scale]]].
 * Between two hosts (network namespaces, tests/bench/across.sh): SOCK_ADDR is the IPv4 address
 * to listen on, SOCK_PEER_NETNS the namespace (a path, /run/netns/NAME) the child connects from.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "sock: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            die("send");
        }
    }
}

static void recv_all(int fd, char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n == 0) {
            fprintf(stderr, "sock: the peer closed the connection\n");
            exit(1);
        } else if (errno != EAGAIN && errno != EINTR) {
            die("recv");
        }
    }
}

static long parse(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end == 'K' || *end == 'k') {
        v <<= 10;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        v <<= 20;
        end++;
    }
    if (end == s || *end != '\0' || v < 0) {
        fprintf(stderr, "sock: \"%s\" is not a size\n", s);
        exit(2);
    }
    return v;
}

static int iters_for(double bytes, int most, int least, double budget, double scale)
{
    double n = bytes > 0 ? budget / bytes : most;
    n = (n > most ? most : n) * scale;
    return n < least ? least : (int)n;
}

static void pin(int core)
{
    cpu_set_t set;
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        return;
    }
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "latency") != 0 && strcmp(argv[1], "bw") != 0)) {
        fprintf(stderr, "usage: sock latency|bw [min [max [scale]]]\n");
        return 2;
    }
    bool lat = strcmp(argv[1], "latency") == 0;
    long min = argc > 2 ? parse(argv[2]) : 0, max = argc > 3 ? parse(argv[3]) : 4L << 20;
    double scale = argc > 4 ? atof(argv[4]) : 1;
    char *buf = malloc((size_t)max + 1);
    if (buf == NULL) {
        die("malloc");
    }
    memset(buf, 1, (size_t)max + 1);

    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    const char *addr = getenv("SOCK_ADDR"), *peer_ns = getenv("SOCK_PEER_NETNS");
    if (addr != NULL && inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "sock: SOCK_ADDR=%s is not an IPv4 address\n", addr);
        return 2;
    }
    socklen_t len = sizeof(sa);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &len) != 0) {
        die("listen");
    }
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    int fd, one = 1;
    if (child == 0) {
        pin(1);
        if (peer_ns != NULL) {
            int nsfd = open(peer_ns, O_RDONLY | O_CLOEXEC);
            if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) {
                die("SOCK_PEER_NETNS");
            }
            close(nsfd);
        }
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
            die("connect");
        }
    } else {
        pin(0);
        fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            die("accept");
        }
    }
    close(lfd);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    bool first = child != 0;
    if (first) {
        printf("# %s: plain tcp sockets over loopback, TCP_NODELAY, polling\n",
               lat ? "latency: half round trip" : "bw: window of 64 messages, 1-byte ack");
        printf("# library: none (the kernel's tcp)\n# size %20s %10s\n", lat ? "usec" : "MB/s",
               "iters");
    }
    for (long size = min; size <= max; size = size == 0 ? 1 : 2 * size) {
        int iters = lat ? iters_for(2.0 * size, 50000, 50, 5e8, scale)
                        : iters_for((double)WINDOW * size, 2000, 10, 1e9, scale);
        int warmup = iters / 10 < 2 ? 2 : iters / 10;
        /* A message of 0 bytes still has to travel: as one byte, the least a stream carries. */
        size_t bytes = size > 0 ? (size_t)size : 1;
        double t0 = 0;
        for (int i = 0; i < warmup + iters; i++) {
            if (i == warmup) {
                t0 = now();
            }
            if (lat) {
                if (first) {
                    send_all(fd, buf, bytes);
                    recv_all(fd, buf, bytes);
                } else {
                    recv_all(fd, buf, bytes);
                    send_all(fd, buf, bytes);
                }
            } else if (first) {
                for (int w = 0; w < WINDOW; w++) {
                    send_all(fd, buf, bytes);
                }
                recv_all(fd, buf, 1);
            } else {
                for (int w = 0; w < WINDOW; w++) {
                    recv_all(fd, buf, bytes);
                }
                send_all(fd, buf, 1);
            }
        }
        double t = now() - t0;
        if (first) {
            double v = lat ? t * 1e6 / (2.0 * iters) : (double)size * WINDOW * iters / t / 1e6;
            printf("%-10ld %16.3f %10d\n", size, v, iters);
            fflush(stdout);
        }
    }
    close(fd);
    free(buf);
    if (child != 0) {
        int status;
        waitpid(child, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    return 0;
}
