#!/usr/bin/env python3
"""Checks, without a Docker engine, that each Dockerfile's cached dependency stage can load the
Cargo workspace: cargo reads every member's manifest, so each Dockerfile that runs cargo must
COPY every member's Cargo.toml before it does (a crate added to the workspace but not to the
Dockerfiles breaks both images). Exits 1 with the missing lines."""

import pathlib
import re
import sys
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
members = tomllib.loads((root / "Cargo.toml").read_text())["workspace"]["members"]
missing = []
for dockerfile in sorted((root / "deploy").glob("*.Dockerfile")):
    text = dockerfile.read_text()
    # The first command that loads the workspace.
    found = re.search(r"cargo (build|fetch)\b", text)
    if not found:
        continue
    first_cargo = found.start()
    before = text[:first_cargo]
    for member in members:
        if not re.search(rf"^COPY {re.escape(member)}/Cargo\.toml {re.escape(member)}/\s*$", before, re.M):
            missing.append(f"{dockerfile.relative_to(root)}: COPY {member}/Cargo.toml {member}/")
if missing:
    print("workspace members missing from a Dockerfile's dependency stage:", *missing, sep="\n  ")
    sys.exit(1)
print(f"every Dockerfile that runs cargo copies all {len(members)} workspace manifests first")
