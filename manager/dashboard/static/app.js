/* global document, fetch, EventSource */
// The dashboard page: follows the cluster through /events and sends the person's actions as
// JSON POSTs. Rows are kept by id and updated in place, so a live update never clears what
// the person is typing or which service they opened.

const $ = (selector, root = document) => root.querySelector(selector);

/** Makes an element: el('td', { class: 'x' }, 'text', child). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

const words = (s) => s.toLowerCase().replaceAll('_', ' ');
const opened = new Set();

function notify(text, kind) {
  const notice = $('#notice');
  notice.textContent = text;
  notice.className = kind;
  notice.hidden = false;
}

/** POSTs an action; shows its answer, or the API's error. */
async function act(path, body, button) {
  if (button) button.disabled = true;
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
    if (res.ok) notify(answer.message, 'ok');
    else notify(answer.error ?? `${res.status} ${res.statusText}`, 'error');
  } catch (err) {
    notify(`cannot reach the manager: ${err.message}`, 'error');
  } finally {
    if (button) button.disabled = false;
  }
}

/** Sets a cell's text only when it changed (keeps selections and avoids flicker). */
function setText(cell, text) {
  if (cell.textContent !== text) cell.textContent = text;
}

/** Brings a tbody's rows to `items`, made once by `make`, refreshed by `update`. */
function reconcile(tbody, items, key, make, update) {
  const existing = new Map([...tbody.children].filter((r) => r.dataset.key).map((r) => [r.dataset.key, r]));
  let anchor = null;
  for (const item of items) {
    const k = key(item);
    let row = existing.get(k);
    existing.delete(k);
    if (!row) {
      row = make(item);
      row.dataset.key = k;
    }
    update(row, item);
    const next = anchor ? anchor.nextSibling : tbody.firstChild;
    if (row !== next) tbody.insertBefore(row, next);
    anchor = row;
    if (row.detail) {
      if (row.detail !== row.nextSibling) tbody.insertBefore(row.detail, row.nextSibling);
      anchor = row.detail;
    }
  }
  for (const row of existing.values()) {
    row.detail?.remove();
    row.remove();
  }
}

function serviceRow(s) {
  const toggle = el('button', { class: 'toggle', 'aria-expanded': 'false', title: 'show tasks' }, '▸');
  const replicas = el('input', {
    type: 'number',
    min: '0',
    class: 'replicas-input',
    'aria-label': 'replicas',
  });
  const scale = el('button', { class: 'scale' }, 'Scale');
  const image = el('input', {
    type: 'text',
    class: 'image-input',
    'aria-label': 'image',
    placeholder: 'image',
  });
  const update = el('button', { class: 'update-image' }, 'Update');
  const rollback = el('button', { class: 'rollback secondary' }, 'Rollback');
  const row = el(
    'tr',
    { class: 'service', 'data-service': s.name },
    el('td', {}, toggle),
    el('td', { class: 'name' }),
    el('td', { class: 'image' }),
    el('td', { class: 'mode' }),
    el('td', { class: 'replicas' }),
    el('td', { class: 'update' }),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'actions' },
        el('form', { class: 'scale-form' }, replicas, scale),
        el('form', { class: 'image-form' }, image, update),
        rollback,
      ),
    ),
  );
  const tasks = el('tbody');
  row.detail = el(
    'tr',
    { class: 'tasks', hidden: '' },
    el(
      'td',
      { colspan: '7' },
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Task', 'Node', 'Desired', 'State', 'Version', 'Message'].map((h) => el('th', {}, h)),
          ),
        ),
        tasks,
      ),
    ),
  );
  row.tasks = tasks;
  const show = (open) => {
    row.detail.hidden = !open;
    toggle.textContent = open ? '▾' : '▸';
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => {
    const id = row.dataset.key;
    if (opened.has(id)) opened.delete(id);
    else opened.add(id);
    show(opened.has(id));
  });
  row.show = show;
  $('.scale-form', row).addEventListener('submit', (e) => {
    e.preventDefault();
    act(
      `/api/services/${encodeURIComponent(row.dataset.key)}/scale`,
      { replicas: Number(replicas.value) },
      scale,
    );
  });
  $('.image-form', row).addEventListener('submit', (e) => {
    e.preventDefault();
    act(`/api/services/${encodeURIComponent(row.dataset.key)}/image`, { image: image.value }, update);
  });
  rollback.addEventListener('click', () =>
    act(`/api/services/${encodeURIComponent(row.dataset.key)}/rollback`, {}, rollback),
  );
  return row;
}

