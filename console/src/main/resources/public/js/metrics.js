// The metrics view: pick a metric (GET /api/metrics, the catalogue) and its app and labels; charts of count, mean,
// p50, p95 and p99 per window (GET /api/series with only those statistics, as columns); a window's full summary on
// click (that one series' windows). Filters live in the query string
// (shareable); the charts follow new windows live. Every string from the API is set with textContent.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const charts = document.getElementById('metric-charts');
  const raw = document.getElementById('raw');
  const STATS = ['mean', 'p50', 'p95', 'p99'];
  const MAX_LINES = 12;
  const MAX_ROWS = 200;
  let catalogue = null;
  let filtersKey = null;
  let holders = {};
  let lastBody = null;
  let loading = false;
  let again = false;

  function option(select, value, text) {
    const o = TC.el('option', text == null ? value : text);
    o.value = value;
    select.appendChild(o);
  }

  // Rebuilds a select's options, keeping the wanted value (added when the catalogue does not know it, so a
  // shared URL's filter stays visible).
  function fill(select, values, wanted, emptyText) {
    select.replaceChildren();
    option(select, '', emptyText);
    values.forEach(function (v) { option(select, v); });
    if (wanted && values.indexOf(wanted) < 0) option(select, wanted, wanted + ' (not seen)');
    select.value = wanted || '';
  }

  function wantedFromUrl() {
    const p = TC.params();
    const labels = {};
    p.forEach(function (value, key) { if (key.indexOf('label.') === 0 && value) labels[key.substring(6)] = value; });
    return { metric: p.get('metric') || '', app: p.get('app') || '', labels: labels };
  }

  function renderFilters(wanted) {
    const metrics = catalogue.metrics.map(function (m) { return m.metric; });
    fill(document.getElementById('metric'), metrics, wanted.metric, 'pick a metric');
    const entry = catalogue.metrics.find(function (m) { return m.metric === wanted.metric; });
    fill(document.getElementById('app'), entry ? entry.apps : catalogue.apps, wanted.app, 'any');
    const box = document.getElementById('label-filters');
    box.replaceChildren();
    const keys = entry ? Object.keys(entry.labels) : [];
    Object.keys(wanted.labels).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    keys.forEach(function (key) {
      const label = TC.el('label', key + ' ');
      const select = TC.el('select');
      select.name = 'label.' + key;
      fill(select, entry && entry.labels[key] ? entry.labels[key] : [], wanted.labels[key], 'any');
      select.addEventListener('change', submit);
      label.appendChild(select);
      box.appendChild(label);
    });
  }

  function submit() {
    if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event('submit', { cancelable: true }));
  }

  function seriesLabel(s, all) {
    const apps = new Set(all.map(function (x) { return x.app; }));
    return (apps.size > 1 ? s.app + ' · ' : '') + s.series;
  }

  /** An ISO instant of the API's form (no milliseconds when there are none) from epoch seconds. */
  function iso(seconds) {
    return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  }

  // The summary of one window as the processor wrote it, every statistic at full precision: the charts' columns carry
  // only the five statistics, rounded for drawing, so a click asks the API for that one series' windows.
  function showWindow(s, seconds) {
    const query = new URLSearchParams({ metric: s.metric, app: s.app });
    Object.keys(s.labels).slice(0, 10).forEach(function (k) { query.set('label.' + k, s.labels[k]); });
    raw.dataset.windowStart = '';
    raw.textContent = 'Loading the window of ' + TC.time(iso(seconds)) + '…';
    TC.getJSON('/api/series', query).then(function (body) {
      const series = body.series.find(function (x) { return x.app === s.app && x.series === s.series; });
      const w = series && series.windows.find(function (x) { return Date.parse(x.windowStart) / 1000 === seconds; });
      if (!w) {
        raw.textContent = 'That window is no longer kept.';
        return;
      }
      raw.textContent = JSON.stringify({
        schemaVersion: 1, app: series.app, metric: series.metric, series: series.series, labels: series.labels,
        windowStart: w.windowStart, windowEnd: w.windowEnd, count: w.count, sum: w.sum, min: w.min, max: w.max,
        mean: w.mean, p50: w.p50, p75: w.p75, p90: w.p90, p95: w.p95, p99: w.p99, ratings: w.ratings
      }, null, 2);
      raw.dataset.windowStart = w.windowStart;
    }).catch(function (e) { raw.textContent = 'Cannot load the window: ' + e.message; });
  }

  // A click on a plot: the window under the cursor of the first shown series that has one there.
  function showAt(seconds) {
    if (!lastBody) return;
    const s = lastBody.series.slice(0, MAX_LINES).find(function (x) { return x.windowStart.indexOf(seconds) >= 0; });
    if (s) showWindow(s, seconds); else raw.textContent = 'No window there.';
  }

  // One shared time axis for several series of columns (uPlot's layout: xs, then one value array per line).
  function alignColumns(list, stat) {
    const times = new Set();
    list.forEach(function (s) { s.windowStart.forEach(function (t) { times.add(t); }); });
    const xs = Array.from(times).sort(function (a, b) { return a - b; });
    const index = new Map(xs.map(function (x, i) { return [x, i]; }));
    return {
      xs: xs,
      series: list.map(function (s) {
        const values = new Array(xs.length).fill(null);
        const column = s[stat];
        s.windowStart.forEach(function (t, i) { values[index.get(t)] = column[i] == null ? null : column[i]; });
        return { label: s.label, values: values };
      })
    };
  }

  function renderCharts(body) {
    const shown = body.series.slice(0, MAX_LINES);
    const list = shown.map(function (s) {
      const line = { label: seriesLabel(s, shown), windowStart: s.windowStart, count: s.count };
      STATS.forEach(function (st) { line[st] = s[st]; });
      return line;
    });
    // For the tests and for anyone reading the DOM: how many windows the charts show and the newest one's start.
    let latest = null;
    let windows = 0;
    if (list.length === 1) {
      windows = list[0].windowStart.length;
      latest = windows ? list[0].windowStart[windows - 1] : null;
    } else {
      const xs = alignColumns(list, 'count').xs;
      windows = xs.length;
      latest = windows ? xs[windows - 1] : null;
    }
    charts.dataset.windows = String(windows);
    charts.dataset.lastWindow = latest == null ? '' : iso(latest);
    charts.dataset.series = String(body.series.length);
    let specs;
    if (list.length === 1) {
      // One series: its count, and its mean and percentiles as four lines of one chart.
      const one = list[0];
      specs = [
        { id: 'count', title: body.metric + ': count per window', xs: one.windowStart, series: [{ label: 'count', values: one.count }] },
        { id: 'values', title: body.metric + ': mean, p50, p95, p99', xs: one.windowStart,
          series: STATS.map(function (st) { return { label: st, values: one[st] }; }) }
      ];
    } else {
      specs = ['count'].concat(STATS).map(function (st) {
        const aligned = alignColumns(list, st);
        return { id: st, title: body.metric + ': ' + st + ' per window', xs: aligned.xs, series: aligned.series };
      });
    }
    const wanted = specs.map(function (s) { return s.id; }).join(',');
    if (charts.dataset.layout !== wanted) {
      charts.replaceChildren();
      holders = {};
      charts.dataset.layout = wanted;
      specs.forEach(function (s) {
        const div = TC.el('div', null, 'chart');
        div.dataset.stat = s.id;
        charts.appendChild(div);
        holders[s.id] = { plot: null, key: null, node: div };
      });
    }
    specs.forEach(function (s) {
      const h = holders[s.id];
      if (TC.draw(h.node, h, { title: s.title, unit: '', xs: s.xs, series: s.series, height: 220 }) && h.plot) {
        // A click on a plot shows the summary of the window under the cursor (wired once per uPlot instance).
        h.plot.over.addEventListener('click', function () {
          const u = h.plot;
          if (u && u.cursor.idx != null) showAt(u.data[0][u.cursor.idx]);
        });
      }
    });
    return latest;
  }

  // The newest MAX_ROWS windows of all matching series, from the same columns.
  function renderTable(body) {
    const rows = [];
    body.series.forEach(function (s) { s.windowStart.forEach(function (t, i) { rows.push([s, t, i]); }); });
    rows.sort(function (a, b) { return b[1] - a[1]; });
    const tbody = document.querySelector('#windows tbody');
    tbody.replaceChildren();
    rows.slice(0, MAX_ROWS).forEach(function (r) {
      const s = r[0];
      const i = r[2];
      const start = iso(r[1]);
      const row = TC.el('tr');
      row.className = 'clickable';
      row.tabIndex = 0;
      TC.cell(row, TC.time(start)).title = start;
      TC.cell(row, (body.series.length > 1 ? s.app + ' · ' : '') + s.series);
      TC.cell(row, TC.num(s.count[i], 0), 'num');
      STATS.forEach(function (st) { TC.cell(row, TC.num(s[st][i]), 'num'); });
      const show = function () { showWindow(s, r[1]); };
      row.addEventListener('click', show);
      row.addEventListener('keydown', function (e) { if (e.key === 'Enter') show(); });
      tbody.appendChild(row);
    });
  }

  function clear(message) {
    charts.replaceChildren();
    charts.dataset.layout = '';
    charts.dataset.windows = '0';
    charts.dataset.lastWindow = '';
    holders = {};
    document.querySelector('#windows tbody').replaceChildren();
    TC.status(summary, message);
  }

  function loadSeries() {
    const query = TC.formQuery(form);
    if (!query.get('metric')) {
      lastBody = null;
      clear(catalogue.metrics.length ? catalogue.metrics.length + ' metrics: pick one.'
        : 'No metrics yet: summaries appear when the processor closes its first windows.');
      return Promise.resolve();
    }
    // Only what the page draws, as columns (one array per statistic): a fifth of the bytes of the window objects.
    query.set('stats', ['count'].concat(STATS).join(','));
    query.set('format', 'columns');
    return TC.getJSON('/api/series', query).then(function (body) {
      lastBody = body;
      if (body.series.length === 0) {
        clear('No series of ' + body.metric + ' match yet.');
        return;
      }
      renderCharts(body);
      renderTable(body);
      const windows = Number(charts.dataset.windows);
      TC.status(summary, body.metric + ': ' + body.count + ' series, ' + windows
        + (windows === 1 ? ' window' : ' windows') + (body.series.length > MAX_LINES ? ' (charts show the first ' + MAX_LINES
        + '; narrow with the labels)' : '') + ' · latest ' + TC.time(charts.dataset.lastWindow));
    });
  }

  // The catalogue, then the series; one read at a time, a change during a read asks for one more.
  function load() {
    if (loading) { again = true; return; }
    loading = true;
    TC.getJSON('/api/metrics').then(function (body) {
      catalogue = body;
      const current = TC.formQuery(form);
      const wanted = { metric: current.get('metric') || '', app: current.get('app') || '', labels: {} };
      current.forEach(function (v, k) { if (k.indexOf('label.') === 0) wanted.labels[k.substring(6)] = v; });
      // Rebuilt only when what they offer changed: the feed says "series" every second, and rebuilding would
      // close a select the user has open.
      const key = JSON.stringify([wanted, catalogue.apps, catalogue.metrics.map(function (m) {
        return m.metric === wanted.metric ? [m.metric, m.apps, m.labels] : m.metric;
      })]);
      if (key !== filtersKey) {
        filtersKey = key;
        renderFilters(wanted);
      }
      return loadSeries();
    }).catch(function (e) { TC.status(summary, new Error('Cannot load metrics: ' + e.message)); })
      .then(function () {
        loading = false;
        if (again) { again = false; load(); }
      });
  }

  // The form starts from the URL (before the catalogue fills the options, its selects hold only the wanted values).
  (function initialFromUrl() {
    const wanted = wantedFromUrl();
    catalogue = { apps: [], metrics: [] };
    renderFilters(wanted);
  })();
  TC.filters(form, load);
  document.getElementById('metric').addEventListener('change', function () {
    // Another metric has other labels: drop the label filters before showing it.
    document.getElementById('label-filters').replaceChildren();
    document.getElementById('app').value = '';
    submit();
  });
  document.getElementById('app').addEventListener('change', submit);
  TC.live(['series'], load);
  load();
})();
