#!/usr/bin/env bash
# Builds throw-away packages that depend on this one as a user's package would, and checks what each resolves:
#   library: products ONNXRuntime and ONNXFormats, default traits -> this package and swift-log, nothing else;
#            it is built and run (an Add model, computed by hand);
#   client:  product ONNXRuntimeClient with the Client trait -> no Hummingbird, no server package, and the product's
#            targets do not include the ONNX Runtime binding.
# Usage: scripts/check-consumers.sh [--keep]   (--keep leaves the consumers in .consumers/ for a look)
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

# The library alone.
consumer library "" '.product(name: "ONNXRuntime", package: "'"$(basename "$root")"'"), .product(name: "ONNXFormats", package: "'"$(basename "$root")"'")' '
import ONNXFormats
import ONNXRuntime

let session = try Session(path: CommandLine.arguments[1])
let a = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
let b = try Tensor<Float>([10, 20, 30, 40, 50, 60], shape: [2, 3])
print(try session.run(["A": a, "B": b]).tensor("C", of: Float.self).scalars)'
library="$(resolved "$work/library")"
echo "library consumer resolves $(echo "$library" | wc -l) packages: $(echo $library)"
[[ "$library" == "$(printf '%s\n' "$identity" swift-log | sort)" ]] || fail "the library should resolve only $identity and swift-log"
(cd "$work/library" && swift build -q) || fail "the library consumer does not build"
export ORT_DYLIB_PATH="${ORT_DYLIB_PATH:-$(ls "$root"/.ort/lib/libonnxruntime.so.* | head -1)}"
sum="$("$work/library/.build/debug/App" "$root/Tests/Models/add_f32.onnx")"
[[ "$sum" == "[11.0, 22.0, 33.0, 44.0, 55.0, 66.0]" ]] || fail "the library consumer printed '$sum'"
echo "library consumer built and ran: $sum"

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
