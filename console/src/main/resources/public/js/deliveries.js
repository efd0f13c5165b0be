// The deliveries view: the alert sink's notifications per receiver (attempts by outcome, dead letters, the latest),
// its recent failed attempts and its dead letters. Receivers, rules and reasons are text only (TC.cell).
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');

  function receiverCell(row, receiver) {
    const td = TC.cell(row, null);
    if (receiver) td.appendChild(TC.link(receiver, '/deliveries.html', { receiver: receiver }));
    return td;
  }

  function timeCell(row, iso) {
    TC.cell(row, TC.time(iso)).title = iso || '';
  }

  function render(body) {
    const receivers = document.querySelector('#receivers tbody');
    receivers.replaceChildren();
    const names = document.getElementById('receiver-names');
    names.replaceChildren();
    for (const r of body.receivers) {
      const row = document.createElement('tr');
      receiverCell(row, r.receiver);
      TC.cell(row, TC.num(r.attempts, 0), 'num');
      TC.cell(row, TC.num(r.delivered, 0), 'num');
      TC.cell(row, TC.num(r.failed, 0), 'num' + (r.failed > 0 ? ' bad' : ''));
      TC.cell(row, TC.num(r.folded, 0), 'num');
      TC.cell(row, TC.num(r.deadLetters, 0), 'num' + (r.deadLetters > 0 ? ' bad' : ''));
      TC.cell(row, TC.ago(r.lastAt)).title = r.lastAt || '';
      TC.cell(row, r.lastOutcome, r.lastOutcome === 'delivered' ? 'ok' : r.lastOutcome ? 'warn' : '');
      TC.cell(row, r.lastReason);
      receivers.appendChild(row);
      const option = document.createElement('option');
      option.value = r.receiver;
      names.appendChild(option);
    }

    const failures = document.querySelector('#failures tbody');
    failures.replaceChildren();
    for (const d of body.failures) {
      const row = document.createElement('tr');
      timeCell(row, d.at);
      receiverCell(row, d.receiver);
      TC.cell(row, d.rule).title = d.fingerprint || '';
      TC.cell(row, d.status);
      TC.cell(row, TC.num(d.attempt, 0), 'num');
      TC.cell(row, d.outcome, 'bad');
      TC.cell(row, d.reason);
      TC.cell(row, TC.num(d.latencyMs, 0) + ' ms', 'num');
      failures.appendChild(row);
    }

    const dead = document.querySelector('#dead-letters tbody');
    dead.replaceChildren();
    for (const d of body.deadLetters) {
      const row = document.createElement('tr');
      timeCell(row, d.at);
      receiverCell(row, d.receiver);
      const alert = d.alert;
      TC.cell(row, alert ? (alert.rule || '') + (alert.labels && alert.labels.app ? ' (' + alert.labels.app + ')' : '')
        : (d.source ? 'unreadable record from ' + d.source : '')).title = alert ? alert.fingerprint || '' : '';
      TC.cell(row, TC.num(d.attempts, 0), 'num');
      timeCell(row, d.firstAttemptAt);
      TC.cell(row, d.reason);
      dead.appendChild(row);
    }

    const attempts = body.receivers.reduce(function (n, r) { return n + r.attempts; }, 0);
    TC.status(summary, body.receivers.length + (body.receivers.length === 1 ? ' receiver, ' : ' receivers, ')
      + attempts + (attempts === 1 ? ' attempt, ' : ' attempts, ') + body.failureCount + ' failed, '
      + body.deadLetterCount + (body.deadLetterCount === 1 ? ' dead letter' : ' dead letters'));
  }

  function load() {
    TC.getJSON('/api/deliveries', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load deliveries: ' + e.message)); });
  }

  TC.filters(form, load);
  TC.live(['deliveries'], load);
  load();
})();
