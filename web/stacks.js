// The Flame Graph view: an icicle (root at the top) drawn from the page
// data's compact stack tree ("flame": names, and frames as a flat array
// of parent, name, total, self[, base]). Only boxes wide enough to see are
// laid out, and only those of the rows in view are made (absolutely
// positioned divs), so the cost follows the window, not the profile. Boxes are as wide as their total, coloured by package (or,
// for a comparison, grey with the net change shaded: red grows, blue
// shrinks). Hover: the details bar. Click: pivot on the frame (p= in the
// URL; the server sends its callees, and its callers as "callers", drawn
// above it). Right-click: Show source, Focus, Ignore, Hide, Show from.
(function () {
  'use strict';
  const { state, el, link, quoteMeta, formatValue, percent, go } = cprof;
  const { PAD, readTree, layout, matched, packageOf, packageColor, labelForms } = flameTree;
  const ROW = 18;        // pixels per row
  const LABEL_PX = 22;   // narrower boxes have no label
  const MARGIN_ROWS = 30; // rows drawn beyond the visible ones
  const FONT = '12px system-ui, "DejaVu Sans", Arial, sans-serif';

  Object.assign(state, {
    flame: null,        // the page data's "flame"
    down: null,         // the tree of callees (the whole profile without a pivot)
    up: null,           // the tree of callers, with a pivot
    pivot: '',          // the pivot regexp (p=)
    boxes: [],          // laid out: {tree, f, x, depth, w, row, div (once drawn)}
    rows: [],           // row -> indices of its boxes
    drawnRows: null,    // per row, 1 once its boxes are made
    scrollPending: false,
    byName: new Map(),  // name index -> its boxes
    colors: new Map(),  // name index -> background
    re: null,           // the search
    hover: null,        // the box under the pointer
    menuBox: null,      // the box the action menu is about
    measure: null,      // a canvas context, to fit labels
    resizeTimer: 0,
  });

  // nameOf is frame f's function name, what regexps match (with g=files,
  // its file); labelOf what its box shows (the name at the granularity).
  function nameOf(t, f) {
    const fl = state.flame, i = t.name[f];
    return fl.names[i] || (fl.files && fl.files[i]) || '';
  }

  function labelOf(t, f) {
    const labels = state.flame.labels;
    return (labels && labels[t.name[f]]) || nameOf(t, f);
  }

  // matches tells whether the search matches name index i's name or label.
  function matches(re, i) {
    const fl = state.flame;
    return re.test(fl.names[i] || '') || (!!fl.labels && re.test(fl.labels[i] || ''));
  }

  // ---- values ----

  // value formats v, a sample value, scaled by the report's ratio (-divide_by, -mean, -normalize).
  function value(v) {
    return formatValue(v * (state.flame.ratio || 1), state.flame.unit || state.data.unit);
  }

  // share is v and its part of the whole report (not of a pivot), as pprof shows it.
  function share(v) {
    return value(v) + ' (' + percent(v, state.data.total || state.flame.total) + ')';
  }

  // describe is the details bar's right side for frame f.
  function describe(t, f) {
    const parts = [];
    if (!state.flame.diff) {
      if (t.self[f]) parts.push('self ' + value(t.self[f]));
      parts.push('total ' + share(t.total[f]));
      return parts.join(' │ ');
    }
    const before = t.base[f], after = t.total[f] + t.base[f];
    if (t.self[f]) parts.push('self change ' + signed(t.self[f]));
    parts.push(share(before) + ' → ' + share(after));
    parts.push('change ' + signed(t.total[f]));
    return parts.join(' │ ');
  }

  function signed(v) {
    return (v > 0 ? '+' : '') + value(v);
  }

  // ---- colours ----

  function colorOf(t, f) {
    const i = t.name[f];
    let c = state.colors.get(i);
    if (c === undefined) {
      const pk = state.flame.packages && state.flame.packages[i];
      c = packageColor(pk !== undefined && pk !== '' ? pk : packageOf(state.flame.names[i] || ''));
      state.colors.set(i, c);
    }
    return c;
  }

  // ---- drawing ----

  // label is the longest form of frame f's label that fits avail pixels (CSS ellipsis cuts the last).
  function label(t, f, avail) {
    const files = state.flame.files;
    const list = labelForms(nameOf(t, f), labelOf(t, f), files && files[t.name[f]]);
    for (const s of list) if (state.measure.measureText(s).width <= avail) return s;
    return list[list.length - 1];
  }

  function makeBox(b, top) {
    const t = b.tree, f = b.f;
    const div = document.createElement('div');
    div.className = 'box';
    div.style.left = b.x.toFixed(1) + 'px';
    div.style.top = top + 'px';
    div.style.width = Math.max(1, b.w - 1).toFixed(1) + 'px';
    if (t.inlined.has(f)) div.classList.add('inlined');
    if (state.flame.diff) {
      const d = Math.abs(t.total[f]) * (b.w / t.weight[f]);
      if (d >= 1) {
        const delta = document.createElement('div');
        delta.className = 'delta ' + (t.total[f] > 0 ? 'grow' : 'shrink');
        delta.style.width = Math.min(d, b.w - 1).toFixed(1) + 'px';
        div.appendChild(delta);
      }
    } else if (!isRoot(b)) {
      div.style.background = colorOf(t, f);
    }
    if (b.w >= LABEL_PX) {
      const span = document.createElement('span');
      span.textContent = label(t, f, b.w - 8);
      div.appendChild(span);
    }
    return div;
  }

  function separator(top, width) {
    const div = document.createElement('div');
    div.className = 'separator';
    div.style.top = top + 'px';
    div.style.left = PAD + 'px';
    div.style.width = (width - 2 * PAD) + 'px';
    const t = state.down;
    div.textContent = '▲ callers   ' + state.pivot + ': ' + describe(t, 0) + '   callees ▼  ';
    const clear = document.createElement('a');
    clear.href = link('./flamegraph', (p) => p.delete('p'));
    clear.id = 'clear-pivot';
    clear.textContent = '✕ clear pivot';
    div.appendChild(clear);
    return div;
  }

  // render lays out every box for the chart's width and draws the rows in view.
  function render() {
    const chart = el('flame-chart');
    const width = chart.clientWidth;
    const boxes = layout(state.down, state.up, state.pivot, width);
    let top = 0;
    for (const b of boxes) top = Math.min(top, b.depth);
    const sep = state.pivot ? 1 : 0;
    state.rows = [];
    boxes.forEach((b, i) => {
      b.row = b.depth - top + (b.depth >= 0 ? sep : 0);
      (state.rows[b.row] = state.rows[b.row] || []).push(i);
    });
    state.boxes = boxes;
    state.drawnRows = new Uint8Array(state.rows.length);
    state.byName.clear();
    state.hover = null;
    chart.replaceChildren();
    if (sep) chart.appendChild(separator(-top * ROW, width));
    chart.style.height = (Math.max(state.rows.length, 1) + 1) * ROW + 'px';
    chart.dataset.boxes = String(boxes.length);
    if (!boxes.length) chart.textContent = state.pivot ? 'No frame matches the pivot ' + state.pivot + '.' : 'No samples.';
    drawVisible();
    details(null);
  }

  // drawVisible makes the boxes of the rows in view (and a margin) that
  // are not made yet: a deep profile costs its visible rows, not all.
  function drawVisible() {
    const content = el('content'), chart = el('flame-chart');
    const y = content.scrollTop - chart.offsetTop;
    const first = Math.max(0, Math.floor(y / ROW) - MARGIN_ROWS);
    const last = Math.min(state.rows.length - 1, Math.ceil((y + content.clientHeight) / ROW) + MARGIN_ROWS);
    const frag = document.createDocumentFragment();
    for (let r = first; r <= last; r++) {
      if (state.drawnRows[r]) continue;
      state.drawnRows[r] = 1;
      for (const i of state.rows[r] || []) frag.appendChild(drawBox(i));
    }
    chart.appendChild(frag);
  }

  function drawBox(i) {
    const b = state.boxes[i];
    b.div = makeBox(b, b.row * ROW);
    b.div.dataset.i = String(i);
    const name = b.tree.name[b.f];
    if (!state.byName.has(name)) state.byName.set(name, []);
    state.byName.get(name).push(b);
    if (state.re && !isRoot(b) && matches(state.re, name)) b.div.classList.add('match');
    return b.div;
  }

  function markDrawn() {
    requestAnimationFrame(() => setTimeout(() => {
      performance.mark('drawn');
      document.documentElement.dataset.drawn = performance.now().toFixed(1);
    }, 0));
  }

  // ---- search ----

  function highlight() {
    const re = state.re;
    for (const [name, list] of state.byName) {
      const on = !!re && matches(re, name);
      for (const b of list) b.div.classList.toggle('match', on && !isRoot(b));
    }
  }

  // ---- details bar and events ----

  function details(b) {
    const left = el('flame-name'), right = el('flame-values');
    if (b) {
      const t = b.tree, f = b.f;
      const file = state.flame.files && state.flame.files[t.name[f]];
      const label = labelOf(t, f);
      left.textContent = label + (file && !label.includes(file) ? ' · ' + file : '') + (t.inlined.has(f) ? ' (inlined)' : '');
      right.textContent = describe(t, f);
      return;
    }
    left.textContent = state.pivot ? 'pivot: ' + state.pivot : '';
    let text = state.down && state.down.n ? describe(state.down, 0) : '';
    if (state.re && state.down && state.down.n) text = 'Matched: ' + (100 * matched(state.down, (i) => matches(state.re, i))).toFixed(1) + '% │ ' + text;
    right.textContent = text;
  }

  function boxOf(target) {
    const div = target.closest && target.closest('.box');
    return div ? state.boxes[Number(div.dataset.i)] : null;
  }

  function setHover(b) {
    if (state.hover === b) return;
    for (const x of state.hover ? state.byName.get(state.hover.tree.name[state.hover.f]) || [] : []) x.div.classList.remove('hover');
    state.hover = b;
    for (const x of b ? state.byName.get(b.tree.name[b.f]) || [] : []) x.div.classList.add('hover');
    details(b);
  }

  function isRoot(b) {
    return b.tree === state.down && b.f === 0;
  }

  function pivotOn(b) {
    if (isRoot(b)) return;
    go(link('./flamegraph', (p) => p.set('p', quoteMeta(nameOf(b.tree, b.f)))));
  }

  // ---- the action menu ----

  function actionLinks(re) {
    const append = (param) => (p) => {
      const old = p.get(param);
      p.set(param, old ? re + '|' + old : re);
    };
    const setTo = (param) => (p) => p.set(param, re);
    return [
      ['Show source code', link('./source', setTo('f')), ''],
      ['Show source in new tab', link('./source', setTo('f')), '_blank'],
      ['Pivot here', link('./flamegraph', setTo('p')), ''],
      null,
      ['Focus', link('./flamegraph', setTo('f')), ''],
      ['Ignore', link('./flamegraph', append('i')), ''],
      ['Hide', link('./flamegraph', append('h')), ''],
      ['Show from', link('./flamegraph', setTo('sf')), ''],
    ];
  }

  function showMenu(e, b) {
    const menu = el('action-menu');
    const name = nameOf(b.tree, b.f);
    const title = document.createElement('div');
    title.className = 'action-title';
    title.textContent = name;
    const items = [title];
    for (const a of actionLinks(quoteMeta(name))) {
      if (!a) {
        items.push(document.createElement('hr'));
        continue;
      }
      const item = document.createElement('a');
      item.textContent = a[0];
      item.href = a[1];
      if (a[2]) item.target = a[2];
      items.push(item);
    }
    menu.replaceChildren(...items);
    menu.hidden = false;
    const x = Math.min(e.clientX, window.innerWidth - menu.offsetWidth - 4);
    const y = Math.min(e.clientY, window.innerHeight - menu.offsetHeight - 4);
    menu.style.left = Math.max(0, x) + 'px';
    menu.style.top = Math.max(0, y) + 'px';
    state.menuBox = b;
    b.div.classList.add('menu-target');
  }

  function hideMenu() {
    el('action-menu').hidden = true;
    if (state.menuBox && state.menuBox.div) state.menuBox.div.classList.remove('menu-target');
    state.menuBox = null;
  }

  function listen() {
    const chart = el('flame-chart');
    const down = { x: 0, y: 0 };
    chart.addEventListener('mouseover', (e) => setHover(boxOf(e.target)));
    chart.addEventListener('mouseleave', () => setHover(null));
    chart.addEventListener('mousedown', (e) => { down.x = e.clientX; down.y = e.clientY; });
    chart.addEventListener('click', (e) => {
      const b = boxOf(e.target);
      if (b && Math.abs(e.clientX - down.x) + Math.abs(e.clientY - down.y) < 4) pivotOn(b);
    });
    chart.addEventListener('contextmenu', (e) => {
      const b = boxOf(e.target);
      if (!b || isRoot(b)) return;
      e.preventDefault();
      hideMenu();
      showMenu(e, b);
    });
    document.addEventListener('mousedown', (e) => {
      if (!el('action-menu').contains(e.target)) hideMenu();
    });
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hideMenu(); });
    el('content').addEventListener('scroll', () => {
      if (state.scrollPending) return;
      state.scrollPending = true;
      requestAnimationFrame(() => {
        state.scrollPending = false;
        drawVisible();
      });
    }, { passive: true });
    window.addEventListener('resize', () => {
      clearTimeout(state.resizeTimer);
      state.resizeTimer = setTimeout(render, 100);
    });
  }

  function build() {
    const content = el('content');
    content.classList.add('flame');
    content.insertAdjacentHTML('beforeend',
      '<div id="flame-details"><span id="flame-name"></span><span id="flame-values"></span></div>' +
      '<div id="flame-chart"></div><div id="action-menu" hidden></div>');
    state.measure = document.createElement('canvas').getContext('2d');
    state.measure.font = FONT;
  }

  const view = {
    init(data) {
      state.flame = data.flame || { names: [], frames: [] };
      state.pivot = data.pivot || new URLSearchParams(location.search).get('p') || '';
      state.down = readTree(state.flame.frames, state.flame.diff, state.flame.inlined);
      state.up = state.pivot && state.flame.callers ? readTree(state.flame.callers, state.flame.diff, state.flame.callersInlined) : null;
      build();
      listen();
      render();
      markDrawn();
    },
    match(re) {
      state.re = re;
      highlight();
      details(state.hover);
    },
    selection() {
      return state.pivot;
    },
    enter(text) {
      go(link('./flamegraph', (p) => (text ? p.set('p', text) : p.delete('p'))));
    },
  };

  cprof.start(view);
})();
