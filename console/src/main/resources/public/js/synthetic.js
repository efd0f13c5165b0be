// The synthetic checks view: availability (share of successful runs per window) and duration over time per check,
// each check's latest run and its last error. Check names and error texts are what the prober sent: text only.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');

  function percent(share) {
    return typeof share === 'number' ? TC.num(share * 100, 1) + ' %' : '';
  }

  function charts(checks) {
    const list = checks.filter(function (c) { return c.windows.length > 0; })
      .map(function (c) { return { label: c.app + ' / ' + c.check, windows: c.windows }; });
    const availabilityBox = document.getElementById('availability-chart');
    const durationBox = document.getElementById('duration-chart');
    const availability = TC.align(list, function (w) { return w.availability == null ? null : w.availability * 100; });
    // A chart needs two windows at least (uPlot stretches a single x value over years); the table shows one.
    const show = list.length > 0 && availability.xs.length > 1;
    availabilityBox.hidden = durationBox.hidden = !show;
    if (!show) return;
    TC.chart(availabilityBox, { title: 'Availability per window', unit: '%', xs: availability.xs,
      series: availability.series, height: 200 });
    const duration = TC.align(list, function (w) { return w.durationMean; });
    TC.chart(durationBox, { title: 'Mean duration per window', unit: 'ms', xs: duration.xs, series: duration.series,
      height: 200 });
  }

  function render(body) {
    const tbody = document.querySelector('#checks tbody');
    tbody.replaceChildren();
    const names = document.getElementById('check-names');
    names.replaceChildren();
    for (const c of body.checks) {
      const row = document.createElement('tr');
      const q = TC.formQuery(form);
      q.set('check', c.check);
      TC.cell(row, null).appendChild(TC.link(c.check, '/synthetic.html', q));
      TC.cell(row, c.app);
      TC.cell(row, percent(c.availability), 'num ' + (c.availability == null ? '' : c.availability >= 0.99 ? 'ok' : c.availability >= 0.9 ? 'warn' : 'bad'));
      TC.cell(row, TC.num(c.runs, 0), 'num');
      const last = c.lastRun;
      const lastCell = TC.cell(row, last ? (last.success ? 'ok' : 'failed') + ', ' + TC.ago(last.at) : '',
        last ? (last.success ? 'ok' : 'bad') : '');
      if (last) lastCell.title = last.at;
      TC.cell(row, last && last.durationMs != null ? TC.num(last.durationMs, 0) + ' ms' : '', 'num');
      TC.cell(row, last && last.consecutiveFailures != null ? TC.num(last.consecutiveFailures, 0) : '', 'num');
      const errorCell = TC.cell(row, null, 'last-error');
      if (c.lastFailure) {
        errorCell.appendChild(TC.el('code', c.lastFailure.error == null ? '(no error text)' : c.lastFailure.error, 'error-text'));
        errorCell.appendChild(TC.el('div', TC.time(c.lastFailure.at), 'muted'));
      }
      tbody.appendChild(row);
      const option = document.createElement('option');
      option.value = c.check;
      names.appendChild(option);
    }
    charts(body.checks);
    TC.status(summary, body.count + (body.count === 1 ? ' check' : ' checks') + ', ' + body.failing + ' failing now');
  }

  function load() {
    TC.getJSON('/api/synthetic', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load synthetic checks: ' + e.message)); });
  }

  TC.filters(form, load);
  TC.live(['synthetic'], load);
  load();
})();
