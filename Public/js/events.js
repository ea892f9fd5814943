// The server's event stream (GET api/events, Server-Sent Events): exactly one EventSource
// at a time, rebuilt with a growing backoff when the browser gives up on it.

export const EVENT_TYPES = [
  "stats",
  "request_completed",
  "connection_opened",
  "connection_closed",
  "health_answered",
  "fault_fired",
  "slot_changed",
  "queue_changed",
  "gap",
];

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 5000;
// `stats` comes every second (heartbeat comments are invisible to EventSource): a stream
// with no event, open or error for this long is stalled (half-open TCP, a sleeping laptop,
// a proxy holding the request): it is rebuilt.
const STALL_MS = 20000;
const WATCHDOG_MS = 5000;

export class EventStream {
  /**
   * @param {object} options
   * @param {() => string} options.url        the stream's URL (asked again at each reconnect)
   * @param {(type: string, data: object) => void} options.onEvent
   * @param {() => void} options.onOpen        the stream (re)opened: refetch what may have changed
   * @param {(state: "live"|"reconnecting") => void} options.onState
   * @param {() => void} [options.onGiveUp]    the browser closed the stream for good
   * @param {string[]} [options.types]         the event types to listen to (default EVENT_TYPES)
   */
  constructor({ url, onEvent, onOpen, onState, onGiveUp = () => {}, types = EVENT_TYPES }) {
    this.url = url;
    this.types = [...types];
    this.onEvent = onEvent;
    this.onOpen = onOpen;
    this.onState = onState;
    this.onGiveUp = onGiveUp;
    this.source = null;
    this.retryTimer = 0;
    this.backoff = FIRST_BACKOFF_MS;
    this.stopped = true;
    this.lastActivity = 0;
    this.watchdog = 0;
  }

  start() {
    this.stopped = false;
    if (!this.watchdog) this.watchdog = setInterval(() => this.checkStalled(), WATCHDOG_MS);
    if (!this.source && !this.retryTimer) this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    clearInterval(this.watchdog);
    this.watchdog = 0;
    if (this.source) this.source.close();
    this.source = null;
    this.onState("reconnecting");
  }

  checkStalled() {
    if (this.stopped || !this.source) return;
    if (performance.now() - this.lastActivity < STALL_MS) return;
    console.warn("understudy: the event stream went silent; reconnecting");
    this.onState("reconnecting");
    this.connect();
  }

  /** Reconnects at once (for example with a new token). */
  restart() {
    this.stop();
    this.backoff = FIRST_BACKOFF_MS;
    this.start();
  }

  connect() {
    this.retryTimer = 0;
    if (this.stopped) return;
    if (this.source) this.source.close();
    this.source = null;
    const source = new EventSource(this.url());
    this.source = source;
    this.lastActivity = performance.now();
    const current = () => this.source === source;
    const warned = new Set(); // one console line per event type and connection, not one per event
    const warn = (type, ...details) => {
      if (warned.has(type)) return;
      warned.add(type);
      console.warn(`understudy: unreadable ${type} event (further ones on this connection are dropped silently)`, ...details);
    };

    source.addEventListener("open", () => {
      if (!current()) return;
      this.lastActivity = performance.now();
      this.backoff = FIRST_BACKOFF_MS;
      this.onState("live");
      this.onOpen();
    });

    source.addEventListener("error", () => {
      if (!current()) return;
      this.lastActivity = performance.now();
      this.onState("reconnecting");
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      source.close();
      this.source = null;
      const delay = this.backoff;
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.retryTimer = setTimeout(() => this.connect(), delay);
      this.onGiveUp();
    });

    for (const type of this.types) {
      source.addEventListener(type, (message) => {
        if (!current()) return;
        this.lastActivity = performance.now();
        let data;
        try {
          data = message.data ? JSON.parse(message.data) : {};
        } catch {
          warn(type, message.data);
          return;
        }
        if (!data || typeof data !== "object" || Array.isArray(data)) {
          if (type === "gap") data = {}; // a gap still means: refetch
          else return warn(type, message.data);
        }
        try {
          this.onEvent(type, data);
        } catch (error) {
          warn(type, error);
        }
      });
    }
  }
}
