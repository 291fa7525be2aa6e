// The floor under any server's overhead on this machine: a TCP round trip over loopback between two threads of one
// process, with blocking reads and TCP_NODELAY, no HTTP and no event loop. The request is the size of the benchmark's
// gRPC ModelInfer call (3.3 KB) and the reply the size of its answer (64 B). Used by scripts/benchmark-server.sh.
//
// `same` pins both threads to CPU 0, `split` the echo thread to CPU 0 and the caller to CPU 1, `free` leaves them
// to the scheduler (as the benchmark's servers and load tools are). On a virtual machine the differences are the cost
// of waking a thread on another core, and of waking a core that went idle. `poll` is `free` with an echo thread that
// never sleeps: it polls its socket between requests (what `ort serve --busy-poll-us` does after an answer), so only
// the caller is woken.
//
// usage: tcp_floor same|split|free|poll [ROUND_TRIPS]      prints: round_trips=N p50_us=X p99_us=Y
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <sched.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { REQUEST = 3300, REPLY = 64 };
static atomic_int port;

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "cannot pin a thread to CPU %d\n", cpu);
        exit(1);
    }
}

static int pinned, polling;

static void *echo(void *arg) {
    (void)arg;
    if (pinned) pin(0);
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0) exit(1);
    getsockname(listener, (struct sockaddr *)&address, &length);
    atomic_store(&port, ntohs(address.sin_port));
    int fd = accept(listener, NULL, NULL);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buffer[REQUEST], reply[REPLY] = {0};
    size_t got = 0;
    ssize_t n;
    for (;;) {
        if (polling) {
            struct pollfd ready = {.fd = fd, .events = POLLIN};
            while (poll(&ready, 1, 0) == 0) {
            }
        }
        if ((n = read(fd, buffer, sizeof buffer)) <= 0) break;
        got += (size_t)n;
        if (got >= REQUEST) {  // one whole request: answer it
            got -= REQUEST;
            if (write(fd, reply, sizeof reply) != sizeof reply) break;
        }
    }
    return NULL;
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "same") != 0 && strcmp(argv[1], "split") != 0 && strcmp(argv[1], "free") != 0 &&
                     strcmp(argv[1], "poll") != 0)) {
        fprintf(stderr, "usage: %s same|split|free|poll [ROUND_TRIPS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 20000, one = 1;
    if (rounds < 1) return 2;
    polling = strcmp(argv[1], "poll") == 0;
    pinned = strcmp(argv[1], "same") == 0 || strcmp(argv[1], "split") == 0;
    if (pinned) pin(strcmp(argv[1], "same") == 0 ? 0 : 1);
    pthread_t thread;
    pthread_create(&thread, NULL, echo, NULL);
    while (atomic_load(&port) == 0) usleep(1000);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atomic_load(&port)),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) return 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    static char request[REQUEST], reply[REPLY];
    double *latencies = malloc((size_t)rounds * sizeof *latencies);
    for (int i = 0; i < rounds; i++) {
        double start = now_us();
        if (write(fd, request, sizeof request) != sizeof request) return 1;
        for (size_t got = 0; got < REPLY;) {
            ssize_t n = read(fd, reply, sizeof reply - got);
            if (n <= 0) return 1;
            got += (size_t)n;
        }
        latencies[i] = now_us() - start;
    }
    qsort(latencies, (size_t)rounds, sizeof *latencies, compare);
    printf("round_trips=%d p50_us=%.1f p99_us=%.1f\n", rounds, latencies[(rounds + 1) / 2 - 1],
           latencies[(int)(0.99 * rounds + 0.5) - 1]);
    return 0;
}
