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

export class EventStream {
  /**
   * @param {object} options
   * @param {() => string} options.url        the stream's URL (asked again at each reconnect)
   * @param {(type: string, data: object) => void} options.onEvent
   * @param {() => void} options.onOpen        the stream (re)opened: refetch what may have changed
   * @param {(state: "live"|"reconnecting") => void} options.onState
   * @param {() => void} [options.onGiveUp]    the browser closed the stream for good
   */
  constructor({ url, onEvent, onOpen, onState, onGiveUp = () => {} }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onOpen = onOpen;
    this.onState = onState;
    this.onGiveUp = onGiveUp;
    this.source = null;
    this.retryTimer = 0;
    this.backoff = FIRST_BACKOFF_MS;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    if (!this.source && !this.retryTimer) this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    if (this.source) this.source.close();
    this.source = null;
    this.onState("reconnecting");
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
    const source = new EventSource(this.url());
    this.source = source;
    const current = () => this.source === source;

    source.addEventListener("open", () => {
      if (!current()) return;
      this.backoff = FIRST_BACKOFF_MS;
      this.onState("live");
      this.onOpen();
    });

    source.addEventListener("error", () => {
      if (!current()) return;
      this.onState("reconnecting");
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      source.close();
      this.source = null;
      const delay = this.backoff;
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.retryTimer = setTimeout(() => this.connect(), delay);
      this.onGiveUp();
    });

    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        if (!current()) return;
        let data;
        try {
          data = message.data ? JSON.parse(message.data) : {};
        } catch {
          console.warn(`understudy: unreadable ${type} event`, message.data);
          return;
        }
        try {
          this.onEvent(type, data);
        } catch (error) {
          console.error(`understudy: ${type} event handler failed`, error);
        }
      });
    }
  }
}
