// The header line: the event stream's status, requests per second, lifecycle, draining,
// uptime and listeners, plus a notice line for failed API calls.

import { fmtDuration, fmtRps, setText } from "./util.js";

export function createHeader({ stream, rps, lifecycle, uptime, listeners, notice }) {
  return {
    setStream(state) {
      const live = state === "live";
      stream.dataset.state = live ? "live" : "reconnecting";
      setText(stream, live ? "live" : "reconnecting…");
    },

    setRps(value) {
      setText(rps, fmtRps(value));
      rps.dataset.value = Number.isFinite(value) ? String(value) : "";
    },

    applyState(state) {
      if (!state) return;
      const phase = state.draining ? "draining" : state.lifecycle || "unknown";
      lifecycle.dataset.state = phase;
      lifecycle.dataset.draining = state.draining ? "true" : "false";
      setText(lifecycle, state.draining && state.lifecycle !== "draining"
        ? `${state.lifecycle} · draining`
        : phase);
      setText(uptime, `up ${fmtDuration(state.uptime_seconds)}`);
      const data = (state.listeners || []).filter((l) => l.plane === "data").map((l) => l.address);
      setText(listeners, data.length ? `data: ${data.join(", ")}` : "");
      listeners.title = (state.listeners || []).map((l) => `${l.plane}: ${l.address}`).join("\n");
    },

    /** Shows (or, with an empty message, clears) a one-line problem report. */
    setNotice(message) {
      setText(notice, message || "");
      notice.hidden = !message;
    },
  };
}
