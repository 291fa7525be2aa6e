#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer with LeakSanitizer and fails on any leak from our code.
#
# ONNX Runtime is not built with ASan, but its allocations go through the intercepted malloc, so LSan sees them too.
# ORT keeps a few process-lifetime allocations that are only
# freed at exit; the one such allocation seen (made while the library is opened) is suppressed in
# scripts/lsan-suppressions.txt, with the reason.
# Full (slow) unwinding is on so that allocations made inside ORT are attributed to it even through its frames
# without frame pointers.
# Anything allocated by our Swift code or by swift-log that is not freed fails the run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/install-runtime.sh

export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=0:halt_on_error=1:detect_odr_violation=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan-suppressions.txt:print_suppressions=0:report_objects=0"
# The sanitized build lives in its own folder so it does not disturb the normal one.
# The library and its file formats only: the default traits (none, see Package.swift) leave out the client, the server
# and their network packages, so this build compiles no SwiftNIO, Hummingbird or BoringSSL. The server's own leak
# checks are separate (scripts/sanitizers.sh).
swift build --build-tests --sanitize=address --scratch-path .build-asan
swift test --skip-build --sanitize=address --scratch-path .build-asan "$@" 2>&1 | tee .build-asan/leak-check.log
if grep -q "ERROR: LeakSanitizer\|ERROR: AddressSanitizer" .build-asan/leak-check.log; then
    echo "leak-check: sanitizer errors found (see .build-asan/leak-check.log)" >&2
    exit 1
fi
echo "leak-check: no leaks and no memory errors outside the suppressed ONNX Runtime internals"
