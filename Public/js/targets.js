// The gateway's targets: one row per registered target (ALB's DescribeTargetHealth) with
// its state, reason, requests in flight and served, and the last health check; a form to
// register one (PUT api/targets/{host:port}) and a two-click "deregister" per row (DELETE).
// Kept current by target_changed events (the full list each time) and api/state or
// api/targets reads.

import { api, segment } from "./api.js";
import { el, fmtInt, frameBatcher, setText, showError, twoClickConfirm } from "./util.js";

export const TARGET_STATES = ["initial", "healthy", "unhealthy", "draining", "unused"];
const MAX_TARGETS = 500; // rows drawn at most (a target group is far smaller in practice)

const count = (value) => (Number.isFinite(value) ? value : null);

/** A target object from the server, or null when it has no usable address. */
function normalize(t) {
  if (!t || typeof t !== "object" || typeof t.target !== "string" || !t.target) return null;
  const state = typeof t.state === "string" && t.state ? t.state : "unknown";
  return {
    target: t.target,
    state,
    reason: typeof t.reason === "string" ? t.reason : "",
    description: typeof t.description === "string" ? t.description : "",
    inFlight: count(t.in_flight),
    requests: count(t.requests),
    lastCheck: t.last_check === undefined || t.last_check === null ? "" : String(t.last_check),
  };
}

