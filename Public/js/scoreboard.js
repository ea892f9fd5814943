// The worker scoreboard: Apache's server-status made live. One cell per worker slot, or,
// with no worker limit, one cell per open connection (capped), coloured by state.

import { el, fmtInt, frameBatcher, setText } from "./util.js";

/** Busy states in scoreboard order, then the idle slot. */
export const STATES = [
  { key: "reading", letter: "R", label: "reading" },
  { key: "processing", letter: "P", label: "processing" },
  { key: "delayed", letter: "D", label: "delayed" },
  { key: "writing", letter: "W", label: "writing" },
  { key: "keepalive_idle", letter: "K", label: "keep-alive idle" },
  { key: "free", letter: "_", label: "free" },
];
const BY_KEY = new Map(STATES.map((s) => [s.key, s]));
const MAX_CONNECTION_CELLS = 512;
const MAX_SLOT_CELLS = 2048; // a huge worker limit must not mean tens of thousands of nodes

const count = (value) => (Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/**
 * The cells from the counts of a workers object (one per slot) or, with no worker limit,
 * of a connections object (one per open connection, at most MAX_CONNECTION_CELLS).
 * Returns the cell states in order, how many cells there would be, and counts per state.
 */
export function cellStates(workers, connections) {
  const slots = count(workers?.slots);
  const mode = slots > 0 ? "slots" : "connections";
  const source = slots > 0 ? workers : connections || {};
  const counts = new Map();
  let used = 0;
  for (const { key } of STATES.slice(0, 5)) {
    const n = slots > 0 ? Math.min(count(source[key]), slots - used) : count(source[key]);
    counts.set(key, n);
    used += n;
  }
  let total;
  if (slots > 0) {
    total = slots;
    counts.set("free", slots - used);
  } else {
    // Connections open but in none of the five states (accepted, not yet counted) show
    // as keep-alive idle: waiting for a request.
    total = Math.max(count(source.open), used);
    counts.set("keepalive_idle", counts.get("keepalive_idle") + total - used);
    counts.set("free", NaN);
  }
  const limit = Math.min(total, slots > 0 ? MAX_SLOT_CELLS : MAX_CONNECTION_CELLS);
  const states = [];
  for (const { key } of STATES) {
    const n = Number.isFinite(counts.get(key)) ? counts.get(key) : 0;
    for (let i = 0; i < n && states.length < limit; i++) states.push(key);
  }
  return { states, total, mode, counts };
}

/**
 * `options.workerDetails` (default true): the summary names the worker model, the waiting
 * requests and whether accepting is paused. Off (the gateway, which has no workers), it
 * only counts the open connections.
 */
export function createScoreboard(root, { workerDetails = true } = {}) {
  const summary = root.querySelector(".sb-summary");
  const modeNote = root.querySelector(".sb-mode");
  const grid = root.querySelector(".sb-grid");
  const more = root.querySelector(".sb-more");
  const legend = root.querySelector(".sb-legend");

  const legendCounts = new Map();
  for (const state of STATES) {
    const countNode = el("span", { className: "legend-count", text: "0" });
    legendCounts.set(state.key, countNode);
    legend.append(el("li", {},
      el("span", { className: "swatch", dataset: { state: state.key }, "aria-hidden": "true", text: state.letter }),
      ` ${state.label} `,
      countNode));
  }

  let workers = null;
  let connections = null;
  let updates = 0;
  const cells = [];

  function render() {
    if (!workers && !connections) return;
    const { states, total, mode, counts } = cellStates(workers, connections);

    while (cells.length < states.length) {
      const cell = el("span", { className: "cell" });
      cells.push(cell);
      grid.append(cell);
    }
    while (cells.length > states.length) cells.pop().remove();

    const noun = mode === "slots" ? "slot" : "connection";
    states.forEach((key, i) => {
      const cell = cells[i];
      if (cell.dataset.state === key && cell.dataset.mode === mode) return;
      const state = BY_KEY.get(key);
      cell.dataset.state = key;
      cell.dataset.mode = mode;
      cell.textContent = state.letter;
      cell.title = `${noun} ${i + 1}: ${state.label}`;
    });

    for (const [key, node] of legendCounts) {
      setText(node, fmtInt(counts.get(key)));
    }
    modeNote.hidden = mode !== "connections";
    grid.classList.toggle("dense", states.length > 200);
    const hiddenCells = total - states.length;
    const nothing = mode === "connections" && total === 0;
    more.hidden = hiddenCells <= 0 && !nothing;
    setText(more, hiddenCells > 0 ? `+${fmtInt(hiddenCells)} more` : nothing ? "no open connections" : "");
    grid.setAttribute("aria-label", mode === "slots"
      ? `${fmtInt(total)} worker slots`
      : `${fmtInt(total)} open connections`);

    const w = workers || {};
    if (workerDetails) {
      const parts = [`model ${w.model ?? "?"}`];
      if (mode === "slots") {
        parts.push(`busy ${fmtInt(w.busy)} / free ${fmtInt(w.free ?? total - count(w.busy))} of ${fmtInt(total)}`);
      } else {
        parts.push(`${fmtInt(total)} open`);
      }
      parts.push(`waiting ${fmtInt(w.waiting_requests ?? 0)}`);
      parts.push(w.accepting_paused ? "accepting PAUSED" : "accepting");
      setText(summary, parts.join(" · "));
      summary.dataset.paused = w.accepting_paused ? "true" : "false";
    } else {
      setText(summary, `${fmtInt(total)} open connection${total === 1 ? "" : "s"}`);
    }

    updates += 1;
    root.dataset.updates = String(updates);
  }

  const schedule = frameBatcher(render);

  return {
    /** New counts (from a stats or slot_changed event, or api/state). */
    update(nextWorkers, nextConnections) {
      if (nextWorkers) workers = nextWorkers;
      if (nextConnections) connections = nextConnections;
      schedule();
    },
  };
}
