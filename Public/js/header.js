// The header line: the event stream's status, requests per second, lifecycle, draining,
// uptime and listeners, plus a notice line for failed API calls. `lifecycle`, `uptime` and
// `listeners` are optional (the gateway page has none of them).

import { fmtDuration, fmtInt, fmtRps, setText } from "./util.js";

export function createHeader({ stream, rps, lifecycle, uptime, listeners, notice }) {
  let phase = "unknown"; // state.lifecycle, from api/state (polled)
  let draining = false; // state.draining, or stats.draining (every second on the stream)
  let streamState = "reconnecting";
  let subscribers = "";

  function renderLifecycle() {
    if (!lifecycle) return;
    // Draining covers "draining" and "stopping" (listeners closed, in-flight requests finishing);
    // stats says so within a second, while the polled lifecycle may still say "serving".
    const shown = draining ? "draining" : phase;
    lifecycle.dataset.state = shown;
    lifecycle.dataset.draining = draining ? "true" : "false";
    lifecycle.dataset.lifecycle = phase;
    setText(lifecycle, draining && phase === "stopping" ? "stopping · draining" : shown);
  }

  function renderStreamTitle() {
    stream.title = `event stream: ${streamState}${subscribers}`;
  }

  return {
    setStream(state) {
      const live = state === "live";
      streamState = live ? "live" : "reconnecting";
      stream.dataset.state = streamState;
      setText(stream, live ? "live" : "reconnecting…");
      renderStreamTitle();
    },

    setRps(value) {
      setText(rps, fmtRps(value));
      rps.dataset.value = Number.isFinite(value) ? String(value) : "";
    },

    /**
     * A stats event: `draining`, `subscribers`, `dropped_subscribers`. Returns true when
     * the draining flag changed (the caller then rereads api/state for the lifecycle).
     */
    applyStats(stats) {
      let changed = false;
      if (typeof stats.draining === "boolean" && stats.draining !== draining) {
        draining = stats.draining;
        changed = true;
        renderLifecycle();
      }
      if (Number.isFinite(stats.subscribers)) {
        const dropped = Number.isFinite(stats.dropped_subscribers) && stats.dropped_subscribers > 0
          ? `, ${fmtInt(stats.dropped_subscribers)} dropped (too slow)` : "";
        subscribers = ` · ${fmtInt(stats.subscribers)} subscriber${stats.subscribers === 1 ? "" : "s"}${dropped}`;
        renderStreamTitle();
      }
      return changed;
    },

    applyState(state) {
      if (!state) return;
      phase = typeof state.lifecycle === "string" && state.lifecycle ? state.lifecycle : "unknown";
      draining = Boolean(state.draining) || phase === "draining";
      renderLifecycle();
      if (uptime) setText(uptime, `up ${fmtDuration(state.uptime_seconds)}`);
      if (!listeners) return;
      const all = Array.isArray(state.listeners) ? state.listeners.filter((l) => l && typeof l === "object") : [];
      const data = all.filter((l) => l.plane === "data").map((l) => l.address);
      setText(listeners, data.length ? `data: ${data.join(", ")}` : "");
      listeners.title = all.map((l) => `${l.plane}: ${l.address}`).join("\n");
    },

    /** Shows (or, with an empty message, clears) a one-line problem report. */
    setNotice(message) {
      setText(notice, message || "");
      notice.hidden = !message;
    },
  };
}
