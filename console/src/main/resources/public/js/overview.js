// The start page: services' health, events accepted per minute, the processor's lag, firing alerts and the web
// vitals' budget status, all from GET /api/overview, re-read live whenever the overview's samples, the alerts or
// the series change. Every string from the API goes onto the page with textContent (TC.el/TC.cell).
'use strict';

(function () {
  const summary = document.getElementById('summary');
  const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID', 'TTI'];
  const chartHolder = { plot: null, key: null };
  let loading = false;
  let again = false;

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function statusClass(status) {
    if (status === 'healthy') return 'ok';
    if (status === 'degraded') return 'warn';
    if (status === 'not configured' || status === 'unknown') return 'muted';
    return 'bad';
  }

  function renderServices(services) {
    const tbody = document.querySelector('#services tbody');
    tbody.replaceChildren();
    for (const s of services) {
      const row = TC.el('tr');
      row.dataset.service = s.name;
      row.dataset.status = s.status;
      const name = TC.cell(row, s.name);
      if (s.url) name.title = s.url;
      TC.cell(row, s.status, 'status ' + statusClass(s.status));
      TC.cell(row, s.latencyMs == null ? '' : TC.num(s.latencyMs, 1) + ' ms', 'num');
      TC.cell(row, s.checkedAt ? TC.ago(s.checkedAt) : '');
      const error = TC.cell(row, s.lastError ? s.lastError + (s.lastErrorAt ? ' (' + TC.ago(s.lastErrorAt) + ')' : '') : '');
      if (s.lastError) error.className = s.status === 'healthy' ? 'muted' : 'error';
      tbody.appendChild(row);
    }
  }

  function renderAlerts(alerts) {
    text('firing-count', String(alerts.firing));
    text('pending-count', String(alerts.pending));
    document.getElementById('card-alerts').classList.toggle('alarm', alerts.firing > 0);
    const list = document.getElementById('firing');
    list.replaceChildren();
    if (alerts.firing === 0) {
      list.appendChild(TC.el('li', 'No alert is firing.', 'muted'));
      return;
    }
    for (const a of alerts.firingAlerts) {
      const labels = a.labels || {};
      const annotations = a.annotations || {};
      const li = TC.el('li');
      li.className = 'firing-alert';
      li.dataset.rule = a.rule || '';
      li.appendChild(TC.el('span', 'firing', 'status status-firing'));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(TC.link(labels.alertname || a.rule || a.fingerprint, '/alerts.html', { status: 'firing' }));
      li.appendChild(document.createTextNode(' · ' + (labels.app || '') + ' · ' + (a.stat || '') + ' ' + TC.num(a.value)
        + ' ' + (a.operator || '') + ' ' + TC.num(a.threshold) + ' · since ' + TC.ago(a.startsAt)));
      const what = annotations.summary || annotations.description;
      if (what) li.appendChild(TC.el('div', what, 'muted'));
      list.appendChild(li);
    }
    if (alerts.firing > alerts.firingAlerts.length) {
      const more = TC.el('li');
      more.appendChild(TC.link('all ' + alerts.firing + ' firing alerts', '/alerts.html', { status: 'firing' }));
      list.appendChild(more);
    }
  }

  function renderAccepted(accepted) {
    const seconds = accepted.bucketSeconds;
    text('bucket-label', seconds === 60 ? 'minute' : seconds + ' s');
    const buckets = accepted.buckets || [];
    const last = buckets.length ? buckets[buckets.length - 1] : null;
    text('accepted-last', last ? TC.num(last.total, 0) : '–');
    const note = document.getElementById('accepted-note');
    if (accepted.error) {
      note.className = 'note error';
      note.textContent = 'Offsets not sampled: ' + accepted.error;
    } else {
      note.className = 'note';
      note.textContent = accepted.sampledAt
        ? 'Records appended to the raw topics (the gateway answers 202 only once Kafka has them); sampled ' + TC.ago(accepted.sampledAt) + '.'
        : 'Not sampled yet.';
    }
    const container = document.getElementById('accepted-chart');
    container.dataset.windows = String(buckets.length);
    container.dataset.lastWindow = last ? last.start : '';
    container.dataset.lastTotal = last ? String(last.total) : '';
    const types = (accepted.types || []).filter(function (t) {
      return buckets.some(function (b) { return (b.byType || {})[t] > 0; });
    });
    const series = [{ label: 'all', values: buckets.map(function (b) { return b.total; }), color: '#24292f' }];
    types.forEach(function (t) {
      series.push({ label: t, values: buckets.map(function (b) { return (b.byType || {})[t] || 0; }) });
    });
    TC.draw(container, chartHolder, {
      title: 'Events accepted per ' + (seconds === 60 ? 'minute' : seconds + ' s') + ', all and by type',
      unit: '',
      height: 220,
      xs: buckets.map(function (b) { return Date.parse(b.start) / 1000; }),
      series: series
    });
  }

  function renderLag(lag) {
    const committed = lag.committedPartitions > 0;
    text('lag-total', lag.sampledAt && committed ? TC.num(lag.total, 0) : '–');
    const note = document.getElementById('lag-note');
    note.className = lag.error ? 'note error' : 'note';
    if (lag.error) {
      note.textContent = 'Not refreshed: ' + lag.error;
    } else if (!lag.sampledAt) {
      note.textContent = 'Not sampled yet.';
    } else if (!committed) {
      note.textContent = 'Consumer group ' + lag.group + ' has no committed offsets: the processor has not started, or runs'
        + ' with another application id (overview.processor-group).';
    } else {
      note.textContent = 'Consumer group ' + lag.group + ': ' + TC.num(lag.total, 0) + ' records behind over '
        + lag.committedPartitions + ' partitions; sampled ' + TC.ago(lag.sampledAt) + '.';
    }
    const tbody = document.querySelector('#lag tbody');
    tbody.replaceChildren();
    for (const t of lag.topics || []) {
      const row = TC.el('tr');
      TC.cell(row, t.topic + (t.internal ? ' (repartition)' : ''));
      TC.cell(row, String(t.partitions), 'num');
      TC.cell(row, TC.num(t.lag, 0), 'num' + (t.lag > 0 ? ' warn' : ''));
      tbody.appendChild(row);
    }
  }

  function renderBudgets(budgets) {
    text('over-budget', budgets.pages ? budgets.over + ' / ' + budgets.pages : '–');
    document.getElementById('card-vitals').classList.toggle('alarm', budgets.over > 0);
    const tbody = document.querySelector('#budgets tbody');
    tbody.replaceChildren();
    if (!budgets.shown.length) {
      const row = TC.el('tr');
      const td = TC.cell(row, 'No web vitals yet.', 'muted');
      td.colSpan = 2 + VITALS.length;
      tbody.appendChild(row);
      return;
    }
    for (const p of budgets.shown) {
      const row = TC.el('tr');
      TC.cell(row, p.app);
      const page = TC.cell(row, '');
      page.appendChild(TC.link(p.page, '/vitals.html', { app: p.app, page: p.page }));
      const byVital = {};
      p.vitals.forEach(function (v) { byVital[v.vital] = v; });
      VITALS.forEach(function (name) {
        const v = byVital[name];
        if (!v) { TC.cell(row, '', 'num'); return; }
        const value = v.p75 == null ? '?' : TC.num(v.p75, v.unit ? 0 : 3) + (v.unit ? ' ' + v.unit : '');
        const td = TC.cell(row, value, 'num ' + (v.status === 'over' ? 'bad' : v.status === 'ok' ? 'ok' : 'muted'));
        td.title = name + ' p75 ' + value + ' vs budget ' + TC.num(v.budget) + (v.unit ? ' ' + v.unit : '') + ' ('
          + v.status + '), window ' + TC.time(v.windowStart) + ', ' + v.count + ' samples';
      });
      tbody.appendChild(row);
    }
  }

  function render(body) {
    renderServices(body.services);
    renderAlerts(body.alerts);
    renderAccepted(body.accepted);
    renderLag(body.lag);
    renderBudgets(body.budgets);
    const down = body.services.filter(function (s) {
      return s.status !== 'healthy' && s.status !== 'not configured' && s.status !== 'unknown';
    }).length;
    TC.status(summary, body.alerts.firing + (body.alerts.firing === 1 ? ' alert' : ' alerts') + ' firing · '
      + (down === 0 ? 'no service unhealthy' : down + (down === 1 ? ' service' : ' services') + ' not healthy')
      + ' · updated ' + TC.time(body.generatedAt));
  }

  // One read at a time; a change during a read triggers one more afterwards (the feed can say several a second).
  function load() {
    if (loading) { again = true; return; }
    loading = true;
    TC.getJSON('/api/overview').then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load the overview: ' + e.message)); })
      .then(function () {
        loading = false;
        if (again) { again = false; load(); }
      });
  }

  TC.live(['series', 'alerts', 'overview'], load);
  load();
})();
