#!/usr/bin/env python3
"""Fails unless the Swift code blocks of the DocC article Getting Started are, word for word, the
files of the package Examples/GettingStarted, which `make getting-started` builds and runs: so the
article compiles as written and cannot drift from what is tested.

A block whose first line is `// swift-tools-version…` is Package.swift; one whose first line is
`// Sources/….swift` starts that file; any other Swift block continues the file before it. A file
is its blocks joined by one blank line, and every Swift file of the package must come from the
article. Run from the repository's root: python3 Scripts/check_getting_started.py"""
import difflib
import os
import re
import sys

ARTICLE = "Sources/MiniBatchGD/MiniBatchGD.docc/GettingStarted.md"
PACKAGE = "Examples/GettingStarted"


def swift_blocks(text):
    """The contents of the article's ```swift fences, in order."""
    blocks, current = [], None
    for line in text.split("\n"):
        if current is None:
            if line.strip() == "```swift":
                current = []
        elif line.strip() == "```":
            blocks.append("\n".join(current))
            current = None
        else:
            current.append(line)
    if current is not None:
        sys.exit(f"{ARTICLE}: a ```swift block is not closed")
    return blocks


def files_from(blocks):
    """Each file's path in the package and its blocks."""
    files, order, path = {}, [], None
    for number, block in enumerate(blocks, 1):
        first = block.split("\n", 1)[0]
        named = re.fullmatch(r"// (Sources/\S+\.swift)", first)
        if first.startswith("// swift-tools-version"):
            path = "Package.swift"
        elif named:
            path = named.group(1)
        elif path is None:
            sys.exit(f"{ARTICLE}: Swift block {number} belongs to no file: start it with '// Sources/<target>/<file>.swift'")
        else:
            files[path].append(block)
            continue
        if path in files:
            sys.exit(f"{ARTICLE}: Swift block {number} starts {path} a second time")
        files[path] = [block]
        order.append(path)
    return {path: "\n\n".join(files[path]) + "\n" for path in order}


def main():
    with open(ARTICLE, encoding="utf-8") as handle:
        expected = files_from(swift_blocks(handle.read()))
    present = set()
    for folder, _, names in os.walk(PACKAGE):
        for name in names:
            if name.endswith(".swift"):
                present.add(os.path.relpath(os.path.join(folder, name), PACKAGE))
    failures = []
    for path in sorted(present - set(expected)):
        failures.append(f"{PACKAGE}/{path} is not in {ARTICLE}")
    for path, text in expected.items():
        full = os.path.join(PACKAGE, path)
        if not os.path.exists(full):
            failures.append(f"{ARTICLE} has {path}, which {PACKAGE} lacks")
            continue
        with open(full, encoding="utf-8") as handle:
            actual = handle.read()
        if actual != text:
            diff = difflib.unified_diff(
                actual.splitlines(keepends=True), text.splitlines(keepends=True), f"{full}", f"{ARTICLE} ({path})")
            failures.append(f"{full} differs from the article's blocks:\n" + "".join(diff))
    for failure in failures:
        print(failure)
    if failures:
        return 1
    print(f"getting started: the article's Swift blocks are {PACKAGE}'s {len(expected)} files, word for word")
    return 0


if __name__ == "__main__":
    sys.exit(main())
