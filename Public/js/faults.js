// The fault rules card: the rules in force with a summary, fired counts and an enable
// switch, a delete button, and a JSON editor that adds rules (POST api/faults).

import { api, segment } from "./api.js";
import { el, fmtInt, frameBatcher, setText, showError, throttle } from "./util.js";

export const EXAMPLES = {
  delay: { name: "slow", match: { path: "/get" }, delay: "100ms" },
  respond: { name: "flaky", match: { path: "/api/*" }, respond: { status: 503, body: "unavailable" }, probability: 0.2 },
  connection: { name: "cut", match: { path: "/download/*" }, connection: "reset" },
};

const pairs = (object) => Object.entries(object || {}).map(([k, v]) => `${k}=${v}`).join(" ");

function describeMatch(match) {
  if (!match || !Object.keys(match).length) return "every request";
  const parts = [];
  if (match.method) parts.push(Array.isArray(match.method) ? match.method.join("|") : match.method);
  if (match.path) parts.push(match.path);
  if (match.header) parts.push(`header ${pairs(match.header)}`);
  if (match.query) parts.push(`query ${pairs(match.query)}`);
  if (match.sqs_action) parts.push(`sqs ${match.sqs_action}`);
  if (match.queue) parts.push(`queue ${match.queue}`);
  return parts.join(" ");
}

function describeDelay(delay) {
  if (typeof delay === "string") return delay;
  if (delay?.uniform) return `${delay.uniform[0]}–${delay.uniform[1]}`;
  if (delay?.normal) return `~${delay.normal.mean} ±${delay.normal.stddev}`;
  if (delay?.lognormal) return `lognormal ${delay.lognormal.median}`;
  if (delay?.exponential) return `exponential ${delay.exponential.mean}`;
  return JSON.stringify(delay);
}

function describeConnection(connection) {
  if (typeof connection === "string") return connection;
  const [kind, options] = Object.entries(connection || {})[0] || ["?", {}];
  return `${kind} ${pairs(options)}`.trim();
}

/** "GET /api/* → respond 503 · 20%" */
export function describeRule(rule) {
  const actions = [];
  if (rule.delay !== undefined) {
    actions.push(`delay ${describeDelay(rule.delay)}${rule.when && rule.when !== "before" ? ` (${rule.when})` : ""}`);
  }
  if (rule.respond) {
    const r = rule.respond;
    actions.push(r.sqs_error ? `respond ${r.sqs_error}${r.status ? ` ${r.status}` : ""}` : `respond ${r.status ?? 200}`);
  }
  if (rule.connection !== undefined) actions.push(`connection ${describeConnection(rule.connection)}`);
  if (!actions.length) actions.push("no action");
  const extras = [];
  if (typeof rule.probability === "number" && rule.probability !== 1) {
    extras.push(`${Number((rule.probability * 100).toPrecision(3))}%`);
  }
  if (rule.schedule) {
    const s = rule.schedule;
    extras.push(["after", "for", "every"].filter((k) => s[k]).map((k) => `${k} ${s[k]}`).join(" "));
  }
  return [`${describeMatch(rule.match)} → ${actions.join(", ")}`, ...extras].join(" · ");
}

