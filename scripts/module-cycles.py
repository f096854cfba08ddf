#!/usr/bin/env python3
"""Finds modules that import each other in a circle, in every crate of the workspace.

    scripts/module-cycles.py                  # every target of every workspace member
    scripts/module-cycles.py -v               # and every import edge found, to see the layers
    scripts/module-cycles.py --skip PACKAGE   # all but PACKAGE's targets (repeatable)

A module depends on another when its code names it: `use crate::a::X`, `super::X`, `self::b::Y`,
a child module by its name (`b::f()`), in `use` trees and in expressions alike; comments, doc
comments and string literals do not count. A path names the deepest module it reaches
(`crate::a::b::X` names `a::b` when `b` is a module). Declaring a child (`mod b;`) is not a
dependency; naming it is. Inline modules (`mod tests { ... }`) are modules of their own, so a
test module's `use super::*` is an edge to its parent, as it is in the compiler.

Each target (library, binary, test, bench, example) is one crate; its module graph's strongly
connected components with more than one module are the cycles. Each is reported with one
import that closes it per edge (file and line). Exits 1 when there is any, 0 otherwise.

Why not a crate: cargo-modules (`cargo modules dependencies --acyclic`) does this through
rust-analyzer, which it builds (a long compile, and a toolchain-specific binary) and which must
load every dependency's source; this reads the files as text in a second, with Python alone.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(text):
    """`text` with comments, string and char literals blanked out (newlines kept)."""
    out = []
    i, n = 0, len(text)

    def blank(chunk):
        out.append("".join("\n" if c == "\n" else " " for c in chunk))

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(text[i:j])
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(text[i:j])
            i = j
        elif re.match(r'b?r#*"', text[i:i + 260]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(b?r)(#*)"', text[i:])
            if m:
                end = '"' + m.group(2)
                j = text.find(end, i + m.end())
                j = n if j < 0 else j + len(end)
                blank(text[i:j])
                i = j
            else:
                out.append(c)
                i += 1
        elif c == '"' or (c == "b" and text.startswith('b"', i)):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(text[i:j + 1])
            i = j + 1
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}'), or a lifetime ('a) left as it is.
            m = re.match(r"'(\\(u\{[0-9A-Fa-f]+\}|x[0-9A-Fa-f]{2}|.)|[^\\'])'", text[i:])
            if m:
                blank(m.group(0))
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


USE_TOKEN = re.compile(r"::|[{},*]|" + IDENT)


def use_paths(tree):
    """The full paths of a `use` tree: `a::{b::C, d as e}` gives a::b::C and a::d."""
    tokens = USE_TOKEN.findall(tree)
    paths = []

    def parse(k, prefix):
        # One tree at tokens[k]: a path, then `::{...}`, `::*` or `as NAME`. Answers the end.
        parts = list(prefix)
        while k < len(tokens):
            token = tokens[k]
            if token == "{":
                k += 1
                while k < len(tokens) and tokens[k] != "}":
                    k = parse(k, parts)
                    if k < len(tokens) and tokens[k] == ",":
                        k += 1
                return k + 1
            if token == "as":
                paths.append(parts)
                return k + 2
            if token in (",", "}"):
                break
            if token != "::":
                parts.append(token)
            k += 1
        paths.append(parts)
        return k

    parse(0, [])
    return [p for p in paths if p]


class Module:
    """One module: its path below the crate root, its file, and its own code (stripped, with
    inline child modules blanked out, which are modules of their own)."""

    def __init__(self, path, file, line_offset=0):
        self.path = path
        self.file = str(file)
        self.code = ""
        self.line_offset = line_offset
        self.children = {}  # name -> Module, or None for a file not read yet


def parse_file(path_parts, file):
    text = strip(Path(file).read_text(encoding="utf-8"))
    return parse_code(path_parts, file, text, 0)


MOD_DECL = re.compile(r"(?:^|[;{}\]\s])(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*([;{])")


def parse_code(path_parts, file, text, line_offset):
    module = Module(tuple(path_parts), file, line_offset)
    code = list(text)
    inside_until = -1
    for m in MOD_DECL.finditer(text):
        if m.start() < inside_until:
            continue  # declared in an inline module: that module's own child
        name, kind = m.group(1), m.group(2)
        if kind == ";":
            module.children[name] = None  # a file, found by `load`
            continue
        open_at = m.end() - 1
        depth, j = 0, open_at
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        inside_until = j
        lines_before = text.count("\n", 0, open_at + 1)
        module.children[name] = parse_code(
            path_parts + [name], file, text[open_at + 1:j], line_offset + lines_before)
        for k in range(open_at + 1, j):
            if code[k] != "\n":
                code[k] = " "
    module.code = "".join(code)
    return module


def load(root_file):
    """The module tree of the crate rooted at `root_file`: {path tuple: Module}."""
    modules = {}

    def visit(module, children_dir):
        # children_dir: where this module's file children live (a crate root's and a mod.rs's
        # beside it, a `name.rs`'s in `name/`).
        modules[module.path] = module
        for name, child in list(module.children.items()):
            if child is None:
                f = next((c for c in (children_dir / f"{name}.rs", children_dir / name / "mod.rs")
                          if c.is_file()), None)
                if f is None:
                    continue  # for another platform, or generated: nothing to read
                child = parse_file(list(module.path) + [name], f)
                module.children[name] = child
                visit(child, f.parent if f.name == "mod.rs" else f.parent / f.stem)
            else:
                visit(child, children_dir / name)

    root = Path(root_file)
    visit(parse_file([], root), root.parent)
    return modules


def resolve(modules, current, parts):
    """The module a path starting at `current` names, or None (another crate, or an item)."""
    if not parts:
        return None
    head = parts[0]
    if head == "crate":
        base, rest = (), parts[1:]
    elif head in ("super", "self"):
        base, rest = current, parts
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                if not base:
                    return None
                base = base[:-1]
            rest = rest[1:]
    elif head in modules[current].children:
        base, rest = current, parts
    else:
        return None
    target = base
    for name in rest:
        if name == "self":  # `use a::{self, b}`: `a` itself
            continue
        if target + (name,) in modules:
            target = target + (name,)
        else:
            break
    return target


PATH = re.compile(r"(?<![A-Za-z0-9_:$])((?:" + IDENT + r")(?:\s*::\s*" + IDENT + r")+)")
USE = re.compile(r"\buse\s+([^;]+);")


def edges_of(modules):
    """{(from, to): (file, line, text)} for every dependency between two modules."""
    edges = {}
    for path, module in modules.items():
        code = module.code
        found = []
        for m in USE.finditer(code):
            for parts in use_paths(m.group(1)):
                found.append((m.start(), parts))
        blanked = USE.sub(lambda m: " " * len(m.group(0)), code)
        for m in PATH.finditer(blanked):
            parts = [p.strip() for p in m.group(1).split("::")]
            found.append((m.start(), parts))
        for at, parts in found:
            target = resolve(modules, path, parts)
            if target is None or target == path:
                continue
            line = module.line_offset + code.count("\n", 0, at) + 1
            edges.setdefault((path, target), (module.file, line, "::".join(parts)))
    return edges


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    graph = {n: [] for n in nodes}
    for a, b in edges:
        graph[a].append(b)
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            connect(v)
    return found


def a_cycle(component, edges):
    """One closed walk through `component`, shortest from its first module."""
    members = set(component)
    start = min(component)
    following = {}
    for a, b in edges:
        if a in members and b in members:
            following.setdefault(a, []).append(b)
    previous, frontier = {start: None}, [start]
    while frontier:
        ahead = []
        for v in frontier:
            for w in following.get(v, []):
                if w == start:
                    walk = [v]
                    while walk[-1] != start:
                        walk.append(previous[walk[-1]])
                    return list(reversed(walk)) + [start]
                if w not in previous:
                    previous[w] = v
                    ahead.append(w)
        frontier = ahead
    return component + [component[0]]


def name(path):
    return "::".join(path) if path else "crate"


def targets():
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"]))
    for package in meta["packages"]:
        for target in package["targets"]:
            label = f'{package["name"]} ({target["kind"][0]} {target["name"]})'
            yield package["name"], label, target["src_path"]


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    skip = {args[k + 1] for k, a in enumerate(args[:-1]) if a == "--skip"}
    root = Path(__file__).resolve().parent.parent
    failed = False
    for package, label, src in targets():
        if package in skip:
            print(f"{label}: skipped")
            continue
        modules = load(src)
        edges = edges_of(modules)
        found = cycles(list(modules), edges)
        if verbose:
            for (a, b), (file, line, text) in sorted(edges.items()):
                print(f"  {name(a)} -> {name(b)}  ({Path(file).relative_to(root)}:{line} {text})")
        if not found:
            print(f"{label}: {len(modules)} modules, {len(edges)} imports between them, no cycle")
            continue
        failed = True
        print(f"{label}: {len(found)} cycle(s)")
        for component in found:
            walk = a_cycle(component, edges)
            print("  modules in a circle: " + ", ".join(sorted(name(p) for p in component)))
            print("  for one: " + " -> ".join(name(p) for p in walk))
            for a, b in zip(walk, walk[1:]):
                file, line, text = edges[(a, b)]
                print(f"    {name(a)} -> {name(b)}: {Path(file).relative_to(root)}:{line} ({text})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
