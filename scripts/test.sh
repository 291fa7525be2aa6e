#!/usr/bin/env bash
# Runs the whole test suite: installs the pinned ONNX Runtime into .ort/ if it is missing, then `swift test` with every trait (library,
# client, server and command line).
# Extra arguments go to `swift test` (for example: scripts/test.sh --filter Session).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/install-runtime.sh
swift test --enable-all-traits "$@"
