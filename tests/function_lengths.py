"""Fails when a function in the C++ files under DIR is longer than LIMIT lines.

usage: python3 function_lengths.py LIMIT DIR
A function, in ns-3's style, opens with '{' alone at column 0 and closes with '}' alone at
column 0; its length counts the lines from its signature's first line to the closing brace.
"""
import pathlib
import sys

limit, root = int(sys.argv[1]), pathlib.Path(sys.argv[2])
too_long = []
for path in sorted(root.rglob("*.cc")):
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        if line != "{" or lines[i - 1].startswith(("namespace", "class", "struct", "enum", "union", "extern")):
            continue
        start = i - 1
        while start > 0 and lines[start - 1].strip() and not lines[start - 1].startswith(("}", "//", "#", "namespace")):
            start -= 1  # the signature (return type on the line above, as ns-3 writes it)
        end = next(j for j in range(i + 1, len(lines)) if lines[j] == "}")
        length = end - start + 1
        if length > limit:
            too_long.append(f"{path.relative_to(root)}:{start + 1}: {lines[start].strip()} ... {length} lines")
for entry in too_long:
    print(entry)
print(f"{len(too_long)} functions over {limit} lines")
sys.exit(1 if too_long else 0)
