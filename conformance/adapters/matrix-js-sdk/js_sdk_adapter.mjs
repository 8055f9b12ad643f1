#!/usr/bin/env node
// mxm adapter for matrix-js-sdk: runs the SDK's own sync loop on each transition request.
//
//     mxm conform --adapter 'node conformance/adapters/matrix-js-sdk/js_sdk_adapter.mjs'
//
// Speaks conformance/PROTOCOL.md (mxm_adapter 1) on standard input and output; everything
// else (the SDK's own logging included) goes to standard error. matrix-js-sdk is the version
// pinned in package.json / package-lock.json beside this file, installed into node_modules/
// here by `npm ci` (scripts/setup.sh, MXM_SETUP_CLIENTS=1); it needs Node 20 or newer. No SDK
// to import: a message on standard error and exit status 3 before the hello, so a test can
// tell "absent" from "broken".
//
// What it runs, per `transition` request {era, from, to, self, profile_changed}
// ---------------------------------------------------------------------------
// A client sees a membership change as two /sync responses, and that is what the SDK gets:
//  1. a first sync body: rooms.join["!room:example.org"].state holds the create event, the
//     joins of @alice:example.org (the creator) and of the observing user
//     @observer:example.org (whose client this is: a third party, so the room stays in
//     rooms.join whatever happens to the target) and, unless `from` is `none`, the target
//     @bob:example.org's prior member event: event_id, sender (Bob for join, knock and leave,
//     Alice for invite and ban, as FORMAT.md's compact state does), state_key, content
//     {membership, displayname "Bob"};
//  2. a second sync body: the new member event in rooms.join[...].timeline: event_id, sender
//     (Bob when `self`, else Alice), state_key Bob, content {membership: to, displayname
//     "Bob", or "Bob B." for join -> join with profile_changed}, and unsigned.prev_content =
//     the prior event's content (absent when `from` is `none`).
// The SDK runs as an application runs it: createClient() with a fetchFn that plays the
// homeserver from memory (/versions, /pushrules, /capabilities, the filter upload, then the two
// sync bodies; a third /sync waits until the client is stopped), then
// MatrixClient.startClient(). So the SDK's own SyncApi.sync -> processSyncResponse ->
// processRoomEvents -> RoomState.setStateEvents -> RoomMember.setMembershipEvent handle the
// events; nothing of the SDK is restated or replaced. The SDK asks for the next /sync only
// once it has processed the previous one, so the view is read when it asks for the second
// (after sync 1) and for the third (after sync 2).
//
// What the mapping observes
// -------------------------
// The SDK's conclusions about the target: Room.getMember(Bob) after each sync (its
// `membership`, `name`, getMxcAvatarUrl()), the RoomMember.membership events it emits while it
// processes sync 2 (each with the old membership it held), the RoomMember.name events, and
// RoomMember.isKicked(), its one named classification of a change. The outcome is read from
// those, by what they mean:
//  * no RoomMember.membership event: the SDK saw no change of membership: join -> join is
//    profile_changed when it emitted RoomMember.name or the avatar changed, profile_unchanged
//    otherwise; any other membership is no_change;
//  * a RoomMember.membership event from old to new (an old membership of undefined, no
//    member before, is read as leave, as the spec reads a missing prev_content):
//      to leave: `kicked` when isKicked() says so, whatever the old membership; otherwise by
//        the old one: join left, invite invite_rejected, knock knock_retracted, ban unbanned,
//        leave no_change;
//      to ban: join kicked_and_banned; invite, leave, knock banned;
//      to join: invite joined_room; leave joined;
//      to invite: leave invited; knock knock_accepted;
//      to knock: invite re_knocking; leave knocking.
//
// What it cannot observe (the answer is then `error`, with the SDK's view in the reason)
// ------------------------------------------------------------------------------------
//  * "Must never happen." cells (join -> invite, join -> knock, ban -> invite, ban -> join,
//    ban -> knock, knock -> join in the v1.3 table) are answered `error` whatever the SDK
//    does: the m.room.member schema's table says "how clients and servers must interpret"
//    each change, and these cells give no interpretation, only that a server never produces
//    the change, so a client has nothing to name (the MustNeverHappen note of
//    conformance/cases/transitions_test.json records this decision for client adapters).
//  * a change the mapping above has no name for, or no member at all: `error`.
//  * Eras: the hello declares spec releases v1.3 to v1.19, the era of today's table; the r0
//    table ("Not implemented." knock cells) and the v1.1 table describe texts no current
//    client follows, so those cases are skipped, counted.
//  * The cell text is not answered: the SDK has no text for a change.

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ADAPTER_NAME = "js_sdk_adapter.mjs";
const EXIT_NO_SDK = 3;
const ROOM = "!room:example.org";
const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";
const OBSERVER = "@observer:example.org";
const MEMBERSHIPS = ["invite", "join", "leave", "ban", "knock"];
// The v1.3 table's "Must never happen." cells (matrix-spec
// data/event-schemas/schema/m.room.member.yaml), "from>to".
const MUST_NEVER_HAPPEN = new Set(["join>invite", "join>knock", "ban>invite", "ban>join", "ban>knock",
                                   "knock>join"]);
