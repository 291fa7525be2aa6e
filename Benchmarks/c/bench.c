// The C peer of the benchmark: the ONNX Runtime C API called directly, the way a careful C program would.
//
// It includes the package's own ABI declarations (Sources/CONNXRuntime/include/CONNXRuntime.h), dlopen()s
// libonnxruntime, and asks OrtGetApiBase()->GetApi(23) for the function table, exactly like the Swift library.
//
// Inputs are created once, as tensors over preallocated memory (CreateTensorWithDataAsOrtValue). Each call is
// Run + reading every output's data pointer (and its first byte) + ReleaseValue of the outputs.
//
// Usage: bench --lib PATH --model PATH [--warmup K] --input SPEC [--input SPEC ...]
//   SPEC is name:dtype:dims:fill, as in Benchmarks/README.md (dtype f32|i64; dims like 1x784 or "scalar";
//   fill ramp|zeros|ones|tokens|const=V).
//
// It then speaks the line protocol of Benchmarks/python/driver.py on stdin/stdout:
//   "time N"  -> runs N calls, timing each; answers {"n":..,"total_ns":..,"p10":..,"p50":..,"p90":..,"min":..}
//   "alloc N" -> runs N calls between two reads of the LD_PRELOAD malloc counter; answers {"n":..,"mallocs":..}
//   "quit"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CONNXRuntime.h"

#define MAX_INPUTS 16
#define MAX_OUTPUTS 16
#define MAX_RANK 8

static const OrtApi *ort;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "bench.c: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void check(OrtStatus *status, const char *what) {
    if (status == NULL) return;
    fprintf(stderr, "bench.c: %s failed: %s\n", what, ort->GetErrorMessage(status));
    ort->ReleaseStatus(status);
    exit(1);
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct {
    char name[128];
    int is_int64;  // else float32
    int64_t dims[MAX_RANK];
    size_t rank;
    size_t count;
    void *data;
    OrtValue *value;
} Input;

// Fills an input the same way BenchSupport (Swift) and peer.py (NumPy) do, so all peers see the same numbers.
static void fill(Input *input, const char *how) {
    size_t row = input->rank > 0 ? (size_t)input->dims[input->rank - 1] : 1;
    if (row == 0) row = 1;
    for (size_t i = 0; i < input->count; i++) {
        double v;
        if (strcmp(how, "ramp") == 0) {
            v = (double)(i % 251) / 251.0 - 0.5;
        } else if (strcmp(how, "zeros") == 0) {
            v = 0;
        } else if (strcmp(how, "ones") == 0) {
            v = 1;
        } else if (strcmp(how, "tokens") == 0) {
            size_t position = i % row;
            v = position == 0 ? 101 : position == row - 1 ? 102 : (double)(1000 + (i * 7919) % 20000);
        } else if (strncmp(how, "const=", 6) == 0) {
            v = strtod(how + 6, NULL);
        } else {
            die("unknown fill", how);
        }
        if (input->is_int64)
            ((int64_t *)input->data)[i] = (int64_t)v;
        else
            ((float *)input->data)[i] = (float)v;
    }
}

