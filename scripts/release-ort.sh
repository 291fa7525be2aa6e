#!/usr/bin/env bash
# Prints the path of the release `ort` (all traits) that a script should run, building it first when needed.
#
#   ort="$(scripts/release-ort.sh [SCRATCH])"      SCRATCH: the SwiftPM scratch folder (default .build)
#
# With ORT_BIN set, prints that binary instead and builds nothing: CI builds the release `ort` once and hands it to
# the stages after, since each `swift build` there would find the folder touched by the debug steps in between and
# recompile or relink for one to two minutes. The build's own output goes to stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -n "${ORT_BIN:-}" ]]; then
    if [[ ! -x "$ORT_BIN" || -d "$ORT_BIN" ]]; then
        echo "error: ORT_BIN=$ORT_BIN is not an executable file" >&2
        exit 1
    fi
    echo "== using ort from ORT_BIN ($ORT_BIN)" >&2
    echo "$ORT_BIN"
    exit 0
fi
scratch="${1:-.build}"
echo "== building ort (release)" >&2
swift build -c release --enable-all-traits --scratch-path "$scratch" --product ort >&2
echo "$(swift build -c release --enable-all-traits --scratch-path "$scratch" --show-bin-path)/ort"
