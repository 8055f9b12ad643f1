#!/usr/bin/python3
"""mxm adapter for matrix-nio: runs nio's own sync processing on each transition request.

    mxm conform --adapter '/usr/bin/python3 conformance/adapters/matrix-nio/nio_adapter.py'

Speaks conformance/PROTOCOL.md (mxm_adapter 1) on standard input and output; logs go to
standard error. Run it with Debian's /usr/bin/python3, which sees Debian's python3-matrix-nio
(scripts/setup.sh, MXM_SETUP_CLIENTS=1). No nio to import: a message on standard error and
exit status 3 before the hello, so a test can tell "absent" from "broken".

What it runs, per `transition` request {era, from, to, self, profile_changed}
----------------------------------------------------------------------------
A client sees a membership change as two /sync responses, and that is what nio is given:

 1. A first sync body: rooms.join["!room:example.org"].state holds the room's create event,
    the joins of @alice:example.org (the room's creator) and of the observing user
    @observer:example.org (whose client this is: a third party, so the room stays in
    rooms.join whatever happens to the target), and, unless `from` is `none`, the target
    @bob:example.org's prior member event: event_id, sender (Bob for join, knock and leave,
    Alice for invite and ban, as FORMAT.md's compact state does), state_key, content
    {membership, displayname "Bob"}.
 2. A second sync body: the new member event in rooms.join[...].timeline: a full event with
    event_id, sender (Bob when `self`, else Alice), state_key Bob, content {membership: to,
    displayname "Bob", or "Bob B." for join -> join with profile_changed}, and
    unsigned.prev_content = the prior event's content (absent when `from` is `none`, as a
    server sends a first member event).
 Each body goes through nio.responses.SyncResponse.from_dict (nio's own schema validation and
 event parsing) and nio.client.Client.receive_response, the sans-I/O client's entry point for
 a sync: Client._handle_sync -> _handle_joined_rooms -> _handle_joined_state and
 _handle_timeline_event -> nio.rooms.MatrixRoom.handle_membership (add_member,
 remove_member). Nothing of nio is restated or replaced.

What the mapping observes
-------------------------
nio's conclusion is its room model: after each sync the target is in MatrixRoom.users or not,
in MatrixRoom.invited_users or not, with MatrixUser.display_name and avatar_url. So nio's view
of Bob is `joined` (membership join), `invited` (membership invite) or `absent`: not a member,
which in nio means leave, ban, knock or no member event alike (MatrixRoom.handle_membership
removes a banned member exactly as one who left, and ignores a knock). The outcome is read
from the view after the first sync and after the second, by what the views mean, never by
what the request asked:

    invited -> invited   no_change (still invited)
    invited -> joined    joined_room (the invite was accepted)
    absent  -> joined    joined (from leave; from ban or knock the cell is "Must never happen.")
    joined  -> joined    profile_changed when display_name or avatar_url changed,
                         profile_unchanged otherwise

What it cannot observe (the answer is then `error`, with nio's view in the reason)
------------------------------------------------------------------------------------
* anything -> absent: remove_member keeps nothing of the event, so nio cannot tell leave
  from ban (nor, for `absent -> absent`, from knock, or from no change), nor who sent a leave
  (rejected / revoked, left / kicked, retracted / denied).
* absent -> invited: nio never recorded a knock, so it cannot tell a new invitation from an
  accepted knock.
* "Must never happen." cells (join -> invite, join -> knock, ban -> invite, ban -> join,
  ban -> knock, knock -> join in the v1.3 table) are answered `error` whatever nio does:
  the m.room.member schema's table says "how clients and servers must interpret" each
  change, and these cells give no interpretation, only that a server never produces the
  change, so a client has nothing to name (the MustNeverHappen note of
  conformance/cases/transitions_test.json records this decision for client adapters).
* Any other pair of views (for example joined -> invited) names no cell: `error`.
* Eras: the hello declares spec releases v1.3 to v1.19, the era of today's table. The r0
  table ("Not implemented." for every knock cell: knock was a reserved word in r0.x) and the
  v1.1 table (invite -> knock "Must never happen.") describe texts no current client follows;
  those cases are skipped, counted.
* The cell text is not answered: nio has no text for a change.
"""

import copy
import os
import sys

