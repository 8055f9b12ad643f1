#!/usr/bin/python3
"""mxm adapter for Synapse: runs Synapse's own federation receive checks on each request.

    mxm conform --adapter '/usr/bin/python3 conformance/adapters/synapse/synapse_adapter.py'

Speaks conformance/PROTOCOL.md (mxm_adapter 1) on standard input and output; logs go to
standard error. Run it with Debian's /usr/bin/python3, which sees the python3-* packages that
scripts/setup.sh installs (MXM_SETUP_SYNAPSE=1); a pyenv or venv python3 does not.

Where Synapse comes from
------------------------
* MXM_SYNAPSE_SRC=DIR: the directory that holds Synapse's `synapse/` package (a source tree,
  for example the package of release 1.150.0, the newest whose room versions and event
  classes are still Python). Such a tree has no compiled Rust extension and no package
  metadata; standins.py (beside this file) provides the few names the receive path imports
  from those, each with the reason. Bytecode is not written (the tree may be read-only).
* otherwise, an installed Synapse (`import synapse` works: pip or venv install, with its
  Rust extension); nothing is stood in then.
No Synapse at all: the adapter prints a message to standard error and exits with status 3
before its hello (so a test can tell "absent" from "broken").

What it runs, per `auth` request, in the order Synapse runs it on a PDU received in a
federation /send transaction (synapse/federation/federation_server.py
FederationServer._handle_pdus_in_txn and _handle_received_pdu, then
synapse/handlers/federation_event.py FederationEventHandler._check_event_auth):

 1. `event_text` is parsed with synapse.util.json.json_decoder, the decoder Synapse parses
    request bodies with (it refuses NaN and Infinity). Not JSON, or not an object: `invalid`
    (Synapse refuses the whole request with M_NOT_JSON).
 2. The room: _handle_pdus_in_txn looks the room up by the PDU's `room_id` and ignores a PDU
    without one, or one for a room it does not know. The adapter knows one room, the one
    the request's state belongs to (its create event's `room_id`; in v12, `!` + the create
    event's ID). A PDU without `room_id` or naming another room: `invalid`. Not for an
    m.room.create event: it starts a room rather than joining one, and reaches a server with
    the room it creates (in a join's auth chain), never as an event of a known room; in v12
    it has no `room_id` at all.
 3. synapse.federation.federation_base.event_from_pdu_json(pdu, room_version): required
    keys, integer depth in range, strict canonical JSON (v6+), the v12 rule that
    auth_events must not name the create event, then synapse.events.make_event_from_dict
    with the room version's RoomVersion. SynapseError: `invalid` (the PDU is ignored).
 4. synapse.federation.federation_base.FederationBase._check_sigs_and_hash: the
    signature of the sender's server (_check_sigs_on_pdu; not for invites made from a
    third-party invite), of the event ID's server in v1/v2, and, for a join with
    `join_authorised_via_users_server` in a room version with restricted joins, of the
    authorising user's server; then synapse.crypto.event_signing.check_event_content_hash.
    InvalidEventSignatureError: `invalid` (FederationError 403, the PDU is dropped). A
    content-hash mismatch is not a refusal in Synapse: it goes on with its redacted copy
    (synapse.events.utils.prune_event), and so does the adapter (the reason says so).
 5. synapse.event_auth.validate_event_for_room_version: size limits and the presence of
    the required signatures. AuthError: `reject` (stored as rejected); EventSizeError with
    unpersistable=True: `invalid` (Synapse raises and drops the PDU); other EventSizeError:
    `reject` (stored as rejected, RejectedReason.OVERSIZED_EVENT).
 6. Only when `check_auth_events` is true (the case tests the auth-events rules):
    synapse.event_auth.check_state_independent_auth_rules with a store that holds the
    request's `state` and `other_events`, then check_state_dependent_auth_rules against
    the events the PDU's auth_events name (Synapse's "auth events" check). AuthError:
    `reject`. For an m.room.create event check_state_independent_auth_rules (which then
    only runs _check_create and needs no store) runs whether or not the flag is set.
 7. synapse.event_auth.check_state_dependent_auth_rules against the room state before the
    event: the current-state events of the types synapse.event_auth.auth_types_for_event
    names for the event, as FederationEventHandler._check_event_auth and _check_for_soft_fail
    select them (the request's state is both the state before the event and the current
    state, so the soft-fail check is the same check). AuthError: `reject`. When
    `check_auth_events` is false this is the only authorisation check: the PDU's own
    auth_events are not looked at (PROTOCOL.md: judge against `state` only).
 8. Otherwise `allow`.

Any other exception (KeyError, TypeError, ... raised inside Synapse) is an `error` answer
naming the exception and the Synapse file, function and line it came from: it is never
turned into a verdict. (In Synapse such an exception makes the PDU fail with "Failed to
handle PDU"; what that means for the room is not an authorisation verdict.)

`sequence` requests run the same steps for each step's event against the state left by the
steps before it: an allowed state event replaces the state entry for its (type, state_key);
a rejected one is kept in the event store with rejected_reason set (as Synapse stores a
rejected event), so a later event that names it in auth_events meets Synapse's own
"rejected auth event" rule; an invalid one is forgotten.

What it restates (small pieces of the server around the checks, not rules):
* KeyLookup: Synapse's Keyring fetches server keys from its database, notary servers or the
  origin; the adapter answers from the request's `server_keys` instead, and treats every
  key as valid at any time (valid_until_ts 2**63, as Synapse does for its own keys). Its
  verify_event_for_server follows Keyring.process_request's contract: no signature by that
  server, or none by a key the request knows, is an error; otherwise signedjson's
  verify_signed_json (the function Keyring.process_json calls) over
  synapse.events.utils.prune_event_dict of the PDU.
* The event store (get_events for check_state_independent_auth_rules) and the state map:
  dicts built from the request's events with make_event_from_dict.
* The order of the steps above (the receive path's control flow), and the sequence
  layer's state update.
* assert_params_in_dict, in standins.py (source-tree mode only).
* FederationBase gets a policy-server handler that allows everything and a spam checker that
  finds no spam: what Synapse's own defaults answer when no policy server or spam-checker
  module is configured.

What it leaves out
------------------
* Layers: `auth` and `sequence`. Not `api`: Synapse's membership API
  (synapse/handlers/room_member.py RoomMemberHandler) needs a running homeserver with a
  database, a federation client and a clock; nothing in it can be run on a request's state
  alone, and a re-implementation would test the adapter, not Synapse. Not `transition`:
  Synapse has no function that classifies a membership change by the spec's table.
* Room versions: every room version of synapse.api.room_versions.KNOWN_ROOM_VERSIONS that
  mxm knows (1 to 12); its experimental ones (MSC3757v10, MSC3757v11, org.matrix.hydra.11)
  are not spec room versions.
* Spec releases: from v1.17 to v1.19. Synapse implements one behaviour per room version,
  not one per spec release, and its auth code follows the newest texts: it requires the
  restricted-join authoriser to be joined (synapse/event_auth.py
  _is_membership_change_allowed calls _check_joined_room; v1.17 text), applies m.federate
  in room versions 6 and 7 (v1.14), selects the authoriser's member event only for joins
  (auth_types_for_event; v1.15), and rejects auth events of another room
  (check_state_independent_auth_rules; v1.16). So it is judged by the v1.17+ texts; a case
  whose range ends before v1.17 (what an older text said) is skipped, not failed. (Its
  client-server /versions endpoint advertises up to v1.12, synapse/rest/client/versions.py,
  but that names the client-server API it serves, not the room rules.)
* Rules are not reported (`reports_rules` is false): Synapse's errors carry messages, not
  rule ids. The reason names the Synapse function that decided and its message.
"""

