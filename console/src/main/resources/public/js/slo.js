// The SLO view: per SLO and app (from telemetry.slo) a card with the objective, the latest window's SLI, the error
// budget left and the firing slo_burn_rate alerts, a budget burn-down chart and a burn-rate chart against the
// alerts' factors. SLO and app names come from configuration and clients: text only.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const EMPTY = 'No SLO reports yet — configure slos: in processor.yaml';

  // The SRE workbook's multi-window, multi-burn-rate table with the processor's default factors (README "SLOs",
  // BurnRateAlert.workbook): the issue's 14.4 / 6 / 1 for 30 days and 16.8 / 5.6 / 2.8 for 7 days; any other period
  // spends the same share of the budget in the long window: share × period ÷ long window (13.44 / 5.6 / 0.933 for 28
  // days). Used until the SLO's own burn-rate alerts say which factors the processor evaluates.
  const DEFAULT_PAIRS = [
    { label: 'page 1h/5m', long: '1h', share: 0.02, hours: 1 },
    { label: 'page 6h/30m', long: '6h', share: 0.05, hours: 6 },
    { label: 'ticket 3d/6h', long: '3d', share: 0.10, hours: 72 }
  ];
  const ISSUE_FACTORS = { 720: [14.4, 6, 1], 168: [16.8, 5.6, 2.8] };
  const UNIT_HOURS = { m: 1 / 60, h: 1, d: 24, w: 168 };

  function periodHours(period) {
    const m = /^(\d+)([mhdw])$/.exec(String(period || ''));
    return m ? Number(m[1]) * UNIT_HOURS[m[2]] : 720;
  }

  function defaultFactor(index, hours) {
    const table = ISSUE_FACTORS[hours];
    if (table) return table[index];
    const p = DEFAULT_PAIRS[index];
    return Math.round(p.share * hours / p.hours * 1000) / 1000;
  }

  function percent(fraction, digits) {
    return typeof fraction === 'number' ? TC.num(fraction * 100, digits == null ? 2 : digits) + ' %' : '–';
  }

  function budgetClass(fraction) {
    return fraction <= 0 ? 'bad' : fraction < 0.25 ? 'warn' : 'ok';
  }

  // The dashed lines of the burn-rate chart: each pair's factor from the SLO's own burn-rate alerts when one was seen
  // (the processor's threshold), else the default for its period.
  function factors(s) {
    const seen = new Map(s.factors.map(function (f) { return [f.longWindow, f]; }));
    const hours = periodHours(s.period);
    const out = DEFAULT_PAIRS.map(function (p, i) {
      const f = seen.get(p.long);
      seen.delete(p.long);
      if (f) return fromAlert(f);
      const value = defaultFactor(i, hours);
      return { label: p.label + ' ×' + TC.num(value, 3) + ' (default)', value: value };
    });
    seen.forEach(function (f) { out.push(fromAlert(f)); });
    return out;
  }

  function fromAlert(f) {
    const kind = f.severity === 'critical' ? 'page' : f.severity === 'warning' ? 'ticket' : String(f.severity);
    return { label: kind + ' ' + f.longWindow + (f.shortWindow ? '/' + f.shortWindow : '') + ' ×' + TC.num(f.factor, 3),
      value: f.factor };
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
