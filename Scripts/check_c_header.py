#!/usr/bin/env python3
"""Checks that the hand-written C header and the built library agree.

The compiler checks each function's types: the Swift implementation imports include/minibatchgd.h
and defines every exported function with `@c @implementation`, which fails to build when its
signature differs from the header's declaration. What it cannot see is a declaration left without
an implementation (a C program would fail only when it links) or a function exported without a
declaration. This script checks both, by comparing the prototypes the header declares with the
`mbgd_` symbols the shared library exports, and that each declaration is implemented as
`@c @implementation`, by name, in Sources/MiniBatchGDC. It also checks the version macros against
the implementation's.

Usage: check_c_header.py include/minibatchgd.h path/to/libminibatchgd.so Sources/MiniBatchGDC
"""
import pathlib
import re
import subprocess
import sys


def declarations(header: str) -> dict:
    """Function name -> normalized prototype, from the header without its comments."""
    text = re.sub(r"/\*.*?\*/", " ", header, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"#[^\n]*", " ", text)
    found = {}
    for match in re.finditer(r"([A-Za-z_][A-Za-z0-9_ \*]*?)\b(mbgd_[a-z0-9_]+)\s*\(([^;{}]*?)\)\s*;", text):
        result, name, parameters = match.groups()
        if "typedef" in result or "(*" in parameters and name == "mbgd_progress_callback":
            continue
        prototype = " ".join(f"{result.strip()} {name}({parameters.strip()})".split())
        found[name] = prototype
    return found


def exported(library: str) -> set:
    output = subprocess.run(["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in output.splitlines() if line.split() and line.split()[-1].startswith("mbgd_")}


def implemented(sources: pathlib.Path) -> set:
    names = set()
    for path in sources.glob("*.swift"):
        names.update(re.findall(r"@c\s+@implementation\s+public\s+func\s+(mbgd_[a-z0-9_]+)", path.read_text()))
    return names


def main() -> int:
    header_path, library, sources = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    header = pathlib.Path(header_path).read_text()
    declared = declarations(header)
    symbols = exported(library)
    swift = implemented(sources)
    problems = []
    for name in sorted(set(declared) - symbols):
        problems.append(f"declared in {header_path} but not exported by {library}: {declared[name]}")
    for name in sorted(symbols - set(declared)):
        problems.append(f"exported by {library} but not declared in {header_path}: {name}")
    for name in sorted(set(declared) - swift):
        problems.append(f"declared but not defined with @c @implementation in {sources}: {name}")
    version = re.search(r'#define MBGD_VERSION "([^"]+)"', header).group(1)
    number = int(re.search(r"#define MBGD_VERSION_NUMBER (\d+)", header).group(1))
    major, minor, patch = (int(part) for part in version.split("."))
    if number != major * 1_000_000 + minor * 1000 + patch:
        problems.append(f"MBGD_VERSION_NUMBER {number} does not encode MBGD_VERSION {version}")
    library_source = (sources / "Library.swift").read_text()
    if f'static let text: StaticString = "{version}"' not in library_source or f"static let number: Int32 = {number}" not in library_source:
        problems.append(f"Sources/MiniBatchGDC/Library.swift's Version differs from the header's {version} ({number})")
    for problem in problems:
        print(f"check_c_header: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_c_header: {len(declared)} functions declared, exported and implemented alike; version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
