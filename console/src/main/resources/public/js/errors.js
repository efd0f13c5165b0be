// The errors view: fingerprints by count, with counts per window (sparkline per row, chart of the top ones), first
// and last seen, new / regressed, and the latest sample's message and top frame. Messages and frames are what clients
// sent (an XSS payload is a normal error message here): they go on the page as text only (textContent via TC.el /
// TC.cell), inside <code>.
'use strict';

(function () {
  const form = document.getElementById('filters');
  const summary = document.getElementById('summary');
  const chartBox = document.getElementById('chart');
  const TOP_CHARTED = 5;
  const MAX_GRID = 2000;

  /**
   * The common x axis (window starts, epoch seconds, ascending): every window from the first to the last any
   * fingerprint has, gaps included (a window without any summary had no error at all, and must show as 0 rather than
   * be skipped by the line). The step is a window's length; when that is unknown, only the windows seen.
   */
  function windowGrid(fingerprints) {
    const starts = new Set();
    let step = 0;
    fingerprints.forEach(function (f) {
      f.windows.forEach(function (w) {
        const start = Date.parse(w.windowStart) / 1000;
        starts.add(start);
        if (!step) step = Date.parse(w.windowEnd) / 1000 - start;
      });
    });
    const seen = Array.from(starts).sort(function (a, b) { return a - b; });
    if (seen.length < 2 || !(step > 0) || (seen[seen.length - 1] - seen[0]) / step > MAX_GRID) return seen;
    const grid = [];
    for (let x = seen[0]; x <= seen[seen.length - 1]; x += step) grid.push(x);
    return grid;
  }

  /** The fingerprint's counts on the grid; a window without a summary had no error: 0. */
  function countsOn(grid, f) {
    const byStart = new Map(f.windows.map(function (w) { return [Date.parse(w.windowStart) / 1000, w.count]; }));
    return grid.map(function (x) { return byStart.get(x) || 0; });
  }

  /** A small line of counts per window on a canvas (numbers only reach it). */
  function sparkline(values) {
    const canvas = document.createElement('canvas');
    canvas.width = 120;
    canvas.height = 28;
    canvas.className = 'sparkline';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'counts per window: ' + values.join(', '));
    const ctx = canvas.getContext('2d');
    if (!ctx || values.length === 0) return canvas;
    const max = Math.max.apply(null, values.concat([1]));
    const step = values.length > 1 ? (canvas.width - 4) / (values.length - 1) : 0;
    ctx.strokeStyle = '#cf222e';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach(function (v, i) {
      const x = 2 + i * step;
      const y = canvas.height - 2 - (v / max) * (canvas.height - 4);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    if (values.length === 1) ctx.lineTo(canvas.width - 2, canvas.height - 2 - (values[0] / max) * (canvas.height - 4));
    ctx.stroke();
    return canvas;
  }

  function label(f) {
    return (f.type || 'Error') + ' ' + f.fingerprint.slice(0, 8);
  }

  function render(body) {
    const list = body.fingerprints;
    const grid = windowGrid(list);
    const tbody = document.querySelector('#errors tbody');
    tbody.replaceChildren();
    const types = new Set();
    for (const f of list) {
      types.add(f.type);
      const row = document.createElement('tr');
      row.dataset.fingerprint = f.fingerprint;
      TC.cell(row, TC.num(f.count, 0), 'num');
      TC.cell(row, '').appendChild(sparkline(countsOn(grid, f)));
      TC.cell(row, f.status || '', f.status ? 'badge badge-' + (f.status === 'new' ? 'new' : 'regressed') : '');
      TC.cell(row, f.type);
      TC.cell(row, f.category);
      TC.cell(row, f.severity, f.severity ? 'severity-' + f.severity.replace(/[^a-z]/g, '') : '');
      TC.cell(row, f.app);
      TC.cell(row, TC.time(f.firstSeen)).title = f.firstSeen || '';
      TC.cell(row, TC.ago(f.lastSeen)).title = f.lastSeen || '';
      const sample = TC.cell(row, null, 'sample');
      if (f.message != null) sample.appendChild(TC.el('code', f.message, 'message'));
      if (f.frame) {
        const frame = TC.el('div', 'at ', 'frame');
        frame.appendChild(TC.el('code', f.frame, 'frame'));
        sample.appendChild(frame);
      }
      if (f.message == null) sample.appendChild(TC.el('span', 'no sample within the retention', 'muted'));
      const fp = TC.el('div', 'fingerprint ' + f.fingerprint, 'muted');
      sample.appendChild(fp);
      tbody.appendChild(row);
    }
    const datalist = document.getElementById('types');
    datalist.replaceChildren();
    Array.from(types).filter(Boolean).sort().forEach(function (t) {
      const option = document.createElement('option');
      option.value = t;
      datalist.appendChild(option);
    });

    const charted = list.filter(function (f) { return f.count > 0; }).slice(0, TOP_CHARTED);
    // A chart needs two windows at least (uPlot stretches a single x value over years); the sparklines show one.
    if (charted.length > 0 && grid.length > 1) {
      chartBox.hidden = false;
      TC.chart(chartBox, {
        title: 'Errors per window (top ' + charted.length + ' fingerprints)',
        xs: grid,
        series: charted.map(function (f) { return { label: label(f), values: countsOn(grid, f) }; }),
        height: 200
      });
    } else {
      chartBox.hidden = true;
      chartBox.replaceChildren();
    }
    TC.status(summary, body.count + (body.count === 1 ? ' fingerprint' : ' fingerprints')
      + ' (' + body['new'] + ' new, ' + body.regressed + ' regressed)'
      + (list.length < body.count ? '; the ' + list.length + ' most frequent shown' : ''));
  }

  function load() {
    TC.getJSON('/api/errors', TC.formQuery(form)).then(render)
      .catch(function (e) { TC.status(summary, new Error('Cannot load errors: ' + e.message)); });
  }

  TC.filters(form, load);
  TC.live(['errors'], load);
  load();
})();
