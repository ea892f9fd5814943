// Entry point: finds the panels, wires them to the REST API and the event stream, and
// refetches the full state whenever the stream (re)opens or reports a gap.

import { api, onUnauthorized } from "./api.js";
import { createAuth, getToken } from "./auth.js";
import { createLatencyChart, createStatusChart } from "./charts.js";
import { createConnections } from "./connections.js";
import { EventStream } from "./events.js";
import { createFaults } from "./faults.js";
import { createHeader } from "./header.js";
import { createHealth } from "./health.js";
import { createQueues } from "./queues.js";
import { createScoreboard } from "./scoreboard.js";
import { createTail } from "./tail.js";

const STATE_POLL_MS = 10000;

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const $ = (selector) => document.querySelector(selector);

const header = createHeader({
  stream: byTestId("stream-status"),
  rps: byTestId("rps"),
  lifecycle: byTestId("lifecycle"),
  uptime: $("#uptime"),
  listeners: $("#listeners"),
  notice: $("#notice"),
});
const scoreboard = createScoreboard(byTestId("scoreboard"));
const connections = createConnections(byTestId("connections"));
const latency = createLatencyChart(byTestId("latency-chart"));
const statuses = createStatusChart(byTestId("status-chart"));
const health = createHealth({
  strip: byTestId("health-strip"),
  summary: $("#health-summary"),
  state: byTestId("health-state"),
  detail: $("#health-detail"),
  toggle: byTestId("health-toggle"),
  restore: byTestId("health-restore"),
  error: $("#health-error"),
});
const faults = createFaults({
  list: byTestId("fault-list"),
  meta: $("#fault-meta"),
  listError: $("#fault-list-error"),
  editor: byTestId("fault-editor"),
  save: byTestId("fault-save"),
  error: byTestId("fault-error"),
  examples: $("#fault-examples"),
});
const queues = createQueues({
  list: byTestId("queue-list"),
  tbody: $("#queue-rows"),
  empty: $("#queue-empty"),
  error: $("#queue-error"),
  messages: byTestId("queue-messages"),
});
const tail = createTail({
  root: byTestId("request-tail"),
  tbody: $("#tail-rows"),
  pathFilter: byTestId("tail-filter-path"),
  statusFilter: byTestId("tail-filter-status"),
  pause: $("#tail-pause"),
  sampling: $("#tail-sampling"),
  note: $("#tail-note"),
});

// --- REST ---------------------------------------------------------------------------

function applyState(state, { full, healthAsked }) {
  header.applyState(state);
  health.apply(state.health, healthAsked);
  if (full) {
    scoreboard.update(state.workers, state.connections);
    connections.applyState(state);
    queues.applyList(state.queues);
  }
}

let refreshing = null;
let refreshAgain = false;

/** Refetches api/state, api/faults and api/queues (one run at a time; coalesces calls). */
function refreshAll() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    const healthAsked = health.generation();
    const faultsAsked = faults.generation();
    const [state, faultRules, queueList] = await Promise.allSettled([
      api("api/state"), api("api/faults"), api("api/queues"),
    ]);
    const stateValue = state.status === "fulfilled" && state.value && typeof state.value === "object" ? state.value : null;
    if (stateValue) applyState(stateValue, { full: true, healthAsked });
    faults.apply(faultRules.status === "fulfilled" ? faultRules.value : null, stateValue?.faults, faultsAsked);
    if (queueList.status === "fulfilled") queues.applyList(queueList.value?.queues);
    const failed = [state, faultRules, queueList].find((r) => r.status === "rejected");
    header.setNotice(failed && failed.reason?.status !== 401 ? `refresh failed: ${failed.reason?.message}` : "");
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

let polling = false;

/** Lifecycle, uptime, health and fired counts have no events of their own: poll them. */
async function pollState() {
  if (document.hidden || polling) return;
  polling = true;
  try {
    const healthAsked = health.generation();
    const faultsAsked = faults.generation();
    const state = await api("api/state");
    if (state && typeof state === "object") {
      applyState(state, { full: false, healthAsked });
      faults.applyStatus(state.faults, faultsAsked);
    }
  } catch {
    // The stream's status and the next refresh say what is wrong.
  } finally {
    polling = false;
  }
}

// --- Event stream -----------------------------------------------------------------------

function handleEvent(type, data) {
  switch (type) {
    case "stats":
      if (header.applyStats(data)) pollSoon(); // draining began (or ended): reread the lifecycle
      header.setRps(data.rps);
      scoreboard.update(data.workers, data.connections);
      connections.applyStats(data);
      latency.add(data);
      statuses.add(data);
      tail.setSampling(data.sampled);
      break;
    case "slot_changed":
      scoreboard.update(data.workers, data.connections);
      connections.applyConnections(data.connections);
      break;
    case "request_completed":
      tail.add(data);
      break;
    case "connection_opened":
      connections.connectionOpened(data);
      break;
    case "connection_closed":
      connections.connectionClosed(data);
      if (data.reason === "draining") pollSoon();
      break;
    case "health_answered":
      health.answered(data);
      break;
    case "fault_fired":
      faults.fired(data);
      break;
    case "queue_changed":
      queues.changed(data);
      break;
    case "gap":
      refreshAll();
      break;
    default:
      break;
  }
}

let pollSoonTimer = 0;
function pollSoon() {
  if (pollSoonTimer) return;
  pollSoonTimer = setTimeout(() => {
    pollSoonTimer = 0;
    pollState();
  }, 500);
}

const stream = new EventStream({
  url: () => {
    const token = getToken();
    return token ? `api/events?access_token=${encodeURIComponent(token)}` : "api/events";
  },
  onEvent: handleEvent,
  onOpen: () => refreshAll(),
  onState: (state) => header.setStream(state),
  // The browser gave up (server down, 401, 404...): keep the page current meanwhile, and
  // let a 401 from the API bring up the token form.
  onGiveUp: () => refreshAll(),
});

// --- Auth -----------------------------------------------------------------------------------

const requestToken = createAuth({
  section: $("#auth"),
  form: byTestId("token-form"),
  input: byTestId("token-input"),
  message: $("#auth-message"),
}, () => {
  stream.restart();
  refreshAll();
});

onUnauthorized((usedToken) => {
  // An answer to a request sent with an older token (or none) than the one stored now says
  // nothing about the current token: ignore it rather than ask again or stop the stream.
  if (usedToken !== getToken()) return;
  stream.stop();
  requestToken(usedToken);
});

// --- Start ------------------------------------------------------------------------------------

header.setStream("reconnecting");
stream.start();
refreshAll();
setInterval(pollState, STATE_POLL_MS);
// Polls are skipped while the tab is hidden: catch up as soon as it is shown again.
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) pollState();
});
