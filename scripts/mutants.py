#!/usr/bin/env python3
"""scripts/mutants.py: mutation testing of ref/src (run it through scripts/mutants.sh).

Each mutant is one small source edit of one ref/src file. It is applied to a copy of the tree
(never to the tree itself), the copy is rebuilt, and the mutant is run against the corpus (the
in-process reference, `mxm conform`) and then against the unit and CLI tests (ctest). The first
check that fails kills the mutant; the rest are not run. See `--help` for the operators, the
statuses and the exit codes.

Standard library only.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = "ref/src"
DEFAULT_FILES = [
    # rule files
    "auth_member.c", "auth_general.c", "auth.c", "auth_sig.c", "transition.c", "version.c",
    "api.c", "state.c",
    # encoding and parsing
    "canonical.c", "redact.c", "event.c", "json_in.c",
]
RULE_FILES = DEFAULT_FILES[:8]
EQUIVALENT_FILE = "ref/tests/mutants-equivalent.txt"
CTEST_REGEX = r"^(unit|cli)\."

HELP_EPILOG = """\
operators (each mutant changes one token or one statement; line numbers never move):
  rel        < <= > >= == != replaced: < by <=, <= by <, > by >=, >= by >, == by !=, != by ==
  logic      && by ||, || by &&
  negate     if(C) by if(!(C)); a unary ! removed
  guard      if(C) by if(0): the guarded statement is deleted
  stmt       an expression statement (call, assignment, increment, break, continue, goto)
             replaced by an empty statement
  outcome    rule outcomes swapped: MXMI_FIRES/MXMI_NO, MXM_ALLOW/MXM_REJECT (and the
             tables' A/R), MXM_SIG_VALID/MXM_SIG_INVALID
  const      an integer constant N by N+1 and by N-1 (also in #define bodies and tables)
  member     a membership enum (MXM_MEMBERSHIP_*, the tables' I/J/L/B/K) by the next one
  release    a spec release (MXM_SPEC_R0, MXM_SPEC_V1_N) by the one before and the one
             after: moves the ends of the spec-edit table's rows and every release test
  literal    a string literal without spaces or '%%' (key lists of the redaction tables,
             spec-edit ids, rule ids, JSON pointers, citations, event types, JSON keys;
             also inside #define bodies) changed by appending '~': the key, row or id no
             longer matches
  Lines of comments, #include/#if lines and static_assert lines are not mutated; error
  message texts (literals with spaces or '%%') are not mutated.

what runs per mutant, in a copy of the tree configured once (gcc -O1 -fsanitize=leak, no -g,
no -Werror, no fuzzers): the mutated file's object is deleted and rebuilt with the library and mxm;
the object must differ from the unmutated build's (else: compiler-equivalent); then
`mxm conform` (the corpus, in process, %ds limit), then `mxm conform --lint` (the corpus
against the reference's rule table); if both pass, the unit tests are built and `ctest -R '%s' -j1 --timeout %d --stop-on-failure` runs.

statuses: killed (by "corpus", "corpus-timeout", "corpus-leak", "corpus-lint" or "ctest:<test>",
  with " (leak)" when LeakSanitizer failed the test); survived;
  equivalent (a survivor listed in %s with its reason);
  compiler-equivalent (object code identical to the unmutated build's);
  stillborn (does not compile).
  score = killed / (killed + survived); equivalent, compiler-equivalent and stillborn
  mutants are left out of it and reported separately.

exit codes:
  0  the run finished and the report was written (and --fail-under, if given, was met)
  1  the run finished, but a score is below --fail-under
  2  usage error (bad option, unknown --file, unreadable --rerun report)
  3  the unmutated copy does not build, or fails the corpus or ctest: nothing can be measured
  4  internal error: a mutant could not be applied (its text was not found where expected),
     or a report could not be written
  130, 143  interrupted (SIGINT, SIGTERM): no report

full run (all mutants of the default files):   scripts/mutants.sh --jobs 1
the sampled run behind the figures:             scripts/mutants.sh --max 480 --seed 1 --jobs 1
rerun only the survivors of an earlier report:  scripts/mutants.sh --rerun OLD.json
"""

# ---------------------------------------------------------------------------------------------
# Tokenizer

TOKEN_RE = re.compile(r"""
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])*')
  | (?P<number>0[xX][0-9a-fA-F]+[uUlL]*|[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?[fFlL]?|[0-9]+(?:[eE][+-]?[0-9]+)?[uUlLfF]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|/=|%=|&=|\|=|\^=|\.\.\.|[{}()\[\];,.<>!~?:=+\-*/%&|^#\\])
  | (?P<space>\s+)
""", re.S | re.X)


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line


def tokenize(text):
    toks, pos, line = [], 0, 1
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:  # a stray character: keep it as punctuation
            toks.append(Tok("punct", text[pos], pos, pos + 1, line))
            pos += 1
            continue
        kind = m.lastgroup
        if kind not in ("comment", "space"):
            toks.append(Tok(kind, m.group(), m.start(), m.end(), line))
        line += m.group().count("\n")
        pos = m.end()
    return toks


def excluded_lines(text):
    """Line numbers (1-based) never mutated: #include, #if/#ifdef/#ifndef/#elif/#error/#pragma
    lines and static_assert lines (and their continuations)."""
    out, lines = set(), text.split("\n")
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        start = i
        if re.match(r"#\s*(include|if|ifdef|ifndef|elif|error|pragma|undef)\b", s) or s.startswith("static_assert"):
            # through the end of the statement / continued directive
            while i < len(lines) - 1 and (lines[i].rstrip().endswith("\\") or
                                          (s.startswith("static_assert") and not lines[i].rstrip().endswith(";"))):
                i += 1
            out.update(range(start + 1, i + 2))
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Mutant generation

REL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
LOGIC = {"&&": "||", "||": "&&"}
OUTCOME = {"MXMI_FIRES": "MXMI_NO", "MXMI_NO": "MXMI_FIRES", "MXM_ALLOW": "MXM_REJECT",
           "MXM_REJECT": "MXM_ALLOW", "MXM_SIG_VALID": "MXM_SIG_INVALID", "MXM_SIG_INVALID": "MXM_SIG_VALID"}
TABLE_OUTCOME = {"A": "R", "R": "A"}
MEMBERSHIPS = ["MXM_MEMBERSHIP_INVITE", "MXM_MEMBERSHIP_JOIN", "MXM_MEMBERSHIP_LEAVE",
               "MXM_MEMBERSHIP_BAN", "MXM_MEMBERSHIP_KNOCK"]
TABLE_MEMBERSHIPS = ["I", "J", "L", "B", "K"]
RELEASES = ["MXM_SPEC_R0"] + ["MXM_SPEC_V1_%d" % i for i in range(1, 20)]
DECL_START = {"const", "static", "struct", "enum", "union", "unsigned", "signed", "int", "long", "short",
              "char", "double", "float", "void", "size_t", "int64_t", "uint64_t", "int32_t", "uint32_t",
              "uint8_t", "uint16_t", "int16_t", "bool", "va_list", "typedef", "register", "volatile"}
STMT_KEYWORDS = {"return", "if", "else", "for", "while", "do", "switch", "case", "default", "sizeof"}


class Mutant:
    def __init__(self, file, start, end, repl, op, line, text):
        self.file, self.start, self.end, self.repl, self.op, self.line = file, start, end, repl, op, line
        self.orig = text[start:end]
        # A stable id that does not depend on line numbers: the file, the operator, the source
        # line's text, the column in it and the replacement. Survives edits elsewhere in the file.
        ls = text.rfind("\n", 0, start) + 1
        le = text.find("\n", start)
        le = len(text) if le < 0 else le
        self.col = start - ls + 1
        self.line_text = text[ls:le]
        h = hashlib.sha1(("%s\0%s\0%s\0%d\0%s" % (file, op, self.line_text.strip(), start - ls,
                                                   repl)).encode()).hexdigest()[:10]
        self.id = "%s@%s" % (file, h)

    def describe(self):
        o = self.orig if len(self.orig) <= 60 else self.orig[:57] + "..."
        r = self.repl if len(self.repl) <= 60 else self.repl[:57] + "..."
        return "%s:%d:%d %s: %r -> %r" % (self.file, self.line, self.col, self.op, o, r)


def matching_paren(toks, i):
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text == "(":
            depth += 1
        elif toks[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def statement_mutants(file, text, toks, skip, add):
    """stmt: expression statements that start a line and end on it."""
    lines = text.split("\n")
    offsets, o = [], 0
    for ln in lines:
        offsets.append(o)
        o += len(ln) + 1
    by_line = {}
    for t in toks:
        by_line.setdefault(t.line, []).append(t)
    for ln, lt in by_line.items():
        if ln in skip or not lt or lt[-1].text != ";":
            continue
        first = lt[0]
        # the statement must start this line (the previous token ends a statement or block, or
        # is the ) of an if/while/for header, or else)
        idx = toks.index(first)
        prev = toks[idx - 1] if idx > 0 else None
        if prev is not None and prev.text not in (";", "{", "}", ")", "else", ":"):
            continue
        if prev is not None and prev.text == ")":
            # only a control header's ), not a function call split over lines
            j = idx - 1
            depth = 0
            while j >= 0:
                if toks[j].text == ")":
                    depth += 1
                elif toks[j].text == "(":
                    depth -= 1
                    if depth == 0:
                        break
                j -= 1
            if j <= 0 or toks[j - 1].text not in ("if", "while", "for"):
                continue
        if prev is not None and prev.text == ":" and (idx < 3 or toks[idx - 3].text != "case") and \
                not (idx >= 2 and toks[idx - 2].text == "default"):
            # a label "name:" or the ternary's ':' (only case/default labels qualify)
            if idx >= 2 and toks[idx - 2].kind == "ident" and (idx < 3 or toks[idx - 3].text in (";", "{", "}")):
                pass
            else:
                continue
        words = [t.text for t in lt]
        if words[0] in STMT_KEYWORDS or words[0] in DECL_START or words[0] == "#":
            continue
        if words[0] == "(" and len(words) > 2 and words[1] == "void" and words[2] == ")":
            continue  # (void)x; only silences a warning
        if words[0] not in ("break", "continue", "goto"):
            if first.kind == "ident" and len(lt) > 1 and lt[1].kind == "ident":
                continue  # a declaration "type name ..."
            if first.kind == "ident" and len(lt) > 2 and lt[1].text == "*" and lt[2].kind == "ident" and \
                    len(lt) > 3 and lt[3].text in ("=", ";", ",", "["):
                continue  # "type *name = ..." (a declaration, not a multiplication statement)
        # balanced on this line
        depth = 0
        for t in lt:
            depth += t.text in "([{" and 1 or 0
            depth -= t.text in ")]}" and 1 or 0
        if depth != 0 or any(t.text in ("{", "}") for t in lt):
            continue
        add(Mutant(file, first.start, lt[-1].end, ";", "stmt", ln, text))


def generate(file, text):
    toks = tokenize(text)
    skip = excluded_lines(text)
    out = []
    seen = set()

    def add(m):
        key = (m.start, m.end, m.repl)
        if key not in seen and m.line not in skip:
            seen.add(key)
            out.append(m)

    for i, t in enumerate(toks):
        if t.line in skip:
            continue
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.kind == "punct":
            if t.text in REL:
                add(Mutant(file, t.start, t.end, REL[t.text], "rel", t.line, text))
            elif t.text in LOGIC:
                add(Mutant(file, t.start, t.end, LOGIC[t.text], "logic", t.line, text))
            elif t.text == "!":
                add(Mutant(file, t.start, t.end, "", "negate", t.line, text))
        elif t.kind == "ident":
            if t.text == "if" and nxt is not None and nxt.text == "(":
                j = matching_paren(toks, i + 1)
                if j > 0 and toks[j].line == t.line:
                    cond = text[nxt.end:toks[j].start]
                    add(Mutant(file, nxt.start, toks[j].end, "(!(%s))" % cond, "negate", t.line, text))
                    add(Mutant(file, nxt.start, toks[j].end, "(0)", "guard", t.line, text))
            elif t.text in OUTCOME:
                add(Mutant(file, t.start, t.end, OUTCOME[t.text], "outcome", t.line, text))
            elif t.text in TABLE_OUTCOME and prev is not None and prev.text == "," and nxt is not None and \
                    nxt.text == ",":
                add(Mutant(file, t.start, t.end, TABLE_OUTCOME[t.text], "outcome", t.line, text))
            elif t.text in MEMBERSHIPS:
                k = MEMBERSHIPS.index(t.text)
                add(Mutant(file, t.start, t.end, MEMBERSHIPS[(k + 1) % len(MEMBERSHIPS)], "member", t.line, text))
            elif t.text in TABLE_MEMBERSHIPS and prev is not None and prev.text == "," and nxt is not None and \
                    nxt.text == ",":
                k = TABLE_MEMBERSHIPS.index(t.text)
                add(Mutant(file, t.start, t.end, TABLE_MEMBERSHIPS[(k + 1) % 5], "member", t.line, text))
            elif t.text in RELEASES:
                k = RELEASES.index(t.text)
                if k > 0:
                    add(Mutant(file, t.start, t.end, RELEASES[k - 1], "release", t.line, text))
                if k + 1 < len(RELEASES):
                    add(Mutant(file, t.start, t.end, RELEASES[k + 1], "release", t.line, text))
        elif t.kind == "number":
            m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)", t.text)
            if not m:
                continue
            body, suffix = m.group(1), m.group(2)
            if body.lower().startswith("0x"):
                v, fmt = int(body, 16), (lambda n, w=len(body) - 2: "0x%0*X" % (w, n))
            elif len(body) > 1 and body.startswith("0"):
                continue  # octal: none in ref/src
            else:
                v, fmt = int(body), (lambda n: "%d" % n)
            if prev is not None and prev.text == "-":
                pass  # -N: N+1 and N-1 still make sense
            for n in (v + 1, v - 1):
                if n < 0:
                    continue
                add(Mutant(file, t.start, t.end, fmt(n) + suffix, "const", t.line, text))
        elif t.kind == "string":
            body = t.text[1:-1]
            if re.search(r"\s|%", body) or "\\" in body:
                continue
            add(Mutant(file, t.start, t.end, '"%s~"' % body, "literal", t.line, text))
    statement_mutants(file, text, toks, skip, add)
    out.sort(key=lambda m: (m.start, m.op, m.repl))
    # identical lines (the same statement twice in a file) give the same id: number the repeats
    count = {}
    for m in out:
        n = count.get(m.id, 0) + 1
        count[m.id] = n
        if n > 1:
            m.id = "%s-%d" % (m.id, n)
    return out


# ---------------------------------------------------------------------------------------------
# Running

def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def run(cmd, cwd, timeout=None, env=None):
    """(returncode, output, timed_out)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           env=env)
        return p.returncode, p.stdout.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if e.stdout else ""
        return -1, out, True


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Copy:
    """One copy of the tree with its own build directory."""

    def __init__(self, work, k, args):
        self.dir = os.path.join(work, "copy%d" % k)
        self.build = os.path.join(self.dir, "build", "mutants")
        self.args = args
        self.unit_targets = None

    def create(self):
        ignore = shutil.ignore_patterns(".git", "build", "__pycache__")
        shutil.copytree(ROOT, self.dir, ignore=ignore, symlinks=True)
        env = dict(os.environ)
        # LeakSanitizer (standalone, cheap: it only intercepts the allocator) so that a mutant
        # that leaks is seen by the corpus run and by every test.
        leak = [] if self.args.no_leak_check else ["-fsanitize=leak"]
        rc, out, _ = run(["cmake", "-S", self.dir, "-B", self.build, "-DCMAKE_BUILD_TYPE=None",
                          "-DCMAKE_C_COMPILER=gcc", "-DCMAKE_C_FLAGS=" + " ".join(["-O1"] + leak),
                          "-DCMAKE_EXE_LINKER_FLAGS=" + " ".join(leak), "-DMXM_WERROR=OFF",
                          "-DMXM_BUILD_FUZZERS=OFF", "-DMXM_COVERAGE=OFF"], self.dir, env=env)
        if rc != 0:
            raise BuildError("configure failed:\n" + out[-3000:])
        self.unit_targets = sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(self.dir, "ref", "tests"))
                                   if f.startswith("test_") and f.endswith(".c"))

    def obj(self, file):
        # The library's sources compile once, as the object library that the shared and the
        # static libmxm are linked from (ref/CMakeLists.txt).
        return os.path.join(self.build, "ref", "CMakeFiles", "mxm_objects.dir", "src", file + ".o")

    def build_targets(self, targets):
        return run(["cmake", "--build", self.build, "-j1", "--target"] + targets, self.dir)

    def build_cli(self):
        return self.build_targets(["mxm_cli"])

    def build_tests(self):
        return self.build_targets(self.unit_targets)

    def corpus(self):
        return run([os.path.join(self.build, "bin", "mxm"), "conform", "--format", "text"], self.dir,
                   timeout=self.args.corpus_timeout)

    def lint(self):
        return run([os.path.join(self.build, "bin", "mxm"), "conform", "--lint"], self.dir,
                   timeout=self.args.corpus_timeout)

    def ctest(self):
        return run(["ctest", "--test-dir", self.build, "-R", CTEST_REGEX, "-j1", "--timeout",
                    str(self.args.test_timeout), "--stop-on-failure", "--output-on-failure"], self.dir,
                   timeout=self.args.test_timeout * 60)

    def path(self, file):
        return os.path.join(self.dir, SRC, file)


class BuildError(Exception):
    pass


def first_failed_test(out):
    m = re.search(r"Test\s+#\d+:\s+(\S+)\s+\.*\s*\*+\s*(Failed|Timeout|Exception|Not Run)", out)
    if m:
        return m.group(1)
    m = re.search(r"Test\s+#\d+:\s+(\S+)\s+\.*\s*(Subprocess|Exception|\*\*\*)", out)
    if m:
        return m.group(1)
    m = re.search(r"^\s*\d+ - (\S+) \(", out, re.M)
    return m.group(1) if m else "unknown"


def baseline(copy, files):
    """The unmutated copy must build and pass every check; returns its objects' hashes."""
    hashes = None
    for what, step in (("does not build", copy.build_cli), ("unit tests do not build", copy.build_tests),
                       ("fails the corpus", copy.corpus), ("fails the corpus lint", copy.lint),
                       ("fails ctest", copy.ctest)):
        rc, out, to = step()
        if rc != 0:
            raise BuildError("the unmutated copy %s (exit %s%s):\n%s" % (what, rc, ", timed out" if to else "",
                                                                        out[-3000:]))
        if hashes is None and step == copy.build_tests:
            hashes = {f: sha256(copy.obj(f)) for f in files}
    return hashes


def run_mutant(copy, m, originals, base_hash):
    path = copy.path(m.file)
    orig = originals[m.file]
    if orig[m.start:m.end] != m.orig:
        raise MutantError("%s: the text %r is not at offset %d" % (m.id, m.orig, m.start))
    mutated = orig[:m.start] + m.repl + orig[m.end:]
    if mutated == orig:
        raise MutantError("%s: the mutant does not change the file" % m.id)
    t0 = time.time()
    res = {"status": None, "killer": None, "detail": ""}
    try:
        with open(path, "w") as f:
            f.write(mutated)
        obj = copy.obj(m.file)
        if os.path.exists(obj):
            os.unlink(obj)  # so the file is recompiled whatever the timestamps say
        rc, out, _ = copy.build_cli()
        if rc != 0:
            res.update(status="stillborn", detail=last_error(out))
        elif not os.path.exists(obj):
            raise MutantError("%s: %s was not rebuilt" % (m.id, obj))
        elif sha256(obj) == base_hash:
            res.update(status="compiler-equivalent", detail="object code identical to the unmutated build's")
        else:
            rc, out, to = copy.corpus()
            if to:
                res.update(status="killed", killer="corpus-timeout")
            elif rc != 0:
                res.update(status="killed", killer="corpus-leak" if "LeakSanitizer" in out else "corpus",
                           detail=first_lines(out, rc))
            elif copy.lint()[0] != 0:
                res.update(status="killed", killer="corpus-lint")
            else:
                rc, out, _ = copy.build_tests()
                if rc != 0:
                    res.update(status="stillborn", detail="unit tests do not build: " + last_error(out))
                else:
                    rc, out, to = copy.ctest()
                    if rc != 0:
                        res.update(status="killed", killer="ctest:" + first_failed_test(out) +
                                   (" (leak)" if "LeakSanitizer" in out else ""))
                    else:
                        res.update(status="survived")
    finally:
        with open(path, "w") as f:
            f.write(orig)
        obj = copy.obj(m.file)
        if os.path.exists(obj):
            os.unlink(obj)
    res["seconds"] = round(time.time() - t0, 2)
    return res


class MutantError(Exception):
    pass


def last_error(out):
    lines = [ln for ln in out.splitlines() if "error" in ln]
    return (lines[0] if lines else out.strip().splitlines()[-1] if out.strip() else "")[:300]


def first_lines(out, rc):
    lines = [ln for ln in out.splitlines() if ln.strip().startswith(("FAIL", "ERROR", "not ok"))]
    return ("exit %d; " % rc + "; ".join(lines[:2]))[:300]


def load_equivalents(path):
    eq = {}
    if not os.path.exists(path):
        return eq
    with open(path) as f:
        for n, ln in enumerate(f, 1):
            s = ln.strip()
            if not s or s.startswith("#"):
                continue
            m = re.match(r"(\S+@[0-9a-f]{10}(?:-[0-9]+)?)\s+(.*)$", s)
            if not m:
                raise SystemExit("mutants.sh: %s:%d: expected 'file.c@id  reason'" % (path, n))
            reason = m.group(2).split("::", 1)[-1].strip()
            if not reason:
                raise SystemExit("mutants.sh: %s:%d: no reason given" % (path, n))
            eq[m.group(1)] = reason
    return eq


def scores(results, files):
    per = {}
    for f in files:
        per[f] = {k: 0 for k in ("mutants", "killed", "survived", "equivalent", "compiler-equivalent", "stillborn",
                                 "killed_by_corpus")}
    for r in results:
        p = per[r["file"]]
        p["mutants"] += 1
        p[r["status"]] += 1
        if r["status"] == "killed" and r["killer"].startswith("corpus"):
            p["killed_by_corpus"] += 1
    for p in per.values():
        den = p["killed"] + p["survived"]
        p["score"] = round(100.0 * p["killed"] / den, 1) if den else None
        p["corpus_score"] = round(100.0 * p["killed_by_corpus"] / den, 1) if den else None
    return per


def group(per, names):
    g = {k: 0 for k in ("mutants", "killed", "survived", "equivalent", "compiler-equivalent", "stillborn",
                        "killed_by_corpus")}
    for f in names:
        if f in per:
            for k in g:
                g[k] += per[f][k]
    den = g["killed"] + g["survived"]
    g["score"] = round(100.0 * g["killed"] / den, 1) if den else None
    g["corpus_score"] = round(100.0 * g["killed_by_corpus"] / den, 1) if den else None
    return g


def main():
    ap = argparse.ArgumentParser(
        prog="scripts/mutants.sh", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Mutation testing of ref/src: how many small wrong versions of the code do the corpus "
                    "and the unit tests catch?",
        epilog=HELP_EPILOG % (60, CTEST_REGEX, 20, EQUIVALENT_FILE))
    ap.add_argument("--file", action="append", default=[],
                    help="a ref/src file to mutate (repeatable, or comma-separated); default: the 12 files "
                         "of the rule engine, canonical JSON, redaction, events and JSON parsing")
    ap.add_argument("--seed", type=int, default=1, help="seed of the --max sample (default 1)")
    ap.add_argument("--max", type=int, default=0, metavar="N",
                    help="run a random sample of N mutants (chosen by --seed) instead of all of them")
    ap.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="mutants built and run at once, each in its own copy of the tree (default 1)")
    ap.add_argument("--op", action="append", default=[], help="only these operators (repeatable)")
    ap.add_argument("--report", default="mutants-report.json", metavar="FILE",
                    help="the JSON report (default mutants-report.json in the current directory)")
    ap.add_argument("--rerun", metavar="REPORT",
                    help="rerun only the mutants that survived in REPORT (same ids), and write a report "
                         "that merges the new results into it")
    ap.add_argument("--rerun-equivalent", action="store_true",
                    help="with --rerun, also run the survivors listed in %s (default: they keep their "
                         "status and are counted as equivalent)" % EQUIVALENT_FILE)
    ap.add_argument("--list", action="store_true", help="list the mutants that would run, and exit")
    ap.add_argument("--keep", action="store_true", help="keep the copies of the tree")
    ap.add_argument("--work", metavar="DIR", help="where the copies go (default: a new temporary directory)")
    ap.add_argument("--no-leak-check", action="store_true",
                    help="build the mutants without LeakSanitizer (a leaking mutant then survives)")
    ap.add_argument("--corpus-timeout", type=int, default=60, metavar="S", help=argparse.SUPPRESS)
    ap.add_argument("--test-timeout", type=int, default=20, metavar="S", help=argparse.SUPPRESS)
    ap.add_argument("--fail-under", type=float, default=None, metavar="PCT",
                    help="exit 1 when a file's score is below PCT")
    args = ap.parse_args()

    files = []
    for f in args.file:
        files += [x.strip() for x in f.split(",") if x.strip()]
    files = [os.path.basename(f) for f in files] or list(DEFAULT_FILES)
    for f in files:
        if not os.path.isfile(os.path.join(ROOT, SRC, f)):
            ap.error("--file %s: no such file in %s" % (f, SRC))
    if args.max < 0 or args.jobs < 1:
        ap.error("--max needs N >= 0 and --jobs N >= 1")
    ops = set(args.op)
    known_ops = {"rel", "logic", "negate", "guard", "stmt", "outcome", "const", "member", "release", "literal"}
    if ops - known_ops:
        ap.error("--op: unknown operator %s" % ", ".join(sorted(ops - known_ops)))

    originals = {}
    mutants = []
    for f in files:
        with open(os.path.join(ROOT, SRC, f)) as fh:
            originals[f] = fh.read()
        mutants += [m for m in generate(f, originals[f]) if not ops or m.op in ops]
    generated = len(mutants)

    previous = None
    if args.rerun:
        try:
            with open(args.rerun) as fh:
                previous = json.load(fh)
            again = {r["id"] for r in previous["mutants"] if r["status"] in ("survived", "equivalent")}
            if not args.rerun_equivalent:
                again -= set(load_equivalents(os.path.join(ROOT, EQUIVALENT_FILE)))
        except (OSError, ValueError, KeyError, TypeError) as e:
            ap.error("--rerun %s: %s" % (args.rerun, e))
        files = list(previous.get("files", files))
        for f in files:
            if f not in originals:
                with open(os.path.join(ROOT, SRC, f)) as fh:
                    originals[f] = fh.read()
                mutants += [m for m in generate(f, originals[f])]
        byid = {m.id: m for m in mutants}
        missing = sorted(again - set(byid))
        mutants = [byid[i] for i in sorted(again & set(byid))]
        if missing:
            log("mutants.sh: %d mutant(s) of %s no longer exist (their line changed): %s" %
                (len(missing), args.rerun, ", ".join(missing)))
    elif args.max and args.max < len(mutants):
        rng = random.Random(args.seed)
        mutants = rng.sample(mutants, args.max)
    mutants.sort(key=lambda m: (files.index(m.file), m.start, m.op, m.repl))

    if args.list:
        for m in mutants:
            print("%s  %s" % (m.id, m.describe()))
        log("mutants.sh: %d of %d mutants" % (len(mutants), generated))
        return 0

    equivalents = load_equivalents(os.path.join(ROOT, EQUIVALENT_FILE))
    work = args.work or tempfile.mkdtemp(prefix="mxm-mutants.")
    os.makedirs(work, exist_ok=True)
    log("mutants.sh: %d mutants of %s (%d generated), %d job(s), copies in %s" %
        (len(mutants), ", ".join(files), generated, args.jobs, work))
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    t_start = time.time()
    copies = [Copy(work, k, args) for k in range(min(args.jobs, max(1, len(mutants))))]
    try:
        try:
            base = None
            for c in copies:
                c.create()
                h = baseline(c, files)
                base = base or h
                if h != base:
                    raise BuildError("two copies of the unmutated tree built different objects")
        except BuildError as e:
            log("mutants.sh: %s" % e)
            return 3

        results = [None] * len(mutants)
        lock = threading.Lock()
        done = [0]
        chunks = [list(range(len(mutants)))[k::1] for k in range(1)]
        if len(copies) > 1:
            # contiguous chunks, so each copy recompiles each file few times
            n = len(mutants)
            size = (n + len(copies) - 1) // len(copies)
            chunks = [list(range(k * size, min(n, (k + 1) * size))) for k in range(len(copies))]

        def worker(copy, idxs):
            for i in idxs:
                m = mutants[i]
                r = run_mutant(copy, m, originals, base[m.file])
                if r["status"] == "survived" and m.id in equivalents:
                    r["status"] = "equivalent"
                    r["detail"] = equivalents[m.id]
                rec = {"id": m.id, "file": m.file, "line": m.line, "col": m.col, "op": m.op, "original": m.orig,
                       "replacement": m.repl, "source": m.line_text.strip(), **r}
                with lock:
                    results[i] = rec
                    done[0] += 1
                    log("[%d/%d] %-52s %s%s (%.1fs)" % (done[0], len(mutants), m.describe()[:52], r["status"],
                                                        " by " + r["killer"] if r["killer"] else "", r["seconds"]))

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(copies)) as ex:
            futs = [ex.submit(worker, copies[k], chunks[k]) for k in range(len(chunks))]
            for fu in futs:
                fu.result()
    except MutantError as e:
        log("mutants.sh: internal error: %s" % e)
        return 4
    finally:
        if args.keep:
            log("mutants.sh: copies kept in %s" % work)
        elif not args.work:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for c in copies:
                shutil.rmtree(c.dir, ignore_errors=True)

    if previous is not None:
        newer = {r["id"]: r for r in results}
        merged = [newer.get(r["id"], r) for r in previous["mutants"]]
        for r in merged:
            # survivors listed as equivalent that were not run again
            if r["id"] not in newer and r["status"] in ("survived", "equivalent") and r["id"] in equivalents:
                r["status"], r["detail"] = "equivalent", equivalents[r["id"]]
        # ids of the old report that no longer exist keep their old result, marked stale
        for r in merged:
            if r["id"] not in newer and r["status"] in ("survived", "equivalent") and r["id"] not in \
                    {m.id for m in mutants}:
                r["stale"] = True
        results = merged
    per = scores(results, files)
    report = {
        "tool": "scripts/mutants.sh", "version": 1, "started": started,
        "seconds": round(time.time() - t_start, 1), "seed": args.seed, "max": args.max, "files": files,
        "generated": generated, "rerun_of": args.rerun, "ctest": CTEST_REGEX,
        "leak_check": not args.no_leak_check,
        "mutants": results, "per_file": per,
        "groups": {"rule files": group(per, RULE_FILES),
                   "canonical.c, redact.c, event.c, json_in.c": group(per, ["canonical.c", "redact.c", "event.c",
                                                                            "json_in.c"]),
                   "all": group(per, files)},
    }
    try:
        tmp = args.report + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(report, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, args.report)
    except OSError as e:
        log("mutants.sh: cannot write %s: %s" % (args.report, e))
        return 4

    print("%-40s %7s %6s %8s %5s %8s %9s %7s %7s" % ("file", "mutants", "killed", "survived", "equiv",
                                                   "cc-equiv", "stillborn", "score", "corpus"))
    fmt = "%-40s %7d %6d %8d %5d %8d %9d %7s %7s"

    def pct(v):
        return "-" if v is None else "%.1f%%" % v

    for f in files:
        p = per[f]
        print(fmt % (f, p["mutants"], p["killed"], p["survived"], p["equivalent"], p["compiler-equivalent"],
                     p["stillborn"], pct(p["score"]), pct(p["corpus_score"])))
    for name, g in report["groups"].items():
        print(fmt % (name, g["mutants"], g["killed"], g["survived"], g["equivalent"], g["compiler-equivalent"],
                     g["stillborn"], pct(g["score"]), pct(g["corpus_score"])))
    surv = [r for r in results if r["status"] == "survived"]
    print("\nsurvivors (%d):" % len(surv))
    for r in surv:
        print("  %s  %s:%d:%d %s: %r -> %r   | %s" % (r["id"], r["file"], r["line"], r["col"], r["op"],
                                                    r["original"][:50], r["replacement"][:50], r["source"][:80]))
    print("report: %s" % args.report)
    if args.fail_under is not None:
        low = [f for f in files if per[f]["score"] is not None and per[f]["score"] < args.fail_under]
        if low:
            log("mutants.sh: below --fail-under %.1f%%: %s" % (args.fail_under, ", ".join(low)))
            return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
