// The SLO view: per SLO and app (from telemetry.slo) a card with the objective, the latest window's SLI, the error
// budget left and the firing slo_burn_rate alerts, a budget burn-down chart and a burn-rate chart against the
// alerts' factors. SLO and app names come from configuration and clients: text only.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const EMPTY = 'No SLO reports yet — configure slos: in processor.yaml';

  // The SRE workbook's multi-window, multi-burn-rate table (30-day period, and the 7-day scaling): used
  // until the SLO's own burn-rate alerts say which factors the processor evaluates.
  const DEFAULT_FACTORS = {
    '7d': [{ label: 'page 1h/5m', value: 16.8 }, { label: 'page 6h/30m', value: 5.6 }, { label: 'ticket 3d/6h', value: 2.8 }],
    other: [{ label: 'page 1h/5m', value: 14.4 }, { label: 'page 6h/30m', value: 6 }, { label: 'ticket 3d/6h', value: 1 }]
  };

  function percent(fraction, digits) {
    return typeof fraction === 'number' ? TC.num(fraction * 100, digits == null ? 2 : digits) + ' %' : '–';
  }

  function budgetClass(fraction) {
    return fraction <= 0 ? 'bad' : fraction < 0.25 ? 'warn' : 'ok';
  }

  function factors(s) {
    if (s.factors.length > 0) {
      return s.factors.map(function (f) {
        const kind = f.severity === 'critical' ? 'page' : f.severity === 'warning' ? 'ticket' : String(f.severity);
        return { label: kind + ' ' + f.longWindow + (f.shortWindow ? '/' + f.shortWindow : '') + ' ×' + TC.num(f.factor, 2),
          value: f.factor };
      });
    }
    return (DEFAULT_FACTORS[s.period] || DEFAULT_FACTORS.other).map(function (f) {
      return { label: f.label + ' ×' + TC.num(f.value, 2) + ' (default)', value: f.value };
    });
  }

  function stat(parent, label, value, className) {
    const box = TC.el('div', null, 'slo-stat');
    box.appendChild(TC.el('div', label, 'label'));
    box.appendChild(TC.el('div', value, 'value' + (className ? ' ' + className : '')));
    parent.appendChild(box);
    return box;
  }

  function charts(card, s) {
    // A chart needs two windows at least (uPlot stretches a single x value over years); the card shows one.
    if (s.windows.length < 2) {
      card.appendChild(TC.el('p', 'Charts appear from the second window on.', 'muted'));
      return;
    }
    const budgetBox = TC.el('div', null, 'chart slo-budget-chart');
    const burnBox = TC.el('div', null, 'chart slo-burn-chart');
    card.appendChild(budgetBox);
    card.appendChild(burnBox);
    const budget = TC.align([{ label: 'budget remaining', windows: s.windows }], function (w) {
      return w.budgetRemaining * 100;
    });
    TC.chart(budgetBox, { title: 'Error budget remaining (' + s.period + ')', unit: '%', xs: budget.xs,
      series: budget.series, budgets: [{ label: 'budget exhausted', value: 0 }], height: 200 });
    // One line per burn-rate window of the latest report (5m .. 3d); every series shares the windows' x axis.
    const burn = { xs: budget.xs, series: s.latest.burnRates.map(function (b) {
      return TC.align([{ label: b.window, windows: s.windows }], function (w) {
        const v = w.burnRates[b.window];
        return v == null ? null : v;
      }).series[0];
    }) };
    TC.chart(burnBox, { title: 'Burn rate per window', unit: '×', xs: burn.xs, series: burn.series,
      budgets: factors(s), height: 240 });
  }

  function card(s) {
    const node = TC.el('section', null, 'card slo-card');
    const title = TC.el('h3', null);
    const q = TC.formQuery(form);
    q.set('slo', s.slo);
    q.set('app', s.app);
    title.appendChild(TC.link(s.slo, '/slo.html', q));
    title.appendChild(TC.el('span', ' ' + s.app + ' · ' + s.sliType + ' · ' + s.period, 'muted'));
    node.appendChild(title);
    const stats = TC.el('div', null, 'slo-stats');
    const latest = s.latest;
    stat(stats, 'Objective', TC.num(s.objective, 4) + ' %');
    const sli = stat(stats, 'SLI (latest window)', latest.sli == null ? 'no events' : percent(latest.sli, 3),
      latest.sli == null ? '' : latest.sli * 100 >= s.objective ? 'ok' : 'bad');
    sli.title = TC.num(latest.good, 3) + ' good of ' + TC.num(latest.total, 3) + ' in the window ending ' + TC.time(latest.windowEnd);
    const budget = stat(stats, 'Error budget remaining', percent(latest.budgetRemaining, 1), budgetClass(latest.budgetRemaining));
    budget.classList.add('slo-budget');
    budget.title = TC.num(latest.periodGood, 3) + ' good of ' + TC.num(latest.periodTotal, 3) + ' over the period';
    latest.burnRates.forEach(function (b) {
      stat(stats, 'Burn ' + b.window, TC.num(b.burnRate, 2) + '×', b.burnRate >= 1 ? 'warn' : '');
    });
    node.appendChild(stats);
    node.appendChild(TC.el('p', 'Latest window ends ' + TC.time(latest.windowEnd) + ' (' + TC.ago(latest.windowEnd) + ')', 'muted'));
    const alerts = TC.el('ul', null, 'slo-alerts');
    s.alerts.forEach(function (a) {
      const item = TC.el('li', null, a.status === 'firing' ? 'bad' : 'warn');
      item.appendChild(TC.el('strong', String(a.status) + ' ' + (a.severity || '') + ' '));
      item.appendChild(TC.el('span', (a.labels.long_window || '') + '/' + (a.labels.short_window || '') + ': '
        + ((a.annotations && a.annotations.summary) || (TC.num(a.value, 2) + '× ≥ ' + TC.num(a.threshold, 2) + '×'))));
      alerts.appendChild(item);
    });
    if (s.alerts.length === 0) alerts.appendChild(TC.el('li', 'No burn-rate alert firing', 'ok'));
    node.appendChild(alerts);
    return node;
  }

  function render(body) {
    const list = document.getElementById('slos');
    list.replaceChildren();
    const names = document.getElementById('slo-names');
    names.replaceChildren();
    const seen = new Set();
    for (const s of body.slos) {
      const node = card(s);
      list.appendChild(node);
      charts(node, s);
      if (!seen.has(s.slo)) {
        seen.add(s.slo);
        const option = document.createElement('option');
        option.value = s.slo;
        names.appendChild(option);
      }
    }
    if (body.count === 0) {
      TC.status(summary, TC.formQuery(form).toString() ? 'No SLO reports match these filters' : EMPTY);
      return;
    }
    TC.status(summary, body.count + (body.count === 1 ? ' SLO' : ' SLOs') + ', ' + body.exhausted
      + ' with the budget exhausted, ' + body.firing + ' burn-rate ' + (body.firing === 1 ? 'alert' : 'alerts') + ' firing');
  }

  function load() {
    TC.getJSON('/api/slo', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load SLOs: ' + e.message)); });
  }

  TC.filters(form, load);
  TC.live(['slo', 'alerts'], load);
  load();
})();
