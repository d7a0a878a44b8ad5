// The flame graph's data and geometry, apart from the page: the compact
// stack tree of the page data (a flat array of parent, name, total, self
// [, base] per frame, parents first) read into typed arrays, the boxes a
// width of pixels can show, the share a search matches, the colour of a
// package and the shorter forms of a name for labels. Used by stacks.js.
const flameTree = (function () {
  'use strict';
  const PAD = 4;         // pixels left and right of the chart
  const MIN_PX = 2;      // narrower boxes are not drawn

  // ---- the data ----

  // readTree turns a flat frames array into typed arrays and child lists,
  // children by decreasing width. A frame whose parent is not before it is dropped.
  function readTree(arr, diff, inlined) {
    const stride = diff ? 5 : 4;
    const n = Math.floor((arr || []).length / stride);
    const t = {
      n, parent: new Int32Array(n), name: new Int32Array(n), total: new Float64Array(n),
      self: new Float64Array(n), base: new Float64Array(n), weight: new Float64Array(n),
      first: new Int32Array(n + 1), kids: new Int32Array(n), inlined: new Set(inlined || []),
    };
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      const p = arr[o];
      t.parent[i] = i > 0 && p >= 0 && p < i ? p : -1;
      t.name[i] = arr[o + 1];
      t.total[i] = arr[o + 2];
      t.self[i] = arr[o + 3];
      t.base[i] = diff ? arr[o + 4] : 0;
      t.weight[i] = diff ? t.total[i] + 2 * t.base[i] : Math.abs(t.total[i]);
    }
    children(t);
    return t;
  }

  function children(t) {
    const count = new Int32Array(t.n + 1);
    for (let i = 1; i < t.n; i++) if (t.parent[i] >= 0) count[t.parent[i]]++;
    for (let i = 0; i < t.n; i++) t.first[i + 1] = t.first[i] + count[i];
    const next = t.first.slice(0, t.n);
    for (let i = 1; i < t.n; i++) if (t.parent[i] >= 0) t.kids[next[t.parent[i]]++] = i;
    for (let i = 0; i < t.n; i++) {
      if (t.first[i + 1] - t.first[i] < 2) continue;
      const list = Array.from(t.kids.subarray(t.first[i], t.first[i + 1]));
      list.sort((a, b) => t.weight[b] - t.weight[a]);
      t.kids.set(list, t.first[i]);
    }
  }

  function kidsOf(t, f) {
    return t.kids.subarray(t.first[f], t.first[f + 1]);
  }

  // ---- layout ----

  // place lays out frame f's subtree at x (pixels), row depth, going dir
  // (+1 down for callees, -1 up for callers); with skip, f itself is not drawn.
  function place(t, f, x, depth, dir, scale, skip, out) {
    const stack = [[f, x, depth, skip]];
    while (stack.length) {
      const [g, gx, d, hidden] = stack.pop();
      const w = t.weight[g] * scale;
      if (w < MIN_PX) continue;
      if (!hidden) out.push({ tree: t, f: g, x: gx, depth: d, w });
      let cx = gx;
      const kids = kidsOf(t, g);
      for (let k = 0; k < kids.length; k++) {
        stack.push([kids[k], cx, d + dir, false]);
        cx += t.weight[kids[k]] * scale;
      }
    }
  }

  // layout is every box to draw for width pixels: tree t from its root,
  // or with a pivot, the pivot row (the root's children), their callees
  // below (tree t) and their callers above (tree up, same root children).
  function layout(t, up, pivot, width) {
    const out = [];
    if (!t || !t.n || !(t.weight[0] > 0)) return out;
    const scale = (width - 2 * PAD) / t.weight[0];
    if (!pivot) {
      place(t, 0, PAD, 0, 1, scale, false, out);
      return out;
    }
    const at = new Map(); // pivot name -> x
    let x = PAD;
    for (const k of kidsOf(t, 0)) {
      place(t, k, x, 0, 1, scale, false, out);
      at.set(t.name[k], x);
      x += t.weight[k] * scale;
    }
    if (up && up.n) {
      for (const k of kidsOf(up, 0)) {
        if (at.has(up.name[k])) place(up, k, at.get(up.name[k]), 0, -1, scale, true, out);
      }
    }
    return out;
  }

  // matched is the share of t's width under the frames (root aside) whose
  // name index passes hit (the search), nested ones counted once.
  function matched(t, hit) {
    const under = new Uint8Array(t.n);
    let sum = 0;
    for (let i = 1; i < t.n; i++) {
      const p = t.parent[i];
      if (p >= 0 && under[p]) {
        under[i] = 1;
      } else if (hit(t.name[i])) {
        under[i] = 1;
        sum += t.weight[i];
      }
    }
    return t.weight[0] ? sum / t.weight[0] : 0;
  }

  // packageOf: a C++ name's first namespace, a Go name's import path and
  // package ("net/http.(*conn).serve" -> "net/http"), else the name.
  function packageOf(name) {
    const colons = name.indexOf('::'), paren = name.indexOf('(');
    if (colons >= 0 && (paren < 0 || colons < paren)) return name.slice(0, colons);
    const start = name.lastIndexOf('/') + 1;
    const dot = name.indexOf('.', start);
    return dot > start ? name.slice(0, dot) : name;
  }

  // A hue per package (FNV-1a of its UTF-8 bytes), pale enough for black text.
  function packageColor(pkg) {
    let h = 2166136261;
    for (const b of new TextEncoder().encode(pkg)) h = Math.imul(h ^ b, 16777619) >>> 0;
    return 'hsl(' + (h % 360) + ',' + (50 + ((h >>> 9) % 25)) + '%,' + (62 + ((h >>> 17) % 12)) + '%)';
  }

  // variants are name's shorter forms, longest first: a C++ name without
  // its argument list, then without each leading namespace in turn
  // ("ns::Class::method", "Class::method", "method"); a Go name without
  // its import path, then without its package ("http.(*conn).serve",
  // "(*conn).serve"), never cut inside ("Emit.func2.1" stays).
  function variants(name) {
    const list = [name];
    const add = (s) => { if (s && s !== list[list.length - 1]) list.push(s); };
    const last = () => list[list.length - 1];
    if (name.includes('::')) {
      add(name.replace(/\(.*\)( const)?$/, ''));
      for (let m = /^[^:(<]+::(.+)$/.exec(last()); m; m = /^[^:(<]+::(.+)$/.exec(last())) add(m[1]);
      return list;
    }
    add(name.slice(name.lastIndexOf('/') + 1));
    const m = /^[\w$-]+\.(.+)$/.exec(last());
    if (m) add(m[1]);
    return list;
  }

  // labelForms are the forms of a box's label, longest first. A label
  // at a finer granularity holds the function name and a location
  // ("main.f /src/main.go:12", "4b805a main.f /src/main.go:12"): the
  // location's path goes first, then the name shortens as variants()
  // does. A label that is the frame's file alone (g=files) shortens to its base name.
  function labelForms(name, label, file) {
    if (label === file) return [label, label.slice(label.lastIndexOf('/') + 1)];
    const at = name ? label.indexOf(name) : -1;
    if (at < 0) return variants(label);
    const before = label.slice(0, at), after = label.slice(at + name.length);
    const where = after.includes('/') ? ' ' + after.slice(after.lastIndexOf('/') + 1) : after;
    const names = variants(name);
    const list = [label];
    for (const v of names) list.push(before + v + where);
    list.push(names[names.length - 1]);
    return list.filter((x, i) => i === 0 || x !== list[i - 1]);
  }

  return { PAD, readTree, kidsOf, layout, matched, packageOf, packageColor, variants, labelForms };
})();
