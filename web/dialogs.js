// The header's dialogs: save the current settings as a named
// configuration (POST saveconfig), delete one (DELETE deleteconfig), and
// the tag filters tf, ti, ts, th (pprof has no menu for them).
function initDialogs() {
  'use strict';
  const { el, link, viewPath, go } = cprof;
  const dialogs = { deleting: '' }; // the configuration the delete dialog is about

  function send(method, url, error, done) {
    error.textContent = '';
    fetch(url, { method })
      .then((r) => (r.ok ? done() : r.text().then((t) => { error.textContent = t.trim() || method + ' failed: ' + r.status; })))
      .catch((e) => { error.textContent = method + ' failed: ' + e.message; });
  }

  function open(dialog) {
    if (!dialog.open) dialog.showModal();
  }

  // ---- save ----

  function saveShow(e) {
    e.preventDefault();
    el('save-error').textContent = '';
    open(el('save-dialog'));
    el('save-name').focus();
  }

  function saveCommit(e) {
    e.preventDefault();
    const name = el('save-name').value.trim();
    if (name === '') {
      el('save-error').textContent = 'A name, please';
      return;
    }
    const url = link('./saveconfig', (p) => p.set('config', name));
    send('POST', url, el('save-error'), () => location.reload());
  }

  // ---- delete ----

  function deleteShow(e) {
    const del = e.target.closest('.config-delete');
    if (!del) return;
    e.preventDefault();
    e.stopPropagation();
    dialogs.deleting = del.parentElement.dataset.config;
    el('delete-prompt').textContent = 'Delete ' + dialogs.deleting + '?';
    el('delete-error').textContent = '';
    open(el('delete-dialog'));
  }

  function deleteCommit(e) {
    e.preventDefault();
    const name = dialogs.deleting;
    const url = './deleteconfig?' + new URLSearchParams({ config: name }).toString();
    send('DELETE', url, el('delete-error'), () => {
      for (const a of document.querySelectorAll('#config-list .config')) {
        if (a.dataset.config === name) a.remove();
      }
      el('delete-dialog').close();
    });
  }

  // ---- tag filters ----

  function tagInputs() {
    return Array.from(document.querySelectorAll('#tag-dialog input[data-param]'));
  }

  function tagShow(e) {
    e.preventDefault();
    const params = new URLSearchParams(location.search);
    for (const input of tagInputs()) input.value = params.get(input.dataset.param) || '';
    open(el('tag-dialog'));
    tagInputs()[0].focus();
  }

  function tagApply(e) {
    e.preventDefault();
    go(link(viewPath(), (p) => {
      for (const input of tagInputs()) {
        const v = input.value.trim();
        if (v === '') p.delete(input.dataset.param);
        else p.set(input.dataset.param, v);
      }
    }));
  }

  function closer(id) {
    return () => el(id).close();
  }

  el('save-config').addEventListener('click', saveShow);
  el('save-dialog').querySelector('form').addEventListener('submit', saveCommit);
  el('save-cancel').addEventListener('click', closer('save-dialog'));
  el('config-list').addEventListener('click', deleteShow);
  el('delete-dialog').querySelector('form').addEventListener('submit', deleteCommit);
  el('delete-cancel').addEventListener('click', closer('delete-dialog'));
  el('tag-filters').addEventListener('click', tagShow);
  el('tag-dialog').querySelector('form').addEventListener('submit', tagApply);
  el('tag-cancel').addEventListener('click', closer('tag-dialog'));
}
