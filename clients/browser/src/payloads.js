// The wire items of the gateway's mixed batch (POST /api/events): each is the seed's payload
// (production-monitoring.md) with the "type" that names its kind. Pure functions of their inputs,
// so Node's test runner checks them without a browser.

/** The gateway's default limit for names, ids, URLs and labels (limits.name-length). */
export const NAME_LENGTH = 1024;

/** Longer strings would get the whole item rejected by the gateway, so they are cut here. */
export function clip(text, max = NAME_LENGTH) {
  if (text == null) return undefined;
  const s = String(text);
  return s.length <= max ? s : s.slice(0, max);
}

/**
 * The page as reported with vitals and errors: origin and path only. Query strings and fragments
 * are left out because they often carry tokens or personal data.
 */
export function pageUrl(location) {
  if (!location) return undefined;
  return clip(`${location.origin}${location.pathname}`);
}

/** The gateway's limit for attribution selectors (VitalAttribution.TARGET_LENGTH). */
export const TARGET_LENGTH = 256;

const LOAD_STATES = ['loading', 'dom-interactive', 'dom-content-loaded', 'complete'];
const INTERACTION_TYPES = ['pointer', 'keyboard'];
/** The values of the Network Information API's effectiveType that the gateway accepts. */
export const CONNECTIONS = ['slow-2g', '2g', '3g', '4g'];

/**
 * The plain fields of web-vitals' attribution build (v5, v6) that the gateway keeps, per vital:
 * [field, kind]. Everything else (lcpEntry, navigationEntry, processedEventEntries,
 * longAnimationFrameEntries, largestShiftEntry, largestShiftSource, ...) is a DOM node or a
 * performance entry, or undocumented for the gateway, and is not sent.
 */
const ATTRIBUTION_FIELDS = {
  LCP: [['target', 'selector'], ['url', 'url'], ['timeToFirstByte', 'number'], ['resourceLoadDelay', 'number'],
    ['resourceLoadDuration', 'number'], ['elementRenderDelay', 'number']],
  INP: [['interactionTarget', 'selector'], ['interactionType', INTERACTION_TYPES], ['inputDelay', 'number'],
    ['processingDuration', 'number'], ['presentationDelay', 'number'], ['loadState', LOAD_STATES]],
  CLS: [['largestShiftTarget', 'selector'], ['largestShiftValue', 'number'], ['loadState', LOAD_STATES]],
  FCP: [['timeToFirstByte', 'number'], ['firstByteToFCP', 'number'], ['loadState', LOAD_STATES]],
  TTFB: [['waitingDuration', 'number'], ['cacheDuration', 'number'], ['dnsDuration', 'number'],
    ['connectionDuration', 'number'], ['requestDuration', 'number']],
};

