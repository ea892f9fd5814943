// Canvas charts fed by `stats` events (one point a second, last 5 minutes): latency p50/p99
// as lines (a null percentile is a gap) and responses per second as stacked bars by class.

import { el, fmtInt, fmtMs, frameBatcher, parseTime, setText } from "./util.js";

const WINDOW_MS = 5 * 60 * 1000;
const MAX_POINTS = 600;
const GAP_MS = 3500; // no point for this long: the line breaks
const PAD = { left: 52, right: 10, top: 10, bottom: 22 };
const CLASSES = ["2xx", "3xx", "4xx", "5xx"];

/** A round step for about `target` intervals up to `max`. */
function niceStep(max, target = 4) {
  const raw = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * magnitude;
}

/** Shared by both charts: the points, the canvas at device resolution, axes, redraws. */
class TimeChart {
  constructor(container, legendItems) {
    this.container = container;
    this.canvas = container.querySelector("canvas");
    this.points = [];
    this.legendValues = new Map();
    const legend = container.querySelector(".chart-legend");
    for (const item of legendItems) {
      const value = el("span", { className: "legend-value", text: "–" });
      this.legendValues.set(item.key, value);
      legend.append(el("li", {},
        el("span", { className: "swatch", dataset: { series: item.key }, "aria-hidden": "true" }),
        ` ${item.label} `, value));
    }
    container.dataset.points = "0";
    this.size = null; // the canvas' CSS size, from the ResizeObserver (no layout read per draw)
    this.schedule = frameBatcher(() => this.draw());
    new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect;
      this.size = { width: box.width, height: box.height };
      this.schedule();
    }).observe(this.canvas);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.schedule());
    this.schedule();
  }

  push(point) {
    const points = this.points;
    if (!Number.isFinite(point.t)) return;
    let i = points.length;
    while (i > 0 && points[i - 1].t > point.t) i--; // replayed events may arrive late
    if (i > 0 && points[i - 1].t === point.t) points[i - 1] = point; // the same second again
    else points.splice(i, 0, point);
    const oldest = points[points.length - 1].t - WINDOW_MS;
    let drop = 0;
    while (drop < points.length && points[drop].t < oldest) drop++;
    drop = Math.max(drop, points.length - MAX_POINTS);
    if (drop > 0) points.splice(0, drop);
    this.container.dataset.points = String(points.length);
    this.schedule();
  }

  color(name) {
    return getComputedStyle(this.container).getPropertyValue(name).trim() || "#888";
  }

  /** Sizes the canvas for the device pixel ratio; returns the drawing frame, or null. */
  frame() {
    const rect = this.size;
    if (!rect || rect.width < 10 || rect.height < 10) return null;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(rect.width * dpr);
    const height = Math.round(rect.height * dpr);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, rect.width, rect.height);
    const end = this.points.length ? this.points[this.points.length - 1].t : Date.now();
    const plot = {
      x: PAD.left, y: PAD.top,
      w: rect.width - PAD.left - PAD.right,
      h: rect.height - PAD.top - PAD.bottom,
      start: end - WINDOW_MS, end,
    };
    plot.xOf = (t) => plot.x + ((t - plot.start) / WINDOW_MS) * plot.w;
    return { ctx, width: rect.width, height: rect.height, plot };
  }

  /** Grid, y labels from 0 to `max` (rounded up), x labels each minute. Returns the y scale.
   *  `whole`: the values are counts, so the steps are whole numbers. */
  axes(ctx, plot, max, formatY, whole = false) {
    const nice = niceStep(max > 0 ? max : 1);
    const step = whole ? Math.max(1, Math.ceil(nice)) : nice;
    const top = Math.max(step, Math.ceil((max || 1) / step) * step);
    const yOf = (v) => plot.y + plot.h - (v / top) * plot.h;
    ctx.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    ctx.lineWidth = 1;
    ctx.strokeStyle = this.color("--chart-grid");
    ctx.fillStyle = this.color("--chart-text");
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = 0; v <= top + step / 2; v += step) {
      const y = Math.round(yOf(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(plot.x, y);
      ctx.lineTo(plot.x + plot.w, y);
      ctx.stroke();
      ctx.fillText(formatY(v), plot.x - 6, y);
    }
    ctx.textBaseline = "top";
    let lastLeft = Infinity;
    for (let minutes = 0; minutes <= 5; minutes++) {
      const x = plot.xOf(plot.end - minutes * 60000);
      const label = minutes === 0 ? "now" : `-${minutes}m`;
      const width = ctx.measureText(label).width;
      ctx.textAlign = minutes === 0 ? "right" : "center";
      const right = minutes === 0 ? x : x + width / 2;
      if (right > lastLeft - 6) continue;
      ctx.fillText(label, x, plot.y + plot.h + 6);
      lastLeft = minutes === 0 ? x - width : x - width / 2;
    }
    return yOf;
  }

  empty(ctx, plot) {
    ctx.fillStyle = this.color("--chart-text");
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("waiting for stats…", plot.x + plot.w / 2, plot.y + plot.h / 2);
  }
}

