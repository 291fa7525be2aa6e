#!/usr/bin/env bash
# Installs a pinned ONNX Runtime shared library into .ort/lib/ of this checkout (or of another package).
#
# The library comes from the official `onnxruntime` wheel on PyPI, which ships libonnxruntime.so.<version>.
# The wheel is only downloaded and unpacked here; no Python environment is touched.
#
# Usage: scripts/install-runtime.sh [--force] [--dest DIR]
#   --force      install even if the library is already there
#   --dest DIR   the folder to install into (it gets lib/ and VERSION); default: .ort in this checkout. The
#                `swift package install-onnxruntime` command plugin passes the consuming package's .ort.
# Environment:
#   ORT_VERSION=1.32.0   the version to install (the pin)
#   ORT_INSTALL_FROM     a downloaded onnxruntime-<version>-*.whl, or a libonnxruntime.so.<version> to copy,
#                        instead of downloading the wheel (for CI and offline machines)
set -euo pipefail

ORT_VERSION="${ORT_VERSION:-1.32.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.ort"
force=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --force) force=1 ;;
        --dest)
            [[ $# -ge 2 && -n "$2" ]] || { echo "error: --dest needs a folder" >&2; exit 2; }
            dest="$2"
            shift
            ;;
        *) echo "error: unknown argument '$1' (usage: install-runtime.sh [--force] [--dest DIR])" >&2; exit 2 ;;
    esac
    shift
done
lib="$dest/lib/libonnxruntime.so.$ORT_VERSION"

if [[ $force == 0 && -f "$lib" && -L "$dest/lib/libonnxruntime.so" ]]; then
    echo "ONNX Runtime $ORT_VERSION is already installed in $dest/lib"
    exit 0
fi

python="$(command -v python3 || command -v python || true)"
from="${ORT_INSTALL_FROM:-}"
if [[ -n "$from" && ! -f "$from" ]]; then
    echo "error: ORT_INSTALL_FROM=$from does not exist" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest/lib"

if [[ -n "$from" && "$from" != *.whl ]]; then
    # An existing library: its real file name must carry the pinned version.
    real="$(readlink -f "$from")"
    if [[ "$(basename "$real")" != "libonnxruntime.so.$ORT_VERSION" ]]; then
        echo "error: ORT_INSTALL_FROM=$from is $(basename "$real"), not libonnxruntime.so.$ORT_VERSION" >&2
        exit 1
    fi
    cp "$real" "$dest/lib/.libonnxruntime.so.$ORT_VERSION.partial"
    mv -f "$dest/lib/.libonnxruntime.so.$ORT_VERSION.partial" "$lib"
else
    if [[ -z "$python" ]]; then
        echo "error: python3 is needed to unpack the onnxruntime wheel (and pip to download it from PyPI)" >&2
        exit 1
    fi
    if [[ -n "$from" ]]; then
        wheel="$from"
    else
        echo "Downloading the onnxruntime $ORT_VERSION wheel from PyPI..."
        if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" \
            "onnxruntime==$ORT_VERSION"; then
            echo "error: could not download onnxruntime==$ORT_VERSION with pip" >&2
            exit 1
        fi
        wheel="$(ls "$work"/onnxruntime-*.whl | head -n 1)"
    fi
    "$python" - "$wheel" "$dest/lib" "$ORT_VERSION" <<'PY'
import os, shutil, sys, zipfile
wheel, target, version = sys.argv[1:4]
wanted = f"onnxruntime/capi/libonnxruntime.so.{version}"
try:
    archive = zipfile.ZipFile(wheel)
except (OSError, zipfile.BadZipFile) as error:
    sys.exit(f"error: {wheel} is not a readable wheel: {error}")
with archive:
    names = archive.namelist()
    if wanted not in names:
        sys.exit(f"error: {wanted} is not in {os.path.basename(wheel)}")
    partial = os.path.join(target, f".libonnxruntime.so.{version}.partial")
    with archive.open(wanted) as source, open(partial, "wb") as sink:
        shutil.copyfileobj(source, sink)
    os.replace(partial, os.path.join(target, f"libonnxruntime.so.{version}"))
PY
fi
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$dest/lib/libonnxruntime.so"
echo "$ORT_VERSION" > "$dest/VERSION"
echo "Installed ONNX Runtime $ORT_VERSION into $dest/lib"
