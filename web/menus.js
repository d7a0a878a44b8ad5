// The header's menus: opening and closing them, and their links — View
// and Refine carry the selection (or the search), Sample switches the
// sample index, Config lists the saved configurations.
function initMenus() {
  'use strict';
  const { state, el, link, viewPath } = cprof;
  const menus = { open: null };

  function close() {
    if (!menus.open) return;
    menus.open.classList.remove('open');
    menus.open = null;
  }

  function toggle(menu) {
    const was = menus.open;
    close();
    if (was === menu) return;
    refresh();
    menu.classList.add('open');
    menus.open = menu;
  }

  function listen() {
    for (const menu of document.querySelectorAll('#header .menu')) {
      menu.querySelector('.menu-name').addEventListener('click', () => toggle(menu));
      menu.querySelector('.submenu').addEventListener('click', (e) => {
        if (e.target.closest('a')) close();
      });
    }
    document.addEventListener('mousedown', (e) => {
      if (menus.open && !menus.open.contains(e.target)) close();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
  }

  // ---- links ----

  // refineValue is the new value of a Refine parameter: f, s and sf
  // replace the old one, i and h add to it with |.
  function refineValue(param, re, old) {
    if (!old || param === 'f' || param === 's' || param === 'sf') return re;
    return re + '|' + old;
  }

  function refreshRefine(re) {
    for (const a of document.querySelectorAll('#refine-menu [data-param]')) {
      const param = a.dataset.param;
      a.classList.toggle('disabled', re === '');
      a.href = re === '' ? '#' : link(viewPath(), (p) => p.set(param, refineValue(param, re, p.get(param))));
    }
    // Reset: the whole profile, in the same sample type.
    el('refine-reset').href = link(viewPath(), (p) => {
      const si = p.get('si');
      for (const k of Array.from(p.keys())) p.delete(k);
      if (si) p.set('si', si);
    });
  }

  // View links keep the page's parameters; a selection becomes their focus.
  function refreshViews(re) {
    for (const a of document.querySelectorAll('#view-menu [data-view]')) {
      a.href = link('./' + a.dataset.view, (p) => {
        if (re !== '') p.set('f', re);
      });
    }
  }

  function refresh() {
    const re = cprof.selection();
    refreshRefine(re);
    refreshViews(re);
    refreshSamples();
  }

  // ---- sample types ----

  function refreshSamples() {
    for (const a of document.querySelectorAll('#sample-list a')) {
      a.href = link(viewPath(), (p) => p.set('si', a.dataset.si));
    }
  }

  function fillSamples() {
    const types = state.data.sampleTypes || [];
    if (types.length < 2) return;
    const list = el('sample-list');
    for (const t of types) {
      const a = document.createElement('a');
      a.id = 'sampletype-' + t;
      a.dataset.si = t;
      a.textContent = t;
      if (t === state.data.sampleIndex) a.classList.add('current');
      list.appendChild(a);
    }
    el('sample-menu').hidden = false;
  }

  // ---- configurations ----

  function fillConfigs() {
    const list = el('config-list');
    const names = el('save-names');
    for (const c of state.data.configs || []) {
      const a = document.createElement('a');
      a.href = c.url || '?';
      a.className = 'config';
      a.dataset.config = c.name;
      if (c.current) a.classList.add('current');
      a.appendChild(document.createTextNode(c.name));
      if (c.user) {
        const del = document.createElement('span');
        del.className = 'config-delete';
        del.title = 'Delete ' + c.name;
        del.textContent = '×';
        a.appendChild(del);
        const opt = document.createElement('option');
        opt.value = c.name;
        names.appendChild(opt);
      }
      list.appendChild(a);
    }
  }

  listen();
  fillSamples();
  fillConfigs();
  state.onChange.push(refresh);
  refresh();
}
