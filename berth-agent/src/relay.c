/* Port relay (`berth-agent --relay PORT`): run by the agent's SPAWN for the preview proxy and the SSH gateway.
   It connects to PORT on the sandbox's own loopback (127.0.0.1, then ::1) and copies bytes both ways between
   its stdin/stdout (the agent's pipes, so the caller's frames) and that connection, never blocking one
   direction on the other. stdin's end half-closes the connection (SHUT_WR); the connection's end closes
   stdout and ends the relay. The target is always this sandbox's loopback: the caller names only a port.
   Exit status: 0 done, 2 usage, 3 nothing accepts connections on the port (the reason on stderr), 4 I/O error. */
#include "agent.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define RELAY_BUF (64u * 1024u)
#define RELAY_CONNECT_TIMEOUT_S 10 /* a full listen backlog must not hold the caller for the kernel's ~2 minutes */
#define RELAY_IDLE_MS (3600 * 1000) /* nothing moved either way for an hour: the relay ends (no orphan lives on) */

struct pipebuf {
    uint8_t data[RELAY_BUF];
    size_t off, len;
    int eof; /* the reading side ended */
};

static int relay_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Connects to port on 127.0.0.1, then ::1; returns the socket or -1 with errno set. */
static void connect_timeout(int fd)
{
    struct timeval tv = {.tv_sec = RELAY_CONNECT_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int connect_loopback(int port)
{
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
        connect_timeout(fd);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a4, sizeof(a4)) == 0)
        return fd;
    int err4 = errno;
    if (fd >= 0)
        close(fd);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    a6.sin6_addr = in6addr_loopback;
    fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
        connect_timeout(fd);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    errno = err4;
    return -1;
}

/* Reads what fits into b from fd; 0 on progress or would-block, -1 on error. */
static int fill(struct pipebuf *b, int fd)
{
    if (b->eof || b->len)
        return 0;
    ssize_t n = read(fd, b->data, RELAY_BUF);
    if (n > 0) {
        b->off = 0;
        b->len = (size_t)n;
    } else if (n == 0) {
        b->eof = 1;
    } else if (errno != EAGAIN && errno != EINTR) {
        return -1; /* a reset is a failure, not an end: the caller must not see a complete answer */
    }
    return 0;
}

/* Writes what b holds to fd; 0 on progress or would-block, -1 on error (EPIPE: the reader is gone). */
static int drain(struct pipebuf *b, int fd)
{
    while (b->len) {
        ssize_t n = write(fd, b->data + b->off, b->len);
        if (n > 0) {
            b->off += (size_t)n;
            b->len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return 0;
        } else {
            return -1;
        }
    }
    return 0;
}

int relay_main(const char *port_arg)
{
    char *end;
    long port = strtol(port_arg, &end, 10);
    if (*port_arg == '\0' || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "relay: bad port '%s' (1-65535)\n", port_arg);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int sock = connect_loopback((int)port);
    if (sock < 0) {
        fprintf(stderr, "nothing accepts connections on port %ld in the sandbox (127.0.0.1 and ::1): %s\n", port,
                strerror(errno));
        return 3;
    }
    int one = 1;
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (relay_nonblock(sock) < 0 || relay_nonblock(0) < 0 || relay_nonblock(1) < 0) {
        fprintf(stderr, "relay: fcntl: %s\n", strerror(errno));
        return 4;
    }
    static struct pipebuf up, down; /* up: stdin -> socket; down: socket -> stdout */
    int out_open = 1, sock_wr_open = 1;
    for (;;) {
        /* finish a direction whose source ended and whose buffer is empty */
        if (up.eof && !up.len && sock_wr_open) {
            shutdown(sock, SHUT_WR);
            sock_wr_open = 0;
        }
        if (down.eof && !down.len)
            break; /* the application closed its side and everything it sent is out */
        struct pollfd p[3];
        int n = 0, i_in = -1, i_sock = -1, i_out = -1;
        short sev = 0;
        if (!up.eof && !up.len) {
            p[n] = (struct pollfd){0, POLLIN, 0};
            i_in = n++;
        }
        if (!down.eof && !down.len)
            sev |= POLLIN;
        if (up.len)
            sev |= POLLOUT;
        if (sev) {
            p[n] = (struct pollfd){sock, sev, 0};
            i_sock = n++;
        }
        if (down.len && out_open) {
            p[n] = (struct pollfd){1, POLLOUT, 0};
            i_out = n++;
        }
        if (n == 0)
            break;
        int ready = poll(p, (nfds_t)n, RELAY_IDLE_MS);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return 4;
        }
        if (ready == 0) {
            fprintf(stderr, "relay: nothing moved on port %ld for %d s; ending\n", port, RELAY_IDLE_MS / 1000);
            return 4;
        }
        if (i_in >= 0 && p[i_in].revents && fill(&up, 0) < 0)
            up.eof = 1; /* stdin failed: treat as its end */
        if (i_sock >= 0 && p[i_sock].revents) {
            if (p[i_sock].revents & (POLLIN | POLLHUP | POLLERR)) {
                if (fill(&down, sock) < 0) {
                    fprintf(stderr, "relay: read from port %ld: %s\n", port, strerror(errno));
                    return 4;
                }
            }
            if (up.len && drain(&up, sock) < 0) {
                /* the application stopped reading (closed or reset): drop what is left of the request */
                up.len = 0;
                up.eof = 1;
                sock_wr_open = 0;
            }
        }
        if (i_out >= 0 && p[i_out].revents && drain(&down, 1) < 0)
            return 0; /* the caller went away */
    }
    close(1);
    close(sock);
    return 0;
}
