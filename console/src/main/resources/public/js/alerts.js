// The alerts view: pending, firing and recently resolved alerts, and the alert sink's silences (list, create from an
// alert with its labels as matchers, expire). Every string from the API is put on the page with textContent, never
// as HTML: labels, annotations and silence comments can carry what clients (or anyone with a token) sent. A runbook
// becomes a link only when it parses as an http(s) URL.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const MAX_ROWS = 500;
  const sessionBox = document.getElementById('session');
  const editor = document.getElementById('silence-editor');
  const editorTitle = document.getElementById('silence-editor-title');
  const silenceForm = document.getElementById('silence-form');
  const matchersBox = document.getElementById('matchers');
  const silenceStatus = document.getElementById('silence-status');
  const silencesSummary = document.getElementById('silences-summary');
  const createdByField = document.getElementById('silence-created-by');

  const OPERATORS = { gt: '>', gte: '≥', ge: '≥', lt: '<', lte: '≤', le: '≤', eq: '=', ne: '≠', neq: '≠' };
  const MATCH_OPS = ['=', '!=', '=~', '!~'];
  const RUNBOOK_KEYS = ['runbook_url', 'runbook'];

  // What the server said about this browser's session: {loggedIn, canWrite, csrfToken, writesEnabled, ...}.
  let session = { loggedIn: false, canWrite: false, csrfToken: null, writesEnabled: false };
  let activeSilences = [];
  let lastAlerts = null;

  // ---- small helpers ----

  function chip(text, className) {
    return TC.el('span', text, 'chip' + (className ? ' ' + className : ''));
  }

  /** "in 2 h" for a future instant, TC.ago for a past one. */
  function relative(iso) {
    if (!iso) return '';
    const s = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    if (!isFinite(s)) return '';
    if (s <= 0) return TC.ago(iso);
    if (s < 60) return 'in ' + s + ' s';
    if (s < 3600) return 'in ' + Math.round(s / 60) + ' min';
    if (s < 86400) return 'in ' + (s / 3600).toFixed(1) + ' h';
    return 'in ' + (s / 86400).toFixed(1) + ' d';
  }

  /** A time cell: local time, and how long ago (or until) in a second line; the raw instant as the title. */
  function timeCell(row, iso, prefix) {
    const td = TC.cell(row, '');
    if (!iso) return td;
    td.appendChild(TC.el('div', TC.time(iso)));
    const rel = TC.el('div', (prefix || '') + relative(iso), 'muted rel');
    rel.dataset.iso = iso;
    rel.dataset.prefix = prefix || '';
    td.appendChild(rel);
    td.title = iso;
    return td;
  }

  /** An http(s) URL as a link (opened without a referrer or opener); anything else stays text. */
  function runbook(value) {
    let url = null;
    try { url = new URL(String(value)); } catch (e) { url = null; }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      const a = TC.el('a', url.href);
      a.href = url.href;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      return a;
    }
    return TC.el('span', String(value));
  }

  /** The labels the sink matches silences against: alertname and severity filled in from the rule, as the sink does. */
  function sinkLabels(alert) {
    const labels = Object.assign({}, alert.labels || {});
    if (alert.rule && labels.alertname == null) labels.alertname = alert.rule;
    if (alert.severity && labels.severity == null) labels.severity = alert.severity;
    return labels;
  }

  function matcherMatches(m, labels) {
    const actual = labels[m.name] == null ? '' : String(labels[m.name]);
    let hit;
    if (m.isRegex) {
      try { hit = new RegExp('^(?:' + m.value + ')$').test(actual); } catch (e) { return false; }
    } else {
      hit = m.value === actual;
    }
    return hit === m.isEqual;
  }

  /** The active silence that mutes this alert, if any (a hint on the page; the sink decides). */
  function silencedBy(alert) {
    if (alert.status !== 'firing' && alert.status !== 'pending') return null;
    const labels = sinkLabels(alert);
    return activeSilences.find(function (s) {
      return s.matchers.every(function (m) { return matcherMatches(m, labels); });
    }) || null;
  }

  function matcherText(m) {
    const op = m.isEqual ? (m.isRegex ? '=~' : '=') : (m.isRegex ? '!~' : '!=');
    return m.name + op + '"' + m.value + '"';
  }

  /** POST/DELETE with the session's CSRF token; rejects with the API's own message (and keeps the status). */
  function send(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session.csrfToken) headers['X-CSRF-Token'] = session.csrfToken;
    return fetch(path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!response.ok) {
          const error = new Error((json && json.message) || ('HTTP ' + response.status + ' from ' + path));
          error.status = response.status;
          throw error;
        }
        return json;
      });
    });
  }

  // ---- alerts ----

  function valueCell(row, a) {
    const td = TC.cell(row, '', 'num');
    const op = OPERATORS[a.operator] || a.operator || '';
    td.appendChild(TC.el('div', TC.num(a.value) + ' ' + op + ' ' + TC.num(a.threshold), 'value'));
    const what = [a.stat, a.metric].filter(Boolean).join(' of ');
    if (what) td.appendChild(TC.el('div', what, 'muted'));
    td.title = 'value ' + a.value + ', threshold ' + (a.operator || '') + ' ' + a.threshold;
  }

  function labelsCell(row, a) {
    const labels = a.labels || {};
    const td = TC.cell(row, '');
    td.appendChild(TC.el('div', labels.alertname || a.rule || a.fingerprint, 'alertname'));
    const chips = TC.el('div', null, 'chips');
    Object.keys(labels).sort().forEach(function (k) { chips.appendChild(chip(k + '=' + labels[k])); });
    td.appendChild(chips);
  }

  function annotationsCell(row, a) {
    const annotations = a.annotations || {};
    const td = TC.cell(row, '', 'annotations');
    if (annotations.summary) td.appendChild(TC.el('div', annotations.summary, 'summary'));
    if (annotations.description) td.appendChild(TC.el('div', annotations.description, 'description'));
    Object.keys(annotations).sort().forEach(function (k) {
      if (k === 'summary' || k === 'description' || RUNBOOK_KEYS.indexOf(k) >= 0) return;
      const line = TC.el('div', null, 'annotation');
      line.appendChild(TC.el('span', k + ': ', 'muted'));
      line.appendChild(TC.el('span', annotations[k]));
      td.appendChild(line);
    });
    RUNBOOK_KEYS.forEach(function (k) {
      if (!annotations[k]) return;
      const line = TC.el('div', null, 'runbook');
      line.appendChild(TC.el('span', 'Runbook: ', 'muted'));
      line.appendChild(runbook(annotations[k]));
      td.appendChild(line);
    });
  }

  function renderAlerts(body) {
    lastAlerts = body;
    const tbody = document.querySelector('#alerts tbody');
    tbody.replaceChildren();
    const counts = body.counts || { firing: 0, pending: 0, resolved: 0 };
    for (const a of body.alerts) {
      const row = document.createElement('tr');
      const known = a.status === 'firing' || a.status === 'pending' || a.status === 'resolved';
      row.className = 'alert-row alert-' + (known ? a.status : 'unknown');
      row.dataset.fingerprint = a.fingerprint || '';
      const status = TC.cell(row, '');
      status.appendChild(TC.el('div', a.status, 'status status-' + (known ? a.status : 'unknown')));
      if (a.severity) status.appendChild(TC.el('div', a.severity, 'muted'));
      const silence = silencedBy(a);
      if (silence) {
        const badge = chip('silenced', 'silenced');
        badge.title = 'silenced until ' + TC.time(silence.endsAt) + ' by ' + silence.createdBy + ': ' + silence.comment;
        status.appendChild(badge);
      }
      labelsCell(row, a);
      valueCell(row, a);
      if (a.status === 'resolved') timeCell(row, a.endsAt, 'resolved ').title = 'since ' + a.startsAt + ', resolved ' + a.endsAt;
      else timeCell(row, a.startsAt);
      annotationsCell(row, a);
      const action = TC.cell(row, '');
      if (a.status === 'firing' || a.status === 'pending') {
        const button = TC.el('button', 'Silence', 'silence-button');
        button.type = 'button';
        button.addEventListener('click', function () { openEditor(a); });
        action.appendChild(button);
      }
      tbody.appendChild(row);
    }
    TC.status(summary, body.count + (body.count === 1 ? ' alert' : ' alerts')
      + ' (' + counts.firing + ' firing, ' + counts.pending + ' pending, ' + counts.resolved + ' recently resolved)'
      + (body.truncated ? ' · showing the first ' + body.alerts.length + ': narrow with the filters' : ''));
  }

  function loadAlerts() {
    // A storm can hold 10 000 alerts: the table shows the first MAX_ROWS (firing and pending come first), the
    // status line counts them all.
    const query = TC.formQuery(form);
    query.set('limit', String(MAX_ROWS));
    return TC.getJSON('/api/alerts', query).then(renderAlerts)
      .catch(function (e) { TC.status(summary, new Error('Cannot load alerts: ' + e.message)); });
  }

  // ---- the silence editor ----

  function matcherRow(name, op, value) {
    const row = TC.el('div', null, 'matcher-row');
    const nameInput = TC.el('input', null, 'm-name');
    nameInput.value = name;
    nameInput.setAttribute('aria-label', 'label name');
    nameInput.autocomplete = 'off';
    const opSelect = TC.el('select', null, 'm-op');
    opSelect.setAttribute('aria-label', 'operator');
    MATCH_OPS.forEach(function (o) {
      const option = TC.el('option', o);
      option.value = o;
      opSelect.appendChild(option);
    });
    opSelect.value = op;
    const valueInput = TC.el('input', null, 'm-value');
    valueInput.value = value;
    valueInput.setAttribute('aria-label', 'value');
    valueInput.autocomplete = 'off';
    const remove = TC.el('button', 'Remove', 'm-remove');
    remove.type = 'button';
    remove.addEventListener('click', function () { row.remove(); });
    row.append(nameInput, opSelect, valueInput, remove);
    return row;
  }

  /** Prefills the editor from an alert: alertname, app, then the series labels (severity is left out). */
  function openEditor(alert) {
    const labels = alert.labels || {};
    const alertname = labels.alertname || alert.rule;
    matchersBox.replaceChildren();
    if (alertname) matchersBox.appendChild(matcherRow('alertname', '=', alertname));
    if (labels.app != null) matchersBox.appendChild(matcherRow('app', '=', labels.app));
    Object.keys(labels).sort().forEach(function (k) {
      if (k === 'alertname' || k === 'app' || k === 'severity') return;
      matchersBox.appendChild(matcherRow(k, '=', labels[k]));
    });
    editorTitle.textContent = 'New silence for ' + (alertname || alert.fingerprint);
    document.getElementById('silence-duration').value = '2h';
    document.getElementById('silence-comment').value = '';
    if (!createdByField.value) {
      try { createdByField.value = window.localStorage.getItem('tc.createdBy') || ''; } catch (e) { /* storage off */ }
    }
    TC.status(silenceStatus, session.canWrite ? '' : writeHint());
    editor.hidden = false;
    editor.scrollIntoView({ block: 'nearest' });
    document.getElementById('silence-comment').focus();
  }

  function writeHint() {
    return session.writesEnabled
      ? 'Log in with the write token (above) to create the silence.'
      : 'Writes are disabled on this console (set auth.write-token).';
  }

  function collectMatchers() {
    const matchers = [];
    for (const row of matchersBox.querySelectorAll('.matcher-row')) {
      const name = row.querySelector('.m-name').value.trim();
      const op = row.querySelector('.m-op').value;
      const value = row.querySelector('.m-value').value;
      if (!name) continue;
      matchers.push({ name: name, value: value, isRegex: op.endsWith('~'), isEqual: !op.startsWith('!') });
    }
    return matchers;
  }

  silenceForm.addEventListener('submit', function (event) {
    event.preventDefault();
    const body = {
      matchers: collectMatchers(),
      duration: document.getElementById('silence-duration').value.trim(),
      createdBy: createdByField.value.trim(),
      comment: document.getElementById('silence-comment').value.trim()
    };
    try { window.localStorage.setItem('tc.createdBy', body.createdBy); } catch (e) { /* storage off */ }
    TC.status(silenceStatus, 'Creating…');
    send('POST', '/api/silences', body).then(function (created) {
      editor.hidden = true;
      silencesSummary.dataset.note = 'Silence ' + created.silenceID + ' created, until ' + TC.time(created.endsAt) + '.';
      return loadSilences();
    }).catch(function (e) {
      TC.status(silenceStatus, new Error('Cannot create the silence: ' + e.message));
      if (e.status === 401 || e.status === 403) loadSession();
    });
  });

  document.getElementById('add-matcher').addEventListener('click', function () {
    matchersBox.appendChild(matcherRow('', '=', ''));
  });
  document.getElementById('cancel-silence').addEventListener('click', function () {
    editor.hidden = true;
  });

  // ---- session: login with the write token, logout ----

  function renderSession() {
    sessionBox.replaceChildren();
    document.getElementById('create-silence').disabled = !session.canWrite;
    if (!session.writesEnabled) {
      sessionBox.appendChild(TC.el('p', 'Silences are read-only here: writes are disabled (set auth.write-token).', 'muted'));
      return;
    }
    if (session.canWrite) {
      const line = TC.el('p', 'Logged in: you can create and expire silences. ', 'logged-in');
      line.id = 'logged-in';
      const logout = TC.el('button', 'Log out');
      logout.type = 'button';
      logout.id = 'logout';
      logout.addEventListener('click', function () {
        send('DELETE', '/api/session').then(loadSession).catch(function (e) { TC.status(silencesSummary, e); });
      });
      line.appendChild(logout);
      sessionBox.appendChild(line);
      return;
    }
    const login = TC.el('form', null, 'login');
    login.id = 'login-form';
    const label = TC.el('label', 'Write token ');
    const input = TC.el('input');
    input.type = 'password';
    input.name = 'token';
    input.id = 'login-token';
    input.autocomplete = 'current-password';
    label.appendChild(input);
    const submit = TC.el('button', 'Log in to silence');
    submit.type = 'submit';
    const status = TC.el('span', '', 'status-line');
    status.id = 'login-status';
    login.append(label, submit, status);
    login.addEventListener('submit', function (event) {
      event.preventDefault();
      send('POST', '/api/session', { token: input.value }).then(function (s) {
        session = s;
        input.value = '';
        renderSession();
        renderSilences(lastSilences);
        if (!editor.hidden) TC.status(silenceStatus, '');
      }).catch(function (e) { TC.status(status, new Error('Cannot log in: ' + e.message)); });
    });
    sessionBox.appendChild(login);
  }

  function loadSession() {
    return TC.getJSON('/api/session').then(function (s) {
      session = s;
      renderSession();
      renderSilences(lastSilences);
    }).catch(function (e) { TC.status(silencesSummary, new Error('Cannot read the session: ' + e.message)); });
  }

  // ---- silences ----

  let lastSilences = null;

  function silenceRow(s) {
    const row = document.createElement('tr');
    row.className = 'silence-row silence-' + s.state;
    row.dataset.id = s.id;
    TC.cell(row, s.state, 'status state-' + s.state);
    const matchers = TC.cell(row, '');
    const chips = TC.el('div', null, 'chips');
    s.matchers.forEach(function (m) { chips.appendChild(chip(matcherText(m))); });
    matchers.appendChild(chips);
    timeCell(row, s.startsAt);
    timeCell(row, s.endsAt);
    TC.cell(row, s.createdBy);
    TC.cell(row, s.comment);
    const action = TC.cell(row, '');
    if (session.canWrite && (s.state === 'active' || s.state === 'pending')) {
      const expire = TC.el('button', 'Expire', 'expire-button');
      expire.type = 'button';
      expire.addEventListener('click', function () {
        expire.disabled = true;
        send('DELETE', '/api/silences/' + encodeURIComponent(s.id)).then(function () {
          silencesSummary.dataset.note = 'Silence ' + s.id + ' expired.';
          return loadSilences();
        }).catch(function (e) {
          expire.disabled = false;
          TC.status(silencesSummary, new Error('Cannot expire the silence: ' + e.message));
          if (e.status === 401 || e.status === 403) loadSession();
        });
      });
      action.appendChild(expire);
    }
    return row;
  }

  function renderSilences(body) {
    if (!body) return;
    lastSilences = body;
    const current = document.querySelector('#silences tbody');
    const expired = document.querySelector('#expired-silences tbody');
    current.replaceChildren();
    expired.replaceChildren();
    activeSilences = body.silences.filter(function (s) { return s.state === 'active'; });
    body.silences.forEach(function (s) {
      (s.state === 'expired' ? expired : current).appendChild(silenceRow(s));
    });
    document.getElementById('expired-count').textContent = String(body.counts.expired);
    if (lastAlerts) renderAlerts(lastAlerts);
  }

  function loadSilences() {
    return TC.getJSON('/api/silences').then(function (body) {
      renderSilences(body);
      const c = body.counts;
      const text = c.active + ' active, ' + c.pending + ' pending, ' + c.expired + ' expired';
      // The last "created"/"expired" note stays in front of the counts (live re-reads would otherwise wipe it).
      if (silencesSummary.dataset.note) TC.status(silencesSummary, silencesSummary.dataset.note + ' ' + text);
      else TC.status(silencesSummary, text);
    }).catch(function (e) {
      activeSilences = [];
      TC.status(silencesSummary, new Error('Silences unavailable: ' + e.message));
    });
  }

  // "3 min ago" / "in 2 h" keep counting between loads: only their text changes (no rows are rebuilt).
  window.setInterval(function () {
    document.querySelectorAll('.rel').forEach(function (node) {
      node.textContent = node.dataset.prefix + relative(node.dataset.iso);
    });
  }, 15000);

  TC.filters(form, loadAlerts);
  TC.live(['alerts'], loadAlerts);
  TC.live(['silences'], loadSilences);
  loadSession();
  loadSilences();
  loadAlerts();
})();
