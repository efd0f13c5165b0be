// Delivery of one batch body to the gateway's mixed-batch route.

/**
 * The mixed-batch URL with the ingest key in the query string: navigator.sendBeacon cannot set
 * the X-Telemetry-Key header, and fetch without custom headers and with a text/plain body is a
 * CORS "simple request", so neither needs a preflight round trip.
 */
export function eventsUrl(endpoint, key) {
  if (typeof endpoint !== 'string' || !/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw new TypeError(`telemetry: endpoint must be the gateway's http(s) URL, e.g. https://telemetry.example.com, got ${JSON.stringify(endpoint)}`);
  }
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError('telemetry: key (the ingest key of this application) is required');
  }
  return `${endpoint.replace(/\/+$/, '')}/api/events?key=${encodeURIComponent(key)}`;
}

/** Statuses worth sending again later: the gateway is busy (429) or Kafka did not acknowledge (503). */
const RETRYABLE = new Set([408, 429, 502, 503, 504]);

/**
 * @param {string} url from eventsUrl
 * @param {{fetch?: Function, sendBeacon?: Function, warn?: Function}} env the browser's functions
 * @returns {(body: string, mode: 'fetch'|'beacon') => 'sent'|Promise<'sent'|'retry'|'unknown'|'drop'>}
 */
export function createTransport(url, { fetch, sendBeacon, warn = (m) => console.warn(`[telemetry] ${m}`) }) {
  const viaFetch = (body) => {
    if (typeof fetch !== 'function') return Promise.resolve('drop'); // no way to send at all
    // keepalive lets the request outlive the page; credentials are never needed by the gateway.
    return fetch(url, {
      method: 'POST',
      body,
      keepalive: true,
      credentials: 'omit',
      mode: 'cors',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    }).then((response) => {
      if (response.ok) {
        warnAboutRejections(response, warn);
        return 'sent';
      }
      if (RETRYABLE.has(response.status)) return 'retry';
      warn(`the gateway refused a batch with HTTP ${response.status}; its items are dropped`);
      return 'drop';
    }, () => 'unknown'); // no answer: offline, or the request went out and the page is unloading
  };

  return (body, mode) => {
    if (mode === 'beacon' && typeof sendBeacon === 'function') {
      // A string body goes out as text/plain;charset=UTF-8, which the gateway accepts. false means
      // the browser would not queue it (over its quota): keepalive fetch is the remaining chance.
      if (sendBeacon(url, body)) return 'sent';
    }
    return viaFetch(body);
  };
}

/**
 * A 202 keeps the valid items of a batch and lists the others by index, field and reason: worth a
 * console warning, since it means the page sends something the gateway's limits do not allow.
 */
function warnAboutRejections(response, warn) {
  if (typeof response.json !== 'function') return;
  response.json().then((answer) => {
    const rejected = Array.isArray(answer?.rejected) ? answer.rejected : [];
    if (rejected.length > 0) {
      warn(`the gateway rejected ${rejected.length} item(s): ${JSON.stringify(rejected.slice(0, 5))}`);
    }
  }, () => { /* an unreadable answer changes nothing: the batch was accepted */ });
}