ADAPTER_NAME = "nio_adapter.py"
EXIT_NO_NIO = 3
ROOM = "!room:example.org"
ALICE = "@alice:example.org"
BOB = "@bob:example.org"
OBSERVER = "@observer:example.org"
MEMBERSHIPS = ("invite", "join", "leave", "ban", "knock")
# The v1.3 table's "Must never happen." cells (matrix-spec
# data/event-schemas/schema/m.room.member.yaml), from -> to.
MUST_NEVER_HAPPEN = {("join", "invite"), ("join", "knock"), ("ban", "invite"), ("ban", "join"),
                     ("ban", "knock"), ("knock", "join")}
# What a pair of nio views (before, after) means; joined -> joined is read from the profile.
VIEW_OUTCOMES = {("invited", "invited"): "no_change", ("invited", "joined"): "joined_room",
                 ("absent", "joined"): "joined"}


class CannotDecide(Exception):
    """Answer {"error": ...}: nio cannot express the distinction the case asks about."""


def member_event(event_id, sender, membership, displayname, ts, prev_content=None):
    content = {"membership": membership, "displayname": displayname}
    event = {"type": "m.room.member", "event_id": event_id, "sender": sender,
             "state_key": BOB, "content": content, "origin_server_ts": ts,
             "unsigned": {"age": 1}}
    if prev_content is not None:
        event["unsigned"]["prev_content"] = copy.deepcopy(prev_content)
    return event


def sync_body(batch, state=(), timeline=()):
    """A /sync response body with one joined room (client-server API GET /sync)."""
    room = {"state": {"events": list(state)},
            "timeline": {"events": list(timeline), "limited": False, "prev_batch": "p" + batch},
            "ephemeral": {"events": []}, "account_data": {"events": []},
            "summary": {}, "unread_notifications": {}}
    return {"next_batch": batch, "rooms": {"join": {ROOM: room}, "invite": {}, "leave": {}},
            "presence": {"events": []}, "account_data": {"events": []},
            "to_device": {"events": []}, "device_lists": {"changed": [], "left": []},
            "device_one_time_keys_count": {}}


def syncs(frm, to, is_self, profile_changed):
    """The two sync bodies of a transition request (see the header)."""
    state = [
        {"type": "m.room.create", "event_id": "$create:example.org", "sender": ALICE,
         "state_key": "", "content": {"creator": ALICE, "room_version": "10"},
         "origin_server_ts": 1000, "unsigned": {"age": 1}},
        {"type": "m.room.member", "event_id": "$alice:example.org", "sender": ALICE,
         "state_key": ALICE, "content": {"membership": "join"}, "origin_server_ts": 2000,
         "unsigned": {"age": 1}},
        {"type": "m.room.member", "event_id": "$observer:example.org", "sender": OBSERVER,
         "state_key": OBSERVER, "content": {"membership": "join"}, "origin_server_ts": 3000,
         "unsigned": {"age": 1}},
    ]
    prev_content = None
    if frm != "none":
        prior = member_event("$prior:example.org", ALICE if frm in ("invite", "ban") else BOB,
                             frm, "Bob", 4000)
        state.append(prior)
        prev_content = prior["content"]
    name = "Bob B." if frm == "join" and to == "join" and profile_changed else "Bob"
    new = member_event("$new:example.org", BOB if is_self else ALICE, to, name, 5000,
                       prev_content)
    return sync_body("s1", state=state), sync_body("s2", timeline=[new])


