// cprof's flame graph (src/report_flame.c): hover details, click to
// zoom, a regexp search with the share it matches, and a reset. The
// frames are the <g> elements of #frames, each a <title> (name, then
// details), a <rect> and a <text>; everything here is read from them.
(function () {
  'use strict';
  const PAD = 10, ROW = 16, CHAR = 12 * 0.59;
  const state = {
    frames: [],    // {g, rect, text, name, info, x, w, depth}
    width: 0,      // the drawable width, in pixels
    zoomed: null,  // the frame zoomed into, or null
    search: '',    // the current search regexp
  };

  function readFrames() {
    const root = document.getElementById('frames');
    const icicle = document.documentElement.getAttribute('data-icicle') === '1';
    const rows = [];
    for (const g of root.children) {
      const rect = g.querySelector('rect');
      const lines = g.querySelector('title').textContent.split('\n');
      const y = parseFloat(rect.getAttribute('y'));
      rows.push(y);
      state.frames.push({
        g, rect, text: g.querySelector('text'), name: lines[0], info: lines.slice(1).join(', '),
        x: parseFloat(rect.getAttribute('x')), w: parseFloat(rect.getAttribute('width')), y, depth: 0,
      });
    }
    const edge = icicle ? Math.min(...rows) : Math.max(...rows);
    for (const f of state.frames) f.depth = Math.round(Math.abs(f.y - edge) / ROW);
    state.width = state.frames.length ? state.frames[0].w : 0;
  }

  // fit is the label a box of w pixels shows: the name, its start and "..", or nothing.
  function fit(name, w) {
    const n = Math.floor((w - 6) / CHAR);
    if (n < 3) return '';
    const chars = Array.from(name);
    return chars.length <= n ? name : chars.slice(0, n - 2).join('') + '..';
  }

  function place(f, x, w) {
    f.rect.setAttribute('x', x.toFixed(1));
    f.rect.setAttribute('width', w.toFixed(1));
    f.text.setAttribute('x', (x + 3).toFixed(1));
    f.text.textContent = fit(f.name, w);
  }

  function zoom(z) {
    state.zoomed = z;
    const ratio = z ? state.width / z.w : 1;
    for (const f of state.frames) {
      const inside = !z || (f.x >= z.x - 1e-6 && f.x + f.w <= z.x + z.w + 1e-6 && f.depth >= z.depth);
      const above = z && f.depth < z.depth && f.x <= z.x + 1e-6 && f.x + f.w >= z.x + z.w - 1e-6;
      f.g.classList.toggle('hide', !inside && !above);
      f.g.classList.toggle('dim', !!above);
      if (inside) place(f, z ? PAD + (f.x - z.x) * ratio : f.x, f.w * ratio);
      else if (above) place(f, PAD, state.width);
    }
    document.getElementById('unzoom').classList.toggle('hide', !z);
  }

  function search(text) {
    state.search = text;
    const matched = document.getElementById('matched');
    let re = null;
    if (text) {
      try {
        re = new RegExp(text);
      } catch (e) {
        matched.textContent = 'bad regexp: ' + e.message;
        return;
      }
    }
    const hits = [];
    for (const f of state.frames) {
      const hit = !!re && f.depth > 0 && re.test(f.name);
      f.g.classList.toggle('match', hit);
      if (hit) hits.push([f.x, f.x + f.w]);
    }
    matched.textContent = re ? 'Matched: ' + share(hits) : ' ';
  }

  // share is the part of the width the ranges cover, nested ones counted once.
  function share(ranges) {
    ranges.sort((a, b) => a[0] - b[0]);
    let covered = 0, end = -Infinity;
    for (const [lo, hi] of ranges) {
      if (hi <= end) continue;
      covered += hi - Math.max(lo, end);
      end = hi;
    }
    return state.width ? (100 * covered / state.width).toFixed(1) + '%' : '0%';
  }

  function details(f) {
    document.getElementById('details').textContent = f ? f.name + ': ' + f.info : ' ';
  }

  function frameOf(node) {
    while (node && node.parentNode && node.parentNode.id !== 'frames') node = node.parentNode;
    return node ? state.frames.find((f) => f.g === node) : undefined;
  }

  function listen() {
    const frames = document.getElementById('frames');
    frames.addEventListener('click', (e) => { const f = frameOf(e.target); if (f) zoom(f.depth ? f : null); });
    frames.addEventListener('mouseover', (e) => details(frameOf(e.target)));
    frames.addEventListener('mouseout', () => details(null));
    document.getElementById('unzoom').addEventListener('click', () => zoom(null));
    const input = document.getElementById('search');
    let timer = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => search(input.value), 200);
    });
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
        e.preventDefault();
        input.focus();
      } else if (e.key === 'Escape') {
        input.value = '';
        search('');
        zoom(null);
      }
    });
  }

  function init() {
    readFrames();
    listen();
    // A mark that the script ran to the end, for tests in a real browser.
    document.documentElement.setAttribute('data-ready', String(state.frames.length));
  }

  if (document.readyState === 'loading') window.addEventListener('DOMContentLoaded', init);
  else init();
})();