// What a membership change the SDK reports (old>new) means, for changes other than to leave.
const CHANGE_OUTCOMES = {
    "join>ban": "kicked_and_banned", "invite>ban": "banned", "leave>ban": "banned", "knock>ban": "banned",
    "invite>join": "joined_room", "leave>join": "joined",
    "leave>invite": "invited", "knock>invite": "knock_accepted",
    "invite>knock": "re_knocking", "leave>knock": "knocking",
};
// A leave the SDK does not call kicked, by the old membership.
const LEAVE_OUTCOMES = {
    join: "left", invite: "invite_rejected", knock: "knock_retracted", ban: "unbanned", leave: "no_change",
};

class CannotDecide extends Error {}

// The SDK logs through console; only protocol lines may reach standard output.
for (const level of ["log", "info", "debug", "warn", "trace"]) console[level] = console.error;

function memberEvent(eventId, sender, membership, displayname, ts, prevContent) {
    const event = {
        type: "m.room.member", event_id: eventId, sender, state_key: BOB,
        content: { membership, displayname }, origin_server_ts: ts, unsigned: { age: 1 },
    };
    if (prevContent) event.unsigned.prev_content = structuredClone(prevContent);
    return event;
}

function syncBody(batch, state, timeline) {
    const room = {
        state: { events: state }, timeline: { events: timeline, limited: false, prev_batch: "p" + batch },
        ephemeral: { events: [] }, account_data: { events: [] }, summary: {}, unread_notifications: {},
    };
    return {
        next_batch: batch, rooms: { join: { [ROOM]: room }, invite: {}, leave: {} },
        presence: { events: [] }, account_data: { events: [] }, to_device: { events: [] },
        device_lists: { changed: [], left: [] }, device_one_time_keys_count: {},
    };
}

// The two sync bodies of a transition request (see the header).
function syncs(from, to, isSelf, profileChanged) {
    const plain = (id, sender, key, type, content, ts) =>
        ({ type, event_id: id, sender, state_key: key, content, origin_server_ts: ts, unsigned: { age: 1 } });
    const state = [
        plain("$create:example.org", ALICE, "", "m.room.create", { creator: ALICE, room_version: "10" }, 1000),
        plain("$alice:example.org", ALICE, ALICE, "m.room.member", { membership: "join" }, 2000),
        plain("$observer:example.org", OBSERVER, OBSERVER, "m.room.member", { membership: "join" }, 3000),
    ];
    let prevContent;
    if (from !== "none") {
        const prior = memberEvent("$prior:example.org", from === "invite" || from === "ban" ? ALICE : BOB, from,
                                  "Bob", 4000);
        state.push(prior);
        prevContent = prior.content;
    }
    const name = from === "join" && to === "join" && profileChanged ? "Bob B." : "Bob";
    const next = memberEvent("$new:example.org", isSelf ? BOB : ALICE, to, name, 5000, prevContent);
    return [syncBody("s1", state, []), syncBody("s2", [], [next])];
}

