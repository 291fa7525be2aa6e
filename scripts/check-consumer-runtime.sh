#!/usr/bin/env bash
# Checks the runtime set-up of a package that depends on this one, as its author would do it: a throw-away
# package in a temporary folder depends on this checkout (`.package(path:)`, product ONNXRuntime), installs the
# runtime with `swift package ... install-onnxruntime`, then `swift run`s a program that adds two tensors with
# Tests/Models/add_f32.onnx, with ORT_DYLIB_PATH unset. The sums are checked against values worked out by hand, and
# the library must come from the consumer's own .ort/lib/.
#
# Usage: scripts/check-consumer-runtime.sh
# Environment:
#   ORT_INSTALL_FROM   a downloaded onnxruntime wheel or a libonnxruntime.so.<version> for the plugin to install
#                      instead of downloading (see scripts/install-runtime.sh); e.g. .ort/lib/libonnxruntime.so
#   KEEP=1             keep the temporary package (its path is printed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
consumer="$(mktemp -d "${TMPDIR:-/tmp}/ort-consumer.XXXXXX")"
log="$consumer/check.log"
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "consumer package: $consumer"
else
    trap 'rm -rf "$consumer"' EXIT
fi
if [[ -n "${ORT_INSTALL_FROM:-}" ]]; then
    ORT_INSTALL_FROM="$(cd "$(dirname "$ORT_INSTALL_FROM")" && pwd)/$(basename "$ORT_INSTALL_FROM")"
    export ORT_INSTALL_FROM
fi
unset ORT_DYLIB_PATH

fail() {
    echo "FAIL: $1" >&2
    [[ -f "$log" ]] && tail -n 30 "$log" >&2
    exit 1
}

# The package identity of a path dependency is its folder's name, lowercased.
identity="$(basename "$root" | tr '[:upper:]' '[:lower:]')"
mkdir -p "$consumer/Sources/Consumer"
cp "$root/Tests/Models/add_f32.onnx" "$consumer/add_f32.onnx"
cat > "$consumer/Package.swift" <<EOF
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ort-consumer",
    dependencies: [.package(path: "$root")],
    targets: [
        .executableTarget(
            name: "Consumer", dependencies: [.product(name: "ONNXRuntime", package: "$identity")])
    ]
)
EOF
cat > "$consumer/Sources/Consumer/main.swift" <<'EOF'
import ONNXRuntime

#if canImport(Glibc)
    import Glibc
#endif

do {
    let model = CommandLine.arguments.dropFirst().first ?? "add_f32.onnx"
    let session = try Session(path: model, options: SessionOptions(intraOpThreads: 1))
    let a = try Tensor<Float>([1.5, -2, 3.25, 0, 10, -0.5], shape: [2, 3])
    let b = try Tensor<Float>([0.25, 4, -1, 7, 0.125, 0.5], shape: [2, 3])
    let c = try session.run(["A": a, "B": b]).tensor("C", of: Float.self)
    print("runtime: \(try RuntimeLibrary.info.path)")
    print("C \(c.shape) = \(c.scalars)")
} catch {
    print("error: \(error)")
    exit(1)
}
EOF

cd "$consumer"
echo "consumer: installing the runtime with the install-onnxruntime plugin..."
swift package --allow-writing-to-package-directory --allow-network-connections all install-onnxruntime \
    > "$log" 2>&1 || fail "swift package install-onnxruntime failed"
version="$(cat "$root/.ort/VERSION" 2>/dev/null || sed -n 's/^ORT_VERSION="${ORT_VERSION:-\(.*\)}"$/\1/p' \
    "$root/scripts/install-runtime.sh")"
[[ -f ".ort/lib/libonnxruntime.so.$version" && -L .ort/lib/libonnxruntime.so ]] ||
    fail "the plugin did not install libonnxruntime.so.$version into $consumer/.ort/lib"

echo "consumer: swift run (ORT_DYLIB_PATH unset)..."
swift build > "$log" 2>&1 || fail "swift build of the consumer failed"
output="$(swift run --skip-build Consumer 2> "$log")" || fail "the consumer failed: $output"

# By hand: [1.5, -2, 3.25, 0, 10, -0.5] + [0.25, 4, -1, 7, 0.125, 0.5].
expected="C [2, 3] = [1.75, 2.0, 2.25, 7.0, 10.125, 0.0]"
grep -qxF "$expected" <<< "$output" || fail "expected '$expected', got: $output"
loaded="$(sed -n 's/^runtime: //p' <<< "$output")"
[[ "$loaded" == "$(readlink -f "$consumer/.ort/lib/libonnxruntime.so.$version")" ]] ||
    fail "the runtime came from $loaded, not from the consumer's .ort/lib"

# The built program run from elsewhere finds the same copy, above its own executable.
other="$(cd / && "$consumer/.build/debug/Consumer" "$consumer/add_f32.onnx" 2>&1)" || fail "the consumer run from / failed: $other"
grep -qxF "runtime: $loaded" <<< "$other" || fail "run from /, the runtime came from: $other"

echo "consumer: OK ($expected, runtime from the consumer's .ort/lib)"
