// The Graph view: the call graph's SVG (laid out by the server) panned by
// dragging and zoomed by the wheel around the pointer; a click on a node
// selects it (Refine acts on the selection), the search fills the nodes
// it matches. Nodes are the <g class="node"> whose <title> is "N<k>",
// k indexing the page data's "nodes".
(function () {
  'use strict';
  const { state, el, quoteMeta } = cprof;

  Object.assign(state, {
    svg: null,
    box: null,          // the viewBox: {x, y, w, h}
    home: null,         // the viewBox that shows the whole graph
    drag: null,         // {x, y, moved} while the button is down
    nodes: new Map(),   // node number -> {g, name, selected}
  });

  function setBox(b) {
    state.box = b;
    state.svg.setAttribute('viewBox', [b.x, b.y, b.w, b.h].map((v) => v.toFixed(2)).join(' '));
  }

  // fit shows the whole drawing, with a margin. The drawing's parts are
  // first wrapped in one group, whose box includes their transforms.
  function fit() {
    const svg = state.svg;
    const vp = svg.querySelector('#viewport');
    if (vp) vp.removeAttribute('transform');
    const all = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    all.append(...Array.from(svg.childNodes));
    svg.appendChild(all);
    const bb = all.getBBox();
    const m = 10;
    state.home = { x: bb.x - m, y: bb.y - m, w: bb.width + 2 * m, h: bb.height + 2 * m };
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '100%');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    setBox(opening());
  }

  // opening is the view a page starts with: the whole graph, unless that
  // shrinks it below half its size (a big profile's graph); then its top
  // at its own size, the topmost node (the root) in the middle, to be
  // panned (double-click shows it whole).
  function opening() {
    const h = state.home, w = state.svg.clientWidth, ht = state.svg.clientHeight;
    if (!w || !ht || Math.min(w / h.w, ht / h.h) >= 0.5) return Object.assign({}, h);
    setBox(Object.assign({}, h));
    let top = null;
    for (const g of state.svg.querySelectorAll('g.node')) {
      const r = g.getBoundingClientRect();
      if (!top || r.y < top.y) top = r;
    }
    const x = top ? toGraph(top.x + top.width / 2, top.y).x : h.x + h.w / 2;
    return { x: x - w / 2, y: h.y, w, h: ht };
  }

  // toGraph converts a point of the window to the drawing's coordinates.
  function toGraph(x, y) {
    const m = state.svg.getScreenCTM();
    const p = new DOMPoint(x, y);
    return m ? p.matrixTransform(m.inverse()) : p;
  }

  function zoom(factor, cx, cy) {
    const b = state.box, h = state.home;
    const w = Math.min(Math.max(b.w / factor, h.w / 40), h.w * 5);
    const f = w / b.w;
    const p = toGraph(cx, cy);
    setBox({ x: p.x - (p.x - b.x) * f, y: p.y - (p.y - b.y) * f, w, h: b.h * f });
  }

  function onWheel(e) {
    e.preventDefault();
    const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    zoom(Math.pow(2, (-e.deltaY * lines) / 300), e.clientX, e.clientY);
  }

  function onDown(e) {
    if (e.button !== 0) return;
    state.drag = { x: e.clientX, y: e.clientY, moved: false };
    e.preventDefault();
  }

  function onMove(e) {
    const d = state.drag;
    if (!d) return;
    if (!e.buttons) {
      state.drag = null;
      return;
    }
    const dx = e.clientX - d.x, dy = e.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    d.moved = true;
    const a = toGraph(d.x, d.y), b = toGraph(e.clientX, e.clientY);
    setBox(Object.assign({}, state.box, { x: state.box.x - (b.x - a.x), y: state.box.y - (b.y - a.y) }));
    d.x = e.clientX;
    d.y = e.clientY;
    state.svg.classList.add('dragging');
  }

  function onUp(e) {
    const d = state.drag;
    state.drag = null;
    state.svg.classList.remove('dragging');
    if (d && !d.moved) toggle(e.target);
  }

  // ---- nodes ----

  function readNodes() {
    const names = state.data.nodes || [];
    for (const g of state.svg.querySelectorAll('g.node')) {
      const t = g.querySelector('title');
      const m = t && /^N(\d+)$/.exec(t.textContent.trim());
      if (!m || !names[Number(m[1])]) continue;
      state.nodes.set(Number(m[1]), { g, name: names[Number(m[1])], selected: false });
    }
  }

  function nodeOf(target) {
    const g = target.closest && target.closest('g.node');
    if (!g) return null;
    for (const n of state.nodes.values()) if (n.g === g) return n;
    return null;
  }

  function toggle(target) {
    const n = nodeOf(target);
    if (!n) return;
    n.selected = !n.selected;
    n.g.classList.toggle('selected', n.selected);
    cprof.selected();
  }

  function listen() {
    const svg = state.svg;
    svg.addEventListener('wheel', onWheel, { passive: false });
    svg.addEventListener('mousedown', onDown);
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
    svg.addEventListener('dblclick', () => setBox(Object.assign({}, state.home)));
  }

  const view = {
    init() {
      state.svg = el('content').querySelector('svg');
      if (!state.svg) {
        el('content').insertAdjacentHTML('beforeend', '<p class="empty">No graph to show.</p>');
        return;
      }
      el('content').classList.add('graph');
      for (const s of state.svg.querySelectorAll('script')) s.remove();
      fit();
      readNodes();
      listen();
    },
    match(re) {
      for (const n of state.nodes.values()) n.g.classList.toggle('match', !!re && re.test(n.name));
    },
    selection() {
      const names = [];
      for (const n of state.nodes.values()) if (n.selected) names.push(quoteMeta(n.name));
      return Array.from(new Set(names)).join('|');
    },
  };

  cprof.start(view);
})();
