// movierec home page: a user's recommendations, search, rating and similar movies. Plain JS, no build step.
// Every value from the API is put into the page with textContent, never as HTML.
'use strict';

(function () {
  const POLL_MS = 3000;        // always
  const FAST_POLL_MS = 2000;   // for a minute after a rating
  const FAST_FOR_MS = 60000;

  const $ = (id) => document.getElementById(id);
  const state = {
    userId: null,
    generation: 0,       // bumped on every user change, so late answers for the previous user are dropped
    recIds: null,        // movie ids of the list shown, in order
    recSignature: null,  // ids and reasons: re-render only on change
    fastUntil: 0,
    timer: null,
    polling: false,
    after: null,         // consistency token of the latest rating posted, until a list reflects it
  };

  /** An API error with the server's JSON message. */
  class ApiError extends Error {
    constructor(status, error, message) {
      super(message);
      this.status = status;
      this.error = error;
    }
  }

  // The local write key, which the API hands only to a browser on its own machine (LocalKey.java). Elsewhere there is
  // none: reading works while reads are open, and a rating answers 401 with what to do.
  const localKey = fetch('/api/local-key', { headers: { Accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() : null))
    .then((data) => (data && data.key) || null)
    .catch(() => null);

  async function api(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    const key = await localKey;
    if (key) init.headers['X-API-Key'] = key;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', 'cannot reach the API: ' + e.message);
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const msg = data && data.message ? data.message : (res.status + ' ' + res.statusText);
      throw new ApiError(res.status, data && data.error ? data.error : 'http_' + res.status, msg);
    }
    return data;
  }

  // ---- status line ----

  function status(text, kind) {
    const el = $('status');
    el.textContent = text || '';
    el.dataset.kind = kind || 'info';
    el.className = 'status' + (text ? ' ' + (kind || 'info') : '');
  }

  function showError(what, e) {
    const code = e && e.status ? ' (' + e.status + (e.error ? ' ' + e.error : '') + ')' : '';
    status(what + ': ' + (e && e.message ? e.message : String(e)) + code, 'error');
  }

  // ---- rendering ----

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function yearOf(m) {
    if (m.release_year) return m.release_year;
    if (m.release_date) return String(m.release_date).slice(0, 4);
    return null;
  }

  function genresOf(m) {
    if (Array.isArray(m.genres)) return m.genres;
    return m.genres ? [String(m.genres)] : [];
  }

  /** One movie row: title (year), genre chips, an optional reason line, optional controls. */
  function movieItem(m, opts) {
    const li = el('li', 'movie');
    li.dataset.movieId = m.id;
    li.dataset.genres = genresOf(m).join('|');
    const main = el('div', 'movie-main');
    const title = el('span', 'title', m.title || ('movie ' + m.id));
    main.appendChild(title);
    const year = yearOf(m);
    if (year) main.appendChild(el('span', 'year', '(' + year + ')'));
    const meta = el('div', 'meta');
    for (const g of genresOf(m)) meta.appendChild(el('span', 'chip', g));
    if (m.rating_avg != null && m.rating_count) {
      meta.appendChild(el('span', 'stat', '\u2605 ' + Number(m.rating_avg).toFixed(1) + ' \u00b7 ' + m.rating_count
        + (m.rating_count === 1 ? ' rating' : ' ratings')));
    }
    main.appendChild(meta);
    if (opts && opts.reason) main.appendChild(el('div', 'reason', opts.reason));
    li.appendChild(main);
    if (opts && (opts.rate || opts.similar || opts.dismiss)) li.appendChild(controls(m, opts));
    return li;
  }

  function controls(m, opts) {
    const box = el('div', 'controls');
    if (opts.rate) {
      const select = el('select', 'rate-value');
      select.setAttribute('aria-label', 'Rating for ' + (m.title || m.id));
      for (let r = 0.5; r <= 5.0001; r += 0.5) {
        const o = el('option', null, r.toFixed(1));
        o.value = r.toFixed(1);
        if (r === 4) o.selected = true;
        select.appendChild(o);
      }
      const rate = el('button', 'rate-go', 'Rate');
      rate.type = 'button';
      rate.addEventListener('click', () => rateMovie(m, Number(select.value), rate));
      box.appendChild(select);
      box.appendChild(rate);
    }
    if (opts.dismiss) {
      const not = el('button', 'dismiss-go secondary', 'Not interested');
      not.type = 'button';
      not.addEventListener('click', () => dismissMovie(m, not));
      box.appendChild(not);
    }
    if (opts.similar) {
      const sim = el('button', 'similar-go secondary', 'Similar');
      sim.type = 'button';
      sim.addEventListener('click', () => showSimilar(m));
      box.appendChild(sim);
    }
    return box;
  }

  function fill(list, items, empty) {
    list.replaceChildren();
    if (!items.length && empty) list.appendChild(el('li', 'empty', empty));
    for (const it of items) list.appendChild(it);
  }

  // ---- user, profile and recommendations ----

  async function loadUser() {
    const raw = $('user-id').value.trim();
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1) {
      status('User id must be a positive integer', 'error');
      return;
    }
    state.userId = id;
    const gen = ++state.generation;
    state.recIds = null;
    state.recSignature = null;
    state.fastUntil = 0;
    state.after = null;
    $('recs-updated').hidden = true;
    $('recs').replaceChildren();
    status('Loading user ' + id + '\u2026', 'info');
    if (location.hash !== '#user=' + id) history.replaceState(null, '', '#user=' + id);
    await Promise.all([loadProfile(), loadRecs()]);
    // a slower load of the previous user must not report itself over this one
    if (gen !== state.generation) return;
    if ($('status').dataset.kind !== 'error') status('User ' + id + ' loaded', 'ok');
    schedulePoll();
  }

  async function loadProfile() {
    const gen = state.generation;
    const box = $('profile');
    try {
      const p = await api('GET', '/api/users/' + state.userId);
      if (gen !== state.generation) return;
      box.replaceChildren();
      const head = el('div', 'profile-head');
      head.appendChild(el('strong', null, 'User ' + p.userId));
      head.appendChild(el('span', null, ' \u00b7 ' + p.ratingCount + ' rating' + (p.ratingCount === 1 ? '' : 's')
        + (p.ratingAvg != null ? ', average ' + Number(p.ratingAvg).toFixed(2) : '')));
      head.appendChild(el('span', p.hasVector ? 'chip ok' : 'chip', p.hasVector ? 'personalised' : 'no taste vector yet'));
      box.appendChild(head);
      if (p.topGenres && p.topGenres.length) {
        const g = el('div', 'meta');
        g.appendChild(el('span', 'label', 'Top genres'));
        for (const x of p.topGenres) g.appendChild(el('span', 'chip', x));
        box.appendChild(g);
      }
      if (p.recentRatings && p.recentRatings.length) {
        const r = el('div', 'recent');
        r.appendChild(el('span', 'label', 'Recently rated'));
        for (const x of p.recentRatings.slice(0, 8)) {
          r.appendChild(el('span', 'rated', (x.title || ('movie ' + x.movieId)) + ' \u2014 ' + Number(x.rating).toFixed(1)));
        }
        box.appendChild(r);
      }
    } catch (e) {
      if (gen !== state.generation) return;
      if (e.status === 404) {
        box.replaceChildren(el('strong', null, 'User ' + state.userId),
          el('span', null, ' \u00b7 new user: no ratings yet. Rate a few movies to get personal recommendations.'));
      } else {
        box.textContent = 'Profile unavailable.';
        showError('Profile', e);
      }
    }
  }

  async function loadRecs() {
    const gen = state.generation;
    let data;
    try {
      // after=: the list waits for (and so reflects) the latest rating this page posted
      const after = state.after ? '&after=' + encodeURIComponent(state.after) : '';
      data = await api('GET', '/api/users/' + state.userId + '/recommendations?k=10' + after);
    } catch (e) {
      if (gen === state.generation) showError('Recommendations', e);
      return false;
    }
    if (gen !== state.generation) return false;
    if (state.after && !data.stale && data.asOf) state.after = null; // reflected: later reads need not wait
    const items = data.items || [];
    const ids = items.map((r) => r.movie && r.movie.id);
    const signature = JSON.stringify(items.map((r) => [r.movie && r.movie.id, r.reason]));
    const previous = state.recIds;
    const changed = previous !== null && ids.join(',') !== previous.join(',');
    if (signature !== state.recSignature) {
      const before = new Set(previous || []);
      const lis = items.map((r) => {
        const li = movieItem(r.movie || {}, { reason: r.reason, dismiss: true });
        if (previous !== null && !before.has(r.movie && r.movie.id)) li.classList.add('new');
        return li;
      });
      fill($('recs'), lis, 'No recommendations yet.');
      state.recSignature = signature;
    }
    state.recIds = ids;
    const personal = items.some((r) => r.reason && r.reason.indexOf('because you rated') === 0);
    $('recs-hint').textContent = personal
      ? 'Personalised from your ratings (nearest neighbours of your taste vector).'
      : 'Popular picks until your ratings reach the model.';
    if (changed) {
      const badge = $('recs-updated');
      badge.textContent = 'updated ' + new Date().toLocaleTimeString();
      badge.hidden = false;
      const list = $('recs');
      list.classList.remove('flash');
      void list.offsetWidth; // restart the animation
      list.classList.add('flash');
      status('Recommendations updated for user ' + state.userId, 'ok');
      loadProfile();
    }
    return changed;
  }

  function schedulePoll() {
    clearTimeout(state.timer);
    const fast = Date.now() < state.fastUntil;
    $('poll-hint').textContent = fast
      ? 'Watching for your rating to arrive: refreshing every 2 s.'
      : 'Recommendations refresh every 3 s.';
    state.timer = setTimeout(poll, fast ? FAST_POLL_MS : POLL_MS);
  }

  async function poll() {
    if (state.userId !== null && !state.polling && !document.hidden) {
      state.polling = true;
      try {
        const changed = await loadRecs();
        // While a rating is on its way, the profile (count, top genres) may change before the list does.
        if (!changed && Date.now() < state.fastUntil) await loadProfile();
      } finally {
        state.polling = false;
      }
    }
    schedulePoll();
  }

  // ---- rating ----

  async function rateMovie(m, rating, button) {
    if (state.userId === null) return;
    button.disabled = true;
    try {
      const accepted = await api('POST', '/api/users/' + state.userId + '/ratings', { movieId: Number(m.id), rating });
      state.after = accepted.token;
      status('Rated \u201c' + (m.title || m.id) + '\u201d ' + rating.toFixed(1)
        + ': accepted; the next list reflects it.', 'ok');
      for (const li of document.querySelectorAll('li[data-movie-id="' + CSS.escape(String(m.id)) + '"]')) {
        let mark = li.querySelector('.your-rating');
        if (!mark) {
          mark = el('span', 'chip your-rating');
          const meta = li.querySelector('.meta');
          if (meta) meta.appendChild(mark);
        }
        mark.textContent = 'you: ' + rating.toFixed(1);
      }
      state.fastUntil = Date.now() + FAST_FOR_MS;
      // read-your-writes: this load waits until the stream job has applied the rating, then shows it
      if (!state.polling) {
        state.polling = true;
        try {
          await loadRecs();
        } finally {
          state.polling = false;
        }
        loadProfile();
      }
      schedulePoll();
    } catch (e) {
      showError('Rating', e);
    } finally {
      button.disabled = false;
    }
  }

  // ---- not interested ----

  async function dismissMovie(m, button) {
    if (state.userId === null) return;
    button.disabled = true;
    try {
      const r = await api('POST', '/api/users/' + state.userId + '/dismissals', { movieId: Number(m.id) });
      // 200: applied, the next list leaves it out; 202: not yet, the next list waits for it
      if (r.status !== 'applied') state.after = r.token;
      await loadRecs();
      status('\u201c' + (m.title || m.id) + '\u201d will not be recommended to you again.', 'ok');
    } catch (e) {
      showError('Not interested', e);
      button.disabled = false;
    }
  }

  // ---- search and similar ----

  async function search() {
    const q = $('search-q').value.trim();
    if (!q) {
      status('Type something to search for', 'error');
      return;
    }
    const list = $('search-results');
    try {
      const data = await api('GET', '/api/movies/search?q=' + encodeURIComponent(q) + '&size=10');
      const items = data.items || [];
      fill(list, items.map((m) => movieItem(m, { rate: true, similar: true })), 'No movie matches \u201c' + q + '\u201d.');
      $('search-hint').textContent = items.length
        ? 'Showing ' + items.length + ' of ' + data.total + ' matches for \u201c' + q + '\u201d.'
        : '';
      if ($('status').dataset.kind === 'error') status('', 'info');
    } catch (e) {
      showError('Search', e);
    }
  }

  async function showSimilar(m) {
    const panel = $('similar-panel');
    $('similar-title').textContent = 'Similar to ' + (m.title || ('movie ' + m.id));
    try {
      const forUser = state.userId !== null ? '&userId=' + state.userId : '';
      const data = await api('GET', '/api/movies/' + encodeURIComponent(m.id) + '/similar?k=8' + forUser);
      const items = data.items || [];
      fill($('similar'), items.map((r) => movieItem(r.movie || {}, { reason: r.reason, rate: true })), 'Nothing similar found.');
      panel.hidden = false;
      panel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    } catch (e) {
      showError('Similar movies', e);
    }
  }

  // ---- wiring ----

  $('user-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadUser();
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search();
  });
  $('similar-close').addEventListener('click', () => {
    $('similar-panel').hidden = true;
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.userId !== null) poll();
  });

  const fromHash = /^#user=(\d+)$/.exec(location.hash);
  if (fromHash) $('user-id').value = fromHash[1];
  loadUser();
})();
