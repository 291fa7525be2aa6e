#!/usr/bin/env bash
# Runs the basic demo: installs the pinned ONNX Runtime into .ort/ if it is missing, builds, and runs Examples/Basic.
# Pass a model path to run another model: scripts/demo.sh path/to/model.onnx
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/install-runtime.sh
swift run Basic "$@"
