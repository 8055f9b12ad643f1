"""Stand-ins for the parts of Synapse that a source tree without its Rust extension cannot import.

Used only when the adapter imports Synapse from a source tree (MXM_SYNAPSE_SRC), such as the
`synapse/` package of a release tarball, which has no compiled `synapse.synapse_rust` and no
installed package metadata. An installed Synapse (pip or venv, with its extension) needs none of
this, and install() is then not called.

Each stand-in is the smallest thing that lets the modules of the federation receive path import
(synapse.events, synapse.event_auth, synapse.events.utils, synapse.crypto.event_signing,
synapse.federation.federation_base). None of them decides anything the adapter reports: the
only one that behaves at all on the receive path is assert_params_in_dict (below), and the
adapter's header lists it among the pieces it restates.

Nothing here is Synapse's code; every stand-in is written from the attribute names the imported
modules use.
"""

import enum
import os
import sys
import types


def _module(name, **attrs):
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    mod.__mxm_standin__ = True
    sys.modules[name] = mod
    return mod


class EventInternalMetadata:
    """Stand-in for synapse.synapse_rust.events.EventInternalMetadata (Rust in 1.150.0).

    Why: synapse/events/__init__.py imports it at module level and gives every event one. The
    receive path only reads and sets plain flags on it (outlier, soft_failed, redacted,
    policy_server_spammy, recheck_redaction, stream_ordering, instance_name) and copies its
    dict (events/utils.py prune_event), so attributes with the Rust class's defaults suffice.
    """

    def __init__(self, internal_metadata_dict):
        self._dict = dict(internal_metadata_dict)
        self.stream_ordering = None
        self.instance_name = None
        self.outlier = bool(self._dict.get("outlier", False))
        self.out_of_band_membership = bool(self._dict.get("out_of_band_membership", False))
        self.soft_failed = bool(self._dict.get("soft_failed", False))
        self.redacted = bool(self._dict.get("redacted", False))
        self.recheck_redaction = bool(self._dict.get("recheck_redaction", False))
        self.proactively_send = bool(self._dict.get("proactively_send", True))
        self.policy_server_spammy = bool(self._dict.get("policy_server_spammy", False))

    def get_dict(self):
        return dict(self._dict)

    def copy(self):
        return EventInternalMetadata(self._dict)

    def is_outlier(self):
        return self.outlier

    def is_out_of_band_membership(self):
        return self.out_of_band_membership

    def is_soft_failed(self):
        return self.soft_failed

    def is_redacted(self):
        return self.redacted

    def need_to_check_redaction(self):
        return self.recheck_redaction

    def should_proactively_send(self):
        return self.proactively_send

    def get_send_on_behalf_of(self):
        return self._dict.get("send_on_behalf_of")


class EventRedactBehaviour(enum.Enum):
    """Stand-in for synapse.storage.databases.main.events_worker.EventRedactBehaviour.

    Why: synapse/event_auth.py imports it only to pass `as_is` to the event store; the real
    module imports the whole database layer (and pydantic 2, which Debian bookworm lacks).
    """

    as_is = enum.auto()
    redact = enum.auto()
    block = enum.auto()


class Keyring:
    """Stand-in for the class synapse.crypto.keyring.Keyring.

    Why: synapse/federation/federation_base.py imports Keyring only as a type annotation; the
    real module imports the key store (the database layer). The adapter passes its own key
    lookup (KeyLookup in synapse_adapter.py, documented there) to _check_sigs_on_pdu.
    """


class RoomPolicyHandler:
    """Stand-in for synapse.handlers.room_policy.RoomPolicyHandler.

    Why: federation_base.py imports it as a type annotation; the real module needs an HTTP
    client. The adapter gives FederationBase an object that answers "allowed", which is what
    the real handler answers for a room without a policy server (no corpus room has one).
    """


def assert_params_in_dict(body, required):
    """Stand-in for synapse.http.servlet.assert_params_in_dict.

    Why: event_from_pdu_json (federation_base.py) calls it to require `type` and `depth`; the
    real module (synapse/http/servlet.py) imports the HTTP server, which imports the whole
    homeserver configuration and pydantic 2. This one raises the same error (SynapseError 400,
    M_MISSING_PARAM) when a key is absent, and nothing else.
    """
    from synapse.api.errors import Codes, SynapseError  # real Synapse class

    absent = [k for k in required if k not in body]
    if absent:
        raise SynapseError(400, "Missing params: %r" % absent, Codes.MISSING_PARAM)


def check_requirements(extra=None):
    """Stand-in for synapse.util.check_dependencies.check_requirements.

    Why: synapse/config/cache.py (imported by synapse.util.caches, which synapse.events needs
    for intern_dict) imports check_dependencies, whose module body reads the installed
    `matrix-synapse` package metadata; a source tree has none. The adapter runs no server, so
    there is nothing to check.
    """
    del extra


def install(src):
    """Make `import synapse...` load the tree `src`/synapse with the stand-ins above."""
    pkg_dir = os.path.join(src, "synapse")
    if not os.path.isfile(os.path.join(pkg_dir, "event_auth.py")):
        raise ImportError("MXM_SYNAPSE_SRC=%s has no synapse/event_auth.py" % src)
    sys.dont_write_bytecode = True  # the tree may be read-only (CI)
    # synapse/util/__init__.py asks the package metadata for the version string unless this
    # is set; a source tree has no metadata. Read the version from the tree's pyproject.toml.
    if "SYNAPSE_VERSION_STRING" not in os.environ:
        os.environ["SYNAPSE_VERSION_STRING"] = tree_version(src) or "unknown"

    # The package itself without synapse/__init__.py. Why: that file imports Pillow, checks
    # the Rust extension's digest (synapse.util.rust) and the Python dependencies; the receive
    # path needs none of it. Its one effect that matters, teaching canonicaljson to encode
    # immutabledict, only applies to frozen events, which Synapse builds only when
    # SYNAPSE_USE_FROZEN_DICTS is set (the adapter leaves it unset).
    pkg = _module("synapse")
    pkg.__path__ = [pkg_dir]
    pkg.__file__ = os.path.join(pkg_dir, "__init__.py")
    rust = _module("synapse.synapse_rust")
    rust.__path__ = []
    _module("synapse.synapse_rust.events", EventInternalMetadata=EventInternalMetadata)
    _module("synapse.util.check_dependencies", check_requirements=check_requirements)
    # Why: synapse/event_auth.py imports only CREATE_KEY from synapse.state, whose module body
    # imports the replication HTTP servlets and with them the whole server.
    _module("synapse.state", CREATE_KEY=("m.room.create", ""))
    _module("synapse.storage.databases.main.events_worker",
            EventRedactBehaviour=EventRedactBehaviour)
    _module("synapse.crypto.keyring", Keyring=Keyring)
    _module("synapse.handlers.room_policy", RoomPolicyHandler=RoomPolicyHandler)
    _module("synapse.http.servlet", assert_params_in_dict=assert_params_in_dict)


def tree_version(src):
    """The `version = "..."` of the [tool.poetry] or [project] table of src/pyproject.toml."""
    try:
        with open(os.path.join(src, "pyproject.toml"), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("version") and "=" in line:
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        return None
    return None