import json
import os
import sys
import traceback

ADAPTER_NAME = "synapse_adapter.py"
MXM_ROOM_VERSIONS = [str(v) for v in range(1, 13)]
SPEC_RELEASES = {"from": "v1.17", "to": "v1.19"}
EXIT_NO_SYNAPSE = 3


def import_synapse():
    """Import the Synapse modules of the receive path; return (namespace, version, origin)."""
    src = os.environ.get("MXM_SYNAPSE_SRC")
    here = os.path.dirname(os.path.abspath(__file__))
    if src:
        sys.path.insert(0, here)
        import standins  # noqa: E402  (beside this file)
        standins.install(os.path.abspath(src))
        origin = "source tree %s" % src
    else:
        origin = "installed package"
    from synapse.api import errors, room_versions
    from synapse import event_auth, events
    from synapse.events import utils as event_utils
    from synapse.crypto import event_signing
    from synapse.federation import federation_base
    from synapse.util import json as synapse_json
    import synapse.util
    from signedjson.key import decode_verify_key_bytes
    from signedjson.sign import verify_signed_json
    from unpaddedbase64 import decode_base64

    ns = type("Synapse", (), {})()
    ns.errors = errors
    ns.room_versions = room_versions
    ns.event_auth = event_auth
    ns.events = events
    ns.event_utils = event_utils
    ns.event_signing = event_signing
    ns.federation_base = federation_base
    ns.json_decoder = synapse_json.json_decoder
    ns.decode_verify_key_bytes = decode_verify_key_bytes
    ns.verify_signed_json = verify_signed_json
    ns.decode_base64 = decode_base64
    return ns, synapse.util.SYNAPSE_VERSION, origin


