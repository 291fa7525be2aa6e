#!/usr/bin/env bash
# Builds throw-away packages that depend on this one as a user's package would, and checks what each resolves:
#   library: products ONNXRuntime and ONNXFormats, default traits -> this package and swift-log, nothing else;
#            the install-onnxruntime plugin installs its runtime, and it is built and run without ORT_DYLIB_PATH
#            (an Add model, sums worked out by hand; the runtime must come from the consumer's own .ort/lib);
#   client:  product ONNXRuntimeClient with the Client trait -> no Hummingbird, no server package, and the product's
#            targets do not include the ONNX Runtime binding.
# Usage: scripts/check-consumers.sh [--keep]   (--keep leaves the consumers in .consumers/ for a look)
# Environment: ORT_INSTALL_FROM, a downloaded onnxruntime wheel or a libonnxruntime.so.<version> for the plugin to
# install instead of downloading (see scripts/install-runtime.sh); CI passes the runtime the tests just used.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/.consumers"
rm -rf "$work" && mkdir -p "$work"
fail() { echo "check-consumers: $*" >&2; exit 1; }

# The identities of every package in a consumer's resolved graph, one a line, sorted.
resolved() {
    (cd "$1" && swift package resolve >/dev/null 2>&1 && swift package show-dependencies --format json 2>/dev/null) | python3 -c '
import json, sys
def walk(node, seen):
    for child in node.get("dependencies", []):
        seen.add(child["identity"]); walk(child, seen)
    return seen
print("\n".join(sorted(walk(json.load(sys.stdin), set()))))'
}

consumer() { # NAME PACKAGE-ARGUMENTS PRODUCTS MAIN
    mkdir -p "$work/$1/Sources/App"
    cat >"$work/$1/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "$1",
    dependencies: [.package(path: "$root"$2)],
    targets: [.executableTarget(name: "App", dependencies: [$3])]
)
MANIFEST
    printf '%s\n' "$4" >"$work/$1/Sources/App/main.swift"
}

identity="$(basename "$root" | tr '[:upper:]' '[:lower:]')"

# The library alone: resolved, its runtime installed with the install-onnxruntime plugin, built, and run with
# ORT_DYLIB_PATH unset, from its package folder and from elsewhere.
consumer library "" '.product(name: "ONNXRuntime", package: "'"$(basename "$root")"'"), .product(name: "ONNXFormats", package: "'"$(basename "$root")"'")' '
import ONNXFormats
import ONNXRuntime

let model = CommandLine.arguments.dropFirst().first ?? "add_f32.onnx"
let session = try Session(path: model, options: SessionOptions(intraOpThreads: 1))
let a = try Tensor<Float>([1.5, -2, 3.25, 0, 10, -0.5], shape: [2, 3])
let b = try Tensor<Float>([0.25, 4, -1, 7, 0.125, 0.5], shape: [2, 3])
let c = try session.run(["A": a, "B": b]).tensor("C", of: Float.self)
print("runtime: \(try RuntimeLibrary.info.path)")
print("C \(c.shape) = \(c.scalars)")'
library="$(resolved "$work/library")"
echo "library consumer resolves $(echo "$library" | wc -l) packages: $(echo $library)"
[[ "$library" == "$(printf '%s\n' "$identity" swift-log | sort)" ]] || fail "the library should resolve only $identity and swift-log"
cp "$root/Tests/Models/add_f32.onnx" "$work/library/"
(
    cd "$work/library"
    unset ORT_DYLIB_PATH
    # ORT_INSTALL_FROM (a wheel or a libonnxruntime.so.<version>) lets the plugin copy instead of downloading.
    [[ -z "${ORT_INSTALL_FROM:-}" ]] || export ORT_INSTALL_FROM="$(readlink -f "$ORT_INSTALL_FROM")"
    swift package --allow-writing-to-package-directory --allow-network-connections all install-onnxruntime \
        >install.log 2>&1 || { tail -20 install.log >&2; fail "swift package install-onnxruntime failed"; }
    swift build -q >build.log 2>&1 || { tail -20 build.log >&2; fail "the library consumer does not build"; }
    # By hand: [1.5, -2, 3.25, 0, 10, -0.5] + [0.25, 4, -1, 7, 0.125, 0.5].
    expected="C [2, 3] = [1.75, 2.0, 2.25, 7.0, 10.125, 0.0]"
    installed="$(readlink -f .ort/lib/libonnxruntime.so)"
    here="$(.build/debug/App)" || fail "the library consumer failed: $here"
    elsewhere="$(cd / && "$work/library/.build/debug/App" "$work/library/add_f32.onnx")" || fail "run from /: $elsewhere"
    for output in "$here" "$elsewhere"; do
        grep -qxF "$expected" <<<"$output" || fail "expected '$expected', got: $output"
        grep -qxF "runtime: $installed" <<<"$output" || fail "the runtime should come from $installed: $output"
    done
    echo "library consumer installed its runtime with the plugin, built and ran: $expected"
)

# The client alone.
consumer client ', traits: ["Client"]' '.product(name: "ONNXRuntimeClient", package: "'"$(basename "$root")"'")' '
import ONNXRuntimeClient
print(DataType.fp32)'
client="$(resolved "$work/client")"
echo "client consumer resolves $(echo "$client" | wc -l) packages"
for server_only in hummingbird swift-prometheus swift-argument-parser; do
    ! grep -qx "$server_only" <<<"$client" || fail "the client consumer resolves $server_only"
done
# The client product's targets, followed through target dependencies, never reach the ONNX Runtime binding.
targets="$(cd "$root" && swift package describe --type json | python3 -c '
import json, sys
package = json.load(sys.stdin)
targets = {t["name"]: t for t in package["targets"]}
product = next(p for p in package["products"] if p["name"] == "ONNXRuntimeClient")
seen, todo = set(), list(product["targets"])
while todo:
    name = todo.pop()
    if name in seen: continue
    seen.add(name); todo += targets[name].get("target_dependencies", [])
print(" ".join(sorted(seen)))')"
echo "client product targets: $targets"
for binding in ONNXRuntime CONNXRuntime ONNXRuntimeServing; do
    ! grep -qw "$binding" <<<"$targets" || fail "the client product reaches $binding"
done
[[ "${1:-}" == "--keep" ]] || rm -rf "$work"
echo "check-consumers: passed"
