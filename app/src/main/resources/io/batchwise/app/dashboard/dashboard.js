// The live dashboard: polls dashboard/data every second for the points it does not have yet, and draws each
// model's series with Chart.js (served by the same server, from its WebJar).
(function () {
  'use strict';

  const POLL_MS = 1000;
  const MAX_POINTS = 1800;
  const LOG_SPAN = 20;
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
    '#9c755f', '#7f7f7f'];
  // log: a log axis once the values span a factor of LOG_SPAN; step: a stepped line
  const CHARTS = [
    { id: 'loss', title: 'Prequential loss', note: 'mean log loss of each interval, scored before learning',
      lines: [{ field: 'loss' }] },
    { id: 'accuracy', title: 'Accuracy', note: 'share scored correctly in each interval, before learning',
      lines: [{ field: 'accuracy' }], percent: true },
    { id: 'batch', title: 'Batch size', note: 'mean examples per update in each interval', lines: [{ field: 'batch' }],
      log: true },
    { id: 'learning-rate', title: 'Learning rate', note: 'mean over each interval\u2019s examples',
      lines: [{ field: 'learningRate' }] },
    { id: 'noise-scale', title: 'Gradient noise scale', note: 'the policy\u2019s estimate of B_noise',
      lines: [{ field: 'noiseScale' }], log: true },
    { id: 'events', title: 'Events per second', note: 'arriving (solid) and learned (dashed)',
      lines: [{ field: 'arrivalRate' }, { field: 'learnedRate', dash: [5, 4], suffix: ' (learned)' }] },
    { id: 'lag', title: 'Lag', note: 'events waiting in the topic to be learned', lines: [{ field: 'lag' }] },
    { id: 'version', title: 'Snapshot version', note: 'the model version published with each summary',
      lines: [{ field: 'version' }], step: true }
  ];

  const charts = new Map();
  const colours = new Map();
  let seq = 0;
  let lastAnswer = 0;
  let polling = false;

  const number = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 3 });
  const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 3 });
  const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

  function tick(value) {
    const v = Number(value);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 10000) return compact.format(v);
    if (a < 0.001) return v.toExponential(1);
    return number.format(v);
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function colour(series) {
    if (!colours.has(series)) colours.set(series, PALETTE[colours.size % PALETTE.length]);
    return colours.get(series);
  }

  function build() {
    const grid = document.getElementById('charts');
    for (const def of CHARTS) {
      const card = document.createElement('article');
      card.className = 'chart';
      card.innerHTML = '<h2></h2><p></p><div class="plot"><canvas></canvas></div>';
      card.querySelector('h2').textContent = def.title;
      card.querySelector('p').textContent = def.note;
      card.querySelector('canvas').id = 'chart-' + def.id;
      grid.appendChild(card);
      const chart = new Chart(card.querySelector('canvas'), {
        type: 'line',
        data: { datasets: [] },
        options: {
          animation: false,
          maintainAspectRatio: false,
          normalized: true,
          spanGaps: true,
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 2, tension: 0 } },
          scales: {
            x: { type: 'linear', bounds: 'data', ticks: { callback: clock, maxTicksLimit: 6, maxRotation: 0 },
              grid: { color: '#eef1f4' } },
            y: { type: 'linear', beginAtZero: def.id !== 'loss',
              ticks: { callback: def.percent ? (v) => Math.round(v * 100) + ' %' : tick, maxTicksLimit: 6 },
              grid: { color: '#eef1f4' } }
          },
          plugins: {
            legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
            tooltip: { callbacks: {
              title: (items) => items.length ? clock(items[0].parsed.x) : '',
              label: (item) => item.dataset.label + ': ' + (def.percent
                ? (item.parsed.y * 100).toFixed(2) + ' %' : tick(item.parsed.y))
            } }
          }
        }
      });
      charts.set(def.id, { def, chart, datasets: new Map() });
    }
  }

  function dataset(entry, series, line) {
    const key = series + (line.suffix || '');
    let ds = entry.datasets.get(key);
    if (!ds) {
      ds = { label: key, data: [], borderColor: colour(series), backgroundColor: colour(series),
        borderDash: line.dash || [], stepped: entry.def.step ? 'before' : false };
      entry.datasets.set(key, ds);
      entry.chart.data.datasets.push(ds);
    }
    return ds;
  }

  function addPoint(point) {
    for (const entry of charts.values()) {
      for (const line of entry.def.lines) {
        let y = point[line.field];
        if (y === undefined) continue;
        if (entry.def.log && !(y > 0)) y = null;
        const data = dataset(entry, point.series, line).data;
        data.push({ x: point.t, y: y });
        if (data.length > MAX_POINTS) data.splice(0, data.length - MAX_POINTS);
      }
    }
  }

  /** Largest over smallest value drawn: a log axis labels a narrow range poorly. */
  function span(entry) {
    let min = Infinity;
    let max = 0;
    for (const ds of entry.datasets.values()) {
      for (const p of ds.data) {
        if (p.y > 0) {
          min = Math.min(min, p.y);
          max = Math.max(max, p.y);
        }
      }
    }
    return max > 0 ? max / min : 1;
  }

  function reset() {
    seq = 0;
    for (const entry of charts.values()) {
      entry.datasets.clear();
      entry.chart.data.datasets = [];
    }
  }

  function cell(text, className, title) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    if (title) td.title = title;
    return td;
  }

  function shortPolicy(spec) {
    return spec.length <= 24 ? spec : spec.slice(0, spec.indexOf(':') > 0 ? spec.indexOf(':') : 24) + ' (custom)';
  }

  function renderModels(models) {
    const body = document.querySelector('#models tbody');
    body.replaceChildren();
    if (!models.length) {
      const row = document.createElement('tr');
      row.className = 'empty';
      row.appendChild(cell('No model has published a snapshot yet.'));
      row.firstChild.colSpan = 10;
      body.appendChild(row);
      return;
    }
    for (const m of models) {
      const row = document.createElement('tr');
      row.dataset.series = m.series;
      const name = cell(m.series, 'name', m.model + ', ' + m.features + ' features, ' + m.optimizer);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(m.series);
      name.prepend(swatch);
      row.appendChild(name);
      row.appendChild(cell('v' + m.version, 'version'));
      row.appendChild(cell(whole.format(m.examples)));
      row.appendChild(cell(m.loss == null ? '\u2013' : m.loss.toFixed(4)));
      row.appendChild(cell(m.accuracy == null ? '\u2013' : (m.accuracy * 100).toFixed(2) + ' %'));
      row.appendChild(cell(m.recentLoss == null ? '\u2013' : m.recentLoss.toFixed(4)));
      row.appendChild(cell(whole.format(m.batchSize)));
      row.appendChild(cell(m.learningRate == null ? '\u2013' : tick(m.learningRate)));
      row.appendChild(cell(whole.format(m.deadLetters)));
      row.appendChild(cell(shortPolicy(m.policy), 'name policy', m.policy));
      body.appendChild(row);
    }
  }

  function renderNotices(notices) {
    const list = document.getElementById('notices');
    list.replaceChildren(...notices.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }));
  }

  function status(text, stale) {
    document.getElementById('status').textContent = text;
    document.querySelector('.live').classList.toggle('stale', !!stale);
  }

  // one request at a time: two asking for the same points would draw them twice
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      await ask();
    } finally {
      polling = false;
    }
  }

  async function ask() {
    const token = sessionStorage.getItem('batchwise-token');
    let response;
    try {
      response = await fetch('dashboard/data?after=' + seq, {
        cache: 'no-store', headers: token ? { Authorization: 'Bearer ' + token } : {}
      });
    } catch (e) {
      status('cannot reach the server; trying again every second', true);
      return;
    }
    if (response.status === 401) {
      document.getElementById('token-form').hidden = false;
      status('waiting for the bearer token', true);
      return;
    }
    if (!response.ok) {
      status('the server answered ' + response.status + '; trying again every second', true);
      return;
    }
    const data = await response.json();
    if (data.seq < seq) reset();  // the server restarted: its numbering began again
    for (const point of data.points) addPoint(point);
    seq = data.seq;
    renderModels(data.models);
    renderNotices(data.notices);
    for (const entry of charts.values()) {
      if (entry.def.log) entry.chart.options.scales.y.type = span(entry) >= LOG_SPAN ? 'logarithmic' : 'linear';
      entry.chart.update('none');
    }
    lastAnswer = Date.now();
    const n = data.models.length;
    status(n + (n === 1 ? ' model' : ' models') + ' \u00b7 updated ' + clock(lastAnswer));
  }

  document.getElementById('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem('batchwise-token', document.getElementById('token').value.trim());
    document.getElementById('token-form').hidden = true;
    poll();
  });

  build();
  poll();
  setInterval(poll, POLL_MS);
}());
