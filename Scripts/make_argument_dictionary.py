#!/usr/bin/env python3
"""A libFuzzer dictionary for the argument fuzzer, from the tool's own description of its
commands (`mbgd --experimental-dump-help` on stdin): every subcommand and option name, every
enumerated value, and the numbers and words that sit at the edges of what options accept.
Written to stdout, so it always matches the commands being fuzzed."""
import json
import sys

EDGES = [
    "0", "-1", "1", "2", "full", "auto", "-", "nan", "inf", "-inf", "1e308", "1e-320", "0.5", "1.0000001",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
    "2147483647", "4294967296", "1,", ",", ",,", "1,full", "\"", "a,\"b, c\"", "\x1b[31m", "--", "=",
]


def walk(command, words):
    words.add(command["commandName"])
    for argument in command.get("arguments", []):
        for name in argument.get("names", []):
            words.add(("--" if name["kind"] == "long" else "-") + name["name"])
        words.update(argument.get("allValueStrings", []) or [])
    for subcommand in command.get("subcommands", []):
        walk(subcommand, words)


def main():
    words = set(EDGES)
    walk(json.load(sys.stdin)["command"], words)
    for word in sorted(words):
        escaped = "".join(chr(b) if 0x20 <= b < 0x7F and chr(b) not in '"\\' else "\\x%02x" % b for b in word.encode())
        print('"%s"' % escaped)
    # The separator between arguments.
    print('"\\x00"')


if __name__ == "__main__":
    main()
