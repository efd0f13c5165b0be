// Browser client of the telemetry pipeline: the seed's monitoring calls (production-monitoring.md)
// on top of Google's web-vitals library, batched to the ingest gateway's POST /api/events.
// The attribution build: each Metric also says what caused its value (the LCP element, the slowest
// interaction's target, ...); vitalItem sends its plain fields.
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals/attribution';
import { createBatcher } from './batcher.js';
import { actionItem, errorItem, featureItem, networkErrorItem, vitalItem } from './payloads.js';
import { createTransport, eventsUrl } from './transport.js';

/**
 * Starts collecting: web vitals from now on, global errors if asked, and a queue that is sent
 * when it holds `batchSize` items, every `flushIntervalMs`, and with navigator.sendBeacon when the
 * page is hidden or unloaded. Call it once per page, as early as possible (LCP and CLS need to see
 * the page load).
 *
 * @param {object} options
 * @param {string} options.endpoint the gateway's base URL, e.g. https://telemetry.example.com
 * @param {string} options.key the application's ingest key; it decides the `app` of every event
 * @param {number} [options.batchSize=20]
 * @param {number} [options.flushIntervalMs=5000]
 * @param {number} [options.maxQueue=1000] items kept while the gateway cannot be reached
 * @param {boolean} [options.captureGlobalErrors=true] report window 'error' and 'unhandledrejection'
 * @param {boolean} [options.reportAllChanges=false] web-vitals' option: report every change, not final values
 */
export function createTelemetry(options = {}) {
  const {
    endpoint,
    key,
    batchSize = 20,
    flushIntervalMs = 5000,
    maxQueue = 1000,
    captureGlobalErrors = true,
    reportAllChanges = false,
  } = options;
  const url = eventsUrl(endpoint, key);
  const send = createTransport(url, {
    fetch: globalThis.fetch?.bind(globalThis),
    sendBeacon: globalThis.navigator?.sendBeacon?.bind(globalThis.navigator),
  });
  const batcher = createBatcher({ send, batchSize, flushIntervalMs, maxQueue });

  // The seed's sendToAnalytics for every Core Web Vital (INP replaced the seed's FID).
  const sendToAnalytics = (metric) => batcher.add(vitalItem(metric, globalThis.location, Date.now(), globalThis.navigator));
  onCLS(sendToAnalytics, { reportAllChanges });
  onFCP(sendToAnalytics, { reportAllChanges });
  // includeProcessedEventEntries: the INP's attribution keeps the event entries of its frame, where
  // vitalItem finds the click's target when Chromium left the pointer entries without one.
  onINP(sendToAnalytics, { reportAllChanges, includeProcessedEventEntries: true });
  onLCP(sendToAnalytics, { reportAllChanges });
  onTTFB(sendToAnalytics, { reportAllChanges });

  // web-vitals reports LCP, CLS and INP from its own capturing 'visibilitychange' listener on
  // window. This one is registered on window without capture, so it runs after them (the event
  // is fired at document and bubbles to window) and the beacon carries those final values.
  addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') batcher.flush('beacon');
  });
  // On navigation the HTML spec fires pagehide before visibilitychange (older browsers differ):
  // flushing on both sends whatever the first flush did not yet have with the second.
  addEventListener('pagehide', () => batcher.pageHide());

  function reportError(error, context) {
    batcher.add(errorItem(error, context, globalThis.location, Date.now()));
  }

  if (captureGlobalErrors) {
    // Without capture: a window listener in the bubble phase sees uncaught script errors, not
    // failed <img>/<script> loads (those do not bubble).
    addEventListener('error', (event) => {
      reportError(event.error ?? new Error(event.message || 'Script error'), {
        source: 'window.onerror',
        filename: event.filename,
        lineno: event.lineno,
        colno: event.colno,
      });
    });
    addEventListener('unhandledrejection', (event) => {
      const reason = event.reason;
      reportError(reason instanceof Error ? reason : new Error(String(reason)), { source: 'unhandledrejection' });
    });
  }

  return {
    /**
     * The seed's trackUserAction: starts timing now; complete() queues {action, duration,
     * metadata, timestamp}. The pipeline derives the `action-<name>` duration series from the
     * action itself, so the seed's parallel POST /api/metrics is not repeated, and the action is
     * sent with or without metadata.
     */
    trackUserAction(action, metadata) {
      const start = performance.now();
      return {
        complete() {
          batcher.add(actionItem(action, performance.now() - start, metadata, Date.now()));
        },
      };
    },

    /**
     * The seed's markFeatureUsage: ends the `feature-<name>` performance measure (when its start
     * mark exists) and queues the `feature-<name>` timing as the seed's sendToAnalytics did.
     */
    markFeatureUsage(feature, duration) {
      try {
        performance.mark(`feature-${feature}-end`);
        performance.measure(`feature-${feature}`, `feature-${feature}-start`, `feature-${feature}-end`);
      } catch (e) {
        // No start mark: the seed would throw here; the timing is still worth sending.
      }
      batcher.add(featureItem(feature, duration, globalThis.location, Date.now()));
    },

    /** The seed's reportError(error, context). */
    reportError,

    /** The seed's trackNetworkError(url, status, method, duration); status 0 = no response. */
    trackNetworkError(requestUrl, status, method, duration) {
      batcher.add(networkErrorItem(requestUrl, status, method, duration, Date.now()));
    },

    /** Sends what is queued now, with fetch(keepalive); resolves when the gateway has answered. */
    flush: () => batcher.flush('fetch'),

    /** Items waiting to be sent (for diagnostics and tests). */
    pending: () => batcher.pending(),
  };
}
