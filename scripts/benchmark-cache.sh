#!/usr/bin/env bash
# The response cache's gain on repeated requests (BENCHMARKS.md, "Response cache"): builds `ort` (release) and runs
# Benchmarks/server/cache_driver.py, which serves the MNIST MLP and a 1 ms model with and without
# `response_cache { enable: true }` and drives each with wrk. Prints the table; run by hand (about 80 s).
#
# Usage: scripts/benchmark-cache.sh [--seconds N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v wrk >/dev/null || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 1; }
scripts/install-runtime.sh
ort="$(scripts/release-ort.sh)"
python3 Benchmarks/server/cache_driver.py --ort "$ort" "$@"
