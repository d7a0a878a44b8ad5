// The Source view (pprof's weblist): per function, its source listing
// with the flat and cum values in the margin and the lines carrying
// samples marked hot; the search highlights the functions and the lines
// it matches.
(function () {
  'use strict';
  const { state, el } = cprof;

  Object.assign(state, {
    funcs: [],   // {section, name, rows: [{tr, text}]}
  });

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
  }

  function row(l) {
    const tr = document.createElement('tr');
    cell(tr, String(l.line), 'num');
    cell(tr, l.flat, 'val');
    cell(tr, l.cum, 'val');
    cell(tr, l.text, 'src');
    if (l.hot) tr.classList.add('hot');
    return tr;
  }

  function note(parent, cls, text) {
    const p = document.createElement('p');
    p.className = cls;
    p.textContent = text;
    parent.appendChild(p);
  }

  function section(f) {
    const s = document.createElement('section');
    s.className = 'func';
    const h = document.createElement('h2');
    h.textContent = f.name;
    const file = document.createElement('p');
    file.className = 'filename';
    file.textContent = f.file || '';
    const total = document.createElement('p');
    total.className = 'total';
    if (f.flat !== undefined) total.textContent = f.flat + ' flat, ' + f.cum + ' cum' + (f.cumPct ? ' (' + f.cumPct.trim() + ' of total)' : '');
    const table = document.createElement('table');
    table.className = 'listing';
    const rows = [];
    for (const l of f.lines || []) {
      const tr = row(l);
      rows.push({ tr, text: l.text });
      table.appendChild(tr);
    }
    let body = table;
    if (!rows.length) {
      body = document.createElement('p');
      body.className = 'empty';
      body.textContent = f.error || 'No source lines (the file was not found: see -source_path).';
    }
    s.append(h, file, total, body);
    state.funcs.push({ section: s, name: f.name, rows });
    return s;
  }

  const view = {
    init(data) {
      const content = el('content');
      content.classList.add('source');
      const listing = data.listing || [];
      if (!listing.length) {
        content.insertAdjacentHTML('beforeend', '<p class="empty">No functions match: search for one (Enter) or select one in another view.</p>');
        return;
      }
      const frag = document.createDocumentFragment();
      if (data.listingTotal) note(frag, 'total', 'Total: ' + data.listingTotal);
      if (data.truncated) note(frag, 'empty', 'Showing the first ' + listing.length + ' functions only: narrow the search.');
      for (const f of listing) frag.appendChild(section(f));
      content.appendChild(frag);
    },
    match(re) {
      for (const f of state.funcs) {
        f.section.classList.toggle('match', !!re && re.test(f.name));
        for (const r of f.rows) r.tr.classList.toggle('match', !!re && re.test(r.text));
      }
    },
    selection() {
      return '';
    },
  };

  cprof.start(view);
})();
