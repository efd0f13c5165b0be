// The attribution, form factor and connection of vitals, without a browser: `node --test test/`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { attributionOf, connectionOf, formFactorOf, selectorOf, TARGET_LENGTH, vitalItem } from '../src/payloads.js';

const location = { origin: 'https://app.example', pathname: '/checkout', href: 'https://app.example/checkout?x=1' };

/** Stand-ins for what the attribution build puts next to the plain fields: never to be sent. */
const domNode = { nodeType: 1, nodeName: 'IMG' };
const entry = { entryType: 'largest-contentful-paint', element: domNode, toJSON() { return {}; } };

/** Metrics shaped as web-vitals 6.2.3's attribution build reports them (dist/modules/types/*.d.ts). */
const metrics = {
  LCP: {
    name: 'LCP', value: 4820, rating: 'poor', delta: 4820, id: 'v6-1', navigationType: 'navigate', entries: [entry],
    attribution: {
      target: 'main>img.hero', url: 'https://cdn.example/hero.jpg?sig=secret#top', timeToFirstByte: 120.5,
      resourceLoadDelay: 30, resourceLoadDuration: 2500, elementRenderDelay: 2169.5,
      navigationEntry: entry, lcpResourceEntry: entry, lcpEntry: entry,
    },
  },
  INP: {
    name: 'INP', value: 632, rating: 'poor', delta: 632, id: 'v6-2', navigationType: 'navigate', entries: [entry],
    attribution: {
      interactionTarget: '#checkout', interactionTime: 1234.5, interactionType: 'pointer', nextPaintTime: 1866.5,
      processedEventEntries: [entry], inputDelay: 2, processingDuration: 601, presentationDelay: 29,
      loadState: 'complete', longAnimationFrameEntries: [entry], longestScript: { entry, subpart: 'event-listener' },
      totalScriptDuration: 601, totalStyleAndLayoutDuration: 10, totalPaintDuration: 3, totalUnattributedDuration: 1,
    },
  },
  CLS: {
    name: 'CLS', value: 0.21, rating: 'needs-improvement', delta: 0.21, id: 'v6-3', navigationType: 'navigate', entries: [entry],
    attribution: {
      largestShiftTarget: 'main>p.lead', largestShiftTime: 300, largestShiftValue: 0.2, largestShiftEntry: entry,
      largestShiftSource: { node: domNode }, loadState: 'dom-content-loaded',
    },
  },
  FCP: {
    name: 'FCP', value: 300, rating: 'good', delta: 300, id: 'v6-4', navigationType: 'navigate', entries: [entry],
    attribution: { timeToFirstByte: 120, firstByteToFCP: 180, loadState: 'loading', fcpEntry: entry, navigationEntry: entry },
  },
  TTFB: {
    name: 'TTFB', value: 120, rating: 'good', delta: 120, id: 'v6-5', navigationType: 'navigate', entries: [entry],
    attribution: {
      waitingDuration: 1, cacheDuration: 2, dnsDuration: 3, connectionDuration: 4, requestDuration: 110,
      navigationEntry: entry,
    },
  },
};

