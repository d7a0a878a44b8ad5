// The Top view: the rows of -top as a table, sorted by a click on a
// column's header, rows selected by a click (the selection Refine acts
// on), rows matching the search highlighted.
(function () {
  'use strict';
  const { state, el, quoteMeta, percent } = cprof;

  const COLUMNS = [
    { title: 'Flat', key: 'flat', sort: 'flat', mark: true },
    { title: 'Flat%', key: 'flatPct', sort: 'flat' },
    { title: 'Sum%', key: 'sumPct', sort: null },
    { title: 'Cum', key: 'cum', sort: 'cum', mark: true },
    { title: 'Cum%', key: 'cumPct', sort: 'cum' },
    { title: 'Name', key: 'name', sort: 'name', mark: true },
  ];

  Object.assign(state, {
    rows: [],          // the data's rows, each with its <tr> and whether it is selected
    sortKey: 'flat',   // flat, cum or name: the report's order at first
    descending: true,
    re: null,          // the search
  });

  // rowName is the name as -top prints it: " (inline)" or " (partial-inline)" after it.
  function rowName(r) {
    return r.name + (r.inline === 'partial' ? ' (partial-inline)' : r.inline ? ' (inline)' : '');
  }

  function compare(key) {
    if (key === 'name') return (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const k = key + 'Value';
    return (a, b) => a[k] - b[k] || a.order - b.order;
  }

  // sort orders the rows by key (a second click reverses) and fixes sum%.
  function sort(key) {
    if (state.sortKey === key) state.descending = !state.descending;
    else state.descending = key !== 'name';
    state.sortKey = key;
    state.rows.sort(compare(key));
    if (state.descending) state.rows.reverse();
    let sum = 0;
    for (const r of state.rows) {
      sum += r.flatValue;
      r.sumPct = percent(sum, state.data.total);
    }
    draw();
  }

  function cell(tr, text) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }

  function makeRow(r) {
    const tr = document.createElement('tr');
    for (const c of COLUMNS) cell(tr, c.key === 'name' ? rowName(r) : r[c.key]);
    tr.dataset.row = String(r.order);
    return tr;
  }

  function draw() {
    const body = el('toprows');
    const frag = document.createDocumentFragment();
    for (const r of state.rows) {
      r.tr = makeRow(r);
      r.tr.classList.toggle('selected', r.selected);
      r.tr.classList.toggle('match', !!state.re && state.re.test(r.name));
      frag.appendChild(r.tr);
    }
    body.replaceChildren(frag);
    for (const th of document.querySelectorAll('#toptable th')) {
      const on = !!th.dataset.mark && th.dataset.sort === state.sortKey;
      th.classList.toggle('sorted', on);
      th.classList.toggle('up', on && !state.descending);
    }
  }

  function header() {
    const tr = document.createElement('tr');
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.textContent = c.title;
      if (c.sort) {
        th.dataset.sort = c.sort;
        if (c.mark) th.dataset.mark = '1';
        th.title = 'Sort by ' + c.sort;
        th.addEventListener('click', () => sort(c.sort));
      }
      tr.appendChild(th);
    }
    return tr;
  }

  function build() {
    const table = document.createElement('table');
    table.id = 'toptable';
    const head = document.createElement('thead');
    head.appendChild(header());
    const body = document.createElement('tbody');
    body.id = 'toprows';
    body.addEventListener('click', onClick);
    table.append(head, body);
    el('content').appendChild(table);
  }

  function onClick(e) {
    const tr = e.target.closest('tr');
    if (!tr) return;
    const r = state.rows.find((x) => x.order === Number(tr.dataset.row));
    r.selected = !r.selected;
    tr.classList.toggle('selected', r.selected);
    cprof.selected();
  }

  const view = {
    init(data) {
      state.rows = (data.top || []).map((r, i) => Object.assign({ order: i, selected: false }, r));
      if ((data.params || {}).sort === 'cum') state.sortKey = 'cum';
      build();
      if (!state.rows.length) {
        el('content').insertAdjacentHTML('beforeend', '<p class="empty">No rows: nothing left after the filters.</p>');
      }
      draw();
    },
    match(re) {
      state.re = re;
      for (const r of state.rows) r.tr.classList.toggle('match', !!re && re.test(r.name));
    },
    selection() {
      const names = state.rows.filter((r) => r.selected).map((r) => quoteMeta(r.name));
      return Array.from(new Set(names)).join('|');
    },
  };

  cprof.start(view);
})();
