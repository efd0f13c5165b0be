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

/**
 * The seed's sendToAnalytics(metric) body {name, value, id, navigationType} for a web-vitals
 * Metric, plus the optional fields the gateway keeps (rating, delta, page, url). The Metric's
 * `entries` are DOM objects: the gateway drops them, so they are not sent at all.
 */
export function vitalItem(metric, location, now) {
  return {
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
