#!/usr/bin/env bash
# Formats the Swift sources with swift-format (ships with the toolchain); --lint only checks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
paths=(Package.swift Sources Tests Examples Plugins Fuzz/Package.swift Fuzz/Sources)
if [[ "${1:-}" == "--lint" ]]; then
    swift format lint --strict --recursive --parallel "${paths[@]}"
else
    swift format format --in-place --recursive --parallel "${paths[@]}"
fi
