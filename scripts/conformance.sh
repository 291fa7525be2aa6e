#!/usr/bin/env bash
# Runs the ONNX backend test cases of onnx 1.22.0 through `ort conformance` (this package's Swift API) and through
# the onnxruntime Python package (scripts/conformance_python.py, same rules), and writes CONFORMANCE.md.
#
# Usage: scripts/conformance.sh [--skip-build] [--filter REGEX]
#   --skip-build   use the release `ort` already built in the scratch folder
#   --filter       run only the cases whose name matches (both runners; CONFORMANCE.md then covers only those)
#
# Everything it downloads or creates stays in .conformance/ (git-ignored):
#   .conformance/wheels/    the onnx==1.22.0 wheel (pip download --no-deps; never installed there)
#   .conformance/data/      onnx/backend/test/data/{node,simple,pytorch-converted,pytorch-operator} from the wheel
#   .conformance/venv/      Python with onnxruntime==$ORT_VERSION, numpy and onnx==1.22.0
#   .conformance/reports/   {swift,python}-<folder>.json, the per-case reports
# plus the release build of `ort` in the scratch folder ($CONFORMANCE_SCRATCH, default .build-conf) and, if the
# en_US.UTF-8 locale is missing and this runs as root on Debian/Ubuntu, the `locales` package (ONNX Runtime's
# StringNormalizer needs that locale; without it those cases fail for both runners).
#
# Exit status: non-zero if any case passes with Python onnxruntime but not with this package (a binding bug).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/.conformance"
scratch="${CONFORMANCE_SCRATCH:-$root/.build-conf}"
ORT_VERSION="${ORT_VERSION:-1.32.0}"
ONNX_VERSION="1.22.0"
folders=(node simple pytorch-converted pytorch-operator)

skip_build=0
filter=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --filter) filter=(--filter "$2"); shift ;;
        -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "error: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
    shift
done

started=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
mkdir -p "$work/wheels" "$work/reports"

step "ONNX Runtime $ORT_VERSION (.ort/lib)"
ORT_VERSION="$ORT_VERSION" "$root/scripts/install-runtime.sh"

step "Python environment (.conformance/venv)"
venv="$work/venv"
python="$venv/bin/python"
if ! "$python" -c "import numpy, onnx, onnxruntime, sys; sys.exit(onnxruntime.__version__ != '$ORT_VERSION' or onnx.__version__ != '$ONNX_VERSION')" 2>/dev/null; then
    system_python="$(command -v python3 || command -v python || true)"
    [[ -n "$system_python" ]] || { echo "error: python3 is needed" >&2; exit 1; }
    rm -rf "$venv"
    "$system_python" -m venv "$venv"
    "$python" -m pip install --quiet --upgrade pip
    "$python" -m pip install --quiet "onnxruntime==$ORT_VERSION" numpy "onnx==$ONNX_VERSION"
fi
"$python" -c "import numpy, onnx, onnxruntime; print('onnxruntime', onnxruntime.__version__, '| onnx', onnx.__version__, '| numpy', numpy.__version__)"

step "ONNX backend test data (onnx==$ONNX_VERSION wheel -> .conformance/data)"
if ! ls "$work/wheels"/onnx-"$ONNX_VERSION"-*.whl >/dev/null 2>&1; then
    "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work/wheels" "onnx==$ONNX_VERSION"
fi
"$python" - "$work" "$ONNX_VERSION" "${folders[@]}" <<'PY'
import glob, os, shutil, sys, zipfile
work, version, folders = sys.argv[1], sys.argv[2], sys.argv[3:]
wheel = sorted(glob.glob(os.path.join(work, "wheels", f"onnx-{version}-*.whl")))[-1]
data = os.path.join(work, "data")
stamp = os.path.join(data, ".extracted-from")
if os.path.exists(stamp) and open(stamp).read() == os.path.basename(wheel) + " " + " ".join(folders):
    print(f"already extracted from {os.path.basename(wheel)}")
    sys.exit(0)
shutil.rmtree(data, ignore_errors=True)
prefix = "onnx/backend/test/data/"
count = 0
with zipfile.ZipFile(wheel) as archive:
    for member in archive.namelist():
        if not member.startswith(prefix) or member.endswith("/"):
            continue
        relative = member[len(prefix):]
        if relative.split("/")[0] not in folders:
            continue
        target = os.path.join(data, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(member) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
        count += 1
with open(stamp, "w") as f:
    f.write(os.path.basename(wheel) + " " + " ".join(folders))
for folder in folders:
    cases = [d for d in os.listdir(os.path.join(data, folder)) if os.path.isdir(os.path.join(data, folder, d))]
    print(f"{folder}: {len(cases)} cases")
print(f"extracted {count} files from {os.path.basename(wheel)}")
PY

step "Locale en_US.UTF-8 (ONNX Runtime's StringNormalizer needs it)"
has_locale() { locale -a 2>/dev/null | grep -qiE '^en_US\.utf-?8$'; }
locale_note=""
if has_locale; then
    echo "present"
elif [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "missing: installing the locales package and generating en_US.UTF-8"
    if ! command -v locale-gen >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales >/dev/null
    fi
    if [[ -f /etc/locale.gen ]] && grep -qE '^# *en_US.UTF-8 UTF-8' /etc/locale.gen; then
        sed -i -E 's/^# *(en_US.UTF-8 UTF-8)/\1/' /etc/locale.gen
        locale-gen >/dev/null
    else
        localedef -i en_US -f UTF-8 en_US.UTF-8
    fi
    has_locale && echo "installed" || locale_note="en_US.UTF-8 could not be generated"
else
    locale_note="en_US.UTF-8 is missing (not root, or no apt-get): the StringNormalizer cases fail for both runners"
fi
[[ -z "$locale_note" ]] || echo "note: $locale_note" >&2

step "Swift: ort (release, scratch $scratch)"
if [[ $skip_build -eq 0 ]]; then
    swift build -c release --enable-all-traits --package-path "$root" --scratch-path "$scratch" --product ort
fi
ort="$scratch/release/ort"
[[ -x "$ort" ]] || { echo "error: $ort was not built" >&2; exit 1; }

step "Running the cases"
for folder in "${folders[@]}"; do
    echo "-- $folder: ort conformance"
    "$ort" conformance "$work/data/$folder" ${filter[@]+"${filter[@]}"} --report "$work/reports/swift-$folder.json" \
        > "$work/reports/swift-$folder.log" 2>&1 || { echo "error: ort conformance crashed, see $work/reports/swift-$folder.log" >&2; tail -5 "$work/reports/swift-$folder.log" >&2; exit 1; }
    tail -n 1 "$work/reports/swift-$folder.log"
    echo "-- $folder: Python onnxruntime"
    "$python" "$root/scripts/conformance_python.py" "$work/data/$folder" ${filter[@]+"${filter[@]}"} \
        --report "$work/reports/python-$folder.json" > "$work/reports/python-$folder.log" 2>&1 ||
        { echo "error: conformance_python.py crashed, see $work/reports/python-$folder.log" >&2; tail -5 "$work/reports/python-$folder.log" >&2; exit 1; }
    tail -n 1 "$work/reports/python-$folder.log"
done

step "CONFORMANCE.md"
status=0
"$python" "$root/scripts/conformance_python.py" compare --reports "$work/reports" --folders "${folders[@]}" \
    --out "$root/CONFORMANCE.md" --elapsed "$((SECONDS - started))" --onnx "$ONNX_VERSION" \
    --locale-note "$locale_note" || status=$?
echo "script time: $((SECONDS - started)) s"
exit "$status"