function jsonResponse(body, status = 200) {
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

class JsSdk {
    constructor(sdk, version) {
        this.sdk = sdk;
        this.version = version;
    }

    view(client) {
        const member = client.getRoom(ROOM)?.getMember(BOB);
        if (!member) return { membership: null, name: null, avatar: null };
        return { membership: member.membership ?? null, name: member.name, avatar: member.getMxcAvatarUrl() ?? null };
    }

    // Run the SDK's sync loop over the request's two bodies; resolve to what it concluded.
    async observe(from, to, isSelf, profileChanged) {
        const bodies = syncs(from, to, isSelf, profileChanged);
        const seen = { before: null, after: null, changes: [], renamed: false, kicked: false };
        let client;
        let syncCount = 0;
        let finished;
        const done = new Promise((resolve) => { finished = resolve; });
        const fetchFn = async (url, init) => {
            const path = new URL(url).pathname;
            if (path.endsWith("/versions")) return jsonResponse({ versions: ["v1.11"] });
            if (path.includes("/pushrules")) return jsonResponse({ global: {} });
            if (path.endsWith("/capabilities")) return jsonResponse({ capabilities: {} });
            if (path.endsWith("/filter")) return jsonResponse({ filter_id: "mxm" });
            if (path.endsWith("/sync")) {
                syncCount++;
                if (syncCount === 2) seen.before = this.view(client);
                if (syncCount <= bodies.length) return jsonResponse(bodies[syncCount - 1]);
                seen.after = this.view(client);
                const member = client.getRoom(ROOM)?.getMember(BOB);
                seen.kicked = member ? member.isKicked() : false;
                finished();
                return new Promise((_, reject) => {
                    const abort = () => reject(new DOMException("the client was stopped", "AbortError"));
                    if (init?.signal?.aborted) abort();
                    init?.signal?.addEventListener("abort", abort);
                });
            }
            return jsonResponse({ errcode: "M_UNRECOGNIZED", error: "not served by the mxm adapter" }, 404);
        };
        client = this.sdk.createClient({
            baseUrl: "http://homeserver.invalid", userId: OBSERVER, accessToken: "mxm", deviceId: "MXMJS", fetchFn,
        });
        client.on(this.sdk.RoomMemberEvent.Membership, (event, member, oldMembership) => {
            if (member.userId === BOB && syncCount === 2)
                seen.changes.push({ old: oldMembership ?? null, now: member.membership ?? null });
        });
        client.on(this.sdk.RoomMemberEvent.Name, (event, member) => {
            if (member.userId === BOB && syncCount === 2) seen.renamed = true;
        });
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new CannotDecide(
                `the SDK did not finish the two syncs within 5 s (it asked for ${syncCount})`)), 5000);
        });
        try {
            await client.startClient({ initialSyncLimit: 10 });
            await Promise.race([done, timeout]);
        } finally {
            clearTimeout(timer);
            client.stopClient();
        }
        return seen;
    }

    outcome(seen) {
        const { before, after, changes } = seen;
        if (!after.membership) throw new CannotDecide("the SDK holds no membership for the target");
        if (changes.length === 0) {
            if (before.membership !== after.membership)
                throw new CannotDecide("the membership changed without a RoomMember.membership event");
            if (after.membership !== "join") return "no_change";
            return seen.renamed || before.avatar !== after.avatar ? "profile_changed" : "profile_unchanged";
        }
        const old = changes[0].old ?? "leave";
        const now = after.membership;
        if (now === "leave") return seen.kicked ? "kicked" : LEAVE_OUTCOMES[old];
        const outcome = CHANGE_OUTCOMES[`${old}>${now}`];
        if (!outcome) throw new CannotDecide(`the SDK's change ${old} -> ${now} names no cell of the table`);
        return outcome;
    }

    async classify(era, from, to, isSelf, profileChanged) {
        if (era !== "v1.3") throw new CannotDecide("follows the v1.3 era's table only (hello spec_releases)");
        if (!(MEMBERSHIPS.includes(from) || from === "none") || !MEMBERSHIPS.includes(to))
            throw new CannotDecide(`unknown membership change ${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
        const seen = await this.observe(from, to, isSelf, profileChanged);
        const described = `the SDK's view of the target: ${seen.before.membership ?? "no member"} -> ` +
            `${seen.after.membership ?? "no member"}` +
            (seen.changes.length ? `, RoomMember.membership events ${seen.changes.map((c) =>
                `${c.old ?? "undefined"}>${c.now}`).join(", ")}` : ", no RoomMember.membership event") +
            (seen.after.membership === "leave" ? `, isKicked() ${seen.kicked}` : "");
        if (MUST_NEVER_HAPPEN.has(`${from}>${to}`))
            throw new CannotDecide(`the table says ${from} -> ${to} must never happen, which gives a client ` +
                                   `nothing to name (not a client duty); ${described}`);
        try {
            return this.outcome(seen);
        } catch (e) {
            if (e instanceof CannotDecide) throw new CannotDecide(`${e.message}; ${described}`);
            throw e;
        }
    }

    async answer(request) {
        const id = request.id ?? null;
        try {
            if (request.type !== "transition")
                throw new CannotDecide(`${JSON.stringify(request.type ?? null)} is not a layer this adapter answers ` +
                                       "(transition only)");
            const outcome = await this.classify(request.era, request.from, request.to, Boolean(request.self),
                                                Boolean(request.profile_changed));
            return { id, outcome };
        } catch (e) {
            if (e instanceof CannotDecide) return { id, error: e.message };
            // a failure inside the SDK is reported, never turned into an outcome
            process.stderr.write(`${ADAPTER_NAME}: ${JSON.stringify(id)}: ${e?.stack ?? e}\n`);
            return { id, error: `the SDK threw ${e?.name ?? "an exception"}: ${e?.message ?? e}` };
        }
    }
}

