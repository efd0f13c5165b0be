// The client's queue: items wait here until a batch is full, the flush interval passes, or the
// page is being hidden. Independent of the DOM so that Node's test runner can drive it.

/**
 * Largest body sent at once. Browsers cap what may be in flight from sendBeacon and
 * fetch(keepalive) at 64 KiB per page; staying under it keeps a page-hide flush from being refused.
 */
export const MAX_BODY_BYTES = 60 * 1024;

/** The gateway's default limits.items-per-batch. */
export const MAX_ITEMS_PER_BODY = 1000;

const encoder = new TextEncoder();

/**
 * Splits items into JSON-array bodies of at most `maxItems` items and `maxBytes` UTF-8 bytes.
 * An item that alone exceeds `maxBytes` cannot be sent by a beacon and is returned in `oversized`.
 */
export function toBodies(items, { maxItems = MAX_ITEMS_PER_BODY, maxBytes = MAX_BODY_BYTES } = {}) {
  const bodies = [];
  const oversized = [];
  let parts = [];
  let members = [];
  let bytes = 2; // the brackets
  const close = () => {
    if (parts.length > 0) bodies.push({ body: `[${parts.join(',')}]`, items: members });
    parts = [];
    members = [];
    bytes = 2;
  };
  for (const item of items) {
    const json = JSON.stringify(item);
    const size = encoder.encode(json).length;
    if (size + 2 > maxBytes) {
      oversized.push(item);
      continue;
    }
    const extra = size + (parts.length > 0 ? 1 : 0);
    if (parts.length >= maxItems || bytes + extra > maxBytes) close();
    bytes += size + (parts.length > 0 ? 1 : 0);
    parts.push(json);
    members.push(item);
  }
  close();
  return { bodies, oversized };
}

/**
 * @param {object} options
 * @param {(body: string, mode: 'fetch'|'beacon') => 'sent'|Promise<'sent'|'retry'|'unknown'|'drop'>} options.send
 *        delivers one body. 'retry': the gateway refused it for now (429, 503), its items go back at
 *        the head of the queue. 'unknown' (or a rejection): no answer, the request may have arrived; retried too,
 *        unless the page was left while it was in flight (see pageHide).
 * @param {number} [options.batchSize] items that trigger a flush at once
 * @param {number} [options.flushIntervalMs] longest time an item waits while the page stays visible
 * @param {number} [options.maxQueue] items kept while the gateway is unreachable; the oldest go first
 * @param {{setTimeout: Function, clearTimeout: Function}} [options.timers]
 * @param {(message: string) => void} [options.warn]
 */
export function createBatcher({
  send,
  batchSize = 20,
  flushIntervalMs = 5000,
  maxQueue = 1000,
  maxBytes = MAX_BODY_BYTES,
  timers = globalThis,
  warn = (message) => console.warn(`[telemetry] ${message}`),
}) {
  if (typeof send !== 'function') throw new TypeError('createBatcher: send must be a function');
  if (!(batchSize >= 1)) throw new TypeError(`createBatcher: batchSize must be at least 1, got ${batchSize}`);
  if (!(flushIntervalMs > 0)) throw new TypeError(`createBatcher: flushIntervalMs must be positive, got ${flushIntervalMs}`);
  if (!(maxQueue >= batchSize)) throw new TypeError(`createBatcher: maxQueue (${maxQueue}) must be at least batchSize (${batchSize})`);

  let queue = [];
  let timer = null;
  let dropped = 0;
  // Counts page hides (pagehide). A request that fails without an answer is retried only if no
  // page hide happened since it was sent: Chromium rejects the promise of a keepalive fetch that is
  // in flight when the page unloads, yet still delivers the request, so retrying would send it twice.
  let pageHides = 0;

  const cancelTimer = () => {
    if (timer !== null) {
      timers.clearTimeout(timer);
      timer = null;
    }
  };

  const scheduleTimer = () => {
    if (timer === null && queue.length > 0) {
      timer = timers.setTimeout(() => {
        timer = null;
        flush('fetch');
      }, flushIntervalMs);
    }
  };

  const trim = () => {
    if (queue.length > maxQueue) {
      const excess = queue.length - maxQueue;
      queue = queue.slice(excess);
      dropped += excess;
      warn(`queue full: dropped the ${excess} oldest item(s)`);
    }
  };

  /** Puts items that could not be delivered back at the head, ahead of newer ones. */
  const requeue = (items) => {
    queue = items.concat(queue);
    trim();
    scheduleTimer();
  };

  /**
   * Sends everything queued. In 'beacon' mode (the page is going away) every body is handed to
   * the browser synchronously, before the handler returns; the promise only reports the outcome.
   */
  function flush(mode = 'fetch') {
    cancelTimer();
    if (queue.length === 0) return Promise.resolve();
    const items = queue;
    queue = [];
    const { bodies, oversized } = toBodies(items, { maxBytes });
    if (oversized.length > 0) {
      dropped += oversized.length;
      warn(`dropped ${oversized.length} item(s) larger than ${maxBytes} bytes`);
    }
    return Promise.all(bodies.map(({ body, items: members }) => {
      const sentBefore = pageHides;
      let outcome;
      try {
        outcome = send(body, mode); // synchronously: a page-hide handler must hand the body over now
      } catch (e) {
        outcome = 'retry'; // nothing left the page
      }
      return Promise.resolve(outcome)
        .catch(() => 'unknown')
        .then((result) => {
          if (result === 'retry') requeue(members);
          else if (result === 'drop') dropped += members.length;
          else if (result === 'unknown') {
            // Decided in a later task: the rejection can arrive in the middle of the pagehide
            // dispatch, before this client's listener counted the hide. An unloaded page never
            // runs the task at all.
            timers.setTimeout(() => {
              if (pageHides === sentBefore) requeue(members);
            }, 0);
          }
        });
    })).then(() => undefined);
  }

  /**
   * The page is being left (pagehide): sends everything by beacon, and stops retrying the
   * requests in flight, which the browser keeps delivering on its own.
   */
  function pageHide() {
    pageHides += 1;
    return flush('beacon');
  }

  function add(item) {
    queue.push(item);
    trim();
    if (queue.length >= batchSize) {
      flush('fetch');
    } else {
      scheduleTimer();
    }
  }

  return {
    add,
    flush,
    pageHide,
    /** Items waiting to be sent. */
    pending: () => queue.length,
    /** Items given up on: queue overflow, refused by the gateway, or too large to send. */
    dropped: () => dropped,
  };
}
