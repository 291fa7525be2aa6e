#!/usr/bin/env bash
# Runs test suites under the sanitizers the leak check (scripts/leak-check.sh) does not cover:
#
#   scripts/sanitizers.sh address   # the server, serving core and command-line suites under AddressSanitizer
#   scripts/sanitizers.sh thread    # the concurrency tests (library and server) under ThreadSanitizer
#   scripts/sanitizers.sh           # both
#
# Each sanitizer builds into its own folder (.build-asan-all, .build-tsan) so the normal build is untouched.
# ONNX Runtime is not instrumented. Only reports that come from inside it are suppressed, each with its reason
# (scripts/tsan-suppressions.txt); anything in our code or the Swift packages fails the run. Our locks are pthread
# mutexes (Locked) and the hand-offs through continuations and ORT's queue are made visible to TSan in the code
# (withResultHandOff, CThreadSanitizer), so a report here is a finding, not noise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/install-runtime.sh
if [[ $# -eq 0 ]]; then which=(address thread); else which=("$@"); fi
status=0

check_log() {
    local log="$1" pattern="$2" name="$3"
    if grep -q "$pattern" "$log"; then
        grep -A 30 "$pattern" "$log" | head -n 60 >&2
        echo "sanitizers: $name reports found (see $log)" >&2
        status=1
    # Swift Testing's closing line must say passed; XCTest's "Selected tests passed" (it has no tests here) is not
    # enough, and a failure in either fails the run.
    elif grep -q "Test run with .* failed\|with [1-9][0-9]* failures" "$log" || ! grep -q "Test run with .* passed" "$log"; then
        tail -n 40 "$log" >&2
        echo "sanitizers: $name: the tests did not pass (see $log)" >&2
        status=1
    else
        echo "sanitizers: $name: no reports"
    fi
}

for sanitizer in "${which[@]}"; do
    case "$sanitizer" in
        address)
            # Memory errors only: LeakSanitizer over the whole server would report SwiftNIO's and Foundation's
            # process-lifetime singletons; leaks in the library are checked by scripts/leak-check.sh.
            # allocator_may_return_null: HostileModelTests.allocationBomb asks ORT for 128 TiB on purpose; a real
            # malloc returns NULL (ORT then fails the request), while ASan would abort the process instead.
            export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:detect_odr_violation=0:allocator_may_return_null=1"
            swift build --build-tests --enable-all-traits --sanitize=address --scratch-path .build-asan-all
            log=.build-asan-all/sanitizers.log
            # --no-parallel: the timing tests (queue full, timeouts, client pools) run 2-3 times slower under ASan and
            # flaked when run side by side on a busy machine; one at a time the whole run takes about as long.
            swift test --skip-build --enable-all-traits --no-parallel --sanitize=address --scratch-path .build-asan-all \
                --filter "ONNXRuntimeServerTests|ONNXRuntimeServingTests|ONNXRuntimeServingGRPCTests|ONNXRuntimeClientTests|ContentCodingTests|ORTCommandsTests" 2>&1 | tee "$log" || true
            check_log "$log" "ERROR: AddressSanitizer" AddressSanitizer
            ;;
        thread)
            export TSAN_OPTIONS="suppressions=$root/scripts/tsan-suppressions.txt:halt_on_error=0:second_deadlock_stack=1"
            # Client and Server, not OpenTelemetry: Swift 6.3.1 refuses to compile swift-otel 1.6.0 with
            # -sanitize=thread (a "sending 'logger' risks causing data races" error in its batch log processor that a
            # normal or AddressSanitizer build does not give), and no test run here exports traces.
            swift build --build-tests --traits Client,Server --sanitize=thread --scratch-path .build-tsan
            log=.build-tsan/sanitizers.log
            # One session from many tasks, async runs and their cancellation, run options shared between runs; the
            # server's concurrent inference, queueing, reloads under traffic, slow clients and shutdown (also under
            # load), and dynamic batching. One test at a time, as for ASan: TSan slows everything down more, and the
            # tests' timing margins are for normal builds. The gRPC server's connection handler is in (frame by frame,
            # handler tasks finishing on other threads), as are busy polling (REST, and the poller itself) and instance
            # hand-offs between threads, the sequence batcher (interleaved sequences, backlog, idle release), shared
            # memory regions unregistered under requests (REST: `\.SharedMemoryTests`, so that GRPCSharedMemoryTests is
            # not matched), live log settings, latency summaries, the response cache and ensembles; not the gRPC suites with a client (nor busy polling's gRPC test): grpc-swift's client channel keeps its
            # state in Synchronization.Mutex, which TSan cannot see (futexes), and was reported in one of two runs; that
            # is not ours to fix or to suppress.
            swift test --skip-build --traits Client,Server --no-parallel --sanitize=thread --scratch-path .build-tsan \
                --filter "AsyncRunTests|RunOptionsTests|SessionTests|LimitsAndSecurityTests|ModelFileFaultTests|ConnectionFaultTests|ShutdownTests|ShutdownUnderLoadTests|MNISTAndStatisticsTests|DynamicBatchingTests|DynamicBatchingQueueTests|SchedulePolicyTests|GRPCConnectionHandlerTests|BusyPollingTests/rest|BusyPollingTests/pollerRules|InstanceHandOffTests|SequenceBatchingTests|\.SharedMemoryTests|LoggingExtensionTests|LatencySummaryTests|ResponseCacheTests|EnsembleTests" \
                2>&1 | tee "$log" || true
            check_log "$log" "WARNING: ThreadSanitizer" ThreadSanitizer
            ;;
        *) echo "sanitizers: unknown sanitizer '$sanitizer' (address or thread)" >&2; exit 2 ;;
    esac
done
exit "$status"
