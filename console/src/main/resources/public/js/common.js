// What every view of the console shares: the navigation, reading the API, live updates, safe DOM building and
// charts. Every string that came from the API goes onto the page with textContent (el/cell/text), never as HTML:
// error messages, URLs, labels and inputs in findings are what clients sent.
'use strict';

window.TC = (function () {
  // The views, in the order of the navigation; the start page (Overview) links to every one.
  const VIEWS = [
    { href: '/', label: 'Overview' },
    { href: '/vitals.html', label: 'Web vitals' },
    { href: '/metrics.html', label: 'Metrics' },
    { href: '/alerts.html', label: 'Alerts' },
    { href: '/slo.html', label: 'SLOs' },
    { href: '/errors.html', label: 'Errors' },
    { href: '/security.html', label: 'Security' },
    { href: '/synthetic.html', label: 'Synthetic checks' },
    { href: '/deliveries.html', label: 'Deliveries' },
    { href: '/lab.html', label: 'Try a rule' }
  ];

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function cell(row, text, className) {
    const td = el('td', text == null ? '' : text, className);
    row.appendChild(td);
    return td;
  }

  /** A link whose href is built from our own path and an encoded query (never from raw client text). */
  function link(text, path, query) {
    const a = el('a', text);
    const q = query ? new URLSearchParams(query).toString() : '';
    a.href = path + (q ? '?' + q : '');
    return a;
  }

  function num(value, digits) {
    return typeof value === 'number' && isFinite(value)
      ? value.toLocaleString('en-US', { maximumFractionDigits: digits == null ? 3 : digits }) : '';
  }

  /** An ISO instant as local "YYYY-MM-DD HH:MM:SS" (the title attribute of a cell can carry the raw value). */
  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    const p = function (n) { return String(n).padStart(2, '0'); };
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' '
      + p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
  }

  /** "3 min ago", for since/last-seen columns. */
  function ago(iso) {
    if (!iso) return '';
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (!isFinite(s)) return '';
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return (s / 3600).toFixed(1) + ' h ago';
    return (s / 86400).toFixed(1) + ' d ago';
  }

  function params() {
    return new URLSearchParams(window.location.search);
  }

  /**
   * Fills a filter form from the query string and, on submit, puts the non-empty fields back into the URL (so a
   * view is shareable) and calls onChange without reloading.
   */
  function filters(form, onChange) {
    const p = params();
    for (const field of form.elements) {
      if (field.name && p.has(field.name)) field.value = p.get(field.name);
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      const q = new URLSearchParams();
      for (const field of form.elements) {
        if (field.name && field.value && field.value.trim()) q.set(field.name, field.value.trim());
      }
      history.replaceState(null, '', window.location.pathname + (q.toString() ? '?' + q : ''));
      onChange();
    });
  }

  /** The query string of a filter form's non-empty fields (for the API call). */
  function formQuery(form) {
    const q = new URLSearchParams();
    for (const field of form.elements) {
      if (field.name && field.value && field.value.trim()) q.set(field.name, field.value.trim());
    }
    return q;
  }

  /** POST JSON to an API route that only reads (e.g. /api/lab/backtest); rejects with the API's own message. */
  function postJSON(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        let parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        if (!response.ok) throw new Error((parsed && parsed.message) || ('HTTP ' + response.status + ' from ' + path));
        return parsed;
      });
    });
  }

  /** GET a JSON API route; rejects with the API's own message on a 4xx/5xx. */
  function getJSON(path, query) {
    const q = query ? new URLSearchParams(query).toString() : '';
    return fetch(path + (q ? '?' + q : ''), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.text().then(function (text) {
          let body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
          if (!response.ok) throw new Error((body && body.message) || ('HTTP ' + response.status + ' from ' + path));
          return body;
        });
      });
  }

  /** A status line (role=status): text, or the error's message in red. */
  function status(node, textOrError) {
    if (textOrError instanceof Error) {
      node.className = 'status-line error';
      node.textContent = textOrError.message;
    } else {
      node.className = 'status-line';
      node.textContent = textOrError;
    }
  }

  let stream = null;
  const listeners = [];

  /**
   * Live updates: the server names the views that changed (Server-Sent Events on /api/stream, at most one event a
   * second). onChange runs on every (re)connect and whenever one of the named views changed. EventSource
   * reconnects by itself; the header shows live / reconnecting. The stream is closed when the page is left
   * (pagehide) and opened again if the browser brings the page back from its back/forward cache: a stream left open
   * by a page that is gone holds one of the browser's six connections to the console until the server's next
   * keep-alive write fails, and a few of them made the next pages wait tens of seconds for their HTML.
   */
  function live(views, onChange) {
    listeners.push({ views: views, onChange: onChange });
    connect();
  }

  function connect() {
    if (stream) return;
    const badge = document.getElementById('live');
    stream = new EventSource('/api/stream');
    stream.addEventListener('hello', function () {
      if (badge) { badge.textContent = 'live'; badge.className = 'live'; }
      listeners.forEach(function (l) { l.onChange(); });
    });
    stream.addEventListener('change', function (event) {
      let changed = [];
      try { changed = JSON.parse(event.data).views || []; } catch (e) { return; }
      listeners.forEach(function (l) {
        if (l.views.some(function (v) { return changed.indexOf(v) >= 0; })) l.onChange();
      });
    });
    stream.onerror = function () {
      if (badge) { badge.textContent = 'reconnecting…'; badge.className = 'error'; }
    };
  }

  window.addEventListener('pagehide', function () {
    if (stream) { stream.close(); stream = null; }
  });
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && listeners.length) connect();
  });

  /** Builds the header: title, navigation (current page marked) and the live badge. */
  function header() {
    const headerNode = document.querySelector('header');
    if (!headerNode) return;
    headerNode.replaceChildren();
    headerNode.appendChild(el('h1', 'Telemetry console'));
    const nav = el('nav');
    nav.setAttribute('aria-label', 'Views');
    const here = window.location.pathname === '/index.html' ? '/' : window.location.pathname;
    for (const v of VIEWS) {
      const a = el('a', v.label);
      a.href = v.href;
      if (v.href === here) a.setAttribute('aria-current', 'page');
      nav.appendChild(a);
    }
    headerNode.appendChild(nav);
    const badge = el('span', 'connecting…');
    badge.id = 'live';
    badge.setAttribute('role', 'status');
    headerNode.appendChild(badge);
  }

  const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#1b7c83', '#6e7781'];

  /**
   * A time-series chart (uPlot, served from the jar at /vendor/uplot). spec: {title, unit, xs: [epoch seconds],
   * series: [{label, values, color?}], budgets: [{label, value}] drawn as dashed horizontal lines, bands: [{from, to,
   * label?}] (epoch seconds; to null: to the right edge) shaded in red, e.g. an alert's firing intervals}. Replaces what
   * the container held. Returns the uPlot instance (or null when uPlot did not load; the container then says so).
   */
  function chart(container, spec) {
    container.replaceChildren();
    if (typeof uPlot === 'undefined') {
      container.appendChild(el('p', 'charts unavailable: /vendor/uplot/dist/uPlot.iife.min.js did not load', 'error'));
      return null;
    }
    const budgets = spec.budgets || [];
    const bands = spec.bands || [];
    const series = [{}];
    const data = [spec.xs];
    spec.series.forEach(function (s, i) {
      series.push({
        label: s.label,
        stroke: s.color || PALETTE[i % PALETTE.length],
        width: 1.5,
        spanGaps: false,
        points: { show: spec.xs.length < 60 },
        value: function (u, v) { return v == null ? '–' : num(v) + (spec.unit ? ' ' + spec.unit : ''); }
      });
      data.push(s.values);
    });
    const width = Math.max(320, container.clientWidth || 800);
    const opts = {
      title: spec.title,
      width: width,
      height: spec.height || 240,
      series: series,
      scales: {
        // One window alone would be stretched over years: give it a minute either side.
        x: { time: true, range: function (u, min, max) { return min === max ? [min - 60, max + 60] : [min, max]; } },
        y: {
          range: function (u, min, max) {
            // Keep the budget lines in view even when every value is far below them.
            let lo = min == null ? 0 : Math.min(0, min);
            let hi = max == null ? 1 : max;
            budgets.forEach(function (b) { hi = Math.max(hi, b.value * 1.1); });
            return [lo, hi === lo ? lo + 1 : hi];
          }
        }
      },
      axes: [{}, { values: function (u, vals) { return vals.map(function (v) { return num(v) + (spec.unit ? ' ' + spec.unit : ''); }); }, size: 70 }],
      hooks: {
        draw: [function (u) {
          const ctx = u.ctx;
          bands.forEach(function (b) {
            const left = u.bbox.left;
            const right = u.bbox.left + u.bbox.width;
            const x0 = Math.max(left, Math.min(right, u.valToPos(b.from, 'x', true)));
            const x1 = b.to == null ? right : Math.max(left, Math.min(right, u.valToPos(b.to, 'x', true)));
            if (x1 <= x0) return;
            ctx.save();
            ctx.fillStyle = 'rgba(207, 34, 46, 0.15)';
            ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
            if (b.label) {
              ctx.fillStyle = '#cf222e';
              ctx.font = '11px system-ui, sans-serif';
              ctx.textAlign = 'left';
              ctx.fillText(b.label, x0 + 3, u.bbox.top + 12);
            }
            ctx.restore();
          });
          budgets.forEach(function (b) {
            const y = Math.round(u.valToPos(b.value, 'y', true));
            ctx.save();
            ctx.strokeStyle = '#cf222e';
            ctx.setLineDash([6, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.fillStyle = '#cf222e';
            ctx.font = '11px system-ui, sans-serif';
            // uPlot leaves the context right-aligned from its axis labels: the label would end where it should start.
            ctx.textAlign = 'left';
            ctx.fillText(b.label, u.bbox.left + 4, y - 4);
            ctx.restore();
          });
        }]
      }
    };
    return new uPlot(opts, data, container);
  }

  /**
   * Draws spec into container, keeping the chart in holder ({plot, key}): while its lines stay the same it is
   * updated in place (uPlot setData: no flicker, the cursor stays); when they change it is rebuilt. Returns true when
   * a new chart was built (so a caller can wire its listeners once).
   */
  function draw(container, holder, spec) {
    const key = spec.series.map(function (s) { return s.label; }).join('\u0000') + '\u0001' + JSON.stringify(spec.bands || []);
    if (holder.plot && holder.key === key && container.contains(holder.plot.root)) {
      holder.plot.setData([spec.xs].concat(spec.series.map(function (s) { return s.values; })));
      return false;
    }
    holder.plot = chart(container, spec);
    holder.key = key;
    return true;
  }

  /**
   * Aligns several series of windows on one x axis: input [{label, windows: [{windowStart, ...}]}], pick(window)
   * gives the value. Returns {xs, series: [{label, values}]} with null where a series has no window.
   */
  function align(list, pick) {
    const times = new Set();
    list.forEach(function (s) { s.windows.forEach(function (w) { times.add(Date.parse(w.windowStart) / 1000); }); });
    const xs = Array.from(times).sort(function (a, b) { return a - b; });
    const index = new Map(xs.map(function (x, i) { return [x, i]; }));
    return {
      xs: xs,
      series: list.map(function (s) {
        const values = new Array(xs.length).fill(null);
        s.windows.forEach(function (w) {
          const v = pick(w);
          values[index.get(Date.parse(w.windowStart) / 1000)] = v == null ? null : v;
        });
        return { label: s.label, values: values, color: s.color };
      })
    };
  }

  // Scripts are loaded with defer, so the document is parsed by now; the header is built once, before any view's
  // script runs (the live badge must exist when live() is first called).
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', header); else header();

  return { VIEWS, el, cell, link, num, time, ago, params, filters, formQuery, getJSON, postJSON, status, live, chart, draw, align };
})();
