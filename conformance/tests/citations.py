#!/usr/bin/env python3
"""Citations across the source tree: every one names something a reader can open.

Usage: citations.py ROOT

1. No file names a source outside the repository and the spec: no private notes
   ("digest §x", "divergences.md", "house style"), no helper or team names.
2. Every reference to a document of this repository with an anchor
   (`mxm conformance/NOTES.md#x`, `conformance/NOTES.md#x`, `NOTES.md#x`) names a
   file that exists and a heading of it (GitHub's anchor for the heading).

Prints one line per problem as FILE:LINE: message; exits 1 if there is any.
"""
import os
import re
import sys

SKIP_DIRS = {".git", "build", "node_modules", "__pycache__"}
# Files that hold the forbidden phrases on purpose: the lint's own list and its
# planted findings.
EXEMPT = {"conformance/runner/lint_cite.c", "conformance/tests/bad/lint_findings_test.json"}
TEXT_EXT = {".c", ".h", ".md", ".json", ".sh", ".py", ".txt", ".cmake", ".yml", ".yaml", ".js", ".in", ""}

UNREACHABLE = re.compile(
    r"digest ?§|digest \d|digest membership|spec digest|divergences\.md|house style"
    r"|\bcore-[ab]\b|/work/shared|shared/spec/|shared/design\.md|shared/style\.md",
    re.I)
DOC_REF = re.compile(r"((?:[\w.-]+/)*[\w.-]+\.md)#([\w-]+)")
# a heading anchor: lowercase, punctuation dropped, spaces to hyphens
def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def headings(path, cache={}):
    if path not in cache:
        anchors = set()
        with open(path, encoding="utf-8") as f:
            fence = False
            for line in f:
                if line.startswith("```"):
                    fence = not fence
                m = re.match(r"#{1,6} (.*)", line)
                if m and not fence:
                    anchors.add(slug(m.group(1)))
        cache[path] = anchors
    return cache[path]


def resolve(root, here, ref):
    """The file a reference names: from the root, else from here, else a NOTES.md
    or FORMAT.md of conformance/ (the short form used inside conformance/)."""
    for cand in (os.path.join(root, ref), os.path.join(os.path.dirname(here), ref),
                 os.path.join(root, "conformance", ref)):
        if os.path.isfile(cand):
            return cand
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    me = os.path.abspath(__file__)
    problems = 0
    files = 0
    refs = 0
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")]
        for n in names:
            p = os.path.join(d, n)
            if os.path.splitext(n)[1] not in TEXT_EXT or os.path.abspath(p) == me:
                continue
            try:
                with open(p, encoding="utf-8") as f:
                    lines = f.read().split("\n")
            except (UnicodeDecodeError, OSError):
                continue
            files += 1
            rel = os.path.relpath(p, root)
            for i, line in enumerate(lines, 1):
                m = UNREACHABLE.search(line) if rel not in EXEMPT else None
                if m:
                    print("%s:%d: cites %r, which a reader's clone does not have" % (rel, i, m.group(0)))
                    problems += 1
                for m in DOC_REF.finditer(line):
                    ref, anchor = m.group(1), m.group(2)
                    if ref.startswith("http") or "/" not in ref and ref not in ("NOTES.md", "FORMAT.md",
                                                                                "PROTOCOL.md", "RULES.md",
                                                                                "README.md", "CHANGELOG.md"):
                        continue
                    refs += 1
                    target = resolve(root, p, ref)
                    if not target:
                        print("%s:%d: %s#%s: no such file" % (rel, i, ref, anchor))
                        problems += 1
                    elif anchor not in headings(target):
                        print("%s:%d: %s#%s: no such heading in %s" % (rel, i, ref, anchor,
                                                                      os.path.relpath(target, root)))
                        problems += 1
    print("citations: %d file(s), %d anchored reference(s), %d problem(s)" % (files, refs, problems),
          file=sys.stderr)
    return 1 if problems or files == 0 or refs == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
