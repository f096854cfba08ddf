#!/usr/bin/env python3
"""Checks frontend/style.css for unbalanced braces and for a rule opened inside another rule.

The stylesheet uses no CSS nesting, so a selector inside a plain rule means a closing brace
went missing (a merge once dropped two, and every rule after them was silently ignored by the
browser: the page kept working, only its looks broke). Comments and strings are skipped.
"""
import re
import sys
from pathlib import Path

path = Path(__file__).resolve().parent.parent / "frontend" / "style.css"
text = path.read_text()
# Blank out comments and strings, keeping line numbers.
text = re.sub(r"/\*.*?\*/|\"[^\"]*\"|'[^']*'", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)

stack = []  # (line, the text before the brace)
errors = []
line = 1
start = 0
for i, ch in enumerate(text):
    if ch == "\n":
        line += 1
    elif ch == "{":
        head = text[start:i].strip()
        if stack and not stack[-1][1].startswith("@"):
            errors.append(f"line {line}: '{head}' opens inside '{stack[-1][1]}' (line {stack[-1][0]}): a missing '}}'?")
        stack.append((line, head))
        start = i + 1
    elif ch == "}":
        if not stack:
            errors.append(f"line {line}: '}}' closes nothing")
        else:
            stack.pop()
        start = i + 1
    elif ch == ";":
        start = i + 1
for opened, head in stack:
    errors.append(f"line {opened}: '{head}' is never closed")

if errors:
    print(f"{path}:", *errors, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"{path.name}: braces balanced, no rule inside a rule")
