// The health card: the answers /health, /readyz and /livez gave lately (a strip of marks),
// the configured answer, a switch between healthy and failing, and "restore config".

import { api } from "./api.js";
import { el, fmtClock, fmtInt, fmtMs, frameBatcher, setText, showError } from "./util.js";

const MAX_MARKS = 120;

export function createHealth({ strip, summary, state, detail, toggle, restore, error }) {
  let current = null; // the configured answer: {status, body, content_type, delay}
  let pending = [];
  let generation = 0; // bumped by each change made here: older api/state answers are stale

  function renderMarks() {
    const fresh = pending.slice(-MAX_MARKS);
    pending = [];
    const fragment = document.createDocumentFragment();
    for (const answer of fresh) {
      const status = Number(answer.status);
      const ok = status >= 200 && status < 400;
      fragment.append(el("span", {
        className: `mark ${ok ? "ok" : "bad"}`,
        dataset: { status: String(answer.status) },
        title: `${fmtClock(answer.time)}  ${answer.status}  ${answer.path ?? ""}` +
          (Number.isFinite(answer.duration_ms) ? `  ${fmtMs(answer.duration_ms)} ms` : ""),
      }));
    }
    strip.append(fragment);
    while (strip.childElementCount > MAX_MARKS) strip.firstElementChild.remove();
    let failed = 0;
    for (const mark of strip.children) if (mark.classList.contains("bad")) failed++;
    const total = strip.childElementCount;
    setText(summary, total
      ? `last ${fmtInt(total)} answers: ${fmtInt(total - failed)} ok, ${fmtInt(failed)} failing`
      : "no health checks seen yet");
  }
  const scheduleMarks = frameBatcher(renderMarks);

  function apply(health) {
    if (!health || !Number.isFinite(health.status)) return;
    current = health;
    const failing = health.status >= 400;
    state.dataset.status = String(health.status);
    state.dataset.state = failing ? "failing" : "healthy";
    setText(state, `${health.status} ${failing ? "failing" : "healthy"}`);
    const extras = [];
    if (health.delay && health.delay !== "0s") extras.push(`delay ${health.delay}`);
    if (health.content_type) extras.push(health.content_type);
    setText(detail, extras.join(" · "));
    detail.title = health.body ? `body: ${health.body}` : "";
    setText(toggle, failing ? "make healthy (200)" : "make failing (503)");
    toggle.setAttribute("aria-pressed", failing ? "true" : "false");
  }

  async function call(request) {
    generation += 1;
    toggle.disabled = true;
    restore.disabled = true;
    try {
      const answer = await request();
      generation += 1; // a poll that was under way during the change may answer the old state
      apply(answer);
      showError(error, "");
    } catch (failure) {
      showError(error, `health: ${failure.message}`);
    } finally {
      toggle.disabled = false;
      restore.disabled = false;
    }
  }

  toggle.addEventListener("click", () => {
    const healthy = !current || current.status < 400;
    call(() => api("api/health", { method: "PUT", body: { status: healthy ? 503 : 200 } }));
  });
  restore.addEventListener("click", () => call(() => api("api/health", { method: "DELETE" })));
  renderMarks();

  return {
    /** Take before asking api/state; pass to apply() with its answer. */
    generation: () => generation,
    /** The configured answer (state.health); ignored when `asked` is older than a change made here. */
    apply(health, asked) {
      if (asked !== undefined && asked !== generation) return;
      apply(health);
    },
    /** A health_answered event. */
    answered(event) {
      pending.push(event);
      if (pending.length > MAX_MARKS * 2) pending = pending.slice(-MAX_MARKS);
      scheduleMarks();
    },
  };
}
