// An LD_PRELOAD malloc counter: counts every allocation call (malloc, calloc, realloc, posix_memalign,
// aligned_alloc, memalign, valloc, pvalloc) made by anyone in the process (the program, the Swift runtime,
// libstdc++'s operator new, ONNX Runtime, CPython) and forwards it to glibc.
//
// A peer reads the count through `benchcount_mallocs()`, looked up with dlsym(RTLD_DEFAULT, ...), before and after
// a loop of runs; the difference divided by the runs is "mallocs per run". Used identically for the C, Swift and
// Python peers, so their numbers are comparable.
//
// Build: cc -O2 -shared -fPIC -o malloccount.so malloccount.c
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static uint64_t allocations;
static uint64_t frees;

static inline void count(void) { __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED); }

__attribute__((visibility("default"))) uint64_t benchcount_mallocs(void) {
    return __atomic_load_n(&allocations, __ATOMIC_RELAXED);
}

__attribute__((visibility("default"))) uint64_t benchcount_frees(void) {
    return __atomic_load_n(&frees, __ATOMIC_RELAXED);
}

void *malloc(size_t size) {
    count();
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    count();
    return __libc_calloc(n, size);
}

void *realloc(void *pointer, size_t size) {
    count();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    if (pointer) __atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED);
    __libc_free(pointer);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return ENOMEM;
    *out = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    count();
    return __libc_memalign(4096, size);
}

void *pvalloc(size_t size) {
    count();
    return __libc_memalign(4096, (size + 4095) & ~(size_t)4095);
}