function updateText(u) {
  if (!u) return '';
  const state = words(u.state);
  const active = u.state === 'UPDATING' || u.state === 'ROLLBACK_STARTED';
  return active ? `${state} v${u.fromVersion} → v${u.toVersion} (${u.updated}/${u.of} done)` : state;
}

function updateServiceRow(row, s) {
  setText($('.name', row), s.name);
  setText($('.image', row), s.image);
  setText($('.mode', row), s.mode);
  const cell = $('.replicas', row);
  setText(cell, `${s.running}/${s.desired}`);
  cell.classList.toggle('converged', s.running === s.desired);
  const update = $('.update', row);
  setText(update, updateText(s.update));
  update.title = s.update?.message ?? '';
  update.className = `update ${s.update ? s.update.state.toLowerCase() : ''}`;
  const replicas = $('.replicas-input', row);
  $('.scale-form', row).hidden = s.replicas === null;
  if (document.activeElement !== replicas) replicas.value = s.replicas ?? '';
  const image = $('.image-input', row);
  if (document.activeElement !== image && !image.value) image.value = s.image;
  row.show(opened.has(s.id));
  reconcile(
    row.tasks,
    s.tasks,
    (t) => t.id,
    () => el('tr', {}, ...Array.from({ length: 6 }, () => el('td'))),
    (tr, t) => {
      const cells = tr.children;
      setText(cells[0], t.name);
      setText(cells[1], t.node);
      setText(cells[2], words(t.desiredState));
      setText(cells[3], words(t.state));
      setText(cells[4], `v${t.specVersion}`);
      setText(cells[5], t.error || t.message);
      tr.className = `task ${t.state.toLowerCase()}`;
    },
  );
}

function nodeRow(n) {
  const drain = el('button', { class: 'drain secondary' }, 'Drain');
  const activate = el('button', { class: 'activate' }, 'Activate');
  const row = el(
    'tr',
    { class: 'node', 'data-node': n.hostname },
    el('td', { class: 'hostname' }),
    el('td', { class: 'role' }),
    el('td', { class: 'availability' }),
    el('td', { class: 'state' }),
    el('td', { class: 'addr' }),
    el('td', { class: 'tasks' }),
    el('td', {}, el('div', { class: 'actions' }, drain, activate)),
  );
  const set = (availability, button) =>
    act(`/api/nodes/${encodeURIComponent(row.dataset.key)}/availability`, { availability }, button);
  drain.addEventListener('click', () => set('drain', drain));
  activate.addEventListener('click', () => set('active', activate));
  return row;
}

function updateNodeRow(row, n) {
  setText($('.hostname', row), n.hostname);
  setText($('.role', row), n.leader ? 'manager (leader)' : words(n.role));
  setText($('.availability', row), words(n.availability));
  const state = $('.state', row);
  setText(state, words(n.state));
  state.className = `state ${n.state.toLowerCase()}`;
  setText($('.addr', row), n.addr);
  setText($('.tasks', row), String(n.tasks));
  $('.drain', row).hidden = n.availability === 'DRAIN';
  $('.activate', row).hidden = n.availability === 'ACTIVE';
}

function render(state) {
  reconcile($('#services tbody'), state.services, (s) => s.id, serviceRow, updateServiceRow);
  $('#no-services').hidden = state.services.length > 0;
  reconcile($('#nodes tbody'), state.nodes, (n) => n.id, nodeRow, updateNodeRow);
}

function follow() {
  const live = $('#live');
  const events = new EventSource('/events');
  events.addEventListener('state', (e) => {
    render(JSON.parse(e.data));
    live.textContent = 'live';
    live.className = 'live on';
  });
  events.addEventListener('error', async () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
    // EventSource retries by itself, but not past a refusal: say what to do about it.
    const res = await fetch('/api/nodes').catch(() => undefined);
    if (res?.status === 401) {
      events.close();
      live.textContent = 'signed out';
      const answer = await res.json().catch(() => ({}));
      notify(answer.error ?? 'signed out: run `cluster dashboard login` on a manager', 'error');
    }
  });
}

$('#logout').addEventListener('click', async () => {
  await fetch('/api/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  document.location.reload();
});

follow();
