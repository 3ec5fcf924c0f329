// movierec dashboard: renders each Vega-Lite spec of GET /api/dashboard/charts (data already inlined as
// {"values": [...]}) into its own card, and refreshes every 10 s. When only a chart's data changed, the new values
// are streamed into the running view (no flicker); when the spec itself changed, the chart is embedded again.
'use strict';

(function () {
  const REFRESH_MS = 10000;
  const EMBED_OPTIONS = {
    renderer: 'svg',
    actions: { export: true, source: false, compiled: false, editor: false },
    // Titles start at the chart's left edge: centred over the plot, long ones overflow the horizontal bar charts.
    config: { title: { anchor: 'start', frame: 'bounds', fontSize: 14, offset: 10 } },
  };
  const charts = new Map(); // id -> {card, el, view, specText, dataText}
  const container = document.getElementById('charts');
  const statusEl = document.getElementById('status');

  function status(text, kind) {
    statusEl.textContent = text;
    statusEl.dataset.kind = kind;
    statusEl.className = 'status ' + kind;
  }

  function chartId(spec, i) {
    const id = spec && spec.usermeta && spec.usermeta.id ? String(spec.usermeta.id) : 'chart' + (i + 1);
    return id.replace(/[^A-Za-z0-9_-]/g, '-');
  }

  function card(id, spec) {
    let c = charts.get(id);
    if (c) return c;
    const section = document.createElement('section');
    section.className = 'card';
    section.dataset.chartId = id;
    const el = document.createElement('div');
    el.id = 'chart-' + id;
    el.className = 'chart';
    el.setAttribute('role', 'figure');
    el.setAttribute('aria-label', spec.title ? String(spec.title.text || spec.title) : id);
    section.appendChild(el);
    if (spec.description) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = spec.description;
      section.appendChild(p);
    }
    c = { section, el, view: null, specText: null, dataText: null };
    charts.set(id, c);
    return c;
  }

  function withoutData(spec) {
    const copy = Object.assign({}, spec);
    delete copy.data;
    return JSON.stringify(copy);
  }

  async function render(c, spec) {
    const specText = withoutData(spec);
    const values = spec.data && Array.isArray(spec.data.values) ? spec.data.values : [];
    const dataText = JSON.stringify(values);
    if (c.view && c.specText === specText) {
      if (c.dataText === dataText) return false;
      try {
        // Vega-Lite names inline data "source_0".
        await c.view.change('source_0', vega.changeset().remove(() => true).insert(values)).runAsync();
        c.dataText = dataText;
        c.el.dataset.rendered = new Date().toISOString();
        return true;
      } catch (e) {
        console.warn('chart ' + c.el.id + ': live update failed, embedding again', e);
      }
    }
    if (c.view) c.view.finalize();
    c.view = null;
    try {
      const result = await vegaEmbed(c.el, spec, EMBED_OPTIONS);
      c.view = result.view;
      c.specText = specText;
      c.dataText = dataText;
      c.el.dataset.rendered = new Date().toISOString();
      c.el.dataset.rows = String(values.length);
    } catch (e) {
      c.el.textContent = '';
      const err = document.createElement('p');
      err.className = 'chart-error';
      err.textContent = 'This chart could not be drawn: ' + e.message;
      c.el.appendChild(err);
      c.specText = null;
      throw e;
    }
    return true;
  }

  // With api.auth.read=true the charts need a key: the local one, given only to a browser on the API's machine.
  const localKey = fetch('/api/local-key', { headers: { Accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() : null))
    .then((data) => (data && data.key) || null)
    .catch(() => null);

  async function refresh() {
    let specs;
    try {
      const headers = { Accept: 'application/json' };
      const key = await localKey;
      if (key) headers['X-API-Key'] = key;
      const res = await fetch('/api/dashboard/charts', { headers });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new Error(body && body.message ? body.message : res.status + ' ' + res.statusText);
      if (!Array.isArray(body)) throw new Error('unexpected answer: not a list of charts');
      specs = body;
    } catch (e) {
      status('Charts unavailable: ' + e.message + ' (retrying every ' + REFRESH_MS / 1000 + ' s)', 'error');
      return;
    }
    const wanted = specs.map(chartId);
    for (const [id, c] of charts) {
      if (!wanted.includes(id)) {
        if (c.view) c.view.finalize();
        c.section.remove();
        charts.delete(id);
      }
    }
    specs.forEach((spec, i) => container.appendChild(card(wanted[i], spec).section)); // keeps the served order
    container.dataset.chartCount = String(specs.length);
    let failed = 0;
    let updated = 0;
    await Promise.all(specs.map(async (spec, i) => {
      try {
        if (await render(charts.get(wanted[i]), spec)) updated++;
      } catch (e) {
        failed++;
        console.warn('chart ' + wanted[i] + ' failed', e);
      }
    }));
    const time = new Date().toLocaleTimeString();
    if (failed) status(failed + ' of ' + specs.length + ' charts could not be drawn; last refresh ' + time, 'error');
    else status(specs.length + ' charts \u00b7 refreshed ' + time + (updated ? ' (' + updated + ' changed)' : '')
      + ' \u00b7 next refresh in ' + REFRESH_MS / 1000 + ' s', 'ok');
  }

  async function loop() {
    if (!document.hidden) await refresh();
    setTimeout(loop, REFRESH_MS);
  }

  if (typeof vegaEmbed !== 'function' || typeof vega === 'undefined') {
    status('The chart libraries did not load (/vendor/vega*.js).', 'error');
    return;
  }
  status('Loading charts\u2026', 'info');
  loop();
})();