class LatencyChart extends TimeChart {
  constructor(container) {
    super(container, [{ key: "p50", label: "p50" }, { key: "p99", label: "p99" }]);
  }

  add(stats) {
    const ms = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    this.push({ t: parseTime(stats.time), p50: ms(stats.p50_ms), p99: ms(stats.p99_ms) });
  }

  draw() {
    const last = this.points[this.points.length - 1];
    for (const key of ["p50", "p99"]) {
      const v = last ? last[key] : null;
      setText(this.legendValues.get(key), v === null ? "–" : `${fmtMs(v)} ms`);
    }
    this.canvas.setAttribute("aria-label", last
      ? `Latency over the last 5 minutes; now p50 ${fmtMs(last.p50)} ms, p99 ${fmtMs(last.p99)} ms`
      : "Latency: no data yet");

    const f = this.frame();
    if (!f) return;
    const { ctx, plot } = f;
    let max = 0;
    for (const p of this.points) max = Math.max(max, p.p50 ?? 0, p.p99 ?? 0);
    const yOf = this.axes(ctx, plot, max || 1, (v) => `${Number(v.toPrecision(3))} ms`);
    if (!this.points.length) return this.empty(ctx, plot);

    ctx.lineWidth = 1.75;
    ctx.lineJoin = "round";
    for (const key of ["p99", "p50"]) {
      const colour = this.color(`--chart-${key}`);
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      let run = [];
      const flush = () => {
        if (run.length === 1) {
          ctx.beginPath();
          ctx.arc(run[0][0], run[0][1], 2, 0, Math.PI * 2);
          ctx.fill();
        } else if (run.length > 1) {
          ctx.beginPath();
          run.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
          ctx.stroke();
        }
        run = [];
      };
      let previousT = -Infinity;
      for (const p of this.points) {
        if (p[key] === null || p.t - previousT > GAP_MS) flush();
        if (p[key] !== null) run.push([plot.xOf(p.t), yOf(p[key])]);
        previousT = p.t;
      }
      flush();
    }
  }
}

class StatusChart extends TimeChart {
  constructor(container) {
    super(container, CLASSES.map((c) => ({ key: c, label: c })));
  }

  add(stats) {
    const perClass = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 };
    const seconds = stats.interval_s > 0 ? stats.interval_s : 1;
    for (const [code, n] of Object.entries(stats.statuses || {})) {
      const key = `${String(code)[0]}xx`;
      if (key in perClass && Number.isFinite(n)) perClass[key] += n / seconds;
    }
    this.push({ t: parseTime(stats.time), ...perClass });
  }

  draw() {
    const last = this.points[this.points.length - 1];
    for (const key of CLASSES) setText(this.legendValues.get(key), last ? `${fmtInt(last[key])}/s` : "–");
    this.canvas.setAttribute("aria-label", last
      ? `Responses per second by status class; now ${CLASSES.map((c) => `${c} ${fmtInt(last[c])}`).join(", ")}`
      : "Responses per second: no data yet");

    const f = this.frame();
    if (!f) return;
    const { ctx, plot } = f;
    let max = 0;
    for (const p of this.points) max = Math.max(max, CLASSES.reduce((sum, c) => sum + p[c], 0));
    const yOf = this.axes(ctx, plot, max || 1, (v) => fmtInt(v), true);
    if (!this.points.length) return this.empty(ctx, plot);

    const barWidth = Math.max(1, (plot.w / (WINDOW_MS / 1000)) * 0.85);
    const colours = Object.fromEntries(CLASSES.map((c) => [c, this.color(`--chart-${c}`)]));
    for (const p of this.points) {
      const x = plot.xOf(p.t) - barWidth;
      if (x < plot.x) continue; // older than the window
      let base = 0;
      for (const c of CLASSES) {
        if (p[c] <= 0) continue;
        const y0 = yOf(base);
        const y1 = yOf(base + p[c]);
        ctx.fillStyle = colours[c];
        ctx.fillRect(x, y1, barWidth, Math.max(y0 - y1, 1));
        base += p[c];
      }
    }
  }
}

export const createLatencyChart = (container) => new LatencyChart(container);
export const createStatusChart = (container) => new StatusChart(container);
