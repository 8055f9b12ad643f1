#!/usr/bin/env python3
"""fuzz/gen_case_seeds.py: seeds of fuzz_case_loader from the conformance corpus.

  python3 fuzz/gen_case_seeds.py conformance/cases corpus/fuzz_case_loader

Whole case files are 30-400 KB and take about a second to run; a fuzzer wants small inputs.
Each seed is one group of one case file with only its first test (numberOfTests fixed, only
the notes its flags use), so every group kind (auth, api, sequence, transition) and state shape appears.
Deterministic; re-run and diff to check the committed seeds.
"""
import json
import os
import sys

def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if not name.endswith("_test.json"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            doc = json.load(f)
        for gi, group in enumerate(doc.get("testGroups", [])):
            tests = group.get("tests", [])[:1]
            if not tests:
                continue
            seed = dict(doc)
            seed["testGroups"] = [dict(group, tests=tests)]
            seed["numberOfTests"] = 1
            used = set(tests[0].get("flags", []))
            for step in tests[0].get("steps", []):
                used.update(step.get("flags", []))
            seed["notes"] = {k: v for k, v in doc.get("notes", {}).items() if k in used}
            text = json.dumps(seed, ensure_ascii=False, indent=1)
            with open(os.path.join(dst, "%s-g%02d" % (name[:-10], gi)), "w", encoding="utf-8") as out:
                out.write(text)

if __name__ == "__main__":
    main()
