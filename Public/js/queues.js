// The queues card: one row per SQS-compatible queue with its counts (live from
// queue_changed events), "peek" to list its messages and a two-click "purge".

import { api, segment } from "./api.js";
import { el, fmtClock, fmtInt, frameBatcher, setText, showError, truncate, twoClickConfirm } from "./util.js";

const COUNTS = ["visible", "in_flight", "delayed", "sent", "received", "deleted"];
const MAX_MESSAGES = 100;

export function createQueues({ list, tbody, empty, error, messages }) {
  const queues = new Map(); // name -> summary
  const rows = new Map(); // name -> {row, cells, fifo}
  const panel = {
    title: messages.querySelector(".qm-title"),
    note: messages.querySelector(".qm-note"),
    body: messages.querySelector("tbody"),
    refresh: messages.querySelector(".qm-refresh"),
    close: messages.querySelector(".qm-close"),
  };
  let peeked = null;
  let peekSeq = 0; // only the latest peek's answer is shown
  const purgeConfirm = twoClickConfirm();

  function buildRow(name) {
    const cells = Object.fromEntries(COUNTS.map((key) => [key, el("td", { className: "num", dataset: { field: key } })]));
    const fifo = el("td", { dataset: { field: "fifo" } });
    const peek = el("button", { type: "button", className: "small", text: "peek", "aria-label": `peek at queue ${name}` });
    const purge = el("button", { type: "button", className: "small danger", text: "purge", "aria-label": `purge queue ${name}` });
    const row = el("tr", { dataset: { queue: name } },
      el("th", { scope: "row", className: "queue-name", text: name, title: name }),
      ...COUNTS.map((key) => cells[key]),
      fifo,
      el("td", { className: "actions" }, peek, " ", purge));
    peek.addEventListener("click", () => showMessages(name));
    purge.addEventListener("click", () => purgeClicked(name, purge));
    return { row, cells, fifo };
  }

  function render() {
    for (const [name, parts] of rows) {
      if (!queues.has(name)) {
        parts.row.remove();
        rows.delete(name);
      }
    }
    const names = [...queues.keys()].sort();
    let previous = null;
    for (const name of names) {
      let parts = rows.get(name);
      if (!parts) {
        parts = buildRow(name);
        rows.set(name, parts);
      }
      const q = queues.get(name);
      for (const key of COUNTS) setText(parts.cells[key], fmtInt(q[key] ?? 0));
      setText(parts.fifo, q.fifo ? "yes" : "no");
      const expected = previous ? previous.nextElementSibling : tbody.firstElementChild;
      if (expected !== parts.row) tbody.insertBefore(parts.row, expected);
      previous = parts.row;
    }
    const none = names.length === 0;
    empty.hidden = !none;
    list.dataset.count = String(names.length);
    list.querySelector("table").hidden = none;
  }
  const schedule = frameBatcher(render);

  function purgeClicked(name, button) {
    const armed = { text: "confirm purge", label: `confirm: purge every message of queue ${name}` };
    if (!purgeConfirm.click(button, armed, (b) => disarm(name, b))) return;
    button.disabled = true;
    Promise.resolve()
      .then(() => api(`api/queues/${segment(name)}/messages`, { method: "DELETE" }))
      .then(async () => {
        showError(error, "");
        if (peeked === name) showMessages(name);
        const answer = await api("api/queues"); // in case the event stream is down
        applyList(answer?.queues);
      })
      .catch((failure) => showError(error, `purge ${name}: ${failure.message}`))
      .finally(() => {
        button.disabled = false;
      });
  }

  function disarm(name, button) {
    button.dataset.armed = "false";
    button.textContent = "purge";
    button.setAttribute("aria-label", `purge queue ${name}`);
  }

  async function showMessages(name) {
    const seq = ++peekSeq;
    peeked = name;
    messages.hidden = false;
    messages.dataset.queue = name;
    setText(panel.title, `${name}: loading…`);
    try {
      const queue = await api(`api/queues/${segment(name)}`);
      if (seq !== peekSeq) return;
      const list = Array.isArray(queue?.messages) ? queue.messages.filter((m) => m && typeof m === "object") : [];
      setText(panel.title, `${name}: ${fmtInt(list.length)} message${list.length === 1 ? "" : "s"}`);
      setText(panel.note, list.length > MAX_MESSAGES ? `showing the first ${MAX_MESSAGES}` : "");
      panel.body.replaceChildren(...list.slice(0, MAX_MESSAGES).map((m) => el("tr", { dataset: { messageId: m.message_id ?? "" } },
        el("td", { className: "mono", text: truncate(m.message_id, 12), title: m.message_id }),
        el("td", { text: m.state ?? "" }),
        el("td", { className: "num", text: fmtInt(m.receive_count ?? 0) }),
        el("td", { className: "mono", text: Number.isFinite(m.sent_timestamp) && Math.abs(m.sent_timestamp) < 8.64e15 ? fmtClock(new Date(m.sent_timestamp).toISOString()) : "" }),
        el("td", { className: "mono body", text: truncate(m.body, 80), title: truncate(m.body, 2000) }))));
      if (!list.length) panel.body.replaceChildren(el("tr", {}, el("td", { colspan: "5", className: "empty", text: "no messages" })));
      showError(error, "");
    } catch (failure) {
      if (seq !== peekSeq) return;
      setText(panel.title, `${name}: not available`);
      panel.body.replaceChildren();
      showError(error, `peek ${name}: ${failure.message}`);
    }
  }

  function applyList(list) {
    if (!Array.isArray(list)) return;
    queues.clear();
    for (const q of list) if (q && typeof q === "object" && q.name) queues.set(String(q.name), q);
    schedule();
  }

  panel.refresh.addEventListener("click", () => peeked && showMessages(peeked));
  panel.close.addEventListener("click", () => {
    peekSeq += 1;
    peeked = null;
    messages.hidden = true;
  });
  render();

  return {
    /** The full list (api/state.queues or api/queues). */
    applyList,
    /** A queue_changed event. */
    changed(event) {
      if (!event.name) return;
      const name = String(event.name);
      if (event.removed) queues.delete(name);
      else queues.set(name, { ...queues.get(name), ...event, name });
      schedule();
    },
  };
}
