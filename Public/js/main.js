// Entry point of index.html (`understudy serve`): the shared shell (shell.js) plus the
// lifecycle, uptime and listeners in the header and the health, fault and queue panels; it
// refetches the full state whenever the stream (re)opens or reports a gap.

import { api } from "./api.js";
import { createFaults } from "./faults.js";
import { createHealth } from "./health.js";
import { createQueues } from "./queues.js";
import { $, byTestId, createShell } from "./shell.js";

const shell = createShell({
  header: {
    lifecycle: byTestId("lifecycle"),
    uptime: $("#uptime"),
    listeners: $("#listeners"),
  },
  refresh: refreshState,
  poll: pollState,
  onDrainingChanged: () => shell.pollSoon(), // draining began (or ended): reread the lifecycle
  events: {
    connection_closed: (data) => {
      if (data.reason === "draining") shell.pollSoon();
    },
    health_answered: (data) => health.answered(data),
    fault_fired: (data) => faults.fired(data),
    queue_changed: (data) => queues.changed(data),
  },
});
const { header, scoreboard, connections } = shell;
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

/** Refetches api/state, api/faults and api/queues (the shell runs it one at a time). */
async function refreshState() {
  const healthAsked = health.generation();
  const faultsAsked = faults.generation();
  const results = await Promise.allSettled([api("api/state"), api("api/faults"), api("api/queues")]);
  const [state, faultRules, queueList] = results;
  const stateValue = state.status === "fulfilled" && state.value && typeof state.value === "object" ? state.value : null;
  if (stateValue) applyState(stateValue, { full: true, healthAsked });
  faults.apply(faultRules.status === "fulfilled" ? faultRules.value : null, stateValue?.faults, faultsAsked);
  if (queueList.status === "fulfilled") queues.applyList(queueList.value?.queues);
  shell.reportRefresh(...results.filter((r) => r.status === "rejected").map((r) => r.reason));
}

/** Lifecycle, uptime, health and fired counts have no events of their own: poll them. */
async function pollState() {
  const healthAsked = health.generation();
  const faultsAsked = faults.generation();
  const state = await api("api/state");
  if (state && typeof state === "object") {
    applyState(state, { full: false, healthAsked });
    faults.applyStatus(state.faults, faultsAsked);
  }
}

shell.start();
