#!/usr/bin/env python3
"""Every module a target imports is declared in Package.swift: its Swift files' imports must be the target's own
dependencies (targets or products, which here are named as their modules) or modules of the toolchain.

Usage: scripts/check-imports.py   (reads `swift package describe --type json`; exits 1 and lists what is missing)"""
import json
import os
import re
import subprocess
import sys

TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin",
             "Synchronization", "Testing", "XCTest", "PackagePlugin", "_Concurrency", "Observation", "os"}
IMPORT = re.compile(r"^\s*(?:@[\w(: ,)]+\s+)*(?:public |package |internal |private |fileprivate )?import\s+"
                    r"(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
description = json.loads(subprocess.run(["swift", "package", "--enable-all-traits", "describe", "--type", "json"], cwd=root, check=True,
                                        capture_output=True, text=True).stdout)
problems = []
for target in description["targets"]:
    declared = set(target.get("target_dependencies", [])) | set(target.get("product_dependencies", []))
    path = os.path.join(root, target["path"])
    for folder, _, files in os.walk(path):
        for name in files:
            if not name.endswith(".swift"):
                continue
            file = os.path.join(folder, name)
            with open(file, encoding="utf-8") as handle:
                for module in IMPORT.findall(handle.read()):
                    if module not in declared and module not in TOOLCHAIN and module != target["name"]:
                        problems.append(f"{os.path.relpath(file, root)}: imports {module}, which {target['name']} "
                                        "does not declare")
for problem in sorted(set(problems)):
    print(problem)
print(f"check-imports: {len(description['targets'])} targets, {len(set(problems))} undeclared imports")
sys.exit(1 if problems else 0)
