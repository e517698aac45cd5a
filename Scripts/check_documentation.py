"""Fails when a public symbol of the MiniBatchGD module has no documentation comment.

Reads the symbol graph that `make docs` emits (.build/symbol-graphs/MiniBatchGD.symbols.json).
Symbols the compiler synthesizes (Hashable, RawRepresentable and Codable conformances) have no
source location and are skipped; everything written in the sources must carry a `///` comment.
"""
import json
import sys

def main(path):
    with open(path) as f:
        graph = json.load(f)
    missing = []
    for symbol in graph["symbols"]:
        if symbol.get("accessLevel") not in ("public", "open") or "location" not in symbol:
            continue
        lines = symbol.get("docComment", {}).get("lines", [])
        if not any(line.get("text", "").strip() for line in lines):
            location = symbol["location"]
            file = location["uri"].split("/Sources/", 1)[-1]
            missing.append(f"Sources/{file}:{location['position']['line'] + 1}: "
                           f"{symbol['kind']['displayName'].lower()} {'.'.join(symbol['pathComponents'])} has no documentation comment")
    for line in sorted(missing):
        print(line)
    if missing:
        print(f"{len(missing)} public symbols undocumented", file=sys.stderr)
        return 1
    print(f"documentation: every one of the public symbols written in the sources is documented")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
