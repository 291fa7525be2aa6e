#include "CThreadSanitizer.h"

// Defined by the ThreadSanitizer runtime when it is linked in (`-sanitize=thread`); null otherwise.
extern void __tsan_release(void *address) __attribute__((weak));
extern void __tsan_acquire(void *address) __attribute__((weak));

void CThreadSanitizer_release(const void *address) {
    if (__tsan_release) __tsan_release((void *)address);
}

void CThreadSanitizer_acquire(const void *address) {
    if (__tsan_acquire) __tsan_acquire((void *)address);
}
