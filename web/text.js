// The Peek and Disassemble views: the report's text, one line per row,
// the rows carrying samples marked hot (the page data's "hot" line
// numbers, else the rows whose first value columns are not zero), the
// rows matching the search highlighted.
(function () {
  'use strict';
  const { state, el } = cprof;

  Object.assign(state, {
    lines: [],   // {span, text}
  });

  function isValue(t) {
    return /^-?\d/.test(t) && !/^-?0(\.0*)?[a-zA-Z%]*$/.test(t);
  }

  // looksHot guesses a row's heat without the data's "hot": in Peek, a
  // function's own row (five values before the |) with a non-zero flat
  // or cum; in Disassemble, an instruction whose flat or cum is not zero.
  function looksHot(line, peek) {
    if (peek) {
      const bar = line.indexOf('|');
      const t = bar < 0 ? [] : line.slice(0, bar).trim().split(/\s+/);
      return t.length === 5 && (isValue(t[0]) || isValue(t[3]));
    }
    if (line.includes('(flat, cum)')) return false;
    const m = /^\s*(\S+)\s+(\S+)/.exec(line);
    if (!m || !(m[1] === '.' || /^-?\d/.test(m[1]))) return false;
    return isValue(m[1]) || isValue(m[2]);
  }

  function draw(text, hot, peek) {
    const pre = document.createElement('pre');
    pre.id = 'text';
    const lines = text.replace(/\n$/, '').split('\n');
    const hotSet = hot ? new Set(hot) : null;
    lines.forEach((line, i) => {
      const span = document.createElement('span');
      span.className = 'line';
      span.textContent = line || ' ';
      if (hotSet ? hotSet.has(i + 1) : looksHot(line, peek)) span.classList.add('hot');
      pre.appendChild(span);
      state.lines.push({ span, text: line });
    });
    el('content').appendChild(pre);
  }

  const view = {
    init(data) {
      el('content').classList.add('text');
      if (!data.text) {
        const p = document.createElement('p');
        p.className = 'empty';
        p.textContent = data.view === 'peek' || data.view === 'disasm'
          ? 'Nothing to show: search for a function (Enter) or select one in another view.'
          : 'Nothing to show.';
        el('content').appendChild(p);
        return;
      }
      draw(data.text, data.hot, data.view === 'peek');
    },
    match(re) {
      for (const l of state.lines) l.span.classList.toggle('match', !!re && re.test(l.text));
    },
    selection() {
      return '';
    },
  };

  cprof.start(view);
})();
