// Our declaration of libFuzzer's driver entry point (it ships in the toolchain's clang runtime,
// libclang_rt.fuzzer, which `-sanitize=fuzzer` links). The harnesses call it from their own `main` because SwiftPM
// renames an executable's entry point, so libFuzzer's own `main` cannot be used.
#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the command-line arguments and the function that tests one input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

#endif
