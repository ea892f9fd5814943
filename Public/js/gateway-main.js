// Entry point of gateway.html (`understudy gateway`'s admin plane): the shared shell
// (shell.js) plus the listeners, routing and targets, the gateway's own answers by cause and
// the tail's gateway columns; it rereads api/state whenever the stream (re)opens or reports a
// gap. The gateway has no health, fault or queue API.

import { api } from "./api.js";
import { CAUSES, createCauses, describeCause } from "./causes.js";
import { $, byTestId, createShell } from "./shell.js";
import { TAIL_COLUMNS } from "./tail.js";
import { createTargets } from "./targets.js";
import { el, setText, statusClass } from "./util.js";

const GATEWAY_EVENT_TYPES = [
  "stats",
  "request_completed",
  "connection_opened",
  "connection_closed",
  "slot_changed",
  "target_changed",
  "gap",
];

// The request tail: the serve columns (no fault rules here) plus the target, its status and
// the gateway's cause when it answered itself.
const gatewayColumns = {
  target: (r) => el("td", {
    className: `mono target${r.target ? "" : " none"}`,
    text: r.target || "–",
    title: r.target ? String(r.target) : "no target chosen",
  }),
  targetStatus: (r) => {
    const value = r.target_status === undefined || r.target_status === null ? "" : String(r.target_status);
    return el("td", {
      className: `num status${value ? ` s${statusClass(value)}` : ""}`,
      text: value || "–",
      title: value ? `the target answered ${value}` : "no answer from a target",
    });
  },
  cause: (r) => {
    const cause = typeof r.cause === "string" ? r.cause : "";
    const known = cause && Object.hasOwn(CAUSES, cause) ? ` (${CAUSES[cause].status})` : "";
    return el("td", { className: "cause", text: cause, title: cause ? `${cause}${known}: ${describeCause(cause) || "the gateway answered itself"}` : undefined });
  },
};

const shell = createShell({
  scoreboard: { workerDetails: false },
  tail: {
    columns: [
      TAIL_COLUMNS.time, TAIL_COLUMNS.method, TAIL_COLUMNS.path, TAIL_COLUMNS.status, gatewayColumns.cause,
      gatewayColumns.target, gatewayColumns.targetStatus, TAIL_COLUMNS.ms, TAIL_COLUMNS.conn,
    ],
    rowData: (r) => ({
      target: typeof r.target === "string" ? r.target : "",
      targetStatus: r.target_status,
      cause: typeof r.cause === "string" && r.cause ? r.cause : undefined,
    }),
  },
  // Health checks' outcomes (last_check) and the timeouts have no events of their own: the
  // shell's poll (no `poll` here) is a refresh.
  refresh: refreshState,
  types: GATEWAY_EVENT_TYPES,
  events: {
    stats: (data) => causes.setSampling(data.sampled),
    request_completed: (data) => causes.add(data),
    target_changed: (data) => targets.changed(data),
  },
  authHint: "Enter the gateway's admin token (gateway.admin.token).",
});
const { connections } = shell;
const listenersNode = $("#listeners");
const routingNode = $("#routing");
const targets = createTargets({
  root: byTestId("target-list"),
  tbody: $("#target-rows"),
  empty: $("#target-empty"),
  summary: $("#target-summary"),
  more: $("#target-more"),
  error: byTestId("target-error"),
  form: $("#target-form"),
  input: byTestId("target-add-input"),
  add: byTestId("target-add"),
  status: $("#target-status"),
});
const causes = createCauses({
  root: byTestId("causes"),
  tbody: $("#cause-rows"),
  empty: $("#cause-empty"),
  summary: $("#cause-summary"),
  sampling: $("#cause-sampling"),
});

// --- REST ---------------------------------------------------------------------------

/** Listeners in the header, routing and timeouts on the targets card. */
function applyMeta(state) {
  const listeners = Array.isArray(state.listeners) ? state.listeners.filter((l) => typeof l === "string") : [];
  setText(listenersNode, listeners.length ? `listening on ${listeners.join(", ")}` : "");
  listenersNode.title = listeners.join("\n");
  const parts = [];
  if (typeof state.routing === "string" && state.routing) parts.push(`routing ${state.routing.replaceAll("_", " ")}`);
  if (typeof state.idle_timeout === "string" && state.idle_timeout) parts.push(`idle timeout ${state.idle_timeout}`);
  if (typeof state.target_idle_timeout === "string" && state.target_idle_timeout) parts.push(`target idle timeout ${state.target_idle_timeout}`);
  setText(routingNode, parts.join(" · "));
}

function applyState(state, targetsAsked) {
  applyMeta(state);
  targets.applyList(state.targets, targetsAsked);
  // The connections card counts requests from the last total plus what stats added since.
  if (Number.isFinite(state.requests)) connections.applyState({ traffic: { requests_served: state.requests } });
}

/** Rereads api/state (the shell runs it one at a time). */
async function refreshState() {
  const targetsAsked = targets.generation();
  try {
    const state = await api("api/state");
    if (state && typeof state === "object") applyState(state, targetsAsked);
    shell.reportRefresh();
  } catch (failure) {
    shell.reportRefresh(failure);
  }
}

shell.start();