export function createTargets({ root, tbody, empty, summary, more, error, form, input, add, status }) {
  let targets = []; // normalized, in the server's order
  let generation = 0; // bumped by every event, so an older read cannot undo a newer event
  const rows = new Map(); // key -> {row, parts}
  const deregisterConfirm = twoClickConfirm();
  let statusTimer = 0;

  /**
   * A stable key per entry: the same address may be listed twice (draining, and registered
   * again), and a row must survive updates (an armed button keeps its state).
   */
  function keys(list) {
    const seen = new Map();
    return list.map((t) => {
      const base = `${t.state === "draining" ? "d" : "a"} ${t.target}`;
      const n = seen.get(base) || 0;
      seen.set(base, n + 1);
      return `${base} ${n}`;
    });
  }

  function buildRow() {
    const name = el("span", { className: "target-name" });
    const reason = el("span", { className: "target-reason" });
    const description = el("span", { className: "target-desc" });
    const badge = el("span", { className: "tstate" });
    // data-label: the column's name, shown before the value when the table is stacked (narrow windows).
    const inFlight = el("td", { className: "num", dataset: { field: "in_flight", label: "in flight" } });
    const requests = el("td", { className: "num", dataset: { field: "requests", label: "requests" } });
    const lastCheck = el("td", { className: "mono last-check", dataset: { field: "last_check", label: "check" } });
    const button = el("button", { type: "button", className: "small danger", dataset: { testid: "target-deregister" }, text: "deregister" });
    const actions = el("td", { className: "actions" }, button);
    const row = el("tr", {},
      el("th", { scope: "row", className: "target-cell" }, name, reason, description),
      el("td", { className: "state-cell" }, badge),
      inFlight, requests, lastCheck, actions);
    button.addEventListener("click", () => deregisterClicked(row.dataset.target, button));
    return { row, parts: { name, reason, description, badge, inFlight, requests, lastCheck, button } };
  }

  function fill({ row, parts }, t) {
    row.dataset.target = t.target;
    row.dataset.state = t.state;
    setText(parts.name, t.target);
    parts.name.title = t.target;
    setText(parts.reason, t.reason);
    parts.reason.hidden = !t.reason;
    setText(parts.description, t.description);
    parts.description.hidden = !t.description;
    parts.badge.dataset.state = t.state;
    setText(parts.badge, t.state);
    parts.badge.title = [t.state, t.reason, t.description].filter(Boolean).join(": ");
    setText(parts.inFlight, fmtInt(t.inFlight));
    setText(parts.requests, fmtInt(t.requests));
    setText(parts.lastCheck, t.lastCheck || "–");
    parts.lastCheck.title = t.lastCheck ? `last health check: ${t.lastCheck}` : "no health check yet";
    parts.lastCheck.dataset.ok = /^2\d\d$/.test(t.lastCheck) ? "true" : t.lastCheck ? "false" : "";
    // A draining target is deregistered already: nothing more to do with it.
    const draining = t.state === "draining";
    parts.button.hidden = draining;
    if (!draining && parts.button.dataset.armed !== "true") {
      parts.button.setAttribute("aria-label", `deregister target ${t.target}`);
    }
  }

  function render() {
    const shown = targets.slice(0, MAX_TARGETS);
    const wanted = keys(shown);
    const keep = new Set(wanted);
    for (const [key, entry] of rows) {
      if (!keep.has(key)) {
        deregisterConfirm.cancel(entry.parts.button);
        entry.row.remove();
        rows.delete(key);
      }
    }
    let previous = null;
    shown.forEach((t, i) => {
      let entry = rows.get(wanted[i]);
      if (!entry) {
        entry = buildRow();
        rows.set(wanted[i], entry);
      }
      fill(entry, t);
      const expected = previous ? previous.nextElementSibling : tbody.firstElementChild;
      if (expected !== entry.row) tbody.insertBefore(entry.row, expected);
      previous = entry.row;
    });

    const byState = new Map();
    for (const t of targets) byState.set(t.state, (byState.get(t.state) || 0) + 1);
    const order = [...TARGET_STATES, ...[...byState.keys()].filter((s) => !TARGET_STATES.includes(s))];
    const parts = order.filter((s) => byState.has(s)).map((s) => `${fmtInt(byState.get(s))} ${s}`);
    setText(summary, targets.length
      ? `${fmtInt(targets.length)} target${targets.length === 1 ? "" : "s"}: ${parts.join(" · ")}`
      : "");
    for (const s of TARGET_STATES) root.dataset[s] = String(byState.get(s) || 0);
    root.dataset.count = String(targets.length);
    const none = targets.length === 0;
    empty.hidden = !none;
    tbody.closest("table").hidden = none;
    more.hidden = targets.length <= MAX_TARGETS;
    setText(more, targets.length > MAX_TARGETS ? `+${fmtInt(targets.length - MAX_TARGETS)} more not shown` : "");
  }
  const schedule = frameBatcher(render);

  function setList(list) {
    targets = list.map(normalize).filter(Boolean);
    schedule();
  }

  /** Shows a short confirmation next to the form for a few seconds. */
  function say(message) {
    clearTimeout(statusTimer);
    setText(status, message);
    status.hidden = !message;
    if (message) statusTimer = setTimeout(() => say(""), 6000);
  }

  /** Rereads api/targets after a change (the event stream may be down). */
  async function reread() {
    const asked = generation;
    try {
      const answer = await api("api/targets");
      if (asked === generation && Array.isArray(answer?.targets)) setList(answer.targets);
    } catch {
      // The header's notice and the next refresh say what is wrong.
    }
  }

  function disarm(target, button) {
    button.dataset.armed = "false";
    button.textContent = "deregister";
    button.setAttribute("aria-label", `deregister target ${target}`);
  }

  function deregisterClicked(target, button) {
    if (!target) return;
    const armed = { text: "confirm", label: `confirm: deregister target ${target} (it drains)` };
    if (!deregisterConfirm.click(button, armed, (b) => disarm(target, b))) return;
    button.disabled = true;
    Promise.resolve()
      .then(() => api(`api/targets/${segment(target)}`, { method: "DELETE" }))
      .then(() => {
        showError(error, "");
        say(`deregistered ${target}: it drains`);
        return reread();
      })
      .catch((failure) => showError(error, `deregister ${target}: ${failure.message}`))
      .finally(() => {
        button.disabled = false;
      });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const target = input.value.trim();
    let problem = "";
    if (!target) problem = "enter a target as host:port, like 127.0.0.1:8080";
    else if (/[\s/?#]/.test(target) || !/:\d+$/.test(target)) problem = `expected host:port, like 127.0.0.1:8080, got ${target}`;
    if (problem) {
      input.setAttribute("aria-invalid", "true");
      showError(error, problem);
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    const known = targets.some((t) => t.target === target && t.state !== "draining");
    add.disabled = true;
    Promise.resolve()
      .then(() => api(`api/targets/${segment(target)}`, { method: "PUT" }))
      .then((answer) => {
        showError(error, "");
        input.value = "";
        const registered = normalize(answer);
        say(known ? `${target} was registered already` : `registered ${registered?.target ?? target}`);
        return reread();
      })
      .catch((failure) => {
        input.setAttribute("aria-invalid", "true");
        showError(error, `register ${target}: ${failure.message}`);
      })
      .finally(() => {
        add.disabled = false;
      });
  });
  input.addEventListener("input", () => input.removeAttribute("aria-invalid"));

  render();

  return {
    /** Call before reading api/state or api/targets; pass the value to applyList. */
    generation: () => generation,
    /** The full list (api/state.targets or api/targets), unless an event came since `asked`. */
    applyList(list, asked) {
      if (!Array.isArray(list)) return;
      if (asked !== undefined && asked !== generation) return;
      setList(list);
    },
    /** A target_changed event. */
    changed(event) {
      if (!Array.isArray(event.targets)) return;
      generation += 1;
      setList(event.targets);
    },
  };
}
