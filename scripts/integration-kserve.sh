#!/usr/bin/env bash
# The KServe deployment test: deploy/kserve/*.yaml and the Containerfile agree, and `ort serve` (release build)
# started with exactly the ClusterServingRuntime's container arguments ({{.Name}} substituted, /mnt/models mapped to
# a temporary folder holding the MNIST example model) answers the manifest's liveness and readiness probes and
# classifies MNIST digits as Python onnxruntime does (Tests/Deploy/test_kserve_runtime.py).
#
# Usage: scripts/integration-kserve.sh [pytest arguments...]
#
# The Python packages (Tests/Deploy/requirements.txt) go into .integration/deploy-venv, created on first use.
# Environment: ORT_BIN (an `ort` binary to test instead of building one; CI passes the release build it already
# made); ORT_SCRATCH_PATH (the SwiftPM scratch folder, default .build); KSERVE_REQUIRE_ALL_ARGS=1 fails when
# the binary lacks an option the manifest passes (by default such options are dropped with a warning).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="$root/.integration/deploy-venv"
requirements="Tests/Deploy/requirements.txt"
scratch="${ORT_SCRATCH_PATH:-.build}"
mkdir -p "$root/.integration"

python="$(command -v python3 || command -v python || true)"
if [[ -z "$python" ]]; then
    echo "error: python3 is needed for the deployment test" >&2
    exit 1
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating $venv"
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
    echo "== installing $requirements into $venv"
    "$py" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" >"$stamp"
fi

scripts/install-runtime.sh
ort="$(scripts/release-ort.sh "$scratch")"

echo "== pytest Tests/Deploy"
ORT_BIN="$ort" PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest Tests/Deploy -p no:cacheprovider -rfEsw "$@"
