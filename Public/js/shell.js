// The wiring both dashboards share: index.html (main.js, `understudy serve`) and gateway.html
// (gateway-main.js, `understudy gateway`). It builds the panels they have in common (header,
// scoreboard, connections, charts, request tail), runs the page's refresh one at a time, polls
// while the tab is visible, feeds the event stream (opened with the access token) to those
// panels, and wires the token form. Each entry file adds its own panels, what its refresh and
// poll read, and the events only its server sends.

import { onUnauthorized } from "./api.js";
import { createAuth, getToken } from "./auth.js";
import { createLatencyChart, createStatusChart } from "./charts.js";
import { createConnections } from "./connections.js";
import { EventStream } from "./events.js";
import { createHeader } from "./header.js";
import { createScoreboard } from "./scoreboard.js";
import { createTail } from "./tail.js";

const STATE_POLL_MS = 10000;
const POLL_SOON_MS = 500;

export const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
export const $ = (selector) => document.querySelector(selector);

/**
 * `task` (async) run one at a time: a call while it runs returns the running promise and
 * makes it run once more afterwards (however many calls came meanwhile). Never rejects.
 */
export function coalesced(task) {
  let running = null;
  let again = false;
  function run() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      await task();
    })().catch((error) => {
      console.error("understudy: refresh failed", error);
    }).finally(() => {
      running = null;
      if (again) {
        again = false;
        run();
      }
    });
    return running;
  }
  return run;
}

/**
 * @param {object} options
 * @param {object} [options.header]      more createHeader nodes (lifecycle, uptime, listeners)
 * @param {object} [options.scoreboard]  createScoreboard options
 * @param {object} [options.tail]        more createTail options (columns, rowData)
 * @param {() => Promise<void>} options.refresh  rereads the page's full state (run coalesced)
 * @param {() => Promise<void>} [options.poll]   rereads what has no events (run only while the
 *   tab is visible, one at a time, a call while one runs dropped); default: a refresh
 * @param {Object<string, (data: object) => void>} [options.events]  per event type, what the
 *   page does after the shared panels took the event
 * @param {() => void} [options.onDrainingChanged]  a stats event changed the draining flag
 * @param {string[]} [options.types]     the event types to listen to (default EVENT_TYPES)
 * @param {string} [options.authHint]    the token form's hint for an empty token
 */
export function createShell({
  header: headerNodes = {},
  scoreboard: scoreboardOptions,
  tail: tailOptions = {},
  refresh,
  poll,
  events = {},
  onDrainingChanged = () => {},
  types,
  authHint,
}) {
  const header = createHeader({
    stream: byTestId("stream-status"),
    rps: byTestId("rps"),
    notice: $("#notice"),
    ...headerNodes,
  });
  const scoreboard = createScoreboard(byTestId("scoreboard"), scoreboardOptions);
  const connections = createConnections(byTestId("connections"));
  const latency = createLatencyChart(byTestId("latency-chart"));
  const statuses = createStatusChart(byTestId("status-chart"));
  const tail = createTail({
    root: byTestId("request-tail"),
    tbody: $("#tail-rows"),
    pathFilter: byTestId("tail-filter-path"),
    statusFilter: byTestId("tail-filter-status"),
    pause: $("#tail-pause"),
    sampling: $("#tail-sampling"),
    note: $("#tail-note"),
    ...tailOptions,
  });

  // --- REST ---------------------------------------------------------------------------

  const refreshAll = coalesced(refresh);

  let polling = false;
  const pollOnce = poll
    ? async () => {
      if (polling) return;
      polling = true;
      try {
        await poll();
      } catch {
        // The stream's status and the next refresh say what is wrong.
      } finally {
        polling = false;
      }
    }
    : () => {
      refreshAll();
    };

  /** Polls are skipped while the tab is hidden (it catches up when shown again). */
  function pollState() {
    if (document.hidden) return;
    pollOnce();
  }

  let pollSoonTimer = 0;
  function pollSoon() {
    if (pollSoonTimer) return;
    pollSoonTimer = setTimeout(() => {
      pollSoonTimer = 0;
      pollState();
    }, POLL_SOON_MS);
  }

  /**
   * The notice line after a refresh: cleared when nothing failed, else the first failure
   * (but not a 401: the token form says that).
   */
  function reportRefresh(...failures) {
    const failure = failures[0];
    header.setNotice(failures.length && failure?.status !== 401 ? `refresh failed: ${failure?.message}` : "");
  }

  // --- Event stream -----------------------------------------------------------------------

  function handleEvent(type, data) {
    switch (type) {
      case "stats":
        if (header.applyStats(data)) onDrainingChanged();
        header.setRps(data.rps);
        scoreboard.update(data.workers, data.connections);
        connections.applyStats(data);
        latency.add(data);
        statuses.add(data);
        tail.setSampling(data.sampled);
        break;
      case "slot_changed":
        scoreboard.update(data.workers, data.connections);
        connections.applyConnections(data.connections);
        break;
      case "request_completed":
        tail.add(data);
        break;
      case "connection_opened":
        connections.connectionOpened(data);
        break;
      case "connection_closed":
        connections.connectionClosed(data);
        break;
      case "gap":
        refreshAll();
        break;
      default:
        break;
    }
    if (Object.hasOwn(events, type)) events[type](data);
  }

  const stream = new EventStream({
    url: () => {
      const token = getToken();
      return token ? `api/events?access_token=${encodeURIComponent(token)}` : "api/events";
    },
    types,
    onEvent: handleEvent,
    onOpen: () => refreshAll(),
    onState: (state) => header.setStream(state),
    // The browser gave up (server down, 401, 404...): keep the page current meanwhile, and
    // let a 401 from the API bring up the token form.
    onGiveUp: () => refreshAll(),
  });

  // --- Auth -----------------------------------------------------------------------------------

  const requestToken = createAuth({
    section: $("#auth"),
    form: byTestId("token-form"),
    input: byTestId("token-input"),
    message: $("#auth-message"),
    hint: authHint,
  }, () => {
    stream.restart();
    refreshAll();
  });

  onUnauthorized((usedToken) => {
    // An answer to a request sent with an older token (or none) than the one stored now says
    // nothing about the current token: ignore it rather than ask again or stop the stream.
    if (usedToken !== getToken()) return;
    stream.stop();
    requestToken(usedToken);
  });

  return {
    header,
    scoreboard,
    connections,
    latency,
    statuses,
    tail,
    refreshAll,
    pollSoon,
    reportRefresh,

    /** Starts the stream, the first refresh and the polling. */
    start() {
      header.setStream("reconnecting");
      stream.start();
      refreshAll();
      setInterval(pollState, STATE_POLL_MS);
      // Polls are skipped while the tab is hidden: catch up as soon as it is shown again.
      document.addEventListener("visibilitychange", () => {
        if (!document.hidden) pollState();
      });
    },
  };
}