class Nio:
    def __init__(self):
        import importlib.metadata
        from nio import Client, ClientConfig, SyncResponse
        self.Client, self.ClientConfig, self.SyncResponse = Client, ClientConfig, SyncResponse
        self.version = importlib.metadata.version("matrix-nio")

    def view(self, client):
        """nio's view of Bob: (joined | invited | absent, display_name, avatar_url)."""
        room = client.rooms.get(ROOM)
        if room is None:
            raise CannotDecide("nio has no joined room %s after the sync" % ROOM)
        user = room.users.get(BOB)
        if user is None:
            state = "invited" if BOB in room.invited_users else "absent"
            return (state, None, None)
        state = "invited" if BOB in room.invited_users or user.invited else "joined"
        return (state, user.display_name, user.avatar_url)

    def observe(self, frm, to, is_self, profile_changed):
        client = self.Client(OBSERVER, "MXMNIO", store_path="",
                             config=self.ClientConfig(store=None, encryption_enabled=False))
        client.user_id = OBSERVER
        views = []
        for body in syncs(frm, to, is_self, profile_changed):
            response = self.SyncResponse.from_dict(body)
            if not isinstance(response, self.SyncResponse):
                raise CannotDecide("nio refused the sync body: %s" %
                                   getattr(response, "message", type(response).__name__))
            client.receive_response(response)
            views.append(self.view(client))
        return views

    def classify(self, era, frm, to, is_self, profile_changed):
        if era != "v1.3":
            raise CannotDecide("follows the v1.3 era's table only (hello spec_releases)")
        if frm not in MEMBERSHIPS + ("none",) or to not in MEMBERSHIPS:
            raise CannotDecide("unknown membership change %r -> %r" % (frm, to))
        before, after = self.observe(frm, to, is_self, profile_changed)
        seen = "nio's view of the target: %s -> %s" % (before[0], after[0])
        if (frm, to) in MUST_NEVER_HAPPEN:
            raise CannotDecide("the table says %s -> %s must never happen, which gives a client "
                               "nothing to name (not a client duty); %s" % (frm, to, seen))
        if after[0] == "absent":
            raise CannotDecide("nio %s keeps nothing of an event that removes a member "
                               "(MatrixRoom.remove_member): not leave or ban, not its sender; %s"
                               % (self.version, seen))
        if (before[0], after[0]) == ("absent", "invited"):
            raise CannotDecide("nio %s never records a knock (MatrixRoom.handle_membership ignores "
                               "it), so a new invitation and an accepted knock look alike; %s"
                               % (self.version, seen))
        if (before[0], after[0]) == ("joined", "joined"):
            changed = before[1:] != after[1:]
            return "profile_changed" if changed else "profile_unchanged"
        outcome = VIEW_OUTCOMES.get((before[0], after[0]))
        if outcome is None:
            raise CannotDecide("%s names no cell of the table" % seen)
        return outcome

    def answer(self, request):
        rid = request.get("id")
        try:
            if request.get("type") != "transition":
                raise CannotDecide("%r is not a layer this adapter answers (transition only)"
                                   % request.get("type"))
            outcome = self.classify(request.get("era"), request.get("from"), request.get("to"),
                                    bool(request.get("self")),
                                    bool(request.get("profile_changed")))
            return {"id": rid, "outcome": outcome}
        except CannotDecide as exc:
            return {"id": rid, "error": str(exc)}
        except Exception as exc:  # a failure inside nio is reported, never turned into an outcome
            sys.stderr.write("%s: %r: %s: %s\n" % (ADAPTER_NAME, rid, type(exc).__name__, exc))
            return {"id": rid, "error": "nio raised %s: %s" % (type(exc).__name__, exc)}


def main(argv):
    if len(argv) > 1:
        out = sys.stdout if argv[1] in ("-h", "--help") else sys.stderr
        out.write(__doc__.split("\nWhat the mapping observes")[0].strip() + "\n\n"
                  "Exit codes: 0 end of input; 3 matrix-nio cannot be imported. "
                  "Takes no options.\n")
        return 0 if out is sys.stdout else 2
    try:
        nio = Nio()
    except Exception as exc:  # ImportError, or no package metadata
        sys.stderr.write("%s: cannot import matrix-nio (%s: %s); install Debian's "
                         "python3-matrix-nio (MXM_SETUP_CLIENTS=1 bash scripts/setup.sh) and run "
                         "this with /usr/bin/python3\n" % (ADAPTER_NAME, type(exc).__name__, exc))
        return EXIT_NO_NIO
    hello = {
        "mxm_adapter": 1,
        "name": "matrix-nio %s (%s)" % (nio.version, ADAPTER_NAME),
        "room_versions": [str(v) for v in range(1, 13)],
        "layers": ["transition"],
        "spec_releases": {"from": "v1.3", "to": "v1.19"},
        "reports_rules": False,
    }
    # The protocol loop is the skeleton adapter's (conformance/adapters/skeleton.py serve()).
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import skeleton  # noqa: E402
    return skeleton.serve(hello, nio.answer)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