async function serve(adapter, hello) {
    process.stdout.write(JSON.stringify(hello) + "\n");
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const raw of lines) {
        const line = raw.trim();
        if (!line) continue;
        let response;
        try {
            const request = JSON.parse(line);
            response = request && typeof request === "object" && !Array.isArray(request)
                ? await adapter.answer(request) : { id: null, error: "request is not a JSON object" };
        } catch (e) {
            response = { id: null, error: `request is not JSON: ${e.message}` };
        }
        process.stdout.write(JSON.stringify(response) + "\n");
    }
}

async function main(argv) {
    if (argv.length > 0) {
        const help = argv[0] === "-h" || argv[0] === "--help";
        (help ? process.stdout : process.stderr).write(
            "usage: node js_sdk_adapter.mjs  (speaks conformance/PROTOCOL.md on stdin/stdout; see its header)\n" +
            "Exit codes: 0 end of input; 3 matrix-js-sdk cannot be imported. Takes no options.\n");
        return help ? 0 : 2;
    }
    let sdk, version;
    try {
        sdk = await import("matrix-js-sdk");
        const here = dirname(fileURLToPath(import.meta.url));
        version = JSON.parse(readFileSync(join(here, "node_modules", "matrix-js-sdk", "package.json"), "utf8")).version;
    } catch (e) {
        process.stderr.write(`${ADAPTER_NAME}: cannot import matrix-js-sdk (${e?.message ?? e}); run \`npm ci\` in ` +
                             "conformance/adapters/matrix-js-sdk (MXM_SETUP_CLIENTS=1 bash scripts/setup.sh)\n");
        return EXIT_NO_SDK;
    }
    // The SDK's logger (loglevel) at error: its lines for every sync (the default push rules it
    // adds to the empty set the fake homeserver serves, ...) would fill the log.
    (await import("matrix-js-sdk/lib/logger.js")).logger.setLevel("error");
    await serve(new JsSdk(sdk, version), {
        mxm_adapter: 1,
        name: `matrix-js-sdk ${version} (${ADAPTER_NAME})`,
        room_versions: Array.from({ length: 12 }, (_, i) => String(i + 1)),
        layers: ["transition"],
        spec_releases: { from: "v1.3", to: "v1.19" },
        reports_rules: false,
    });
    return 0;
}

process.exitCode = await main(process.argv.slice(2));