class Decided(Exception):
    """A verdict reached before the end of the steps."""

    def __init__(self, verdict, reason):
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


class CannotDecide(Exception):
    """The adapter cannot answer (a request it does not understand, a key it lacks)."""


def run_now(coro):
    """Run a coroutine that never waits (every await in it resolves at once)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise CannotDecide("a Synapse coroutine waited for something (it needs the network?)")


def where(exc):
    """'synapse/event_auth.py _is_membership_change_allowed:123' for the innermost Synapse frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        path = frame.filename.replace(os.sep, "/")
        if "/synapse/" in path and "/conformance/adapters/" not in path:
            rel = path[path.rindex("/synapse/") + 1:]
            return "%s %s:%d" % (rel, frame.name, frame.lineno)
    if frames:
        return "%s %s:%d" % (os.path.basename(frames[-1].filename), frames[-1].name,
                             frames[-1].lineno)
    return "?"


class Adapter:
    def __init__(self, syn):
        self.syn = syn
        ns = syn

        class KeyLookup:
            """The key lookup of Keyring, from the request's server_keys (see the header)."""

            def __init__(self, server_keys):
                self.server_keys = server_keys if isinstance(server_keys, dict) else {}

            async def verify_event_for_server(self, server_name, event, validity_time):
                del validity_time  # request keys never expire
                key_ids = list(event.signatures.get(server_name, {}) or {})
                if not key_ids:
                    raise ns.errors.SynapseError(401, "Not signed by %s" % server_name,
                                                 ns.errors.Codes.UNAUTHORIZED)
                known = self.server_keys.get(server_name)
                known = known if isinstance(known, dict) else {}
                verified = False
                for key_id in key_ids:
                    b64 = known.get(key_id)
                    if not isinstance(b64, str):
                        continue
                    verify_key = ns.decode_verify_key_bytes(key_id, ns.decode_base64(b64))
                    redacted = ns.event_utils.prune_event_dict(event.room_version,
                                                               event.get_pdu_json())
                    try:
                        ns.verify_signed_json(redacted, server_name, verify_key)
                    except Exception as exc:  # signedjson.sign.SignatureVerifyException
                        raise ns.errors.SynapseError(
                            401, "Invalid signature for server %s with key %s: %s"
                            % (server_name, key_id, exc), ns.errors.Codes.UNAUTHORIZED)
                    verified = True
                if not verified:
                    raise ns.errors.SynapseError(
                        401, "Failed to find any key to satisfy %s %s" % (server_name, key_ids),
                        ns.errors.Codes.UNAUTHORIZED)

        class AllowAllPolicy:
            async def is_event_allowed(self, event):
                del event
                return True

        class NoSpam:
            NOT_SPAM = "NOT_SPAM"

            async def check_event_for_spam(self, event):
                del event
                return "NOT_SPAM"

        self.KeyLookup = KeyLookup
        fed = object.__new__(ns.federation_base.FederationBase)
        fed._policy_handler = AllowAllPolicy()
        fed._spam_checker_module_callbacks = NoSpam()
        self.fed = fed

    # ---- building events -------------------------------------------------------------

    def room_version(self, ident):
        if ident not in MXM_ROOM_VERSIONS:
            raise CannotDecide("room version %r is not one this adapter declares" % (ident,))
        rv = self.syn.room_versions.KNOWN_ROOM_VERSIONS.get(ident)
        if rv is None:
            raise CannotDecide("Synapse does not know room version %r" % (ident,))
        return rv

    def known_event(self, pdu, rv, rejected_reason=None):
        """A state or other-room event of the request, as Synapse holds it in its store."""
        return self.syn.events.make_event_from_dict(dict(pdu), rv,
                                                    rejected_reason=rejected_reason)

    # ---- the receive path ------------------------------------------------------------

    def receive(self, rv, room_id, state, store, server_keys, pdu, check_auth_events):
        """Steps 2-8 of the header; returns (verdict, reason, event or None)."""
        syn = self.syn
        errors = syn.errors
        if pdu.get("type") != "m.room.create" and pdu.get("room_id") != room_id:
            raise Decided("invalid", "FederationServer._handle_pdus_in_txn ignores the PDU: "
                          + ("no room_id" if not pdu.get("room_id") else
                             "room_id %r is not a room Synapse knows (the state's room is %r)"
                             % (pdu.get("room_id"), room_id)))
        try:
            event = syn.federation_base.event_from_pdu_json(json.loads(json.dumps(pdu)), rv)
        except errors.SynapseError as exc:
            raise Decided("invalid", "federation_base.event_from_pdu_json: %s" % exc.msg)

        notes = []
        self.fed.keyring = self.KeyLookup(server_keys)
        try:
            checked = run_now(self.fed._check_sigs_and_hash(rv, event))
        except syn.federation_base.InvalidEventSignatureError as exc:
            raise Decided("invalid", "FederationBase._check_sigs_and_hash: %s" % exc)
        if checked is not event:
            notes.append("content hash mismatch: Synapse goes on with its redacted copy")
            event = checked

        try:
            syn.event_auth.validate_event_for_room_version(event)
        except errors.EventSizeError as exc:
            verdict = "invalid" if exc.unpersistable else "reject"
            raise Decided(verdict, "event_auth.validate_event_for_room_version: %s%s"
                          % (exc.msg, " (unpersistable: dropped)" if exc.unpersistable
                             else " (stored as rejected)"))
        except errors.AuthError as exc:
            raise Decided("reject", "event_auth.validate_event_for_room_version: %s" % exc.msg)

        try:
            if check_auth_events or event.type == "m.room.create":
                where_ = "check_state_independent_auth_rules"
                if event.type != "m.room.create":
                    missing = [i for i in event.auth_event_ids() if i not in store.events]
                    if missing:
                        raise CannotDecide(
                            "auth_events names %s, which the request does not hold (Synapse "
                            "would fetch it from the origin)" % ", ".join(missing))
                run_now(syn.event_auth.check_state_independent_auth_rules(store, event))
                if event.type != "m.room.create":
                    where_ = "check_state_dependent_auth_rules (against the PDU's auth_events)"
                    claimed = [store.events[i] for i in set(event.auth_event_ids())]
                    syn.event_auth.check_state_dependent_auth_rules(event, claimed)
            where_ = "check_state_dependent_auth_rules (against the state before the event)"
            auth_types = syn.event_auth.auth_types_for_event(rv, event)
            before = [state[k] for k in auth_types if k in state]
            syn.event_auth.check_state_dependent_auth_rules(event, before)
        except errors.AuthError as exc:
            raise Decided("reject", "event_auth.%s: %s" % (where_, exc.msg))
        return "allow", "; ".join(notes + ["passed every check"]), event

    def decide(self, rv, room_id, state, store, server_keys, request_event, check_auth_events):
        """One event: (verdict, reason, event or None); raises CannotDecide/other."""
        syn = self.syn
        if isinstance(request_event, str):
            try:
                pdu = syn.json_decoder.decode(request_event)
            except ValueError as exc:
                return "invalid", "not JSON for Synapse's json_decoder: %s" % exc, None
            if not isinstance(pdu, dict):
                return "invalid", "the PDU is not a JSON object", None
        elif isinstance(request_event, dict):
            pdu = request_event
        else:
            raise CannotDecide("the request has no event")
        try:
            return self.receive(rv, room_id, state, store, server_keys, pdu, check_auth_events)
        except Decided as d:
            return d.verdict, d.reason, None

    # ---- requests --------------------------------------------------------------------

    def setup(self, request):
        rv = self.room_version(request.get("room_version"))
        store = Store()
        state = {}
        events = request.get("state")
        if not isinstance(events, list):
            raise CannotDecide("`state` is not an array")
        for pdu in events:
            ev = self.known_event(pdu, rv)
            store.events[ev.event_id] = ev
            if ev.is_state():
                state[(ev.type, ev.state_key)] = ev
        for pdu in request.get("other_events") or []:
            ev = self.known_event(pdu, rv)
            store.events[ev.event_id] = ev
        create = state.get(("m.room.create", ""))
        if create is None:
            raise CannotDecide("the state has no m.room.create event")
        room_id = create.room_id  # v12: FrozenEventV4 derives it from the create event's ID
        return rv, room_id, state, store, request.get("server_keys") or {}

    def auth(self, request):
        rv, room_id, state, store, keys = self.setup(request)
        ev = request["event_text"] if "event_text" in request else request.get("event")
        verdict, reason, _ = self.decide(rv, room_id, state, store, keys, ev,
                                         bool(request.get("check_auth_events")))
        return {"verdict": verdict, "reason": reason}

    def sequence(self, request):
        rv, room_id, state, store, keys = self.setup(request)
        steps = request.get("steps")
        if not isinstance(steps, list):
            raise CannotDecide("`steps` is not an array")
        out = []
        for step in steps:
            ev = step.get("event_text") if "event_text" in step else step.get("event")
            try:
                verdict, reason, event = self.decide(rv, room_id, state, store, keys, ev,
                                                     bool(step.get("check_auth_events")))
            except CannotDecide as exc:
                out.append({"error": str(exc)})
                continue
            except Exception as exc:
                out.append({"error": unexpected(exc)})
                continue
            out.append({"verdict": verdict, "reason": reason})
            if verdict == "allow" and event is not None:
                store.events[event.event_id] = event
                if event.is_state():
                    state[(event.type, event.state_key)] = event
            elif verdict == "reject" and isinstance(ev, dict):
                try:
                    rej = self.known_event(ev, rv, rejected_reason="auth_error")
                    store.events[rej.event_id] = rej
                except Exception:
                    pass  # an event Synapse cannot even build is not stored
        return {"steps": out}

    def answer(self, request):
        rid = request.get("id")
        kind = request.get("type")
        try:
            if kind == "auth":
                body = self.auth(request)
            elif kind == "sequence":
                body = self.sequence(request)
            else:
                raise CannotDecide("request type %r is not a layer this adapter declares"
                                   % (kind,))
        except CannotDecide as exc:
            return {"id": rid, "error": str(exc)}
        except Exception as exc:
            return {"id": rid, "error": unexpected(exc)}
        body["id"] = rid
        return body


