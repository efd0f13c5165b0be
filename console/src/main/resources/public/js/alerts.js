// The alerts view: pending, firing and recently resolved alerts. Every string from the API is put on the page
// with textContent (TC.cell), never as HTML: labels, annotations and rule names can carry what clients sent.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');

  function render(body) {
    const tbody = document.querySelector('#alerts tbody');
    tbody.replaceChildren();
    for (const a of body.alerts) {
      const row = document.createElement('tr');
      const labels = a.labels || {};
      const annotations = a.annotations || {};
      const known = a.status === 'firing' || a.status === 'pending' || a.status === 'resolved';
      TC.cell(row, a.status, 'status status-' + (known ? a.status : 'unknown'));
      TC.cell(row, labels.alertname || a.rule);
      TC.cell(row, labels.app);
      TC.cell(row, a.severity);
      TC.cell(row, TC.num(a.value), 'num');
      TC.cell(row, (a.operator || '') + ' ' + TC.num(a.threshold), 'num');
      TC.cell(row, TC.time(a.startsAt));
      TC.cell(row, annotations.summary || annotations.description || '');
      tbody.appendChild(row);
    }
    TC.status(summary, body.count + (body.count === 1 ? ' alert' : ' alerts'));
  }

  function load() {
    TC.getJSON('/api/alerts', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load alerts: ' + e.message)); });
  }

  TC.filters(form, load);
  TC.live(['alerts'], load);
  load();
})();
