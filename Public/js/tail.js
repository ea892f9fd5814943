// The request tail: the latest request_completed events (newest on top, 200 kept), with
// live path and status filters, a pause switch and a note when the server samples.

import { el, fmtClock, fmtInt, fmtMs, frameBatcher, setText, statusClass } from "./util.js";

const MAX_ROWS = 200;

/** "503", "5xx", "5", "404, 5xx" -> a test on a status string; empty matches everything. */
export function statusMatcher(text) {
  const tokens = String(text).trim().toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (!tokens.length) return () => true;
  const tests = tokens.map((token) => {
    if (/^\d{3}$/.test(token)) return (status) => status === token;
    if (/^\dxx$/.test(token)) return (status) => status[0] === token[0];
    if (/^\d{1,2}x?$/.test(token)) return (status) => status.startsWith(token.replace("x", ""));
    return () => false;
  });
  return (status) => tests.some((test) => test(status));
}

/** Cell builders, one per column: `(event) => <td>`. */
export const TAIL_COLUMNS = {
  time: (r) => el("td", { className: "mono", text: fmtClock(r.time) }),
  method: (r) => el("td", { className: "method", text: r.method ?? "" }),
  path: (r) => {
    const path = String(r.path ?? "");
    return el("td", { className: "mono path", text: path, title: r.route ? `${path}\nroute ${r.route}` : path });
  },
  status: (r) => {
    const status = String(r.status ?? "");
    return el("td", { className: `num status s${statusClass(status)}`, text: status });
  },
  ms: (r) => el("td", { className: "num", text: fmtMs(r.duration_ms) }),
  conn: (r) => el("td", { className: "num mono", text: r.connection_id ?? "" }),
  fault: (r) => el("td", { className: "fault", text: r.fault ?? "", title: r.fault ? String(r.fault) : undefined }),
};

/** The serve dashboard's columns (index.html's table head matches them). */
export const DEFAULT_COLUMNS = ["time", "method", "path", "status", "ms", "conn", "fault"].map((key) => TAIL_COLUMNS[key]);

/**
 * `columns` (optional): the cell builders in the order of the table head (default
 * DEFAULT_COLUMNS). `rowData` (optional): `(event) => object` of extra data-* attributes
 * for a row (null/undefined values are left out); rows always keep data-status and data-path.
 */
export function createTail({ root, tbody, pathFilter, statusFilter, pause, sampling, note, columns = DEFAULT_COLUMNS, rowData = null }) {
  let pending = [];
  let paused = false;
  let matchesPath = () => true;
  let matchesStatus = () => true;

  const visible = (row) => matchesPath(row.dataset.path) && matchesStatus(row.dataset.status);

  function buildRow(r) {
    const status = String(r.status ?? "");
    const path = String(r.path ?? "");
    const dataset = {};
    if (rowData) {
      for (const [key, value] of Object.entries(rowData(r) || {})) {
        if (value !== undefined && value !== null) dataset[key] = String(value);
      }
    }
    Object.assign(dataset, { status, path });
    const row = el("tr", { dataset }, ...columns.map((column) => column(r)));
    row.hidden = !visible(row);
    return row;
  }

  function updateNote() {
    const total = tbody.childElementCount;
    let shown = 0;
    for (const row of tbody.children) if (!row.hidden) shown++;
    let text = "";
    if (!total) text = "no requests yet";
    else if (!shown) text = "no request matches the filters";
    else if (shown < total) text = `${fmtInt(shown)} of ${fmtInt(total)} rows match`;
    if (paused) text = `paused${pending.length ? `: ${fmtInt(pending.length)} new` : ""}${text ? ` · ${text}` : ""}`;
    setText(note, text);
    note.hidden = !text;
    root.dataset.rows = String(total);
  }

  function render() {
    if (!paused && pending.length) {
      const fresh = pending.slice(-MAX_ROWS);
      pending = [];
      const fragment = document.createDocumentFragment();
      for (let i = fresh.length - 1; i >= 0; i--) fragment.append(buildRow(fresh[i]));
      tbody.prepend(fragment);
      while (tbody.childElementCount > MAX_ROWS) tbody.lastElementChild.remove();
    }
    updateNote();
  }
  const schedule = frameBatcher(render);

  function applyFilters() {
    const needle = pathFilter.value;
    matchesPath = needle ? (path) => path.includes(needle) : () => true;
    matchesStatus = statusMatcher(statusFilter.value);
    for (const row of tbody.children) row.hidden = !visible(row);
    updateNote();
  }

  // "input" is not enough: WebDriver's clear(), form restoration on reload and some
  // autofill change the value with only a "change" event (or none: hence the first call).
  for (const input of [pathFilter, statusFilter]) {
    input.addEventListener("input", applyFilters);
    input.addEventListener("change", applyFilters);
  }
  window.addEventListener("pageshow", applyFilters);
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "resume" : "pause";
    schedule();
  });
  applyFilters();

  return {
    /** A request_completed event. */
    add(event) {
      pending.push(event);
      if (pending.length > MAX_ROWS * 2) pending = pending.slice(-MAX_ROWS);
      schedule();
    },
    /** stats.sampled: say when only some requests reach the tail. */
    setSampling(sampled) {
      const s = sampled?.request_completed;
      const show = s && Number.isFinite(s.seen) && Number.isFinite(s.sent) && s.seen > s.sent;
      sampling.hidden = !show;
      setText(sampling, show ? `showing ${fmtInt(s.sent)} of ${fmtInt(s.seen)} requests in the last second` : "");
    },
  };
}
