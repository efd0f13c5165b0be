// The web vitals view: per vital, the p75 of each window per app and page against the budget line, and the good /
// needs-improvement / poor split of the latest window and of the whole range (GET /api/vitals). Per page (the
// selected one, else the busiest): p75 per form factor and the Core Web Vitals assessment, the subparts of LCP and
// INP per window, and the top offending targets (issue 19). Filters (app, page, vital, formFactor, range) live in the
// query string; everything follows new windows live. Strings go in with textContent only: targets are CSS selectors
// as clients sent them.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const charts = document.getElementById('vital-charts');
  let holders = {};
  const details = document.getElementById('details');
  let detailsLayout = null;
  let detailHolders = {};
  const PART_LABELS = {
    lcp_time_to_first_byte: 'time to first byte',
    lcp_resource_load_delay: 'resource load delay',
    lcp_resource_load_duration: 'resource load duration',
    lcp_element_render_delay: 'element render delay',
    inp_input_delay: 'input delay',
    inp_processing_duration: 'processing duration',
    inp_presentation_delay: 'presentation delay'
  };
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

  function pageLabel(d, apps) {
    return (apps > 1 ? d.app + ' · ' : '') + d.page;
  }

  // Per form factor: the range's p75 of each vital (ok / over its budget) and the latest window's assessment.
  function formFactorTable(d) {
    if (d.formFactors.length === 0) return TC.el('p', 'No form factor data for this page in the range.', 'muted');
    const table = TC.el('table');
    table.className = 'form-factors';
    const head = TC.el('tr');
    ['Form factor'].concat(d.formFactors[0].vitals.map(function (v) { return v.vital + ' p75'; }))
      .concat(['Core Web Vitals (latest window)']).forEach(function (h) { head.appendChild(TC.el('th', h)); });
    const thead = TC.el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    const tbody = TC.el('tbody');
    d.formFactors.forEach(function (f) {
      const row = TC.el('tr');
      row.dataset.formFactor = f.formFactor;
      TC.cell(row, f.formFactor);
      f.vitals.forEach(function (v) {
        const td = TC.cell(row, formatValue(v.p75, v.unit), 'num' + (v.status === 'over' ? ' bad' : v.status === 'ok' ? ' ok' : ''));
        td.dataset.vital = v.vital;
        td.title = v.count + ' events; budget ' + formatValue(v.budget, v.unit);
      });
      const a = f.assessment;
      const td = TC.cell(row, a == null ? '–' : (a.pass ? 'passed' : 'failed') + ' · ' + TC.time(a.windowStart),
        a == null ? 'muted' : a.pass ? 'ok' : 'bad');
      td.dataset.assessment = a == null ? '' : String(a.pass);
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    return table;
  }

  // One vital's offenders: targets (as text, in <code>) with count and p75, for the latest window or the range.
  function offenderTable(list, unit, latest) {
    if (list.length === 0) return TC.el('p', 'none', 'muted');
    const table = TC.el('table');
    table.className = 'offenders';
    const head = TC.el('tr');
    ['Target', 'Poor', 'p75'].forEach(function (h) { head.appendChild(TC.el('th', h)); });
    const thead = TC.el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    const tbody = TC.el('tbody');
    list.forEach(function (o) {
      const row = TC.el('tr');
      const target = TC.cell(row, '');
      target.appendChild(TC.el('code', o.target));
      target.className = 'target';
      TC.cell(row, String(o.count) + (latest && o.maxOvercount > 0 ? ' (at most ' + o.maxOvercount + ' too many)' : ''), 'num');
      TC.cell(row, formatValue(o.p75, unit), 'num');
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    return table;
  }

  function offendersBlock(d) {
    const box = TC.el('div', null, 'offenders-block');
    if (d.offenders.length === 0) {
      box.appendChild(TC.el('p', 'No poor LCP, INP or CLS with a target in the range.', 'muted'));
      return box;
    }
    d.offenders.forEach(function (o) {
      const unit = o.vital === 'CLS' ? '' : 'ms';
      const section = TC.el('div', null, 'offenders-vital');
      section.dataset.vital = o.vital;
      section.appendChild(TC.el('h5', o.vital + ': top offenders'));
      section.appendChild(TC.el('div', 'Latest window ' + TC.time(o.latest.windowStart) + ' · '
        + o.latest.poorCount + ' poor with a target', 'note'));
      const latest = offenderTable(o.latest.offenders, unit, true);
      latest.dataset.scope = 'latest';
      section.appendChild(latest);
      section.appendChild(TC.el('div', 'Range: ' + o.range.windows + (o.range.windows === 1 ? ' window · ' : ' windows · ')
        + o.range.poorCount + ' poor with a target (counts summed over the windows\' top lists)', 'note'));
      const range = offenderTable(o.range.offenders, unit, false);
      range.dataset.scope = 'range';
      section.appendChild(range);
      box.appendChild(section);
    });
    return box;
  }

  function renderDetails(body) {
    const apps = new Set(body.details.map(function (d) { return d.app; })).size;
    const layout = JSON.stringify(body.details.map(function (d) {
      return [d.app, d.page, d.subparts.map(function (s) { return s.vital; })];
    }));
    if (layout !== detailsLayout) {
      detailsLayout = layout;
      details.replaceChildren();
      detailHolders = {};
      body.details.forEach(function (d, i) {
        const section = TC.el('section', null, 'page-detail');
        section.dataset.app = d.app;
        section.dataset.page = d.page;
        section.appendChild(TC.el('h4', pageLabel(d, apps)));
        const ff = TC.el('div', null, 'ff-holder');
        section.appendChild(ff);
        const sub = TC.el('div', null, 'charts subparts');
        d.subparts.forEach(function (p) {
          const div = TC.el('div', null, 'chart');
          div.dataset.vital = p.vital;
          sub.appendChild(div);
          detailHolders[i + '|' + p.vital] = { plot: null, key: null, node: div };
        });
        section.appendChild(sub);
        const off = TC.el('div', null, 'off-holder');
        section.appendChild(off);
        details.appendChild(section);
      });
    }
    const sections = details.querySelectorAll('section.page-detail');
    body.details.forEach(function (d, i) {
      const section = sections[i];
      section.querySelector('.ff-holder').replaceChildren(formFactorTable(d));
      if (d.subparts.length === 0) {
        section.querySelector('.subparts').replaceChildren(TC.el('p', 'No LCP or INP subparts for this page yet.', 'muted'));
      }
      d.subparts.forEach(function (p) {
        const holder = detailHolders[i + '|' + p.vital];
        const aligned = TC.align(p.parts.map(function (part) {
          return { label: PART_LABELS[part.part] || part.part, windows: part.windows };
        }), function (w) { return w.p75; });
        holder.node.dataset.windows = String(aligned.xs.length);
        TC.draw(holder.node, holder, {
          title: p.vital + ' subparts, p75 (' + p.unit + ')',
          unit: p.unit,
          xs: aligned.xs,
          series: aligned.series,
          height: 200
        });
      });
      section.querySelector('.off-holder').replaceChildren(offendersBlock(d));
    });
    document.getElementById('details-note').textContent = body.details.length === 0 ? 'No page to break down yet.'
      : body.detailsTotal > body.details.length ? 'The ' + body.details.length + ' busiest of ' + body.detailsTotal
        + ' pages; pick a page for another.' : '';
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
    document.getElementById('formFactor').value = body.formFactor || '';
    const rangeSelect = document.getElementById('range');
    if (body.range && !Array.from(rangeSelect.options).some(function (o) { return o.value === body.range; })) {
      const o = TC.el('option', body.range);
      o.value = body.range;
      rangeSelect.appendChild(o);
    }
    rangeSelect.value = body.range || '';
    renderRatings(body);
    const seen = renderCharts(body);
    renderDetails(body);
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
  ['app', 'page', 'vital', 'formFactor', 'range'].forEach(function (id) {
    document.getElementById(id).addEventListener('change', function () {
      if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event('submit', { cancelable: true }));
    });
  });
  // series: new windows (vitals, subparts, assessments); vitals: new top offenders (telemetry.vitals-attribution).
  TC.live(['series', 'vitals'], load);
  load();
})();
