#!/usr/bin/env python3
"""Checks that every setting of the stack can be set, and is documented, in one place:

- every environment variable the service reads (clap's `env = "..."` in
  signaling/src/config.rs) is named in .env.example and set in a compose file;
- every ${VAR} a compose file interpolates has its own line in .env.example (`VAR=` or the
  commented `#VAR=`), whose value, when commented out, is the compose file's default;
- every {$VAR} the Caddyfile reads is named in .env.example;
- every setting line in .env.example is used by a compose file (no stale documentation).

A setting added to the service but not to the stack, or the reverse, fails here rather than
being impossible to set with `docker compose`. Plain text matching, no YAML parser: stock
Debian's python3 has none. Exits 1 with what is missing."""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent

# Variables of the service that the stack leaves unset on purpose, and why.
NOT_IN_COMPOSE = {
    "DUET_STATIC_DIR": "Caddy (web) serves the app; the service only answers /ws and /healthz",
}
# Setting lines of .env.example that compose itself reads, not a service.
READ_BY_COMPOSE = {"COMPOSE_FILE"}

config_rs = (root / "signaling/src/config.rs").read_text()
env_example = (root / ".env.example").read_text()
caddyfile = (root / "deploy/Caddyfile").read_text()
compose_files = sorted(root.glob("docker-compose*.yml"))
compose = {path.name: path.read_text() for path in compose_files}

service_vars = sorted(set(re.findall(r'\benv\s*=\s*"([A-Z][A-Z0-9_]*)"', config_rs)))
# `KEY: value` under a service's `environment:` (the only mapping whose keys are DUET_*).
compose_keys = {key for text in compose.values() for key in re.findall(r"^\s+([A-Z][A-Z0-9_]*):", text, re.M)}
# ${VAR}, ${VAR:-default}, ${VAR:?message}, and the default when there is one.
interpolations = [
    (name, match[1], match[2], match[3])
    for name, text in compose.items()
    for match in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}", text)
]
caddy_vars = sorted(set(re.findall(r"\{\$([A-Za-z_][A-Za-z0-9_]*)", caddyfile)))
# `VAR=value` or `#VAR=value`: a line someone can set (commented: the default).
setting_lines = dict(re.findall(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", env_example, re.M))
mentioned = set(re.findall(r"\b([A-Z][A-Z0-9_]+)\b", env_example))

problems = []
if not service_vars:
    problems.append('signaling/src/config.rs: no `env = "..."` found (has the file moved?)')
for var in service_vars:
    if var not in mentioned:
        problems.append(f".env.example: {var} (read by the service) is not documented")
    if var not in compose_keys and var not in NOT_IN_COMPOSE:
        problems.append(f"docker-compose*.yml: {var} (read by the service) cannot be set")
interpolated = set()
for file, var, operator, default in interpolations:
    interpolated.add(var)
    if var not in setting_lines:
        problems.append(f".env.example: no `{var}=` line, but {file} reads ${{{var}}}")
        continue
    documented = setting_lines[var]
    commented = re.search(rf"^#{re.escape(var)}=", env_example, re.M)
    if operator == ":-" and commented and documented != default:
        problems.append(
            f".env.example: #{var}={documented} is not {file}'s default ({default!r})"
        )
for var in caddy_vars:
    if var not in mentioned:
        problems.append(f".env.example: {var} (read by deploy/Caddyfile) is not documented")
for var in setting_lines:
    if var not in interpolated and var not in READ_BY_COMPOSE:
        problems.append(f".env.example: {var}= is not read by any docker-compose*.yml")
if problems:
    print("settings out of step between the service, compose and .env.example:", *problems, sep="\n  ")
    sys.exit(1)
print(
    f"all {len(service_vars)} service variables, {len(interpolated)} compose variables and "
    f"{len(caddy_vars)} Caddyfile variables are settable and documented in .env.example"
)
