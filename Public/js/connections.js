// The connections card: open data-plane connections by state, requests per second, total
// requests, and why connections closed (counted since the page loaded).

import { el, fmtInt, fmtRps, frameBatcher, setText } from "./util.js";

const FIELDS = ["open", "reading", "processing", "delayed", "writing", "keepalive_idle"];
const MAX_REASONS = 40; // the contract names 14; anything past this counts as "other"

export function createConnections(root) {
  const values = new Map(FIELDS.map((f) => [f, root.querySelector(`[data-conn="${f}"]`)]));
  const rpsNode = root.querySelector('[data-conn="rps"]');
  const totalNode = root.querySelector('[data-conn="requests"]');
  const openedNode = root.querySelector('[data-conn="opened"]');
  const reasonsBody = root.querySelector(".reasons tbody");
  const reasonsEmpty = root.querySelector(".reasons-empty");

  let connections = null;
  let rps = NaN;
  let servedBase = NaN; // requests_served at the last api/state
  let servedSince = 0; // requests counted by stats events since then
  let opened = 0;
  const reasons = new Map();
  let reasonsDirty = false;

  function render() {
    if (connections) {
      for (const [field, node] of values) setText(node, fmtInt(connections[field] ?? 0));
    }
    setText(rpsNode, fmtRps(rps));
    setText(totalNode, fmtInt(servedBase + servedSince));
    setText(openedNode, fmtInt(opened));
    if (!reasonsDirty) return;
    reasonsDirty = false;
    const rows = [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    reasonsBody.replaceChildren(...rows.map(([reason, n]) =>
      el("tr", { dataset: { reason } }, el("td", { text: reason }), el("td", { className: "num", text: fmtInt(n) }))));
    reasonsEmpty.hidden = rows.length > 0;
  }

  const schedule = frameBatcher(render);

  return {
    applyState(state) {
      if (state.connections) connections = state.connections;
      const served = state.traffic?.requests_served;
      if (Number.isFinite(served)) {
        servedBase = served;
        servedSince = 0;
      }
      schedule();
    },
    applyStats(stats) {
      if (stats.connections) connections = stats.connections;
      if (Number.isFinite(stats.rps)) rps = stats.rps;
      if (Number.isFinite(stats.requests)) servedSince += stats.requests;
      schedule();
    },
    applyConnections(next) {
      if (next) connections = next;
      schedule();
    },
    connectionOpened() {
      opened += 1;
      schedule();
    },
    connectionClosed(event) {
      let reason = String(event.reason || "unknown");
      if (!reasons.has(reason) && reasons.size >= MAX_REASONS) reason = "other";
      reasons.set(reason, (reasons.get(reason) || 0) + 1);
      reasonsDirty = true;
      schedule();
    },
  };
}
