/*
 * oc-relay: a sandbox's way to a platform socket. Listens on 127.0.0.1:PORT (a sandbox without a
 * network still has its loopback) and relays every connection to the Unix socket SOCKET that the
 * brain serves in the sandbox's socket directory (the model gateway, the egress proxy). It holds no
 * credential and adds nothing. Bytes move with splice(2) through a pipe, so they are not copied
 * into this process. Built static by the project's scripts, so it runs in any image.
 *
 *   oc-relay PORT SOCKET      relay (exits 0 at once if PORT is taken: a relay already runs)
 *   oc-relay --probe PORT     exit 0 when something listens on 127.0.0.1:PORT, else 1
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static int loopback(int port, struct sockaddr_in *address) {
    memset(address, 0, sizeof *address);
    address->sin_family = AF_INET;
    address->sin_port = htons((unsigned short) port);
    address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* Moves bytes from one socket to the other until the first ends; 0 on a clean end, 1 on an error. */
static int pump(int from, int to) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        return 1;
    }
    fcntl(pipefd[1], F_SETPIPE_SZ, CHUNK);
    for (;;) {
        ssize_t n = splice(from, NULL, pipefd[1], NULL, CHUNK, SPLICE_F_MOVE | SPLICE_F_MORE);
        if (n == 0) {
            shutdown(to, SHUT_WR);
            return 0;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 1;
        }
        while (n > 0) {
            ssize_t m = splice(pipefd[0], NULL, to, NULL, (size_t) n, SPLICE_F_MOVE | SPLICE_F_MORE);
            if (m < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return 1;
            }
            n -= m;
        }
    }
}

/* One connection: a process per direction; an error on either side ends both. */
static void relay(int client, const char *path) {
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    int upstream = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (upstream < 0 || connect(upstream, (struct sockaddr *) &address, sizeof address) < 0) {
        _exit(1);
    }
    pid_t outward = fork();
    if (outward == 0) {
        _exit(pump(client, upstream));
    }
    pid_t inward = fork();
    if (inward == 0) {
        _exit(pump(upstream, client));
    }
    close(client);
    close(upstream);
    int left = 2;
    while (left > 0) {
        int status;
        pid_t done = wait(&status);
        if (done < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        left--;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            kill(done == outward ? inward : outward, SIGKILL);
        }
    }
    _exit(0);
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    if (argc == 3 && strcmp(argv[1], "--probe") == 0) {
        int probe = loopback(atoi(argv[2]), &address);
        return probe >= 0 && connect(probe, (struct sockaddr *) &address, sizeof address) == 0 ? 0 : 1;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: oc-relay PORT SOCKET | oc-relay --probe PORT\n");
        return 2;
    }
    int server = loopback(atoi(argv[1]), &address);
    int yes = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(server, (struct sockaddr *) &address, sizeof address) < 0) {
        return errno == EADDRINUSE ? 0 : 1;
    }
    if (listen(server, 128) < 0) {
        return 1;
    }
    signal(SIGCHLD, SIG_IGN); /* connections' processes are reaped by the kernel */
    for (;;) {
        int client = accept4(server, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) {
                continue;
            }
            return 1;
        }
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        pid_t child = fork();
        if (child == 0) {
            close(server);
            signal(SIGCHLD, SIG_DFL);
            relay(client, argv[2]);
        }
        close(client);
    }
}