describe('attributionOf', () => {
  it('should keep the documented plain LCP fields and leave out the entries', () => {
    assert.deepEqual(attributionOf(metrics.LCP), {
      target: 'main>img.hero', url: 'https://cdn.example/hero.jpg', timeToFirstByte: 120.5,
      resourceLoadDelay: 30, resourceLoadDuration: 2500, elementRenderDelay: 2169.5,
    });
  });

  it('should keep the INP target, type, subparts and load state, and nothing of the long animation frames', () => {
    assert.deepEqual(attributionOf(metrics.INP), {
      interactionTarget: '#checkout', interactionType: 'pointer', inputDelay: 2, processingDuration: 601,
      presentationDelay: 29, loadState: 'complete',
    });
  });

  it('should keep the CLS largest shift target and value, and FCP and TTFB subparts', () => {
    assert.deepEqual(attributionOf(metrics.CLS), { largestShiftTarget: 'main>p.lead', largestShiftValue: 0.2, loadState: 'dom-content-loaded' });
    assert.deepEqual(attributionOf(metrics.FCP), { timeToFirstByte: 120, firstByteToFCP: 180, loadState: 'loading' });
    assert.deepEqual(attributionOf(metrics.TTFB), { waitingDuration: 1, cacheDuration: 2, dnsDuration: 3, connectionDuration: 4, requestDuration: 110 });
  });

  it('should send only fields the gateway accepts for the vital (VitalAttribution.java)', () => {
    const gateway = readFileSync(new URL('../../../telemetry-events/src/main/java/dev/telemetry/events/VitalAttribution.java', import.meta.url), 'utf8');
    for (const [name, metric] of Object.entries(metrics)) {
      const block = gateway.slice(gateway.indexOf(`case "${name}" ->`)).split(/case "|default ->/)[1];
      for (const field of Object.keys(attributionOf(metric))) {
        assert.ok(block.includes(`"${field}"`), `${name}.${field} is read by the gateway's ${name} case`);
      }
    }
  });

  it('should leave out values the gateway would reject instead of losing the vital', () => {
    const odd = {
      name: 'INP',
      attribution: {
        interactionTarget: '', interactionType: 'wheel', inputDelay: -1, processingDuration: Number.NaN,
        presentationDelay: '29', loadState: 'prerender',
      },
    };
    assert.equal(attributionOf(odd), undefined);
    assert.deepEqual(attributionOf({ name: 'CLS', attribution: { largestShiftValue: Infinity, loadState: 'complete' } }), { loadState: 'complete' });
  });

  it('should cut long selectors to the gateway limit', () => {
    const long = 'div.x>'.repeat(100);
    assert.equal(attributionOf({ name: 'LCP', attribution: { target: long } }).target, long.slice(0, TARGET_LENGTH));
  });

  it('should have nothing for the standard build, feature timings and unattributed vitals', () => {
    const { attribution, ...standard } = metrics.LCP;
    assert.equal(attributionOf(standard), undefined);
    assert.equal(attributionOf({ name: 'feature-editor', value: 87, attribution: { target: '#x' } }), undefined);
    assert.equal(attributionOf({ name: 'FID', value: 3, attribution: { eventTarget: '#x' } }), undefined);
    assert.equal(attributionOf(undefined), undefined);
  });
});

describe('formFactorOf and connectionOf', () => {
  it('should say phone only when User-Agent Client Hints say mobile, and leave the rest to the gateway', () => {
    assert.equal(formFactorOf({ userAgentData: { mobile: true } }), 'phone');
    assert.equal(formFactorOf({ userAgentData: { mobile: false } }), undefined, 'a desktop or a tablet: the gateway tells them apart');
    assert.equal(formFactorOf({ userAgent: 'Mozilla/5.0 (iPhone)' }), undefined, 'no client hints (Safari, Firefox)');
    assert.equal(formFactorOf(undefined), undefined);
  });

  it('should send the effective connection type only when it is one the gateway accepts', () => {
    for (const type of ['slow-2g', '2g', '3g', '4g']) assert.equal(connectionOf({ connection: { effectiveType: type } }), type);
    assert.equal(connectionOf({ connection: { effectiveType: '5g' } }), undefined);
    assert.equal(connectionOf({ connection: {} }), undefined);
    assert.equal(connectionOf({}), undefined);
  });
});

describe('vitalItem with attribution', () => {
  it('should add attribution, formFactor and connection to the seed payload and nothing else', () => {
    const navigator = { userAgentData: { mobile: true }, connection: { effectiveType: '3g', rtt: 300 } };
    const item = vitalItem(metrics.INP, location, 1000, navigator);
    assert.deepEqual(item, {
      type: 'vital', name: 'INP', value: 632, id: 'v6-2', navigationType: 'navigate', rating: 'poor', delta: 632,
      page: '/checkout', url: 'https://app.example/checkout', timestamp: 1000,
      attribution: {
        interactionTarget: '#checkout', interactionType: 'pointer', inputDelay: 2, processingDuration: 601,
        presentationDelay: 29, loadState: 'complete',
      },
      formFactor: 'phone', connection: '3g',
    });
    assert.doesNotThrow(() => JSON.stringify(item));
  });

  it('should leave the fields out, not null, when they are unknown', () => {
    const item = vitalItem({ name: 'LCP', value: 1, id: 'v6-9' }, location, 1, { userAgentData: { mobile: false } });
    assert.equal('attribution' in item, false);
    assert.equal('formFactor' in item, false);
    assert.equal('connection' in item, false);
  });
});

/** A DOM element as far as selectorOf looks at it. */
function element(nodeName, { id = '', classes = [], parent = { nodeType: 9, nodeName: '#document' } } = {}) {
  return { nodeType: 1, nodeName, id, classList: classes, parentNode: parent };
}

describe('selectorOf', () => {
  it('should build web-vitals selectors: #id, else tag and sorted classes up to the nearest id', () => {
    const main = element('MAIN', { id: 'content' });
    const section = element('SECTION', { classes: ['checkout', 'card'], parent: main });
    assert.equal(selectorOf(element('BUTTON', { id: 'pay', parent: section })), '#pay');
    assert.equal(selectorOf(element('IMG', { classes: ['hero'], parent: section })), '#content>section.card.checkout>img.hero');
    assert.equal(selectorOf(element('P')), 'p');
    assert.equal(selectorOf({ nodeType: 3, nodeName: '#text', parentNode: element('H1', { id: 'hero' }) }), '#hero>TEXT');
  });

  it('should stop at 100 characters as web-vitals does', () => {
    let node = { nodeType: 9, nodeName: '#document' };
    for (let i = 0; i < 30; i++) node = element('DIV', { classes: [`level${i}`], parent: node });
    const selector = selectorOf(node);
    assert.ok(selector.length <= 99, selector);
    assert.ok(selector.endsWith('div.level29'), selector);
  });
});

describe('the INP target when web-vitals has none', () => {
  // Chromium 148+: pointerdown and pointerup (the interaction's longest entries) carry no target, the click does.
  const button = element('BUTTON', { id: 'pay' });
  const inp = (processedEventEntries) => ({
    name: 'INP', value: 624,
    entries: [{ name: 'pointerdown', interactionId: 4836, target: null }],
    attribution: { interactionTarget: undefined, interactionType: 'pointer', inputDelay: 3, processingDuration: 611,
      presentationDelay: 10, loadState: 'complete', processedEventEntries },
  });

  it('should take the target of the click of the same interaction', () => {
    const attribution = attributionOf(inp([
      { name: 'mouseover', interactionId: 0, target: element('MAIN', { id: 'elsewhere' }) },
      { name: 'pointerdown', interactionId: 4836, target: null },
      { name: 'pointerup', interactionId: 4836, target: null },
      { name: 'click', interactionId: 4836, target: button },
    ]));
    assert.equal(attribution.interactionTarget, '#pay');
  });

  it('should fall back to the entries targetSelector, and else send no target', () => {
    assert.equal(attributionOf(inp([{ name: 'click', interactionId: 4836, target: null, targetSelector: 'button#pay' }])).interactionTarget, 'button#pay');
    assert.equal('interactionTarget' in attributionOf(inp([{ name: 'click', interactionId: 7, target: button }])), false, 'another interaction');
    assert.equal('interactionTarget' in attributionOf(inp(undefined)), false, 'without includeProcessedEventEntries');
  });

  it('should keep the target web-vitals found', () => {
    const metric = inp([{ name: 'click', interactionId: 4836, target: element('A', { id: 'other' }) }]);
    metric.attribution.interactionTarget = '#pay';
    assert.equal(attributionOf(metric).interactionTarget, '#pay');
  });
});
