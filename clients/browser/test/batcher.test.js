// Batching and payloads without a browser: `node --test test/` (run by `mvn verify` too).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBatcher, toBodies } from '../src/batcher.js';
import { actionItem, errorItem, networkErrorItem, vitalItem, featureItem } from '../src/payloads.js';
import { createTransport, eventsUrl } from '../src/transport.js';

/** Timers the test fires by hand, so nothing depends on the clock. */
function manualTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimeout(fn, ms) { pending.set(next, { fn, ms }); return next++; },
    clearTimeout(id) { pending.delete(id); },
    fireAll() { const due = [...pending.values()]; pending.clear(); due.forEach((t) => t.fn()); },
    delays: () => [...pending.values()].map((t) => t.ms),
  };
}

function recorder(outcome = 'sent') {
  const sent = [];
  const send = (body, mode) => {
    sent.push({ items: JSON.parse(body), mode });
    return typeof outcome === 'function' ? outcome(sent.length) : outcome;
  };
  return { sent, send };
}

const quiet = () => {};

describe('createBatcher', () => {
  it('should send one body when the queue reaches batchSize', async () => {
    const timers = manualTimers();
    const { sent, send } = recorder();
    const batcher = createBatcher({ send, batchSize: 3, flushIntervalMs: 1000, timers, warn: quiet });

    batcher.add({ n: 1 });
    batcher.add({ n: 2 });
    assert.equal(sent.length, 0);
    batcher.add({ n: 3 });

    assert.deepEqual(sent, [{ items: [{ n: 1 }, { n: 2 }, { n: 3 }], mode: 'fetch' }]);
    assert.equal(batcher.pending(), 0);
    assert.deepEqual(timers.delays(), [], 'a flush cancels the interval timer');
  });

  it('should send a partial batch when the interval passes', () => {
    const timers = manualTimers();
    const { sent, send } = recorder();
    const batcher = createBatcher({ send, batchSize: 10, flushIntervalMs: 2500, timers, warn: quiet });

    batcher.add({ n: 1 });
    batcher.add({ n: 2 });
    assert.deepEqual(timers.delays(), [2500], 'one timer for the queue, not one per item');
    timers.fireAll();

    assert.deepEqual(sent, [{ items: [{ n: 1 }, { n: 2 }], mode: 'fetch' }]);
  });

  it('should hand every body to send synchronously when flushed as a beacon', () => {
    const { sent, send } = recorder();
    const batcher = createBatcher({ send, batchSize: 50, maxBytes: 20, timers: manualTimers(), warn: quiet });
    for (let n = 0; n < 4; n++) batcher.add({ n });

    batcher.flush('beacon');

    // No await: a page-hide handler gets no second chance once it returns.
    assert.deepEqual(sent.map((s) => s.mode), ['beacon', 'beacon']);
    assert.deepEqual(sent.flatMap((s) => s.items), [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('should put items back at the head of the queue when the gateway asks to retry', async () => {
    const timers = manualTimers();
    const { sent, send } = recorder((call) => (call === 1 ? Promise.resolve('retry') : 'sent'));
    const batcher = createBatcher({ send, batchSize: 5, flushIntervalMs: 1000, timers, warn: quiet });

    batcher.add({ n: 1 });
    batcher.add({ n: 2 });
    await batcher.flush();
    assert.equal(batcher.pending(), 2);
    assert.deepEqual(timers.delays(), [1000], 'a retry is scheduled, not sent in a loop');
    batcher.add({ n: 3 });
    await batcher.flush();

    assert.deepEqual(sent.map((s) => s.items), [[{ n: 1 }, { n: 2 }], [{ n: 1 }, { n: 2 }, { n: 3 }]]);
    assert.equal(batcher.pending(), 0);
  });

  it('should retry a send that throws at once, and one that rejects in a later task', async () => {
    const timers = manualTimers();
    let calls = 0;
    const batcher = createBatcher({
      send: () => { calls++; if (calls === 1) throw new Error('offline'); return Promise.reject(new TypeError('Failed to fetch')); },
      batchSize: 5, timers, warn: quiet,
    });
    batcher.add({ n: 1 });
    await batcher.flush();
    assert.equal(batcher.pending(), 1, 'a throwing send sent nothing: requeued at once');

    await batcher.flush();
    assert.equal(batcher.pending(), 0, 'no answer yet: the request may have arrived');
    timers.fireAll();
    assert.equal(batcher.pending(), 1, 'requeued once the page turned out to be still here');
    assert.equal(batcher.dropped(), 0);
  });

  it('should not resend a request that was in flight when the page was left', async () => {
    // Chromium rejects a keepalive fetch in flight at unload but still delivers it.
    const timers = manualTimers();
    let rejectInFlight;
    const sent = [];
    const batcher = createBatcher({
      send: (body, mode) => {
        sent.push({ items: JSON.parse(body), mode });
        return mode === 'fetch' ? new Promise((resolve, reject) => { rejectInFlight = reject; }) : 'sent';
      },
      batchSize: 5, timers, warn: quiet,
    });
    batcher.add({ n: 1 });
    const inFlight = batcher.flush();
    batcher.add({ n: 2 });

    rejectInFlight(new TypeError('Failed to fetch'));
    await inFlight;
    batcher.pageHide();
    timers.fireAll();
    await batcher.flush();

    assert.deepEqual(sent, [{ items: [{ n: 1 }], mode: 'fetch' }, { items: [{ n: 2 }], mode: 'beacon' }]);
    assert.equal(batcher.pending(), 0);
  });

  it('should drop the oldest items when the queue overflows while the gateway is away', async () => {
    const batcher = createBatcher({ send: () => 'retry', batchSize: 2, maxQueue: 3, timers: manualTimers(), warn: quiet });
    for (let n = 0; n < 5; n++) batcher.add({ n });
    await batcher.flush();

    assert.equal(batcher.pending(), 3);
    assert.equal(batcher.dropped(), 2);
  });

  it('should count items the gateway refused as dropped', async () => {
    const batcher = createBatcher({ send: () => Promise.resolve('drop'), batchSize: 5, timers: manualTimers(), warn: quiet });
    batcher.add({ n: 1 });
    await batcher.flush();
    assert.equal(batcher.dropped(), 1);
    assert.equal(batcher.pending(), 0);
  });

  it('should refuse options that cannot work, naming them', () => {
    assert.throws(() => createBatcher({ send: () => 'sent', batchSize: 0 }), /batchSize/);
    assert.throws(() => createBatcher({ send: () => 'sent', flushIntervalMs: 0 }), /flushIntervalMs/);
    assert.throws(() => createBatcher({ send: () => 'sent', batchSize: 10, maxQueue: 5 }), /maxQueue/);
    assert.throws(() => createBatcher({}), /send/);
  });
});

describe('toBodies', () => {
  it('should keep each body under the byte limit and set aside items that can never fit', () => {
    const big = { text: 'x'.repeat(100) };
    const { bodies, oversized } = toBodies([{ a: 1 }, big, { b: 2 }, { c: 'é' }], { maxBytes: 20 });

    assert.deepEqual(oversized, [big]);
    for (const { body } of bodies) assert.ok(new TextEncoder().encode(body).length <= 20, body);
    assert.deepEqual(bodies.flatMap((b) => JSON.parse(b.body)), [{ a: 1 }, { b: 2 }, { c: 'é' }]);
  });

  it('should split at the item limit', () => {
    const { bodies } = toBodies([1, 2, 3, 4, 5], { maxItems: 2 });
    assert.deepEqual(bodies.map((b) => JSON.parse(b.body)), [[1, 2], [3, 4], [5]]);
  });
});

describe('payloads', () => {
  const location = { origin: 'https://app.example', pathname: '/journal', href: 'https://app.example/journal?token=secret#x' };

  it('should send a web-vitals Metric as the seed sendToAnalytics body without its DOM entries', () => {
    const metric = { name: 'LCP', value: 1234.5, rating: 'good', delta: 1234.5, id: 'v6-1-2', navigationType: 'navigate', entries: [{}], navigationId: 1 };
    assert.deepEqual(vitalItem(metric, location, 1000), {
      type: 'vital', name: 'LCP', value: 1234.5, id: 'v6-1-2', navigationType: 'navigate', rating: 'good',
      delta: 1234.5, page: '/journal', url: 'https://app.example/journal', timestamp: 1000,
    });
  });

  it('should name a feature timing feature-<name> as markFeatureUsage does', () => {
    const item = featureItem('editor', 87, location, 42);
    assert.equal(item.name, 'feature-editor');
    assert.equal(item.id, 'editor-42');
    assert.equal(item.navigationType, 'navigate');
  });

  it('should send an action with and without metadata', () => {
    assert.deepEqual(actionItem('save', 12, { words: 3 }, 5), { type: 'action', action: 'save', duration: 12, metadata: { words: 3 }, timestamp: 5 });
    assert.equal('metadata' in actionItem('save', 12, undefined, 5), false);
  });

  it('should carry the error class as errorType, since type names the event kind in a mixed batch', () => {
    const item = errorItem(new TypeError('x is undefined'), { screen: 'editor' }, location, 7);
    assert.equal(item.type, 'error');
    assert.equal(item.message, 'x is undefined');
    assert.equal(item.errorType, 'TypeError');
    assert.deepEqual(item.tags, { error_boundary: 'true' });
    assert.deepEqual(item.context, { screen: 'editor' });
    assert.match(item.stack, /TypeError: x is undefined/);
    assert.equal(item.url, 'https://app.example/journal', 'no query string: it may hold secrets');
  });

  it('should send a network error with the seed fields', () => {
    assert.deepEqual(networkErrorItem('/api/save', 503, 'post', 40.5, 9),
      { type: 'network_error', url: '/api/save', status: 503, method: 'POST', duration: 40.5, timestamp: 9 });
  });
});

describe('transport', () => {
  it('should put the key in the query string of the mixed-batch route', () => {
    assert.equal(eventsUrl('https://t.example/', 'k y'), 'https://t.example/api/events?key=k%20y');
    assert.throws(() => eventsUrl('t.example', 'k'), /endpoint/);
    assert.throws(() => eventsUrl('https://t.example', ''), /key/);
  });

  it('should beacon first and fall back to keepalive fetch when the beacon is refused', async () => {
    const calls = [];
    const send = createTransport('https://t.example/api/events?key=k', {
      sendBeacon: (url, body) => { calls.push(['beacon', url, body]); return false; },
      fetch: (url, init) => { calls.push(['fetch', url, init.keepalive, init.headers['Content-Type']]); return Promise.resolve({ ok: true, status: 202 }); },
      warn: quiet,
    });

    assert.equal(await send('[1]', 'beacon'), 'sent');
    assert.deepEqual(calls, [
      ['beacon', 'https://t.example/api/events?key=k', '[1]'],
      ['fetch', 'https://t.example/api/events?key=k', true, 'text/plain;charset=UTF-8'],
    ]);
  });

  it('should warn about the items the gateway rejected in an accepted batch', async () => {
    const warnings = [];
    const send = createTransport('u', {
      fetch: () => Promise.resolve({ ok: true, status: 202, json: () => Promise.resolve({ accepted: 1, rejected: [{ index: 1, field: 'value', message: 'is required' }] }) }),
      warn: (m) => warnings.push(m),
    });
    assert.equal(await send('[]', 'fetch'), 'sent');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, ['the gateway rejected 1 item(s): [{"index":1,"field":"value","message":"is required"}]']);
  });

  it('should retry on 429 and 503, drop on other refusals, and not know without an answer', async () => {
    const answer = (status) => createTransport('u', { fetch: () => Promise.resolve({ ok: status < 300, status }), warn: quiet });
    assert.equal(await answer(202)('[]', 'fetch'), 'sent');
    assert.equal(await answer(429)('[]', 'fetch'), 'retry');
    assert.equal(await answer(503)('[]', 'fetch'), 'retry');
    assert.equal(await answer(400)('[]', 'fetch'), 'drop');
    assert.equal(await createTransport('u', { fetch: () => Promise.reject(new TypeError('Failed to fetch')), warn: quiet })('[]', 'fetch'), 'unknown');
  });
});
