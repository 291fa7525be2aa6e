#!/usr/bin/env bash
# Builds the test plugin EP (Tests/PluginEP, C) into .build/test-ep/<hash of its sources>/libswift_test_ep.so
# with the toolchain's clang, unless that file already exists, and prints its path. Tests call this on demand;
# the library is never shipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/Tests/PluginEP"
hash="$(cat "$src/test_ep.c" "$src/test_ep_abi.h" "$0" | sha256sum | cut -c1-16)"
out_dir="$root/.build/test-ep/$hash"
out="$out_dir/libswift_test_ep.so"
if [[ ! -f "$out" ]]; then
    mkdir -p "$out_dir"
    cc="$(command -v clang || command -v cc)"
    tmp="$(mktemp "$out_dir/.build.XXXXXX")"
    "$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -fPIC -shared -fvisibility=hidden \
        -Wall -Wextra -Werror -o "$tmp" "$src/test_ep.c"
    mv -f "$tmp" "$out"  # atomic: concurrent builders never see a half-written library
fi
echo "$out"