/** A URL without its query string and fragment (they often carry tokens), cut to the gateway's limit. */
function withoutQuery(url) {
  const s = String(url);
  const end = s.search(/[?#]/);
  return clip(end < 0 ? s : s.slice(0, end));
}

/** web-vitals' selector length limit (getSelector's MAX_LEN). */
const SELECTOR_LENGTH = 100;

/**
 * A CSS selector for a DOM node in web-vitals' own format (lib/getSelector.js), so that a target this
 * client works out names an element exactly as the library's: `#id` for an element with an id,
 * else the tag and its sorted classes, joined by `>` up to the nearest ancestor with an id, at most
 * 100 characters. Only reads nodeType, nodeName, id, classList and parentNode.
 */
export function selectorOf(node) {
  let selector = '';
  try {
    while (node && node.nodeType !== 9) {
      const name = node.nodeType === 1 ? node.nodeName.toLowerCase() : node.nodeName.toUpperCase().replace(/^#/, '');
      const part = node.id ? `#${node.id}` : [name, ...Array.from(node.classList ?? []).sort()].join('.');
      if (selector.length + part.length > SELECTOR_LENGTH - 1) return selector || part;
      selector = selector ? `${part}>${selector}` : part;
      if (node.id) break;
      node = node.parentNode;
    }
  } catch (e) {
    // A node that cannot be walked: what was built so far.
  }
  return selector;
}

/**
 * The INP's target when web-vitals found none. The library takes the first target among the
 * interaction's longest entries, and Chromium (148 and later) reports `pointerdown` and `pointerup`
 * without a target, so a click whose pointer entries are its longest has none; the `click` entry of
 * the same interaction (same interactionId) still has it. Needs onINP's
 * `includeProcessedEventEntries` option, which keeps the entries of the frame in
 * attribution.processedEventEntries.
 */
function fallbackInteractionTarget(metric) {
  const interactionId = metric.entries?.[0]?.interactionId;
  const entries = metric.attribution?.processedEventEntries;
  if (!interactionId || !Array.isArray(entries)) return undefined;
  const same = entries.filter((entry) => entry?.interactionId === interactionId);
  const withTarget = same.find((entry) => entry.target);
  if (withTarget) return selectorOf(withTarget.target) || undefined;
  return same.find((entry) => typeof entry.targetSelector === 'string' && entry.targetSelector)?.targetSelector;
}

/**
 * The attribution the gateway keeps for a web-vitals Metric of the attribution build: only the
 * documented plain fields of its vital, copied under their own names. A value the gateway would
 * refuse is left out instead of getting the whole vital rejected: a number that is not finite or
 * is negative, an unknown interactionType or loadState, an empty selector. Selectors are cut to
 * TARGET_LENGTH; the LCP resource's URL loses its query string and fragment, as page URLs do. An
 * INP without interactionTarget gets the one of its click entry (see fallbackInteractionTarget).
 * Returns undefined when nothing is left (other vitals, the standard build, feature timings).
 */
export function attributionOf(metric) {
  const fields = ATTRIBUTION_FIELDS[metric?.name];
  const source = metric?.attribution;
  if (!fields || !source || typeof source !== 'object') return undefined;
  const kept = {};
  for (const [field, kind] of fields) {
    let value = source[field];
    if (field === 'interactionTarget' && !value) value = fallbackInteractionTarget(metric);
    if (value === undefined || value === null) continue;
    if (kind === 'number') {
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) kept[field] = value;
    } else if (kind === 'selector') {
      if (typeof value === 'string' && value.length > 0) kept[field] = clip(value, TARGET_LENGTH);
    } else if (kind === 'url') {
      if (typeof value === 'string' && value.length > 0) kept[field] = withoutQuery(value);
    } else if (kind.includes(value)) {
      kept[field] = value;
    }
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * CrUX's form factor as far as the page itself can tell: `phone` when User-Agent Client Hints say
 * the browser is mobile. Otherwise undefined, and the gateway derives it from the request's
 * Sec-CH-UA-Mobile and User-Agent headers (a non-mobile browser may be a desktop or a tablet, which
 * only the user agent tells apart; browsers without userAgentData send no hint at all).
 */
export function formFactorOf(navigator) {
  return navigator?.userAgentData?.mobile === true ? 'phone' : undefined;
}

/** navigator.connection.effectiveType when it is one the gateway accepts (slow-2g, 2g, 3g, 4g). */
export function connectionOf(navigator) {
  const type = navigator?.connection?.effectiveType;
  return CONNECTIONS.includes(type) ? type : undefined;
}

/**
 * The seed's sendToAnalytics(metric) body {name, value, id, navigationType} for a web-vitals
 * Metric, plus the optional fields the gateway keeps (rating, delta, page, url), the plain part of
 * the Metric's `attribution` (see attributionOf) and the device's `formFactor` and `connection`
 * when known (see formFactorOf, connectionOf). The Metric's `entries` are DOM objects: the gateway
 * drops them, so they are not sent at all. Fields that are unknown are left out, not sent as null.
 */
export function vitalItem(metric, location, now, navigator) {
  const item = {
    type: 'vital',
    name: metric.name,
    value: metric.value,
    id: clip(metric.id),
    navigationType: metric.navigationType ?? 'navigate',
    rating: metric.rating,
    delta: metric.delta,
    page: clip(location?.pathname),
    url: pageUrl(location),
    timestamp: now,
  };
  const attribution = attributionOf(metric);
  if (attribution) item.attribution = attribution;
  const formFactor = formFactorOf(navigator);
  if (formFactor) item.formFactor = formFactor;
  const connection = connectionOf(navigator);
  if (connection) item.connection = connection;
  return item;
}

/** The seed's markFeatureUsage: a `feature-<name>` timing sent through sendToAnalytics. */
export function featureItem(feature, duration, location, now) {
  return {
    type: 'vital',
    name: clip(`feature-${feature}`),
    value: duration,
    id: clip(`${feature}-${now}`),
    navigationType: 'navigate',
    page: clip(location?.pathname),
    url: pageUrl(location),
    timestamp: now,
  };
}

/** The seed's trackUserAction(...).complete() body {action, duration, metadata, timestamp}. */
export function actionItem(action, duration, metadata, now) {
  const item = { type: 'action', action: clip(action), duration, timestamp: now };
  if (metadata !== undefined && metadata !== null) item.metadata = metadata;
  return item;
}

/**
 * The seed's reportError(error, context): what its Sentry.captureException records, as the
 * gateway's error body {message, stack, context, tags, level, url}. In a mixed batch the item's
 * "type" names the event kind ("error"), so the JavaScript error class (TypeError, ...) travels
 * as `errorType`, which the gateway stores as the error's type (it groups errors by it);
 * `error_boundary` is the tag the seed sets.
 */
export function errorItem(error, context, location, now) {
  const isError = error instanceof Error || (error && typeof error === 'object' && 'message' in error);
  const name = isError && error.name ? String(error.name) : 'Error';
  const message = isError ? String(error.message || name) : String(error);
  const item = {
    type: 'error',
    errorType: clip(name),
    message: clip(message, 8192),
    level: 'error',
    tags: { error_boundary: 'true' },
    url: pageUrl(location),
    timestamp: now,
  };
  if (isError && error.stack) item.stack = clip(String(error.stack), 65536);
  if (context !== undefined && context !== null) item.context = context;
  return item;
}

/**
 * The seed's trackNetworkError(url, status, method, duration). A status of 0 means no response
 * (network failure, CORS). The gateway itself also records status >= 500 as the error
 * "Server Error: {status} on {method} {url}", as the seed's Sentry.captureMessage did, so the
 * client sends the network error only.
 */
export function networkErrorItem(url, status, method, duration, now) {
  return {
    type: 'network_error',
    url: clip(url),
    status,
    method: clip(String(method || 'GET').toUpperCase(), 16),
    duration,
    timestamp: now,
  };
}
