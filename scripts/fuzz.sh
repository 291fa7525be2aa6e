#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/ with -sanitize=fuzzer,address and runs each one.
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [harness...]
#
# Harnesses: inference-request, grpc-infer-request, shm-register, npy, pb, model-config, session (all of them when
# none is named).
# For each one:
#   1. every file in Fuzz/Regressions/<harness>/ is replayed once (inputs that once crashed; must pass now);
#   2. libFuzzer runs for --time seconds (default 60) from the committed seeds in Fuzz/Corpus/<harness>/, growing a
#      working corpus in Fuzz/Work/<harness>/ (not committed).
# A crash, leak, timeout or out-of-memory stops the run with a non-zero status; libFuzzer writes the input to
# Fuzz/Work/<harness>/ (crash-*, leak-*, timeout-*, oom-*). Fix the library, add a unit test, and copy the input into
# Fuzz/Regressions/<harness>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds=60
harnesses=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --time) seconds="$2"; shift 2 ;;
        --time=*) seconds="${1#--time=}"; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) harnesses+=("$1"); shift ;;
    esac
done
all=(inference-request grpc-infer-request shm-register npy pb model-config session)
[[ ${#harnesses[@]} -eq 0 ]] && harnesses=("${all[@]}")

executable() {
    case "$1" in
        inference-request) echo FuzzInferenceRequest ;;
        grpc-infer-request) echo FuzzGRPCInferRequest ;;
        shm-register) echo FuzzSharedMemoryRegister ;;
        npy) echo FuzzNumPy ;;
        pb) echo FuzzTensorProto ;;
        model-config) echo FuzzModelConfig ;;
        session) echo FuzzSession ;;
        *) echo "fuzz: unknown harness '$1' (known: ${all[*]})" >&2; exit 2 ;;
    esac
}
for harness in "${harnesses[@]}"; do executable "$harness" >/dev/null; done

scripts/install-runtime.sh
export ORT_DYLIB_PATH="$root/.ort/lib/libonnxruntime.so"
[[ -e "$ORT_DYLIB_PATH" ]] || ORT_DYLIB_PATH="$(ls "$root"/.ort/lib/libonnxruntime.so* | head -n 1)"

# -enable-testing: the request harness plans requests with the serving core's internal InferencePlan.
# libFuzzer itself ships with the toolchain's clang runtime (libclang_rt.fuzzer); -sanitize=fuzzer links it.
# One build for all the harnesses: they share every module but their own small one.
swift build --package-path Fuzz -c release --scratch-path Fuzz/.build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -use-ld=lld
bin="$(swift build --package-path Fuzz -c release --scratch-path Fuzz/.build-fuzz --show-bin-path)"

# ORT keeps a few allocations until exit (see scripts/lsan-suppressions.txt); libFuzzer's leak detection looks at
# each input, so only leaks made while one input is tested count.
export ASAN_OPTIONS="detect_leaks=1:detect_odr_violation=0:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan-suppressions.txt:print_suppressions=0"

status=0
for harness in "${harnesses[@]}"; do
    program="$bin/$(executable "$harness")"
    work="Fuzz/Work/$harness"
    mkdir -p "$work"
    regressions=()
    if [[ -d "Fuzz/Regressions/$harness" ]]; then
        while IFS= read -r -d '' file; do regressions+=("$file"); done \
            < <(find "Fuzz/Regressions/$harness" -type f ! -name 'README*' ! -name '.*' -print0 | sort -z)
    fi
    if [[ ${#regressions[@]} -gt 0 ]]; then
        echo "== $harness: replaying ${#regressions[@]} regression input(s)"
        if ! "$program" -rss_limit_mb=2048 -timeout=30 "${regressions[@]}" > "$work/regressions.log" 2>&1; then
            tail -n 40 "$work/regressions.log" >&2
            echo "fuzz: $harness: a regression input fails again (log: $work/regressions.log)" >&2
            status=1
            continue
        fi
    fi
    echo "== $harness: fuzzing for $seconds s"
    # Small inputs: the parsers' interesting paths are all reachable in a few KiB, and ORT's model loader is slow
    # with big ones.
    max_len=4096
    [[ "$harness" == session ]] && max_len=2048
    if ! "$program" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$work/" "$work" "Fuzz/Corpus/$harness" \
        > "$work/fuzz.log" 2>&1; then
        tail -n 60 "$work/fuzz.log" >&2
        echo "fuzz: $harness found a failing input (log: $work/fuzz.log; input: $work/crash-* etc.)" >&2
        status=1
        continue
    fi
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$work/fuzz.log" | sed "s/^/   /" || true
    echo "   corpus: $(find "$work" -maxdepth 1 -type f ! -name '*.log' | wc -l) inputs"
done
exit "$status"
