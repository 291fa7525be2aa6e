// A minimal closed-loop gRPC load client for the server benchmark (scripts/benchmark-server.sh).
//
// Each of N threads opens one plaintext HTTP/2 connection (prior knowledge) and sends the same unary call over and
// over, one at a time: HEADERS (literal header fields, no Huffman, no table) and one DATA frame holding a pre-encoded
// gRPC message. A call succeeds when a response DATA frame arrives before the trailers (a gRPC error is trailers
// only). The client answers SETTINGS and PING, honours the server's send windows and returns receive credit, and does
// nothing else: it exists because h2load adds ~0.2 ms of its own to every request at concurrency 1 (measured against
// wrk on the same REST endpoint), which hides what a server adds. The driver checks the server's answer with a real
// gRPC client before any load.
//
// usage: grpc_load HOST PORT PATH REQUEST_FILE CONNECTIONS SECONDS [LATENCY_FILE]
// prints: calls=N succeeded=N failed=N seconds=S p50_us=X p99_us=Y
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8 };
enum { END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4 };

static const char *host, *path;
static int port;
static unsigned char *message;  // the gRPC message (5-byte prefix included)
static size_t message_length;
static double deadline;

struct worker {
    pthread_t thread;
    double *latencies;
    size_t count, capacity, failed;
    int broken;
};

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int write_all(int fd, const void *bytes, size_t length) {
    const unsigned char *p = bytes;
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *bytes, size_t length) {
    unsigned char *p = bytes;
    while (length > 0) {
        ssize_t n = read(fd, p, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

static size_t frame_header(unsigned char *out, size_t length, int type, int flags, uint32_t stream) {
    out[0] = length >> 16, out[1] = length >> 8, out[2] = length, out[3] = type, out[4] = flags;
    out[5] = stream >> 24, out[6] = stream >> 16, out[7] = stream >> 8, out[8] = stream;
    return 9;
}

// A literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2); names and values < 127 bytes.
static size_t literal(unsigned char *out, const char *name, const char *value) {
    size_t n = strlen(name), v = strlen(value), i = 0;
    out[i++] = 0x00;
    out[i++] = (unsigned char)n;
    memcpy(out + i, name, n), i += n;
    out[i++] = (unsigned char)v;
    memcpy(out + i, value, v), i += v;
    return i;
}

static void record(struct worker *w, double latency) {
    if (w->count == w->capacity) {
        w->capacity = w->capacity ? w->capacity * 2 : 65536;
        w->latencies = realloc(w->latencies, w->capacity * sizeof *w->latencies);
    }
    w->latencies[w->count++] = latency;
}

static void *run(void *arg) {
    struct worker *w = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &address.sin_addr);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("connect");
        w->broken = 1;
        return NULL;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    unsigned char out[1024];
    size_t n = 0;
    memcpy(out, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24), n = 24;
    n += frame_header(out + n, 0, SETTINGS, 0, 0);
    // Receive credit for the whole run up front on the connection (streams get a fresh 64 KiB each).
    n += frame_header(out + n, 4, WINDOW_UPDATE, 0, 0);
    uint32_t credit = 0x7fffffff - 65535;
    out[n++] = credit >> 24, out[n++] = credit >> 16, out[n++] = credit >> 8, out[n++] = credit;
    if (write_all(fd, out, n) != 0) { w->broken = 1; return NULL; }

    char authority[64];
    snprintf(authority, sizeof authority, "%s:%d", host, port);
    unsigned char block[512];
    size_t block_length = 0;
    block_length += literal(block + block_length, ":method", "POST");
    block_length += literal(block + block_length, ":scheme", "http");
    block_length += literal(block + block_length, ":path", path);
    block_length += literal(block + block_length, ":authority", authority);
    block_length += literal(block + block_length, "content-type", "application/grpc");
    block_length += literal(block + block_length, "te", "trailers");

    int64_t connection_window = 65535, stream_window = 65535;
    uint64_t received = 0;
    unsigned char *request = malloc(9 + block_length + 9 + message_length);
    unsigned char *payload = malloc(1 << 24);
    for (uint32_t stream = 1; now_us() < deadline && stream < 0x7fffff00; stream += 2) {
        // Wait for send window (the server opens its windows with its first frames).
        int done = 0, got_data = 0, started = 0;
        double start = 0;
        while (!done) {
            if (!started && connection_window >= (int64_t)message_length && stream_window >= (int64_t)message_length) {
                size_t r = frame_header(request, block_length, HEADERS, END_HEADERS, stream);
                memcpy(request + r, block, block_length), r += block_length;
                r += frame_header(request + r, message_length, DATA, END_STREAM, stream);
                memcpy(request + r, message, message_length), r += message_length;
                start = now_us();
                if (write_all(fd, request, r) != 0) { w->broken = 1; goto out; }
                connection_window -= message_length;
                started = 1;
            }
            unsigned char header[9];
            if (read_all(fd, header, 9) != 0) { w->broken = 1; goto out; }
            size_t length = (size_t)header[0] << 16 | header[1] << 8 | header[2];
            int type = header[3], flags = header[4];
            uint32_t id = ((uint32_t)header[5] << 24 | header[6] << 16 | header[7] << 8 | header[8]) & 0x7fffffff;
            if (length > (1 << 24) || read_all(fd, payload, length) != 0) { w->broken = 1; goto out; }
            switch (type) {
            case SETTINGS:
                if (!(flags & ACK)) {
                    for (size_t i = 0; i + 6 <= length; i += 6) {
                        int parameter = payload[i] << 8 | payload[i + 1];
                        int64_t value = (int64_t)payload[i + 2] << 24 | payload[i + 3] << 16 | payload[i + 4] << 8 | payload[i + 5];
                        if (parameter == 4) stream_window = value;  // SETTINGS_INITIAL_WINDOW_SIZE
                    }
                    size_t a = frame_header(out, 0, SETTINGS, ACK, 0);
                    if (write_all(fd, out, a) != 0) { w->broken = 1; goto out; }
                }
                break;
            case PING:
                if (!(flags & ACK)) {
                    size_t a = frame_header(out, 8, PING, ACK, 0);
                    memcpy(out + a, payload, 8);
                    if (write_all(fd, out, a + 8) != 0) { w->broken = 1; goto out; }
                }
                break;
            case WINDOW_UPDATE:
                if (id == 0)
                    connection_window += ((int64_t)payload[0] << 24 | payload[1] << 16 | payload[2] << 8 | payload[3]) & 0x7fffffff;
                break;
            case DATA:
                received += length;
                if (id == stream && length > 0) got_data = 1;
                if (id == stream && (flags & END_STREAM)) done = 1;
                break;
            case HEADERS:
                if (id == stream && (flags & END_STREAM)) done = 1;
                break;
            case RST_STREAM:
                if (id == stream) done = 1, got_data = 0;
                break;
            case GOAWAY:
                w->broken = 1;
                goto out;
            }
            if (received > 0x3fffffff) {  // top the connection's receive credit up again
                size_t a = frame_header(out, 4, WINDOW_UPDATE, 0, 0);
                uint32_t c = (uint32_t)received;
                out[a++] = c >> 24, out[a++] = c >> 16, out[a++] = c >> 8, out[a++] = c;
                if (write_all(fd, out, a) != 0) { w->broken = 1; goto out; }
                received = 0;
            }
        }
        if (got_data) record(w, now_us() - start);
        else w->failed++;
    }
out:
    free(request);
    free(payload);
    close(fd);
    return NULL;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s HOST PORT PATH REQUEST_FILE CONNECTIONS SECONDS [LATENCY_FILE]\n", argv[0]);
        return 2;
    }
    host = argv[1], port = atoi(argv[2]), path = argv[3];
    FILE *file = fopen(argv[4], "rb");
    if (!file) { perror(argv[4]); return 1; }
    fseek(file, 0, SEEK_END);
    message_length = (size_t)ftell(file);
    rewind(file);
    message = malloc(message_length);
    if (fread(message, 1, message_length, file) != message_length) { perror("read"); return 1; }
    fclose(file);
    int connections = atoi(argv[5]);
    double seconds = atof(argv[6]);
    if (connections < 1 || seconds <= 0 || strlen(path) > 120) { fprintf(stderr, "bad arguments\n"); return 2; }

    struct worker *workers = calloc((size_t)connections, sizeof *workers);
    double start = now_us();
    deadline = start + seconds * 1e6;
    for (int i = 0; i < connections; i++) pthread_create(&workers[i].thread, NULL, run, &workers[i]);
    size_t total = 0, failed = 0;
    int broken = 0;
    for (int i = 0; i < connections; i++) {
        pthread_join(workers[i].thread, NULL);
        total += workers[i].count, failed += workers[i].failed, broken |= workers[i].broken;
    }
    double elapsed = (now_us() - start) / 1e6;
    double *all = malloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < connections; i++) {
        memcpy(all + k, workers[i].latencies, workers[i].count * sizeof *all);
        k += workers[i].count;
    }
    qsort(all, total, sizeof *all, compare);
    if (argc > 7) {
        FILE *out = fopen(argv[7], "w");
        for (size_t i = 0; out && i < total; i++) fprintf(out, "%.1f\n", all[i]);
        if (out) fclose(out);
    }
    // Nearest-rank percentiles.
    double p50 = total ? all[(size_t)(0.50 * total + 0.5) > 0 ? (size_t)(0.50 * total + 0.5) - 1 : 0] : 0;
    double p99 = total ? all[(size_t)(0.99 * total + 0.5) > 0 ? (size_t)(0.99 * total + 0.5) - 1 : 0] : 0;
    printf("calls=%zu succeeded=%zu failed=%zu seconds=%.3f p50_us=%.1f p99_us=%.1f broken=%d\n", total + failed, total,
           failed, elapsed, p50, p99, broken);
    return broken ? 1 : 0;
}
