// Shared helpers: building DOM nodes safely, formatting numbers and times,
// batching renders into animation frames and throttling refreshes.

/**
 * Creates an element. `props` keys: `className`, `text` (textContent), `dataset` (object),
 * `hidden`, `title`; any other key is set as an attribute. Children are nodes or strings
 * (strings become text nodes, never HTML).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "hidden") node.hidden = Boolean(value);
    else if (key === "title") node.title = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Sets textContent only when it changed (keeps the DOM quiet under a busy stream). */
export function setText(node, text) {
  const value = String(text);
  if (node.textContent !== value) node.textContent = value;
}

const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 50000 -> "50,000"; non-numbers -> "–". */
export function fmtInt(value) {
  return Number.isFinite(value) ? integerFormat.format(Math.round(value)) : "–";
}

/** Requests per second, rounded, without separators (easy to read back). */
export function fmtRps(value) {
  return Number.isFinite(value) ? String(Math.round(value)) : "–";
}

/** Milliseconds with about two significant decimals: 0.0123 -> "0.012", 3.456 -> "3.46", 123.4 -> "123". */
export function fmtMs(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return String(Number(value.toPrecision(2)));
}

/** ISO-8601 -> epoch milliseconds (now when missing or unparseable). */
export function parseTime(iso) {
  const ms = typeof iso === "string" ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : Date.now();
}

/** ISO-8601 -> local "HH:MM:SS.mmm". */
export function fmtClock(iso) {
  const date = new Date(parseTime(iso));
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Seconds -> "3d 4h", "2h 5m", "4m 10s", "12s". */
export function fmtDuration(seconds) {
  if (!Number.isFinite(seconds)) return "–";
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** 503 -> "5xx". */
export function statusClass(status) {
  const code = Number(status);
  return code >= 100 && code < 600 ? `${Math.floor(code / 100)}xx` : "other";
}

/** Cuts text to `max` characters with an ellipsis. */
export function truncate(text, max) {
  const value = String(text ?? "");
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * Returns `schedule()`: calls `fn` once on the next animation frame however often it is
 * called before then. Falls back to a timer when frames do not come (hidden tab), so the
 * page is current when it becomes visible again.
 */
export function frameBatcher(fn) {
  let frame = 0;
  let timer = 0;
  const run = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = 0;
    timer = 0;
    fn();
  };
  return function schedule() {
    if (frame || timer) return;
    frame = requestAnimationFrame(run);
    timer = setTimeout(run, 250);
  };
}

/** Runs `fn` at most once per `ms`: immediately if idle, otherwise once at the end of the window. */
export function throttle(fn, ms) {
  let last = -Infinity;
  let timer = 0;
  return function throttled() {
    const wait = last + ms - performance.now();
    if (wait <= 0 && !timer) {
      last = performance.now();
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = 0;
        last = performance.now();
        fn();
      }, Math.max(wait, 0));
    }
  };
}

/** Shows an error message in an element (role="alert"), or hides and empties it. */
export function showError(node, message) {
  node.textContent = message || "";
  node.hidden = !message;
}

/**
 * The two-click confirm of a destructive button (purge, deregister): a first click arms it
 * (its `armed` text and label) for `ms`, after which `rest(button)` puts its idle text back;
 * a second click within that time confirms. No confirm() dialog, which would block automation.
 */
export function twoClickConfirm(ms = 3000) {
  const timers = new WeakMap(); // armed button -> the timer that disarms it
  return {
    /** True when this click confirms (the button is back at rest); otherwise arms it. */
    click(button, armed, rest) {
      if (button.dataset.armed !== "true") {
        button.dataset.armed = "true";
        button.textContent = armed.text;
        button.setAttribute("aria-label", armed.label);
        timers.set(button, setTimeout(() => rest(button), ms));
        return false;
      }
      clearTimeout(timers.get(button));
      rest(button);
      return true;
    },
    /** Forgets an armed button's timer (its row is gone). */
    cancel(button) {
      clearTimeout(timers.get(button));
    },
  };
}
