#!/usr/bin/env python3
"""Compare one real implementation's `mxm conform` JSON report with its lists.

    check_implementation.py LABEL REPORT.json EXPECTED_ERRORS.json [--update]

Used by the tests of real implementations (test_synapse.sh, test_matrix_nio.sh,
test_matrix_js_sdk.sh, through lib.sh check_implementation). Fails (exit 1) on a FAIL or an
XPASS in the report (the expected-failures file was given to the run), on an ERROR of a case
that EXPECTED_ERRORS.json does not list, and on a listed error that no longer happens.
EXPECTED_ERRORS.json is {"entries": [{"file", "tcId", "roomVersions", LABEL: message}]}; a
transition case has no room version and is listed with the era it ran at ("v1.3").
--update rewrites it from the report instead of comparing errors (after a deliberate change:
the message of each entry is the adapter's reason, for review in the diff). Standard library
only.
"""

import json
import sys


def case_key(c):
    version = c.get("roomVersion") or c.get("specRelease") or ""
    return (c["file"], c["tcId"], version)


def version_order(v):
    return (0, int(v), "") if v.isdigit() else (1, 0, v)


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] != "--update"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    label, report, xerr_path = argv[1:4]
    update = len(argv) == 5
    cases, summary = [], None
    with open(report, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if "summary" in o:
                summary = o["summary"]
            else:
                cases.append(o)
    if summary is None:
        print("%s: no summary line in %s" % (label, report))
        return 1
    bad = [c for c in cases if c["outcome"] in ("FAIL", "XPASS")]
    for c in bad:
        print("%s %s#%s %s: %s (expected %s, got %s)" % (
            c["outcome"], c["file"], c["tcId"], c.get("roomVersion") or c.get("specRelease"),
            c.get("message", ""), c.get("expected"), c.get("actual")))
    errors = {case_key(c): c.get("message", "") for c in cases if c["outcome"] == "ERROR"}
    with open(xerr_path, encoding="utf-8") as f:
        doc = json.load(f)
    listed = {(e["file"], e["tcId"], v) for e in doc["entries"] for v in e["roomVersions"]}
    new = sorted(set(errors) - listed)
    gone = sorted(listed - set(errors))
    if update:
        by = {}
        for (f, t, v), msg in sorted(errors.items(),
                                     key=lambda x: (x[0][0], x[0][1], version_order(x[0][2]))):
            entry = by.setdefault((f, t), {"versions": [], "msg": msg.replace(
                "the implementation could not decide: ", "").replace(
                "the implementation could not classify: ", "")})
            entry["versions"].append(v)
        doc["entries"] = [{"file": f, "tcId": t, "roomVersions": e["versions"], label: e["msg"]}
                          for (f, t), e in by.items()]
        with open(xerr_path, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=2, ensure_ascii=False)
            out.write("\n")
        print("rewrote %s: %d entries" % (xerr_path, len(doc["entries"])))
    else:
        for k in new:
            print("NEW ERROR %s#%s %s: %s" % (k[0], k[1], k[2], errors[k]))
        for k in gone:
            print("LISTED ERROR GONE %s#%s %s (remove it from %s)" % (k + (xerr_path,)))
    print("%s: %d passed, %d failed, %d xfail, %d xpass, %d errors, %d skipped" % (
        label, summary["passed"], summary["failed"], summary["expectedFailures"],
        summary["unexpectedPasses"], summary["errors"], summary["skipped"]))
    return 1 if bad or (not update and (new or gone)) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
