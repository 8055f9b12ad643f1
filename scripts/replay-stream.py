#!/usr/bin/env python3
"""Measure `mxm replay` on a long event stream: does it stream?

    scripts/replay-stream.py [--mxm build/default/bin/mxm] [--events 1000000]
                             [--users 1000] [--messages-only] [--pause 2] [--json]

Feeds a generated room-version-10 stream through a pipe into `mxm replay --room-version 10 -`
and reports, for that one process:
  * time to first result: from the first byte written to the first result line read;
  * results during a pause: the producer writes the first 1,000 events, then stops writing
    (pipe still open) for --pause seconds; a streaming replay prints their results during the
    pause, a replay that reads all its input first prints none;
  * events/s over the whole stream (wall time, so compare runs of the same machine and moment,
    for example this program against an older binary, not absolute numbers);
  * peak RSS (VmHWM) after the first 10% of the stream and at the end: when memory grows with
    the room's state and not with the input, the two are close, since the state is bounded
    (--users members, a few other state events) while the input grows tenfold.

The stream starts from a state file (create, the creator's join, power levels, a public join
rule; --state) and has --events lines alternating between a member event (one of --users users
joins or leaves: the state never holds more than --users members) and an m.room.message from the
creator (not state); all are allowed. --messages-only: every line is a message, so the state
never changes and the peak RSS must not grow at all. Each line is a full event without an event_id (the
reference computes the v10 reference hash).

Run it through /work/coord/heavy on a shared machine. Exit codes: 0 measured; 1 the replay
printed a wrong number of results or failed; 2 usage.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


ALICE = "@alice:example.org"
BASE = {"room_id": "!r:example.org", "prev_events": [], "auth_events": [], "origin_server_ts": 1}


def ev(depth, **kw):
    d = dict(BASE, depth=depth)
    d.update(kw)
    return d


def initial_state():
    return [ev(1, type="m.room.create", sender=ALICE, state_key="", content={"room_version": "10", "creator": ALICE}),
            ev(2, type="m.room.member", sender=ALICE, state_key=ALICE, content={"membership": "join"}),
            ev(3, type="m.room.power_levels", sender=ALICE, state_key="", content={"users": {ALICE: 100}}),
            ev(4, type="m.room.join_rules", sender=ALICE, state_key="", content={"join_rule": "public"})]


def events(n, users, messages_only=False):
    def line(depth, **kw):
        return (json.dumps(ev(depth, **kw), separators=(",", ":")) + "\n").encode()

    joined = set()
    for i in range(n):
        depth = 5 + i
        if i % 2 == 0 and not messages_only:
            u = "@u%d:example.org" % ((i // 2) % users)
            m = "leave" if u in joined else "join"
            (joined.discard if m == "leave" else joined.add)(u)
            yield line(depth, type="m.room.member", sender=u, state_key=u, content={"membership": m})
        else:
            yield line(depth, type="m.room.message", sender=ALICE, content={"msgtype": "m.text", "body": "m%d" % i})


def vm_hwm_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mxm", default=os.path.join(ROOT, "build/default/bin/mxm"))
    ap.add_argument("--events", type=int, default=1000000)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--pause", type=float, default=2.0)
    ap.add_argument("--messages-only", action="store_true", help="no state events after the initial state")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    a = ap.parse_args()
    if a.events < 2000 or a.users < 1 or a.pause <= 0:
        ap.error("--events >= 2000, --users >= 1, --pause > 0")

    state = "/tmp/replay-stream-state-%d.json" % os.getpid()
    with open(state, "w") as f:
        json.dump(initial_state(), f)
    p = subprocess.Popen([a.mxm, "replay", "--room-version", "10", "--state", state, "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, bufsize=0)
    got = {"lines": 0, "first": None, "summary": None}
    lock = threading.Lock()

    def reader():
        for line in p.stdout:
            now = time.monotonic()
            with lock:
                if got["first"] is None:
                    got["first"] = now
                if line.startswith(b'{"summary"'):
                    got["summary"] = json.loads(line)["summary"]
                else:
                    got["lines"] += 1

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    gen = events(a.events, a.users, a.messages_only)
    chunk = []
    t0 = time.monotonic()
    waited = 0.0  # time this program spent waiting on purpose (the pause, the catch-up)
    hwm_early = None
    written = 0
    for line in gen:
        chunk.append(line)
        written += 1
        if written == 1000:
            p.stdin.write(b"".join(chunk))
            chunk = []
            time.sleep(a.pause)
            waited += a.pause
            with lock:
                during_pause = got["lines"]
        elif len(chunk) >= 4096:
            p.stdin.write(b"".join(chunk))
            chunk = []
        if written == a.events // 10 and hwm_early is None:
            p.stdin.write(b"".join(chunk))
            chunk = []
            w0 = time.monotonic()
            deadline = w0 + 10
            while time.monotonic() < deadline:  # let it catch up (a streaming replay does), then read its peak
                with lock:
                    if got["lines"] >= written - 1000:
                        break
                time.sleep(0.01)
            waited += time.monotonic() - w0
            hwm_early = vm_hwm_kib(p.pid)
    if chunk:
        p.stdin.write(b"".join(chunk))
    hwm_end = None
    p.stdin.close()
    # VmHWM just before exit: poll until the summary arrives
    while True:
        h = vm_hwm_kib(p.pid)
        if h is not None:
            hwm_end = h
        with lock:
            if got["summary"] is not None:
                break
        if p.poll() is not None:
            break
        time.sleep(0.01)
    rc = p.wait()
    t.join()
    t1 = time.monotonic()
    os.unlink(state)
    wall = t1 - t0 - waited
    res = {
        "events": a.events,
        "results": got["lines"],
        "exit_code": rc,
        "time_to_first_result_s": None if got["first"] is None else round(got["first"] - t0, 3),
        "results_during_pause_of_first_1000": during_pause,
        "events_per_s": round(a.events / wall) if wall > 0 else None,
        "peak_rss_kib_after_10pct": hwm_early,
        "peak_rss_kib_end": hwm_end,
        "summary": got["summary"],
    }
    if a.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print("%-36s %s" % (k, v))
    ok = got["lines"] == a.events and rc in (0, 1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
