// Entry point of gateway.html (`understudy gateway`'s admin plane): wires the panels to the
// REST API (api/state, api/targets) and the event stream, and rereads the state whenever
// the stream (re)opens or reports a gap. The gateway has no health, fault or queue API.

import { api, onUnauthorized } from "./api.js";
import { createAuth, getToken } from "./auth.js";
import { CAUSES, createCauses, describeCause } from "./causes.js";
import { createLatencyChart, createStatusChart } from "./charts.js";
import { createConnections } from "./connections.js";
import { EventStream } from "./events.js";
import { createHeader } from "./header.js";
import { createScoreboard } from "./scoreboard.js";
import { createTail, TAIL_COLUMNS } from "./tail.js";
import { createTargets } from "./targets.js";
import { el, setText, statusClass } from "./util.js";

const STATE_POLL_MS = 10000;
const GATEWAY_EVENT_TYPES = [
  "stats",
  "request_completed",
  "connection_opened",
  "connection_closed",
  "slot_changed",
  "target_changed",
  "gap",
];

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const $ = (selector) => document.querySelector(selector);

const header = createHeader({
  stream: byTestId("stream-status"),
  rps: byTestId("rps"),
  notice: $("#notice"),
});
const listenersNode = $("#listeners");
const routingNode = $("#routing");
const scoreboard = createScoreboard(byTestId("scoreboard"), { workerDetails: false });
const connections = createConnections(byTestId("connections"));
const latency = createLatencyChart(byTestId("latency-chart"));
const statuses = createStatusChart(byTestId("status-chart"));
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
const tail = createTail({
  root: byTestId("request-tail"),
  tbody: $("#tail-rows"),
  pathFilter: byTestId("tail-filter-path"),
  statusFilter: byTestId("tail-filter-status"),
  pause: $("#tail-pause"),
  sampling: $("#tail-sampling"),
  note: $("#tail-note"),
  columns: [
    TAIL_COLUMNS.time, TAIL_COLUMNS.method, TAIL_COLUMNS.path, TAIL_COLUMNS.status, gatewayColumns.cause,
    gatewayColumns.target, gatewayColumns.targetStatus, TAIL_COLUMNS.ms, TAIL_COLUMNS.conn,
  ],
  rowData: (r) => ({
    target: typeof r.target === "string" ? r.target : "",
    targetStatus: r.target_status,
    cause: typeof r.cause === "string" && r.cause ? r.cause : undefined,
  }),
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

let refreshing = null;
let refreshAgain = false;

/** Rereads api/state (one run at a time; coalesces calls). */
function refreshAll() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    const targetsAsked = targets.generation();
    try {
      const state = await api("api/state");
      if (state && typeof state === "object") applyState(state, targetsAsked);
      header.setNotice("");
    } catch (failure) {
      header.setNotice(failure?.status !== 401 ? `refresh failed: ${failure?.message}` : "");
    }
  })().catch((error) => {
    console.error("understudy: refresh failed", error);
  }).finally(() => {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      refreshAll();
    }
  });
  return refreshing;
}

/** Health checks' outcomes (last_check) and the timeouts have no events of their own: poll. */
function pollState() {
  if (document.hidden) return;
  refreshAll();
}

// --- Event stream -----------------------------------------------------------------------

function handleEvent(type, data) {
  switch (type) {
    case "stats":
      header.applyStats(data);
      header.setRps(data.rps);
      scoreboard.update(data.workers, data.connections);
      connections.applyStats(data);
      latency.add(data);
      statuses.add(data);
      tail.setSampling(data.sampled);
      causes.setSampling(data.sampled);
      break;
    case "slot_changed":
      scoreboard.update(data.workers, data.connections);
      connections.applyConnections(data.connections);
      break;
    case "request_completed":
      tail.add(data);
      causes.add(data);
      break;
    case "connection_opened":
      connections.connectionOpened(data);
      break;
    case "connection_closed":
      connections.connectionClosed(data);
      break;
    case "target_changed":
      targets.changed(data);
      break;
    case "gap":
      refreshAll();
      break;
    default:
      break;
  }
}

const stream = new EventStream({
  url: () => {
    const token = getToken();
    return token ? `api/events?access_token=${encodeURIComponent(token)}` : "api/events";
  },
  types: GATEWAY_EVENT_TYPES,
  onEvent: handleEvent,
  onOpen: () => refreshAll(),
  onState: (state) => header.setStream(state),
  onGiveUp: () => refreshAll(),
});

// --- Auth -----------------------------------------------------------------------------------

const requestToken = createAuth({
  section: $("#auth"),
  form: byTestId("token-form"),
  input: byTestId("token-input"),
  message: $("#auth-message"),
  hint: "Enter the gateway's admin token (gateway.admin.token).",
}, () => {
  stream.restart();
  refreshAll();
});

onUnauthorized((usedToken) => {
  if (usedToken !== getToken()) return;
  stream.stop();
  requestToken(usedToken);
});

// --- Start ------------------------------------------------------------------------------------

header.setStream("reconnecting");
stream.start();
refreshAll();
setInterval(pollState, STATE_POLL_MS);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) pollState();
});
