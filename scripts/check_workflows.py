#!/usr/bin/python3
"""scripts/check_workflows.py: the GitHub workflows parse, and each step gives what its action needs.

  /usr/bin/python3 scripts/check_workflows.py [ROOT]      check ROOT/.github/workflows (default .)
  /usr/bin/python3 scripts/check_workflows.py --self-test  plant one fault at a time in a copy of
                                                           the real workflows; each must be caught

Needs Debian's python3-yaml (scripts/setup.sh). Prints one line per problem as FILE: message and
exits 1 if there is any, 2 on a usage error.

What it checks, besides the YAML syntax and the shape every workflow has (name, on, jobs; each
job runs-on and steps; each step exactly one of uses / run, a uses pinned to a ref):
  - the inputs each action requires (the action's own action.yml, or what this project needs of it);
  - ci.yml runs the README's test command (.ci/run) on push and pull_request and uploads the ctest
    JUnit files (CMakePresets.json outputJUnitFile) and the conformance reports;
  - ClusterFuzzLite: language c everywhere; a continuous build (push to main, upload-build: true);
    batch fuzzing comes with a prune task on a schedule; every run with output-sarif: true is
    followed in its job by an upload of cifuzz-sarif/results.sarif, and the job may write
    security-events (permissions: read-all alone forbids it).
"""
import copy
import json
import os
import shutil
import sys
import tempfile

import yaml

CFL = "google/clusterfuzzlite/actions/"
SARIF_FILE = "cifuzz-sarif/results.sarif"
MODES = {"code-change", "batch", "prune", "coverage"}
# inputs an action cannot do without (its action.yml marks them required, or this project's use
# of it depends on them)
REQUIRED_INPUTS = {
    CFL + "build_fuzzers": ["language"],
    CFL + "run_fuzzers": ["github-token", "mode"],
    "github/codeql-action/upload-sarif": ["sarif_file"],
    "actions/upload-artifact": ["name", "path"],
}


