#!/usr/bin/env bash
# Builds the DocC catalogue of ONNXRuntime with the toolchain's docc and fails on any warning (broken links,
# ambiguous symbols). Output goes to .build/docs (open index.html, or serve it with any static file server).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
graphs="$root/.build/symbol-graphs"
rm -rf "$graphs" && mkdir -p "$graphs"
swift build --target ONNXRuntime -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$graphs"
docc convert Sources/ONNXRuntime/Docs.docc --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name ONNXRuntime --fallback-bundle-identifier org.swift-onnxruntime.ONNXRuntime \
    --output-path .build/docs --warnings-as-errors
echo "docs: built .build/docs with no warnings"
