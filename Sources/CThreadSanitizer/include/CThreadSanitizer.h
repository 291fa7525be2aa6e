// Happens-before annotations for ThreadSanitizer, for hand-offs that go through code TSan cannot see (ONNX Runtime is
// not instrumented). Without TSan (every normal build) they do nothing: the runtime's functions are weak references
// that stay null.
#ifndef CTHREADSANITIZER_H
#define CTHREADSANITIZER_H

/// Everything this thread did before is visible to a thread that later calls `CThreadSanitizer_acquire` with the
/// same address (`__tsan_release`).
void CThreadSanitizer_release(const void *address);

/// Makes what other threads did before their `CThreadSanitizer_release` with this address visible to this thread
/// (`__tsan_acquire`).
void CThreadSanitizer_acquire(const void *address);

#endif
