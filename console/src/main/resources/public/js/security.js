// The security view: findings of telemetry.security (the processor's rate-limit, SQL injection and XSS findings and
// clients' own reports) with IP, endpoint and the offending input, the top offending IPs, and the per-minute counts
// over the rate limit (telemetry.ratelimit). Inputs, endpoints and event names are what clients sent: text only
// (TC.el / TC.cell), inputs inside <code>; links are our own path with an encoded query (TC.link).
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const rateSummary = document.getElementById('ratelimit-summary');

  /** A link to this view filtered by ip, keeping the other filters. */
  function ipLink(ip) {
    const q = TC.formQuery(form);
    q.set('ip', ip);
    return TC.link(ip, '/security.html', q);
  }

  function ipCell(row, ip) {
    const td = TC.cell(row, null);
    if (ip) td.appendChild(ipLink(ip));
    return td;
  }

  function render(body) {
    const top = document.querySelector('#top-ips tbody');
    top.replaceChildren();
    for (const t of body.topIps) {
      const row = document.createElement('tr');
      ipCell(row, t.ip);
      TC.cell(row, TC.num(t.findings, 0), 'num');
      TC.cell(row, (t.events || []).join(', '));
      TC.cell(row, TC.ago(t.lastAt)).title = t.lastAt || '';
      top.appendChild(row);
    }
    const tbody = document.querySelector('#findings tbody');
    tbody.replaceChildren();
    for (const f of body.findings) {
      const row = document.createElement('tr');
      TC.cell(row, TC.time(f.at)).title = f.at || '';
      TC.cell(row, f.app);
      TC.cell(row, f.event);
      TC.cell(row, f.attackClass);
      TC.cell(row, f.severity, f.severity ? 'severity-' + f.severity.replace(/[^a-z]/g, '') : '');
      TC.cell(row, f.source);
      ipCell(row, f.ip);
      TC.cell(row, null).appendChild(TC.el('code', f.endpoint == null ? '' : f.endpoint, 'endpoint'));
      TC.cell(row, f.field);
      const input = TC.cell(row, null, 'input');
      if (f.input != null) input.appendChild(TC.el('code', f.input, 'input'));
      TC.cell(row, f.count == null ? '' : TC.num(f.count, 0) + (f.limit == null ? '' : ' / ' + TC.num(f.limit, 0)), 'num');
      tbody.appendChild(row);
    }
    const events = document.getElementById('events');
    events.replaceChildren();
    (body.events || []).forEach(function (name) {
      const option = document.createElement('option');
      option.value = name;
      events.appendChild(option);
    });
    TC.status(summary, body.count + (body.count === 1 ? ' finding' : ' findings')
      + (body.findings.length < body.count ? '; the newest ' + body.findings.length + ' shown' : ''));
  }

  function renderRateLimit(body) {
    const tbody = document.querySelector('#ratelimit tbody');
    tbody.replaceChildren();
    for (const c of body.counts) {
      const row = document.createElement('tr');
      TC.cell(row, TC.time(c.windowStart)).title = c.windowStart || '';
      TC.cell(row, c.app);
      ipCell(row, c.ip);
      TC.cell(row, null).appendChild(TC.el('code', c.endpoint == null ? '' : c.endpoint, 'endpoint'));
      TC.cell(row, TC.num(c.count, 0), 'num');
      TC.cell(row, TC.num(c.limit, 0), 'num');
      tbody.appendChild(row);
    }
    TC.status(rateSummary, body.count + (body.count === 1 ? ' minute' : ' minutes') + ' over the limit');
  }

  function load() {
    TC.getJSON('/api/security', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load findings: ' + e.message)); });
  }

  function loadRateLimit() {
    // The rate-limit counts know app and IP only (no event or class).
    const all = TC.formQuery(form);
    const q = new URLSearchParams();
    if (all.has('app')) q.set('app', all.get('app'));
    if (all.has('ip')) q.set('ip', all.get('ip'));
    q.set('exceeded', 'true');
    TC.getJSON('/api/ratelimit', q).then(renderRateLimit)
      .catch(function (e) { TC.status(rateSummary, new Error('Cannot load rate-limit counts: ' + e.message)); });
  }

  TC.filters(form, function () { load(); loadRateLimit(); });
  TC.live(['security'], load);
  TC.live(['ratelimit'], loadRateLimit);
  load();
  loadRateLimit();
})();
