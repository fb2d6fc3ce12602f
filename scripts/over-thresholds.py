#!/usr/bin/env python3
"""Lists the functions over cxscan's default thresholds (METRICS.md) in a
JSON report: `cxscan --format=json PATH... | python3 scripts/over-thresholds.py`.
Exits 1 when any is over its warning threshold (error with --errors)."""
import json
import sys

LIMITS = {"ccn": (10, 20), "npath": (200, 1000), "cognitive": (15, 25),
          "max_nesting": (5, None), "params": (7, None), "nloc": (100, None)}


def main():
    errors_only = "--errors" in sys.argv[1:]
    doc = json.load(sys.stdin)
    bad = 0
    for f in doc["files"]:
        for fn in f["functions"]:
            over = []
            for m, (warn, err) in LIMITS.items():
                lim = err if errors_only else warn
                if lim is not None and fn[m] > lim:
                    over.append("%s %d > %d" % (m, fn[m], lim))
            if over:
                bad += 1
                print("%s:%d: %s: %s" % (f["path"], fn["line"], fn["name"], ", ".join(over)))
    print("%d functions over the %s thresholds" % (bad, "error" if errors_only else "warning"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