def unexpected(exc):
    text = "%s raised %s: %s" % (where(exc), type(exc).__name__, exc)
    print("%s: %s" % (ADAPTER_NAME, text), file=sys.stderr)
    return text


class Store:
    """The event store check_state_independent_auth_rules reads (by event ID)."""

    def __init__(self):
        self.events = {}

    async def get_events(self, event_ids, redact_behaviour=None, get_prev_content=False,
                         allow_rejected=False):
        del redact_behaviour, get_prev_content
        return {i: self.events[i] for i in event_ids if i in self.events
                and (allow_rejected or not self.events[i].rejected_reason)}


def main(argv):
    if len(argv) > 1:
        out = sys.stdout if argv[1] in ("-h", "--help") else sys.stderr
        out.write(__doc__.split("\nWhere Synapse comes from")[0].strip() + "\n\n"
                  "Environment: MXM_SYNAPSE_SRC=DIR imports Synapse from DIR/synapse; "
                  "otherwise an installed Synapse.\nExit codes: 0 end of input; "
                  "3 Synapse cannot be imported. Takes no options.\n")
        return 0 if out is sys.stdout else 2
    try:
        syn, version, origin = import_synapse()
    except Exception as exc:  # ImportError and whatever a broken tree raises
        sys.stderr.write("%s: cannot import Synapse (%s: %s); set MXM_SYNAPSE_SRC to the "
                         "directory that holds synapse/, or install Synapse\n"
                         % (ADAPTER_NAME, type(exc).__name__, exc))
        return EXIT_NO_SYNAPSE
    known = syn.room_versions.KNOWN_ROOM_VERSIONS
    # Protocol 1.0 (no "protocol" field): 1.1 adds only the runner's
    # environment, which this adapter does not read, and the client layer,
    # which it does not answer; a 1.0 adapter runs unchanged under a 1.1
    # runner (conformance/PROTOCOL.md section 1).
    hello = {
        "mxm_adapter": 1,
        "name": "Synapse %s (%s, %s)" % (version, ADAPTER_NAME, origin),
        "room_versions": [v for v in MXM_ROOM_VERSIONS if v in known],
        "layers": ["auth", "sequence"],
        "spec_releases": SPEC_RELEASES,
        "reports_rules": False,
    }
    # The protocol loop is the skeleton adapter's (conformance/adapters/skeleton.py serve()).
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import skeleton  # noqa: E402
    return skeleton.serve(hello, Adapter(syn).answer)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
