// The gateway's own answers: how often each `cause` of request_completed (no_targets,
// target_closed, idle_timeout…) was seen since the page loaded, so the 502s of a keep-alive
// race can be watched piling up.

import { el, fmtInt, frameBatcher, setText, statusClass } from "./util.js";

/** ALB's documented causes, with the status the gateway answers them with. */
export const CAUSES = {
  no_targets: { status: 503, text: "no healthy target to send the request to" },
  connect_failed: { status: 502, text: "the target refused the connection (TCP RST on connect)" },
  target_closed: { status: 502, text: "the target closed the connection while a request was outstanding (the keep-alive race among them)" },
  malformed_response: { status: 502, text: "the target's answer was not valid HTTP" },
  deregistered: { status: 502, text: "the deregistration delay ended while the target still had the request" },
  connect_timeout: { status: 504, text: "connecting to the target took longer than the connect timeout" },
  idle_timeout: { status: 504, text: "the target sent nothing within the idle timeout" },
  client_closed: { status: 460, text: "the client closed its connection before the answer" },
  client_closed_mid_body: { status: 400, text: "the client closed its connection before sending the whole body" },
};

/** A cause's explanation (for titles), or "" for an unknown one. */
export function describeCause(cause) {
  return Object.hasOwn(CAUSES, cause) ? CAUSES[cause].text : "";
}

const MAX_CAUSES = 40; // the contract names 9; anything past this counts as "other"

export function createCauses({ root, tbody, empty, summary, sampling }) {
  const counts = new Map(); // cause -> {count, statuses: Set}
  let seen = 0;
  let answered = 0;

  function render() {
    const rows = [...counts].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
    tbody.replaceChildren(...rows.map(([cause, entry]) => {
      const statuses = [...entry.statuses].sort();
      const share = seen > 0 ? (entry.count / seen) * 100 : 0;
      return el("tr", { dataset: { cause, count: String(entry.count) } },
        el("th", { scope: "row", className: "mono cause", text: cause, title: describeCause(cause) || undefined }),
        el("td", { className: `num status s${statusClass(statuses[0])}`, text: statuses.join(", ") }),
        el("td", { className: "num count", text: fmtInt(entry.count) }),
        el("td", { className: "num muted", text: share >= 0.1 || share === 0 ? `${share.toFixed(1)}%` : "<0.1%" }));
    }));
    empty.hidden = rows.length > 0;
    tbody.closest("table").hidden = rows.length === 0;
    setText(summary, seen
      ? `${fmtInt(answered)} of ${fmtInt(seen)} request${seen === 1 ? "" : "s"} seen were answered by the gateway itself`
      : "no requests seen yet");
    root.dataset.seen = String(seen);
    root.dataset.answered = String(answered);
  }
  const schedule = frameBatcher(render);
  render();

  return {
    /** A request_completed event. */
    add(event) {
      seen += 1;
      if (typeof event.cause === "string" && event.cause) {
        answered += 1;
        let cause = event.cause;
        if (!counts.has(cause) && counts.size >= MAX_CAUSES) cause = "other";
        let entry = counts.get(cause);
        if (!entry) {
          entry = { count: 0, statuses: new Set() };
          counts.set(cause, entry);
        }
        entry.count += 1;
        if (Number.isInteger(event.status) && entry.statuses.size < 4) entry.statuses.add(String(event.status));
      }
      schedule();
    },
    /** stats.sampled: when the server sends only some request events, the counts are a sample. */
    setSampling(sampled) {
      const s = sampled?.request_completed;
      const show = s && Number.isFinite(s.seen) && Number.isFinite(s.sent) && s.seen > s.sent;
      sampling.hidden = !show;
      setText(sampling, show ? "the server samples request events now: these counts are a sample" : "");
    },
  };
}