def triggers(wf):
    # YAML 1.1 reads the key `on` as the boolean true
    on = wf.get("on", wf.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {k: None for k in on}
    return on if isinstance(on, dict) else {}


def action(step):
    uses = step.get("uses", "")
    return uses.split("@", 1)[0]


def may_write_security_events(wf, job):
    perms = job.get("permissions", wf.get("permissions"))
    if perms == "write-all":
        return True
    return isinstance(perms, dict) and perms.get("security-events") == "write"


def check_workflow(name, wf, problems, seen):
    say = lambda msg: problems.append("%s: %s" % (name, msg))
    if not isinstance(wf, dict):
        say("not a mapping")
        return
    for key in ("name", "jobs"):
        if key not in wf:
            say("no %r" % key)
    on = triggers(wf)
    if not on:
        say("no 'on' triggers")
    jobs = wf.get("jobs") or {}
    if not isinstance(jobs, dict) or not jobs:
        say("no jobs")
        return
    for jname, job in jobs.items():
        where = "job %s" % jname
        if not isinstance(job, dict):
            say("%s: not a mapping" % where)
            continue
        if "runs-on" not in job:
            say("%s: no runs-on" % where)
        steps = job.get("steps")
        if not isinstance(steps, list) or not steps:
            say("%s: no steps" % where)
            continue
        for i, step in enumerate(steps):
            sw = "%s step %d (%s)" % (where, i + 1, step.get("name", step.get("uses", "?")))
            if ("uses" in step) == ("run" in step):
                say("%s: needs exactly one of uses and run" % sw)
                continue
            if "run" in step:
                if ".ci/run" in str(step["run"]):
                    seen["ci_run"].append((name, on))
                continue
            if "@" not in step["uses"]:
                say("%s: %s is not pinned to a ref (@...)" % (sw, step["uses"]))
            a = action(step)
            w = step.get("with") or {}
            for inp in REQUIRED_INPUTS.get(a, []):
                if inp not in w:
                    say("%s: %s needs input %r" % (sw, a, inp))
            if a.startswith(CFL):
                if w.get("language") not in (None, "c"):
                    say("%s: language must be c, not %r" % (sw, w.get("language")))
            if a == CFL + "build_fuzzers" and w.get("upload-build") is True:
                seen["upload_build"].append((name, on))
            if a == CFL + "run_fuzzers":
                mode = w.get("mode")
                if mode not in MODES:
                    say("%s: mode %r is not one of %s" % (sw, mode, sorted(MODES)))
                seen["mode"].append((name, mode, on))
                if "fuzz-seconds" in w and not isinstance(w["fuzz-seconds"], int):
                    say("%s: fuzz-seconds must be an integer" % sw)
                if w.get("output-sarif") is True:
                    later = [s for s in steps[i + 1:] if action(s) == "github/codeql-action/upload-sarif"
                             and (s.get("with") or {}).get("sarif_file") == SARIF_FILE]
                    if not later:
                        say("%s: output-sarif is set but no later step uploads %s" % (sw, SARIF_FILE))
                    if not may_write_security_events(wf, job):
                        say("%s: the SARIF upload needs permissions security-events: write" % where)
            if a == "actions/upload-artifact":
                seen["artifacts"].append((name, str(w.get("path", ""))))


def check_dir(root):
    wdir = os.path.join(root, ".github", "workflows")
    problems = []
    seen = {"ci_run": [], "upload_build": [], "mode": [], "artifacts": []}
    files = sorted(f for f in os.listdir(wdir) if f.endswith((".yml", ".yaml"))) if os.path.isdir(wdir) else []
    if not files:
        return ["%s: no workflow files" % wdir]
    for f in files:
        try:
            with open(os.path.join(wdir, f), encoding="utf-8") as fh:
                wf = yaml.safe_load(fh)
        except yaml.YAMLError as e:
            problems.append("%s: not valid YAML: %s" % (f, str(e).replace("\n", " ")))
            continue
        check_workflow(f, wf, problems, seen)
    # the README's test command on push and pull_request, with its results uploaded
    ci = [(n, on) for n, on in seen["ci_run"] if "push" in on and "pull_request" in on]
    if not ci:
        problems.append("no workflow runs .ci/run (the README's test command) on push and pull_request")
    junit = []
    try:
        with open(os.path.join(root, "CMakePresets.json"), encoding="utf-8") as fh:
            presets = json.load(fh)
        for tp in presets.get("testPresets", []):
            out = (tp.get("output") or {}).get("outputJUnitFile")
            if tp["name"] in ("default", "asan"):
                if not out:
                    problems.append("CMakePresets.json: test preset %s writes no outputJUnitFile" % tp["name"])
                else:
                    junit.append("build/%s/%s" % (tp["name"], out))
    except (OSError, ValueError, KeyError) as e:
        problems.append("CMakePresets.json: %s" % e)
    uploaded = "\n".join(p for n, p in seen["artifacts"] if any(n == c for c, _ in ci))
    for j in junit:
        if j not in uploaded:
            problems.append("the ctest JUnit file %s is not uploaded as an artifact" % j)
    if "reports/" not in uploaded:
        problems.append("the conformance reports (reports/) are not uploaded as an artifact")
    # ClusterFuzzLite: continuous builds, and prune next to batch
    if not any("push" in on and "main" in str(on.get("push")) for n, on in seen["upload_build"]):
        problems.append("no ClusterFuzzLite continuous build (push to main with upload-build: true)")
    modes = {m for _, m, _ in seen["mode"]}
    if "batch" in modes and not any(m == "prune" and "schedule" in on for _, m, on in seen["mode"]):
        problems.append("batch fuzzing without a scheduled prune task (mode: prune)")
    return problems


def self_test(root):
    """Each planted fault must be reported; the real tree must be clean."""
    wdir = os.path.join(root, ".github", "workflows")
    clean = check_dir(root)
    if clean:
        print("\n".join(clean))
        return 1

    def load(f):
        with open(os.path.join(wdir, f), encoding="utf-8") as fh:
            return yaml.safe_load(fh)

    def no_sarif_upload(wf):
        for job in wf["jobs"].values():
            job["steps"] = [s for s in job["steps"] if action(s) != "github/codeql-action/upload-sarif"]

    def read_all_only(wf):
        for job in wf["jobs"].values():
            job.pop("permissions", None)

    def no_upload_build(wf):
        for job in wf["jobs"].values():
            for s in job["steps"]:
                (s.get("with") or {}).pop("upload-build", None)

    def no_artifact_path(wf):
        for job in wf["jobs"].values():
            for s in job["steps"]:
                if action(s) == "actions/upload-artifact":
                    s["with"].pop("path")

    def no_mode(wf):
        for job in wf["jobs"].values():
            for s in job["steps"]:
                if action(s) == CFL + "run_fuzzers":
                    s["with"].pop("mode")

    def no_pr_trigger(wf):
        on = triggers(wf)
        on.pop("pull_request", None)

    faults = [
        ("cflite_pr.yml", no_sarif_upload, "no later step uploads"),
        ("cflite_batch.yml", read_all_only, "security-events: write"),
        ("cflite_build.yml", no_upload_build, "continuous build"),
        ("ci.yml", no_artifact_path, "needs input 'path'"),
        ("ci.yml", no_pr_trigger, "on push and pull_request"),
        ("cflite_cron.yml", no_mode, "needs input 'mode'"),
        ("cflite_cron.yml", None, "scheduled prune"),
        ("ci.yml", "syntax", "not valid YAML"),
    ]
    failed = 0
    for f, plant, expect in faults:
        tmp = tempfile.mkdtemp()
        try:
            shutil.copytree(wdir, os.path.join(tmp, ".github", "workflows"))
            shutil.copy(os.path.join(root, "CMakePresets.json"), tmp)
            target = os.path.join(tmp, ".github", "workflows", f)
            if plant is None:
                os.remove(target)
            elif plant == "syntax":
                with open(target, "a", encoding="utf-8") as fh:
                    fh.write("\n  bad: [unclosed\n")
            else:
                wf = copy.deepcopy(load(f))
                plant(wf)
                with open(target, "w", encoding="utf-8") as fh:
                    yaml.safe_dump(wf, fh)
            got = check_dir(tmp)
            ok = any(expect in p for p in got)
            print("%s - %s: %s" % ("ok" if ok else "not ok", f, expect))
            if not ok:
                print("  got: %s" % got)
                failed += 1
        finally:
            shutil.rmtree(tmp)
    return 1 if failed else 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        root = argv[2] if len(argv) > 2 else "."
        return self_test(root)
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    problems = check_dir(argv[1] if len(argv) > 1 else ".")
    for p in problems:
        print(p)
    print("check_workflows: %d problem(s)" % len(problems), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
