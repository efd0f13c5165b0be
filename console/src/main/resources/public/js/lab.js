// "Try a rule": one rule from the form is backtested server-side over the raw topics (POST /api/lab/backtest, the same
// JSON as ./telemetry backtest --format json), then the metric's chart (GET /api/series, the rule's metric, app,
// labels and statistic, as columns) is drawn with the threshold and the firing intervals shaded. The form lives in
// the query string (shareable); a backtest runs only on submit, since it costs the server CPU. Every string from the
// API is set with textContent.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const chartBox = document.getElementById('lab-chart');
  const rows = document.querySelector('#intervals tbody');
  const button = document.getElementById('run');
  const MAX_LINES = 8;
  const holder = {};
  let last = null; // {rule, report}

  /** "endpoint=/api/checkout, method=GET" → {endpoint: '/api/checkout', method: 'GET'}; throws on a bad part. */
  function parseLabels(text) {
    const labels = {};
    (text || '').split(',').map(function (p) { return p.trim(); }).filter(Boolean).forEach(function (part) {
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) throw new Error('labels: write them as key=value, separated by commas');
      labels[part.substring(0, eq).trim()] = part.substring(eq + 1).trim();
    });
    return labels;
  }

  function value(id) {
    const v = document.getElementById(id).value;
    return v && v.trim() ? v.trim() : undefined;
  }

  function ruleFromForm() {
    const threshold = value('threshold');
    return {
      metric: value('metric'),
      stat: value('stat'),
      labels: parseLabels(value('labels')),
      app: value('app'),
      operator: value('operator'),
      threshold: threshold === undefined ? undefined : Number(threshold),
      for: value('for'),
      keep_firing_for: value('keep_firing_for'),
      from: value('from'),
      to: value('to')
    };
  }

  function duration(seconds) {
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return (seconds / 60).toFixed(seconds % 60 ? 1 : 0) + ' min';
    return (seconds / 3600).toFixed(1) + ' h';
  }

  function renderReport(body) {
    const report = body.rules[0];
    TC.status(summary, body.events + ' events replayed from ' + TC.time(body.from) + ' to ' + TC.time(body.to)
      + ' in ' + TC.num(body.seconds, 1) + ' s: ' + report.firing.length + ' firing interval'
      + (report.firing.length === 1 ? '' : 's') + ', ' + report.notifications + ' notifications, '
      + duration(report.firingSeconds) + ' firing, ' + report.flaps + ' flap' + (report.flaps === 1 ? '' : 's') + '.');
    rows.replaceChildren();
    if (!report.firing.length) {
      const tr = TC.el('tr');
      const td = TC.cell(tr, 'The rule would not have fired in this range.', 'muted');
      td.colSpan = 4;
      rows.appendChild(tr);
    }
    report.firing.forEach(function (i) {
      const tr = TC.el('tr');
      TC.cell(tr, TC.time(i.start)).title = i.start;
      if (i.end) TC.cell(tr, TC.time(i.end)).title = i.end; else TC.cell(tr, 'still firing at the end', 'status-firing');
      const labels = TC.cell(tr, null);
      const chips = TC.el('div', null, 'chips');
      Object.keys(i.labels).sort().forEach(function (k) { chips.appendChild(TC.el('span', k + '=' + i.labels[k], 'chip')); });
      labels.appendChild(chips);
      TC.cell(tr, TC.num(i.peak), 'num');
      rows.appendChild(tr);
    });
  }

  // The metric's chart as the console holds it (its read model keeps the last hours), the rule's firing shaded.
  function renderChart() {
    if (!last) return;
    const rule = last.rule;
    const query = { metric: rule.metric, stats: rule.stat || 'mean', format: 'columns' };
    if (rule.app) query.app = rule.app;
    Object.keys(rule.labels).forEach(function (k) { query['label.' + k] = rule.labels[k]; });
    const stat = rule.stat || 'mean';
    TC.getJSON('/api/series', query).then(function (body) {
      const shown = body.series.slice(0, MAX_LINES);
      chartBox.hidden = false;
      if (!shown.length) {
        chartBox.replaceChildren(TC.el('p', 'The console holds no windows of ' + rule.metric
          + ' for these labels (it keeps the last hours of summaries): only the table above.', 'muted'));
        holder.plot = null;
        return;
      }
      const times = new Set();
      shown.forEach(function (s) { s.windowStart.forEach(function (t) { times.add(t); }); });
      const xs = Array.from(times).sort(function (a, b) { return a - b; });
      const index = new Map(xs.map(function (x, i) { return [x, i]; }));
      const apps = new Set(shown.map(function (s) { return s.app; }));
      const series = shown.map(function (s) {
        const values = new Array(xs.length).fill(null);
        s.windowStart.forEach(function (t, i) { values[index.get(t)] = s[stat][i] == null ? null : s[stat][i]; });
        return { label: (apps.size > 1 ? s.app + ' · ' : '') + s.series, values: values };
      });
      const bands = last.report.firing.map(function (i) {
        return { from: Date.parse(i.start) / 1000, to: i.end ? Date.parse(i.end) / 1000 : null };
      });
      TC.draw(chartBox, holder, {
        title: rule.metric + ' ' + stat + (body.series.length > MAX_LINES ? ' (first ' + MAX_LINES + ' series)' : ''),
        xs: xs,
        series: series,
        budgets: [{ label: 'threshold ' + rule.operator + ' ' + TC.num(rule.threshold), value: rule.threshold }],
        bands: bands
      });
    }).catch(function (e) {
      chartBox.hidden = false;
      chartBox.replaceChildren(TC.el('p', 'chart: ' + e.message, 'error'));
    });
  }

  function run() {
    let rule;
    try {
      rule = ruleFromForm();
    } catch (e) {
      TC.status(summary, e);
      return;
    }
    button.disabled = true;
    TC.status(summary, 'Backtesting… (replaying the range can take a while)');
    TC.postJSON('/api/lab/backtest', rule).then(function (body) {
      last = { rule: rule, report: body.rules[0] };
      renderReport(body);
      renderChart();
    }).catch(function (e) {
      TC.status(summary, e);
    }).finally(function () {
      button.disabled = false;
    });
  }

  // Metric names for the datalist: what the console has seen.
  TC.getJSON('/api/metrics').then(function (catalogue) {
    const list = document.getElementById('metric-names');
    (catalogue.metrics || []).forEach(function (m) {
      const o = TC.el('option');
      o.value = m.metric;
      list.appendChild(o);
    });
  }).catch(function () { /* the datalist is only a help */ });

  TC.filters(form, run);
  // The chart follows new windows; the backtest itself runs again only on submit.
  TC.live(['series'], renderChart);
})();
