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

  // add appends a new tag element of class cls holding text to parent, and returns it.
  function add(parent, tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = text;
    parent.appendChild(e);
    return e;
  }

  function row(l) {
    const tr = document.createElement('tr');
    add(tr, 'td', 'num', String(l.line));
    add(tr, 'td', 'val', l.flat);
    add(tr, 'td', 'val', l.cum);
    add(tr, 'td', 'src', l.text);
    if (l.hot) tr.classList.add('hot');
    return tr;
  }

  function section(f) {
    const s = document.createElement('section');
    s.className = 'func';
    add(s, 'h2', '', f.name);
    add(s, 'p', 'filename', f.file || '');
    add(s, 'p', 'total', f.flat !== undefined ? f.flat + ' flat, ' + f.cum + ' cum' + (f.cumPct ? ' (' + f.cumPct.trim() + ' of total)' : '') : '');
    const rows = [];
    if (f.lines && f.lines.length) {
      const table = add(s, 'table', 'listing', '');
      for (const l of f.lines) {
        const tr = row(l);
        rows.push({ tr, text: l.text });
        table.appendChild(tr);
      }
    } else {
      add(s, 'p', 'empty', f.error || 'No source lines (the file was not found: see -source_path).');
    }
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
      if (data.listingTotal) add(frag, 'p', 'total', 'Total: ' + data.listingTotal);
      if (data.truncated) add(frag, 'p', 'empty', 'Showing the first ' + listing.length + ' functions only: narrow the search.');
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
