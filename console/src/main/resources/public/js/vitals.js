// The web vitals view: per vital, the p75 of each window per app and page against the budget line, and the good /
// needs-improvement / poor split of the latest window and of the whole range (GET /api/vitals). Filters (app,
// page, vital) live in the query string; charts follow new windows live. Strings go in with textContent only.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const charts = document.getElementById('vital-charts');
  let holders = {};
  let filtersKey = null;
  let loading = false;
  let again = false;

  function fill(select, values, wanted, emptyText) {
    select.replaceChildren();
    const empty = TC.el('option', emptyText);
    empty.value = '';
    select.appendChild(empty);
    values.forEach(function (v) { const o = TC.el('option', v); o.value = v; select.appendChild(o); });
    if (wanted && values.indexOf(wanted) < 0) {
      const o = TC.el('option', wanted + ' (not seen)');
      o.value = wanted;
      select.appendChild(o);
    }
    select.value = wanted || '';
  }

  function formatValue(value, unit) {
    if (value == null) return '–';
    return unit ? TC.num(value, 0) + ' ' + unit : TC.num(value, 3);
  }

  // The split as a bar (widths set through the CSSOM, which the CSP allows) and as numbers.
  function split(td, s) {
    const total = s.good + s.needsImprovement + s.poor;
    if (total === 0) { td.textContent = 'no ratings'; td.className = 'muted'; return; }
    const bar = TC.el('div', null, 'rating-bar');
    [['good', s.good], ['ni', s.needsImprovement], ['poor', s.poor]].forEach(function (part) {
      const span = TC.el('span', null, 'rating-' + part[0]);
      span.style.width = (100 * part[1] / total).toFixed(1) + '%';
      bar.appendChild(span);
    });
    td.appendChild(bar);
    const pct = function (n) { return Math.round(100 * n / total) + ' %'; };
    td.appendChild(TC.el('div', 'good ' + pct(s.good) + ' · needs improvement ' + pct(s.needsImprovement) + ' · poor '
      + pct(s.poor) + ' (' + total + ')', 'note'));
  }

  function renderRatings(body) {
    const tbody = document.querySelector('#ratings tbody');
    tbody.replaceChildren();
    body.vitals.forEach(function (v) {
      const row = TC.el('tr');
      row.dataset.vital = v.vital;
      TC.cell(row, v.vital);
      TC.cell(row, formatValue(v.budget, v.unit), 'num');
      TC.cell(row, v.latest.windowStart ? TC.time(v.latest.windowStart) : '–');
      split(TC.cell(row, ''), v.latest);
      split(TC.cell(row, ''), v.range);
      tbody.appendChild(row);
    });
  }

  function renderCharts(body) {
    const layout = body.vitals.map(function (v) { return v.vital; }).join(',');
    if (charts.dataset.layout !== layout) {
      charts.replaceChildren();
      holders = {};
      charts.dataset.layout = layout;
      body.vitals.forEach(function (v) {
        const div = TC.el('div', null, 'chart');
        div.dataset.vital = v.vital;
        charts.appendChild(div);
        holders[v.vital] = { plot: null, key: null, node: div };
      });
    }
    let windows = 0;
    let latest = '';
    body.vitals.forEach(function (v) {
      const apps = new Set(v.series.map(function (s) { return s.app; }));
      const list = v.series.map(function (s) {
        return { label: (apps.size > 1 ? s.app + ' · ' : '') + s.page, windows: s.windows };
      });
      const aligned = TC.align(list, function (w) { return w.p75; });
      const holder = holders[v.vital];
      holder.node.dataset.windows = String(aligned.xs.length);
      windows = Math.max(windows, aligned.xs.length);
      v.series.forEach(function (s) {
        s.windows.forEach(function (w) { if (!latest || Date.parse(w.windowStart) > Date.parse(latest)) latest = w.windowStart; });
      });
      if (list.length === 0) {
        holder.node.replaceChildren(TC.el('p', v.vital + ': no windows for this filter yet.', 'muted'));
        holder.plot = null;
        return;
      }
      TC.draw(holder.node, holder, {
        title: v.vital + ' p75' + (v.unit ? ' (' + v.unit + ')' : ''),
        unit: v.unit,
        xs: aligned.xs,
        series: aligned.series,
        budgets: [{ label: 'budget ' + formatValue(v.budget, v.unit), value: v.budget }],
        height: 220
      });
    });
    charts.dataset.windows = String(windows);
    charts.dataset.lastWindow = latest;
    return { windows: windows, latest: latest };
  }

  function render(body) {
    // The selects are rebuilt only when their choices changed (an open select would close).
    const key = JSON.stringify([body.apps, body.pages, body.app, body.page]);
    if (key !== filtersKey) {
      filtersKey = key;
      fill(document.getElementById('app'), body.apps, body.app, 'any');
      fill(document.getElementById('page'), body.pages, body.page, 'any');
    }
    document.getElementById('vital').value = body.vital || '';
    renderRatings(body);
    const seen = renderCharts(body);
    const lines = body.vitals.reduce(function (n, v) { return n + v.series.length; }, 0);
    const cut = body.vitals.some(function (v) { return v.seriesTotal > v.series.length; });
    TC.status(summary, lines === 0 ? 'No web vitals yet for this filter.'
      : body.pages.length + (body.pages.length === 1 ? ' page, ' : ' pages, ') + seen.windows
        + (seen.windows === 1 ? ' window' : ' windows') + ' · latest ' + TC.time(seen.latest)
        + (cut ? ' · the charts show the busiest pages; pick a page for the others (the splits count every page)' : ''));
  }

  function load() {
    if (loading) { again = true; return; }
    loading = true;
    TC.getJSON('/api/vitals', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load web vitals: ' + e.message)); })
      .then(function () {
        loading = false;
        if (again) { again = false; load(); }
      });
  }

  // The selects' options come with the data: until then they hold the URL's values so the first read uses them.
  const p = TC.params();
  fill(document.getElementById('app'), [], p.get('app'), 'any');
  fill(document.getElementById('page'), [], p.get('page'), 'any');
  TC.filters(form, load);
  ['app', 'page', 'vital'].forEach(function (id) {
    document.getElementById(id).addEventListener('change', function () {
      if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event('submit', { cancelable: true }));
    });
  });
  TC.live(['series'], load);
  load();
})();