static void parse_input(Input *input, const char *spec) {
    char copy[512];
    snprintf(copy, sizeof copy, "%s", spec);
    char *name = strtok(copy, ":"), *dtype = strtok(NULL, ":"), *dims = strtok(NULL, ":"), *how = strtok(NULL, ":");
    if (!name || !dtype || !dims || !how) die("bad input spec (want name:dtype:dims:fill)", spec);
    snprintf(input->name, sizeof input->name, "%s", name);
    if (strcmp(dtype, "f32") == 0)
        input->is_int64 = 0;
    else if (strcmp(dtype, "i64") == 0)
        input->is_int64 = 1;
    else
        die("unknown dtype", dtype);
    input->rank = 0;
    input->count = 1;
    if (strcmp(dims, "scalar") != 0) {
        for (char *d = strtok(dims, "x"); d; d = strtok(NULL, "x")) {
            if (input->rank == MAX_RANK) die("too many dimensions", spec);
            input->dims[input->rank++] = strtoll(d, NULL, 10);
            input->count *= (size_t)input->dims[input->rank - 1];
        }
    }
    size_t element = input->is_int64 ? sizeof(int64_t) : sizeof(float);
    // Preallocated, 64-byte aligned, like the buffers a real program would reuse.
    if (posix_memalign(&input->data, 64, input->count * element + 64) != 0) die("out of memory", NULL);
    fill(input, how);
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

typedef uint64_t (*CounterFunction)(void);

// What one call needs, set up once in main.
static OrtSession *session;
static const char *input_names[MAX_INPUTS];
static const OrtValue *input_values[MAX_INPUTS];
static size_t input_count;
static char *output_names[MAX_OUTPUTS];
static size_t output_count;
static OrtValue *outputs[MAX_OUTPUTS];

// One call: Run, read each output's data pointer (and its first byte), release the outputs. Not inlined, so that
// callgrind can count exactly its instructions (--toggle-collect=bench_call).
__attribute__((noinline)) unsigned char bench_call(void) {
    unsigned char sink = 0;
    memset(outputs, 0, sizeof(OrtValue *) * output_count);
    check(ort->Run(session, NULL, input_names, input_values, input_count, (const char *const *)output_names,
                   output_count, outputs),
          "Run");
    for (size_t o = 0; o < output_count; o++) {
        void *data;
        check(ort->GetTensorMutableData(outputs[o], &data), "GetTensorMutableData");
        sink ^= *(unsigned char *)data;
        ort->ReleaseValue(outputs[o]);
    }
    return sink;
}

int main(int argc, char **argv) {
    const char *lib = NULL, *model = NULL;
    int warmup = 50;
    Input inputs[MAX_INPUTS];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lib") == 0 && i + 1 < argc)
            lib = argv[++i];
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model = argv[++i];
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = atoi(argv[++i]);
        else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc) {
            if (input_count == MAX_INPUTS) die("too many inputs", NULL);
            memset(&inputs[input_count], 0, sizeof(Input));
            parse_input(&inputs[input_count++], argv[++i]);
        } else
            die("unknown argument", argv[i]);
    }
    if (!lib || !model || input_count == 0) die("usage: bench --lib PATH --model PATH --input SPEC...", NULL);

    void *handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!handle) die("dlopen failed", dlerror());
    CORTGetApiBaseFunction get_base = (CORTGetApiBaseFunction)dlsym(handle, "OrtGetApiBase");
    if (!get_base) die("OrtGetApiBase not found", lib);
    const OrtApiBase *base = get_base();
    ort = base->GetApi(CORT_DECLARED_API_VERSION);
    if (!ort) die("GetApi(23) returned NULL", base->GetVersionString());

    OrtEnv *env;
    check(ort->CreateEnv(ORT_LOGGING_LEVEL_WARNING, "bench.c", &env), "CreateEnv");
    OrtSessionOptions *options;
    check(ort->CreateSessionOptions(&options), "CreateSessionOptions");
    check(ort->SetIntraOpNumThreads(options, 1), "SetIntraOpNumThreads");
    check(ort->SetInterOpNumThreads(options, 1), "SetInterOpNumThreads");
    check(ort->SetSessionExecutionMode(options, ORT_SEQUENTIAL), "SetSessionExecutionMode");
    check(ort->SetSessionGraphOptimizationLevel(options, ORT_ENABLE_ALL), "SetSessionGraphOptimizationLevel");
    check(ort->EnableMemPattern(options), "EnableMemPattern");
    check(ort->EnableCpuMemArena(options), "EnableCpuMemArena");
    check(ort->CreateSession(env, model, options, &session), "CreateSession");

    OrtAllocator *allocator;
    check(ort->GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
    check(ort->SessionGetOutputCount(session, &output_count), "SessionGetOutputCount");
    if (output_count > MAX_OUTPUTS) die("too many outputs", NULL);
    for (size_t i = 0; i < output_count; i++)
        check(ort->SessionGetOutputName(session, i, allocator, &output_names[i]), "SessionGetOutputName");

    OrtMemoryInfo *memory_info;
    check(ort->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memory_info), "CreateCpuMemoryInfo");
    for (size_t i = 0; i < input_count; i++) {
        Input *in = &inputs[i];
        size_t bytes = in->count * (in->is_int64 ? sizeof(int64_t) : sizeof(float));
        check(ort->CreateTensorWithDataAsOrtValue(
                  memory_info, in->data, bytes, in->dims, in->rank,
                  in->is_int64 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 : ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &in->value),
              "CreateTensorWithDataAsOrtValue");
        input_names[i] = in->name;
        input_values[i] = in->value;
    }

    volatile unsigned char sink = 0;

    // A checksum of the first output, so the driver can confirm every peer computes the same thing.
    double checksum = 0;
    {
        memset(outputs, 0, sizeof outputs);
        check(ort->Run(session, NULL, input_names, input_values, input_count, (const char *const *)output_names,
                       output_count, outputs),
              "Run");
        OrtTensorTypeAndShapeInfo *info;
        check(ort->GetTensorTypeAndShape(outputs[0], &info), "GetTensorTypeAndShape");
        size_t count;
        ONNXTensorElementDataType type;
        check(ort->GetTensorShapeElementCount(info, &count), "GetTensorShapeElementCount");
        check(ort->GetTensorElementType(info, &type), "GetTensorElementType");
        ort->ReleaseTensorTypeAndShapeInfo(info);
        void *data;
        check(ort->GetTensorMutableData(outputs[0], &data), "GetTensorMutableData");
        if (type == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
            for (size_t i = 0; i < count; i++) checksum += ((float *)data)[i];
        for (size_t o = 0; o < output_count; o++) ort->ReleaseValue(outputs[o]);
    }

    for (int i = 0; i < warmup; i++) sink ^= bench_call();

    CounterFunction mallocs = (CounterFunction)dlsym(RTLD_DEFAULT, "benchcount_mallocs");
    printf("READY {\"peer\":\"c\",\"runtime\":\"%s\",\"checksum\":%.9g,\"counter\":%s}\n", base->GetVersionString(),
           checksum, mallocs ? "true" : "false");
    fflush(stdout);

    uint64_t *samples = NULL;
    size_t capacity = 0;
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        long n = 0;
        if (sscanf(line, "time %ld", &n) == 1 && n > 0) {
            if ((size_t)n > capacity) {
                free(samples);
                capacity = (size_t)n;
                samples = malloc(capacity * sizeof(uint64_t));
                if (!samples) die("out of memory", NULL);
            }
            uint64_t start = now_ns();
            for (long i = 0; i < n; i++) {
                uint64_t t0 = now_ns();
                sink ^= bench_call();
                samples[i] = now_ns() - t0;
            }
            uint64_t total = now_ns() - start;
            qsort(samples, (size_t)n, sizeof(uint64_t), compare_u64);
            printf("{\"n\":%ld,\"total_ns\":%" PRIu64 ",\"p10\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
                   ",\"min\":%" PRIu64 "}\n",
                   n, total, samples[(size_t)(n * 0.10)], samples[(size_t)(n * 0.50)], samples[(size_t)(n * 0.90)],
                   samples[0]);
        } else if (sscanf(line, "alloc %ld", &n) == 1 && n > 0) {
            // Without the counter the calls still run (callgrind counts their instructions).
            uint64_t before = mallocs ? mallocs() : 0;
            for (long i = 0; i < n; i++) sink ^= bench_call();
            uint64_t after = mallocs ? mallocs() : 0;
            if (mallocs)
                printf("{\"n\":%ld,\"mallocs\":%" PRIu64 "}\n", n, after - before);
            else
                printf("{\"n\":%ld,\"mallocs\":null}\n", n);
        } else if (strncmp(line, "quit", 4) == 0) {
            break;
        } else {
            printf("{\"error\":\"unknown command\"}\n");
        }
        fflush(stdout);
    }

    (void)sink;
    free(samples);
    for (size_t i = 0; i < input_count; i++) {
        ort->ReleaseValue(inputs[i].value);
        free(inputs[i].data);
    }
    for (size_t i = 0; i < output_count; i++) ort->AllocatorFree(allocator, output_names[i]);
    ort->ReleaseMemoryInfo(memory_info);
    ort->ReleaseSession(session);
    ort->ReleaseSessionOptions(options);
    ort->ReleaseEnv(env);
    return 0;
}