export function createFaults({ list, meta, listError, editor, save, error, examples }) {
  const rows = new Map(); // name -> {row, summary, fired, checkbox, remove}
  let rules = [];
  const status = new Map(); // name -> {fired, active, limit, enabled} from api/state
  // Answers that were asked for before a newer request (or a change made here) are dropped.
  let rulesSeq = 0;
  let statusSeq = 0;

  const emptyRow = el("li", { className: "empty", text: "no fault rules" });
  // Summary and JSON per rule object: rendering again for a fired count (up to once a
  // frame while rules fire) must not describe and stringify every rule again.
  const described = new WeakMap();

  function describe(rule) {
    let text = described.get(rule);
    if (!text) {
      let summary;
      try {
        summary = describeRule(rule);
      } catch {
        summary = "(unreadable rule)";
      }
      text = { summary, json: JSON.stringify(rule, null, 2) };
      described.set(rule, text);
    }
    return text;
  }

  function setData(node, key, value) {
    if (node.dataset[key] !== value) node.dataset[key] = value;
  }

  function buildRow(name) {
    const checkbox = el("input", { type: "checkbox", "data-testid": `fault-enabled-${name}`, "aria-label": `enable rule ${name}` });
    const remove = el("button", { type: "button", className: "danger small", text: "delete", "aria-label": `delete rule ${name}` });
    const parts = {
      row: el("li", { className: "fault-row", dataset: { rule: name } }),
      name: el("span", { className: "fault-name", text: name }),
      summary: el("span", { className: "fault-summary" }),
      fired: el("span", { className: "fault-fired" }),
      checkbox,
      remove,
    };
    parts.row.append(
      el("div", { className: "fault-text" }, parts.name, parts.summary),
      parts.fired,
      el("label", { className: "switch" }, checkbox, el("span", { text: "on" })),
      remove);
    checkbox.addEventListener("change", () => setEnabled(name, checkbox));
    remove.addEventListener("click", () => removeRule(name, remove));
    return parts;
  }

  function render() {
    const names = new Set(rules.map((r) => r.name));
    for (const [name, parts] of rows) {
      if (!names.has(name)) {
        parts.row.remove();
        rows.delete(name);
      }
    }
    let previous = null;
    for (const rule of rules) {
      let parts = rows.get(rule.name);
      if (!parts) {
        parts = buildRow(rule.name);
        rows.set(rule.name, parts);
      }
      const info = status.get(rule.name);
      const enabled = rule.enabled !== false;
      const text = describe(rule);
      setText(parts.summary, text.summary);
      setTitle(parts.summary, text.json);
      const fired = info ? info.fired : undefined;
      const limit = info?.limit ?? rule.limit;
      setText(parts.fired, `fired ${fmtInt(fired ?? 0)}${Number.isFinite(limit) ? ` / ${fmtInt(limit)}` : ""}`);
      setData(parts.fired, "fired", String(fired ?? 0));
      setData(parts.row, "enabled", String(enabled));
      setData(parts.row, "active", String(info ? info.active !== false : enabled));
      setTitle(parts.row, enabled && info && info.active === false ? "enabled, but not active now (schedule or limit)" : "");
      if (!parts.checkbox.disabled) parts.checkbox.checked = enabled;
      // Keep rows in the server's order without moving rows that are already in place.
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== parts.row) list.insertBefore(parts.row, expected);
      previous = parts.row;
    }
    if (rules.length) emptyRow.remove();
    else list.append(emptyRow);
  }

  // listError shows either why the rules could not be loaded or why an action failed; a
  // successful reload clears only the former (the refresh after a failed delete must not
  // wipe the delete's error at once).
  let loadErrorShown = false;
  function showLoadError(message) {
    if (message) {
      showError(listError, message);
      loadErrorShown = true;
    } else if (loadErrorShown) {
      showError(listError, "");
      loadErrorShown = false;
    }
  }
  function showActionError(message) {
    showError(listError, message);
    loadErrorShown = false;
  }

  function setTitle(node, title) {
    if (node.title !== title) node.title = title;
  }

  function applyStatus(faults) {
    if (!Array.isArray(faults)) return;
    status.clear();
    for (const f of faults) if (f && typeof f === "object") status.set(String(f.name), f);
  }

  function applyRules(answer) {
    if (!answer) return;
    // Anything but an object with a string name is skipped (and names are kept unique).
    const seen = new Set();
    rules = (Array.isArray(answer.rules) ? answer.rules : []).filter((r) =>
      r && typeof r === "object" && typeof r.name === "string" && !seen.has(r.name) && seen.add(r.name));
    const notes = [];
    if (answer.max_delay) notes.push(`max delay ${answer.max_delay}`);
    if (typeof answer.client_headers === "boolean") notes.push(`client fault headers ${answer.client_headers ? "on" : "off"}`);
    setText(meta, notes.join(" · "));
  }

  /** Reloads the rules (api/faults) and their fired counts (api/state). */
  async function refresh() {
    const rulesAsked = ++rulesSeq;
    const statusAsked = ++statusSeq;
    const [faults, state] = await Promise.allSettled([api("api/faults"), api("api/state")]);
    if (rulesAsked === rulesSeq) {
      if (faults.status === "fulfilled") applyRules(faults.value);
      showLoadError(faults.status === "rejected" ? `fault rules: ${faults.reason.message}` : "");
    }
    if (statusAsked === statusSeq && state.status === "fulfilled") applyStatus(state.value?.faults);
    render();
  }

  /** Rereads only the fired counts and active flags (api/state): rules do not change by firing. */
  async function refreshStatus() {
    const statusAsked = ++statusSeq;
    try {
      const state = await api("api/state");
      if (statusAsked !== statusSeq) return;
      applyStatus(state?.faults);
      renderSoon();
    } catch {
      // The next periodic poll or refresh tries again.
    }
  }
  const renderSoon = frameBatcher(render);
  const refreshStatusSoon = throttle(() => refreshStatus(), 2000);

  async function setEnabled(name, checkbox) {
    const enabled = checkbox.checked;
    checkbox.disabled = true;
    try {
      const rule = await api(`api/faults/${segment(name)}`);
      rule.enabled = enabled;
      await api(`api/faults/${segment(name)}`, { method: "PUT", body: rule });
      showActionError("");
    } catch (failure) {
      checkbox.checked = !enabled;
      showActionError(`${name}: ${failure.message}`);
    } finally {
      checkbox.disabled = false;
      refresh();
    }
  }

  async function removeRule(name, button) {
    button.disabled = true;
    try {
      await api(`api/faults/${segment(name)}`, { method: "DELETE" });
      showActionError("");
    } catch (failure) {
      showActionError(`${name}: ${failure.message}`);
    } finally {
      button.disabled = false;
      refresh();
    }
  }

  save.addEventListener("click", async () => {
    let rule;
    try {
      rule = JSON.parse(editor.value);
    } catch (failure) {
      showError(error, `invalid JSON: ${failure.message}`);
      editor.setAttribute("aria-invalid", "true");
      return;
    }
    save.disabled = true;
    try {
      await api("api/faults", { method: "POST", body: rule });
      showError(error, "");
      editor.removeAttribute("aria-invalid");
    } catch (failure) {
      showError(error, failure.message);
      editor.setAttribute("aria-invalid", "true");
    } finally {
      save.disabled = false;
    }
    refresh();
  });

  editor.value = JSON.stringify(EXAMPLES.respond, null, 2);
  for (const [key, example] of Object.entries(EXAMPLES)) {
    const button = el("button", { type: "button", className: "link small", text: key, "aria-label": `load the ${key} example` });
    button.addEventListener("click", () => {
      editor.value = JSON.stringify(example, null, 2);
      showError(error, "");
      editor.removeAttribute("aria-invalid");
    });
    examples.append(button);
  }
  showError(error, "");
  render();

  return {
    refresh,
    /** Take before asking api/faults or api/state elsewhere; pass to apply/applyStatus. */
    generation: () => ({ rules: rulesSeq, status: statusSeq }),
    /** From a full refetch (api/faults and api/state answered elsewhere). */
    apply(faultsAnswer, stateFaults, asked) {
      if (faultsAnswer && (!asked || asked.rules === rulesSeq)) {
        rulesSeq++;
        applyRules(faultsAnswer);
        showLoadError("");
      }
      if (stateFaults && (!asked || asked.status === statusSeq)) {
        statusSeq++;
        applyStatus(stateFaults);
      }
      renderSoon();
    },
    /** fired counts only (a periodic api/state). */
    applyStatus(stateFaults, asked) {
      if (asked && asked.status !== statusSeq) return;
      statusSeq++;
      applyStatus(stateFaults);
      renderSoon();
    },
    /** A fault_fired event: count it now, reload at most once a second. */
    fired(event) {
      const info = status.get(String(event.rule));
      if (info) {
        info.fired = (Number(info.fired) || 0) + 1;
        renderSoon();
      }
      // Active flags and limits change as rules fire: reread them, at most every 2 s.
      refreshStatusSoon();
    },
  };
}
