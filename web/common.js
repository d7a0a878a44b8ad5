// cprof's web pages, shared by every view: the page data, links that carry
// the URL parameters (defaults left out), the search box, the selection
// that Refine acts on, the details box and the errors box. Each view's
// script ends with cprof.start(view), view being its hooks:
//   match(re)    highlight what the regexp (or null) matches
//   selection()  the regexp of what the user selected, or ''
//   enter(text)  what Enter in the search box does (default: focus, f=)
// menus.js and dialogs.js add the menus and the dialogs.
const cprof = (function () {
  'use strict';

  // The page's one state object; views add their own fields to it.
  const state = {
    data: {},           // the page data (see WEB-PLAN.md)
    view: {},           // the view's hooks
    search: '',         // the search box's regexp, as typed
    regexpActive: false, // Refine acts on the search (true) or the selection
    searchTimer: 0,
    onChange: [],       // called when the selection or the search changes
  };

  function el(id) {
    return document.getElementById(id);
  }

  function readData() {
    const node = el('pagedata');
    try {
      return JSON.parse(node ? node.textContent : '{}') || {};
    } catch (e) {
      showErrors(['cprof: the page data is not JSON: ' + e.message]);
      return {};
    }
  }

  // ---- URLs ----

  // quoteMeta is the regexp matching exactly s, as pprof's links write it.
  function quoteMeta(s) {
    return '^' + s.replace(/[\\.?+*[\](){}|^$]/g, '\\$&') + '$';
  }

  // isDefault tells whether a parameter's value is its default (left out of links).
  function isDefault(name, value) {
    if (value === '') return true;
    const d = state.data.defaults || {};
    return Object.prototype.hasOwnProperty.call(d, name) && String(d[name]) === value;
  }

  // link is the relative URL of path with this page's parameters, changed by edit(params).
  // The pivot p belongs to the flame graph alone.
  function link(path, edit) {
    const params = new URLSearchParams(location.search);
    if (edit) edit(params);
    if (!/flamegraph$/.test(path)) params.delete('p');
    const kept = new URLSearchParams();
    for (const [k, v] of params) if (!isDefault(k, v)) kept.append(k, v);
    const q = kept.toString();
    return path + (q ? '?' + q : '');
  }

  // viewPath is the path of the page's own view, relative to /ui/.
  function viewPath() {
    const last = location.pathname.split('/').pop();
    return './' + (last || state.data.view || 'flamegraph');
  }

  function go(url) {
    location.assign(url);
  }

  // ---- selection and search ----

  // selection is the regexp Refine acts on: the search's, or the view's selection.
  function selection() {
    if (state.regexpActive && state.search !== '') return state.search;
    return state.view.selection ? state.view.selection() : '';
  }

  // changed tells the menus that the selection or the search changed.
  function changed() {
    for (const f of state.onChange) f();
  }

  // selected is what a view calls when the user clicks a row, node or frame.
  function selected() {
    state.regexpActive = false;
    changed();
  }

  function compile(text) {
    const box = el('search');
    if (text === '') {
      box.classList.remove('bad');
      box.title = '';
      return null;
    }
    try {
      const re = new RegExp(text);
      box.classList.remove('bad');
      box.title = '';
      return re;
    } catch (e) {
      box.classList.add('bad');
      box.title = e.message;
      return undefined;
    }
  }

  function runSearch() {
    state.searchTimer = 0;
    const re = compile(state.search);
    if (re === undefined) return;
    if (state.view.match) state.view.match(re);
    changed();
  }

  function onSearchInput(e) {
    state.search = e.target.value;
    state.regexpActive = true;
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(runSearch, 300);
    changed();
  }

  function onSearchKey(e) {
    if (e.key === 'Escape') {
      e.target.value = '';
      onSearchInput(e);
      return;
    }
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const text = e.target.value;
    if (compile(text) === undefined) return;
    if (state.view.enter) state.view.enter(text);
    else go(link(viewPath(), (p) => (text ? p.set('f', text) : p.delete('f'))));
  }

  // ---- the header's texts ----

  function showErrors(lines) {
    const box = el('errors');
    if (!box || !lines || !lines.length) return;
    for (const line of lines) {
      const div = document.createElement('div');
      div.textContent = line;
      box.appendChild(div);
    }
    box.hidden = false;
  }

  function fillHeader() {
    const d = state.data;
    const details = el('details');
    details.textContent = d.title || document.title;
    const box = el('detailsbox');
    for (const line of d.legend || []) {
      const div = document.createElement('div');
      div.textContent = line;
      box.appendChild(div);
    }
    details.addEventListener('click', (e) => {
      e.preventDefault();
      box.hidden = !box.hidden;
    });
    if (d.docURL) {
      el('help').href = d.docURL;
      el('help').hidden = false;
    }
    const help = d.help || {};
    for (const node of document.querySelectorAll('[data-help]')) {
      const text = help[node.dataset.help];
      if (text) node.title = text;
    }
    const view = el('view-' + d.view);
    if (view) view.classList.add('current');
    showErrors(d.errors);
    if (d.standalone) standalone(box);
  }

  // standalone: a page written to a file (-weblist) has no server behind
  // it: no menus, no search; the legend shows at once.
  function standalone(box) {
    document.body.classList.add('standalone');
    el('brand').removeAttribute('href');
    el('content').prepend(box);
    box.hidden = false;
  }

  // ---- values ----

  const UNITS = [
    { names: ['b', 'byte', 'bytes'], base: 1, steps: [['B', 1], ['kB', 1024], ['MB', 1 << 20], ['GB', 2 ** 30], ['TB', 2 ** 40], ['PB', 2 ** 50]] },
    { names: ['ns', 'nanosecond', 'nanoseconds'], base: 1, steps: null },
    { names: ['us', 'microsecond', 'microseconds'], base: 1e3, steps: null },
    { names: ['ms', 'millisecond', 'milliseconds'], base: 1e6, steps: null },
    { names: ['s', 'sec', 'second', 'seconds'], base: 1e9, steps: null },
  ];
  const TIME = [['ns', 1], ['us', 1e3], ['ms', 1e6], ['s', 1e9], ['hrs', 3.6e12]];

  // formatValue writes v (in unit) as pprof's labels do: "1.50MB", "10ms", "42".
  function formatValue(v, unit) {
    const u = UNITS.find((x) => x.names.includes(String(unit || '').toLowerCase()));
    if (!u) return trim(v);
    const steps = u.steps || TIME;
    const base = Math.abs(v) * u.base;
    let step = steps[0];
    for (const s of steps) if (base >= s[1]) step = s;
    return (v < 0 ? '-' : '') + trim(base / step[1]) + step[0];
  }

  function trim(v) {
    return String(Number(v.toFixed(2)));
  }

  // percent is v of total as "12.5%".
  function percent(v, total) {
    if (!total) return '0%';
    const p = (100 * v) / total;
    return (Math.abs(p) >= 1 ? p.toFixed(2) : String(Number(p.toPrecision(2)))) + '%';
  }

  // ---- start ----

  function start(view) {
    state.data = readData();
    state.view = view || {};
    fillHeader();
    const search = el('search');
    search.addEventListener('input', onSearchInput);
    search.addEventListener('keydown', onSearchKey);
    if (typeof initMenus === 'function') initMenus();
    if (typeof initDialogs === 'function') initDialogs();
    if (state.view.init) state.view.init(state.data);
    changed();
    document.documentElement.dataset.ready = '1';
  }

  return { state, el, quoteMeta, isDefault, link, viewPath, go, selection, selected, changed, formatValue, percent, showErrors, start };
})();
