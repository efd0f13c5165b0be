// The alerts view. Every string from the API is put on the page with textContent, never as HTML:
// labels, annotations and rule names can carry what clients sent.
'use strict';

(function () {
  const params = new URLSearchParams(window.location.search);
  const statusSelect = document.getElementById('status');
  const appInput = document.getElementById('app');
  statusSelect.value = params.get('status') || '';
  appInput.value = params.get('app') || '';

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function number(value) {
    return typeof value === 'number' && isFinite(value) ? value.toLocaleString(undefined, { maximumFractionDigits: 3 }) : '';
  }

  function render(body) {
    const tbody = document.querySelector('#alerts tbody');
    tbody.replaceChildren();
    for (const a of body.alerts) {
      const row = document.createElement('tr');
      const labels = a.labels || {};
      const annotations = a.annotations || {};
      cell(row, a.status, 'status status-' + (a.status === 'firing' || a.status === 'pending' || a.status === 'resolved' ? a.status : 'unknown'));
      cell(row, labels.alertname || a.rule);
      cell(row, labels.app);
      cell(row, a.severity);
      cell(row, number(a.value), 'num');
      cell(row, (a.operator || '') + ' ' + number(a.threshold), 'num');
      cell(row, a.startsAt);
      cell(row, annotations.summary || annotations.description || '');
      tbody.appendChild(row);
    }
    const summary = document.getElementById('summary');
    summary.className = '';
    summary.textContent = body.count + (body.count === 1 ? ' alert' : ' alerts');
  }

  function load() {
    const query = new URLSearchParams();
    if (statusSelect.value) query.set('status', statusSelect.value);
    if (appInput.value.trim()) query.set('app', appInput.value.trim());
    fetch('/api/alerts' + (query.toString() ? '?' + query : ''), { headers: { Accept: 'application/json' } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || ('HTTP ' + response.status));
          return body;
        });
      })
      .then(render)
      .catch(function (e) {
        const summary = document.getElementById('summary');
        summary.className = 'error';
        summary.textContent = 'Cannot load alerts: ' + e.message;
      });
  }

  load();
  // Live updates: the server names the views that changed (Server-Sent Events on /api/stream); the page
  // re-reads the alerts when they did. EventSource reconnects by itself; on reconnect the page re-reads once.
  const live = document.getElementById('live');
  const stream = new EventSource('/api/stream');
  stream.addEventListener('hello', function () {
    live.textContent = 'live';
    live.className = 'live';
    load();
  });
  stream.addEventListener('change', function (event) {
    let views = [];
    try {
      views = JSON.parse(event.data).views || [];
    } catch (e) {
      return;
    }
    if (views.indexOf('alerts') >= 0) load();
  });
  stream.onerror = function () {
    live.textContent = 'reconnecting…';
    live.className = 'error';
  };
})();
