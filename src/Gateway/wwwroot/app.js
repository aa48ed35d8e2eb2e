// UploadProxy dashboard: recent batches, one batch's sessions, live through Server-Sent Events read with fetch()
// (so that the API key can travel in a header), polling as the fallback. Plain browser JavaScript, no build step.
'use strict';

const STATUSES = ['pending', 'uploading', 'uploaded', 'linked', 'failed', 'expired'];
const SEGMENT_ORDER = ['linked', 'uploaded', 'failed', 'expired', 'uploading'];
const API_KEY_STORAGE = 'uploadproxy.apiKey';
const POLL_INTERVAL_MS = 2000;
const BATCH_LIST_REFRESH_MS = 10000;
const STREAM_SILENCE_MS = 45000; // the server sends ": keep-alive" every 15 s
const STREAM_RETRY_WHILE_POLLING_MS = 30000;
const STREAM_FAILURES_BEFORE_POLLING = 2;

const state = {
  apiKey: readStoredApiKey(),
  batches: [],
  batchId: null,
  batch: null, // { id, total, counts, updatedTime, sessions: Map<id, session> }
  lastEventId: null,
  stream: null, // AbortController of the open event stream
  streamFailures: 0,
  reconnectDelay: 1000,
  syncBuffer: null, // session events received while a snapshot is on its way
  pollTimer: 0,
  reconnectTimer: 0,
  silenceTimer: 0,
  retryResults: new Map(), // session id -> { ok, message }
  rowSignatures: new Map(),
  renderQueued: false,
};

const $ = (id) => document.getElementById(id);

// ---- HTTP ------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function authHeaders(headers = {}) {
  return state.apiKey ? { ...headers, Authorization: `Bearer ${state.apiKey}` } : headers;
}

async function apiErrorFrom(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // Not a problem+json body.
  }
  const message = problem?.detail || problem?.title || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, problem?.code);
}

async function requestJson(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    cache: 'no-store',
    headers: authHeaders({ Accept: 'application/json', ...options.headers }),
  });
  if (!response.ok) {
    throw await apiErrorFrom(response);
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

const batchPath = (id) => `/api/batches/${encodeURIComponent(id)}`;

// ---- Status line, connection indicator, API key --------------------------------------------------------------

function showStatus(message, kind = 'info') {
  const line = $('status-line');
  line.textContent = message;
  line.dataset.kind = kind;
}

function reportError(error, context) {
  if (error instanceof ApiError && error.status === 401) {
    $('api-key').setAttribute('aria-invalid', 'true');
    showStatus('This gateway needs an API key: enter it at the top and press Save.', 'error');
    return;
  }
  showStatus(`${context}: ${error.message}`, 'error');
}

function setConnection(mode) {
  const labels = { idle: 'idle', connecting: 'connecting', live: 'live', polling: 'polling', offline: 'offline' };
  $('connection').dataset.mode = mode;
  $('connection-label').textContent = labels[mode];
}

function readStoredApiKey() {
  try {
    return localStorage.getItem(API_KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

function saveApiKey(event) {
  event.preventDefault();
  state.apiKey = $('api-key').value.trim();
  try {
    if (state.apiKey) {
      localStorage.setItem(API_KEY_STORAGE, state.apiKey);
    } else {
      localStorage.removeItem(API_KEY_STORAGE);
    }
  } catch {
    // Private mode: the key lasts for this page only.
  }
  $('api-key').removeAttribute('aria-invalid');
  showStatus(state.apiKey ? 'API key saved.' : 'API key cleared.');
  loadRecentBatches();
  if (state.batchId) {
    openBatch(state.batchId);
  }
}

// ---- Formatting ------------------------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

function formatSize(bytes) {
  if (bytes === null || bytes === undefined) {
    return '—';
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function formatRelativeTime(iso) {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return '';
  }
  const seconds = Math.round((time - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return Math.abs(seconds) < 10 ? 'just now' : format.format(seconds, 'second');
}

const countOf = (counts, status) => (counts && counts[status]) || 0;

// A session is done when nothing more will happen to it without a person: stored (and linked, if Notion is on),
// failed, or expired. A Notion link that failed for good waits for a retry, so it counts as done too.
function isSessionDone(session) {
  if (['linked', 'failed', 'expired'].includes(session.status)) {
    return true;
  }
  return session.status === 'uploaded' && ['disabled', 'failed', undefined, null].includes(session.notion_status);
}

function doneFromCounts(counts) {
  return ['uploaded', 'linked', 'failed', 'expired'].reduce((sum, status) => sum + countOf(counts, status), 0);
}

function batchProgress(batch) {
  const sessions = [...batch.sessions.values()];
  const total = Math.max(batch.total || 0, sessions.length);
  const done = sessions.length ? sessions.filter(isSessionDone).length : doneFromCounts(batch.counts);
  return { done, total, percent: total ? Math.floor((done / total) * 100) : 0 };
}

function describeProgress(batch, done, total) {
  const parts = [`${done} of ${total} sessions done`];
  const failed = countOf(batch.counts, 'failed');
  const notionFailed = [...batch.sessions.values()].filter((session) => session.notion_status === 'failed').length;
  if (failed) {
    parts.push(`${failed} failed to upload`);
  }
  if (notionFailed) {
    parts.push(`${notionFailed} to retry in Notion`);
  }
  return parts.join(' · ');
}

// ---- Rendering -------------------------------------------------------------------------------------------------

function renderProgressBar(bar, counts, total) {
  for (const status of SEGMENT_ORDER) {
    let segment = bar.querySelector(`.segment.${status}`);
    if (!segment) {
      segment = el('span', { class: `segment ${status}` });
      bar.append(segment);
    }
    const count = countOf(counts, status);
    segment.style.width = total ? `${(count / total) * 100}%` : '0';
    segment.title = `${count} ${status}`;
  }
}

function renderBatchList(emptyMessage = 'No batches yet. Sessions created with a batch_id show up here.') {
  const list = $('batch-list');
  const focusedId = document.activeElement?.dataset?.batchId;
  list.replaceChildren(...state.batches.map((batch) => {
    const done = doneFromCounts(batch.counts);
    const bar = el('div', { class: 'progress', 'aria-hidden': 'true' });
    renderProgressBar(bar, batch.counts, batch.total);
    const button = el('button', {
      type: 'button', class: 'batch-link', 'data-batch-id': batch.id,
      'aria-current': batch.id === state.batchId ? 'true' : null,
      'aria-label': `Batch ${batch.id}: ${done} of ${batch.total} done`,
    },
    el('span', { class: 'batch-link-top' },
      el('span', { class: 'batch-link-id' }, batch.id),
      el('span', { class: 'batch-link-meta' }, `${done}/${batch.total}`)),
    bar,
    el('span', { class: 'batch-link-time', title: batch.updated_time }, `updated ${formatRelativeTime(batch.updated_time)}`));
    return el('li', {}, button);
  }));
  $('batch-list-empty').textContent = emptyMessage;
  $('batch-list-empty').hidden = state.batches.length > 0;
  if (focusedId) {
    list.querySelector(`[data-batch-id="${CSS.escape(focusedId)}"]`)?.focus();
  }
}

function renderCountChips(counts) {
  $('batch-counts').replaceChildren(...STATUSES.map((status) => {
    const count = countOf(counts, status);
    return el('li', { class: `chip${count ? '' : ' zero'}` },
      el('span', { class: 'swatch', style: `background: var(--${status})`, 'aria-hidden': 'true' }),
      `${status} `, el('strong', {}, String(count)));
  }));
}

function notionCell(session) {
  if (session.notion_page_url) {
    return el('a', { href: session.notion_page_url, target: '_blank', rel: 'noopener', class: 'notion-link' }, 'Notion row');
  }
  if (['failed', 'expired'].includes(session.status)) {
    return el('span', { class: 'muted' }, '—'); // nothing to link
  }
  const text = { pending: session.status === 'uploaded' ? 'linking…' : 'waiting', failed: 'failed', linked: 'linked' };
  return el('span', { class: session.notion_status === 'failed' ? 'error-text' : 'muted' }, text[session.notion_status] || '—');
}

function detailsCell(session) {
  const details = el('div', { class: 'details' });
  if (session.error) {
    details.append(el('span', { class: 'error-text' }, session.error));
  }
  if (session.notion_status === 'failed') {
    details.append(el('button', {
      type: 'button', class: 'button small', 'data-retry': session.id,
      'aria-label': `Retry Notion linking for ${session.filename || session.id}`,
    }, 'Retry'));
  }
  const result = currentRetryResult(session);
  if (result) {
    details.append(el('span', { class: 'retry-result', role: 'note' }, result.message));
  }
  return details;
}

function buildSessionRow(session) {
  const name = session.filename || 'untitled.pdf';
  const documentCell = session.url
    ? el('a', { href: session.url, target: '_blank', rel: 'noopener', class: 'document-link', title: session.url }, 'open')
    : el('span', { class: 'muted' }, '—');
  return el('tr', { 'data-session-id': session.id, 'data-status': session.status },
    el('td', {}, el('span', { class: `badge ${session.status}` }, session.status)),
    el('td', {}, el('span', { class: 'filename' }, name), el('span', { class: 'session-id' }, session.id)),
    el('td', { class: 'numeric' }, formatSize(session.content_length)),
    el('td', {}, documentCell),
    el('td', {}, notionCell(session)),
    el('td', {}, detailsCell(session)));
}

function renderSessionRows(sessions) {
  const body = $('session-rows');
  const existing = new Map([...body.rows].map((row) => [row.dataset.sessionId, row]));
  for (const session of sessions.values()) {
    const signature = JSON.stringify([session, currentRetryResult(session)]);
    const row = existing.get(session.id);
    existing.delete(session.id);
    if (row && state.rowSignatures.get(session.id) === signature) {
      continue;
    }
    state.rowSignatures.set(session.id, signature);
    const fresh = buildSessionRow(session);
    if (row) {
      const hadFocus = row.contains(document.activeElement) && document.activeElement.dataset.retry;
      if (row.dataset.status !== session.status) {
        fresh.classList.add('flash');
      }
      row.replaceWith(fresh);
      if (hadFocus) {
        fresh.querySelector('[data-retry]')?.focus();
      }
    } else {
      body.append(fresh);
    }
  }
  for (const [id, row] of existing) {
    row.remove();
    state.rowSignatures.delete(id);
  }
  $('sessions-empty').hidden = sessions.size > 0;
}

function renderBatch() {
  const batch = state.batch;
  if (!batch) {
    return;
  }
  const { done, total, percent } = batchProgress(batch);
  $('welcome').hidden = true;
  $('batch').hidden = false;
  $('batch-title').textContent = batch.id;
  $('batch-updated').textContent = batch.updatedTime ? `Updated ${formatRelativeTime(batch.updatedTime)}` : '';
  $('batch-updated').title = batch.updatedTime || '';
  $('batch-percent').textContent = String(percent);
  const bar = $('batch-progress');
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', `${done} of ${total} sessions done (${percent} %)`);
  renderProgressBar(bar, batch.counts, total);
  $('batch-progress-text').textContent = describeProgress(batch, done, total);
  renderCountChips(batch.counts);
  renderSessionRows(batch.sessions);
}

function scheduleRender() {
  if (state.renderQueued) {
    return;
  }
  state.renderQueued = true;
  requestAnimationFrame(() => {
    state.renderQueued = false;
    renderBatch();
    renderBatchList();
  });
}

// ---- Batch state -----------------------------------------------------------------------------------------------

function applySnapshot(batch) {
  state.batch = {
    id: batch.id,
    total: batch.total,
    counts: batch.counts || {},
    updatedTime: batch.updated_time,
    sessions: new Map((batch.sessions || []).map((session) => [session.id, session])),
  };
  updateBatchListEntry(batch.id, batch.total, batch.counts, batch.updated_time);
  scheduleRender();
}

function applySessionEvent(change) {
  if (!state.batch || !change?.session) {
    return;
  }
  state.syncBuffer?.push(change);
  state.batch.sessions.set(change.session.id, change.session);
  state.batch.total = change.total;
  state.batch.counts = change.counts || {};
  state.batch.updatedTime = new Date().toISOString();
  updateBatchListEntry(state.batch.id, change.total, change.counts, state.batch.updatedTime);
  scheduleRender();
}

function updateBatchListEntry(id, total, counts, updatedTime) {
  const entry = state.batches.find((batch) => batch.id === id);
  if (entry) {
    Object.assign(entry, { total, counts, updated_time: updatedTime || entry.updated_time });
  }
}

function currentRetryResult(session) {
  const result = state.retryResults.get(session.id);
  // A started retry is news while Notion links again; a refused one while the link is still failed.
  if (result && session.notion_status === (result.ok ? 'pending' : 'failed')) {
    return result;
  }
  return null;
}

async function loadRecentBatches() {
  try {
    const list = await requestJson('/api/batches');
    state.batches = list?.data || [];
    if (state.batch) {
      updateBatchListEntry(state.batch.id, state.batch.total, state.batch.counts, state.batch.updatedTime);
    }
    renderBatchList();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      state.batches = [];
      renderBatchList('Enter the API key to see the recent batches.');
    }
    reportError(error, 'Could not load the recent batches');
  }
}

// Reloads the whole batch, then replays the events that arrived meanwhile, so that nothing between the two is lost.
async function resyncBatch(id) {
  state.syncBuffer = [];
  try {
    const snapshot = await requestJson(batchPath(id));
    const missed = state.syncBuffer;
    state.syncBuffer = null;
    if (state.batchId === id) {
      applySnapshot(snapshot);
      missed.forEach(applySessionEvent);
    }
  } catch (error) {
    state.syncBuffer = null;
    reportError(error, `Could not reload batch ${id}`);
  }
}

async function openBatch(id) {
  stopFollowing();
  Object.assign(state, { batchId: id, batch: null, lastEventId: null, streamFailures: 0 });
  state.retryResults.clear();
  state.rowSignatures.clear();
  $('session-rows').replaceChildren();
  $('batch-id').value = id;
  showStatus(`Opening batch ${id}…`);
  renderBatchList();
  try {
    const snapshot = await requestJson(batchPath(id));
    if (state.batchId !== id) {
      return;
    }
    applySnapshot(snapshot);
    showStatus(`Batch ${id}: ${snapshot.total} sessions.`);
    followBatch(id);
  } catch (error) {
    if (state.batchId !== id) {
      return;
    }
    $('batch').hidden = true;
    $('welcome').hidden = false;
    setConnection('idle');
    if (error instanceof ApiError && error.status === 404) {
      showStatus(`There is no batch named “${id}” (yet).`, 'error');
    } else {
      reportError(error, `Could not open batch ${id}`);
    }
  }
}

function showBatchFromLocation() {
  const match = /^#\/batches\/(.+)$/.exec(location.hash);
  if (match) {
    openBatch(decodeURIComponent(match[1]));
  }
}

function navigateToBatch(id) {
  const hash = `#/batches/${encodeURIComponent(id)}`;
  if (location.hash === hash) {
    openBatch(id);
  } else {
    location.hash = hash; // the hashchange listener opens it
  }
}

async function retrySession(sessionId, button) {
  const session = state.batch?.sessions.get(sessionId);
  const name = session?.filename || sessionId;
  button.disabled = true;
  button.textContent = 'Retrying…';
  try {
    await requestJson(`/api/notion/upload-proxy/retry/${encodeURIComponent(sessionId)}`, { method: 'POST' });
    state.retryResults.set(sessionId, { ok: true, message: 'Retry started: linking to Notion again.' });
    showStatus(`Retry started for ${name}.`);
    if (session) {
      session.notion_status = 'pending'; // until the stream or the next poll tells more
    }
  } catch (error) {
    state.retryResults.set(sessionId, { ok: false, message: `Retry refused: ${error.message}` });
    reportError(error, `Retry of ${name} refused`);
  }
  state.rowSignatures.delete(sessionId);
  scheduleRender();
}

// ---- Live updates: Server-Sent Events over fetch(), polling as the fallback -------------------------------------

// Parses the text/event-stream format: "field: value" lines, comments starting with ":", a blank line dispatches.
function createEventStreamParser({ onEvent, onId, onRetry }) {
  let buffer = '';
  let skipNextLineFeed = false;
  let data = [];
  let type = '';
  let id = null;

  function dispatch() {
    if (id !== null) {
      onId(id);
    }
    if (data.length) {
      onEvent({ type: type || 'message', data: data.join('\n') });
    }
    data = [];
    type = '';
    id = null;
  }

  function processLine(line) {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.startsWith(':')) {
      return; // a comment, such as the server's keep-alive
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'data') {
      data.push(value);
    } else if (field === 'event') {
      type = value;
    } else if (field === 'id' && !value.includes('\0')) {
      id = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) {
      onRetry(Number(value));
    }
  }

  return {
    push(text) {
      if (skipNextLineFeed && text.startsWith('\n')) {
        text = text.slice(1); // the second half of a CRLF split across two chunks
      }
      skipNextLineFeed = text.endsWith('\r');
      const lines = (buffer + text).split(/\r\n|\r|\n/);
      buffer = lines.pop();
      lines.forEach(processLine);
    },
  };
}

function handleStreamEvent(event, id) {
  if (state.batchId !== id) {
    return;
  }
  if (event.type === 'session') {
    applySessionEvent(JSON.parse(event.data));
  } else if (event.type === 'reset') {
    resyncBatch(id); // the server no longer has the changes asked for
  }
}

function followBatch(id) {
  if (typeof ReadableStream === 'undefined' || typeof TextDecoderStream === 'undefined') {
    startPolling(id, false);
  } else {
    connectEventStream(id);
  }
}

async function connectEventStream(id) {
  clearTimeout(state.reconnectTimer);
  state.stream?.abort();
  const controller = new AbortController();
  state.stream = controller;
  let received = false;
  const headers = authHeaders({ Accept: 'text/event-stream' });
  if (state.lastEventId !== null) {
    headers['Last-Event-ID'] = state.lastEventId;
  }
  if (!state.pollTimer) {
    setConnection('connecting');
  }
  try {
    const response = await fetch(`${batchPath(id)}/events`, { headers, cache: 'no-store', signal: controller.signal });
    if (!response.ok) {
      throw await apiErrorFrom(response);
    }
    if (!response.body) {
      throw new Error('this browser cannot read a streamed response');
    }
    stopPolling();
    setConnection('live');
    const firstConnection = state.lastEventId === null;
    const parser = createEventStreamParser({
      onEvent: (event) => handleStreamEvent(event, id),
      onId: (eventId) => { state.lastEventId = eventId; },
      onRetry: (delay) => { state.reconnectDelay = delay; },
    });
    if (firstConnection) {
      resyncBatch(id); // whatever changed between the first load and this connection
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    resetSilenceWatchdog(controller);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      received = true;
      state.streamFailures = 0;
      resetSilenceWatchdog(controller);
      parser.push(value);
    }
    throw new Error('the server closed the event stream');
  } catch (error) {
    clearTimeout(state.silenceTimer);
    if (state.stream !== controller || state.batchId !== id) {
      return; // closed on purpose: another batch, or polling took over
    }
    handleStreamFailure(id, error, received);
  }
}

function resetSilenceWatchdog(controller) {
  clearTimeout(state.silenceTimer);
  state.silenceTimer = setTimeout(() => controller.abort(), STREAM_SILENCE_MS);
}

function handleStreamFailure(id, error, received) {
  if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
    stopFollowing();
    setConnection('offline');
    reportError(error, 'Live updates stopped');
    return;
  }
  if (!received) {
    state.streamFailures += 1;
  }
  if (state.streamFailures >= STREAM_FAILURES_BEFORE_POLLING) {
    startPolling(id, true);
  } else {
    setConnection('connecting');
    state.reconnectTimer = setTimeout(() => connectEventStream(id), state.reconnectDelay);
  }
}

function startPolling(id, retryStreamLater) {
  state.stream?.abort();
  state.stream = null;
  if (!state.pollTimer) {
    setConnection('polling');
    showStatus('Live updates are unavailable: refreshing every 2 seconds.');
    state.pollTimer = setInterval(() => pollBatch(id), POLL_INTERVAL_MS);
    pollBatch(id);
  }
  if (retryStreamLater) {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = setTimeout(() => connectEventStream(id), STREAM_RETRY_WHILE_POLLING_MS);
  }
}

async function pollBatch(id) {
  try {
    const snapshot = await requestJson(batchPath(id));
    if (state.batchId === id && state.pollTimer) {
      applySnapshot(snapshot);
      setConnection('polling');
    }
  } catch (error) {
    setConnection('offline');
    reportError(error, `Could not refresh batch ${id}`);
  }
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = 0;
}

function stopFollowing() {
  const stream = state.stream;
  state.stream = null;
  stream?.abort();
  stopPolling();
  clearTimeout(state.reconnectTimer);
  clearTimeout(state.silenceTimer);
  state.syncBuffer = null;
}

// ---- Start -----------------------------------------------------------------------------------------------------

function start() {
  $('api-key').value = state.apiKey;
  $('api-key-form').addEventListener('submit', saveApiKey);
  $('open-batch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = $('batch-id').value.trim();
    if (id) {
      navigateToBatch(id);
    }
  });
  $('batch-list').addEventListener('click', (event) => {
    const link = event.target.closest('[data-batch-id]');
    if (link) {
      navigateToBatch(link.dataset.batchId);
    }
  });
  $('session-rows').addEventListener('click', (event) => {
    const button = event.target.closest('[data-retry]');
    if (button) {
      retrySession(button.dataset.retry, button);
    }
  });
  $('refresh-batches').addEventListener('click', loadRecentBatches);
  window.addEventListener('hashchange', showBatchFromLocation);
  setConnection('idle');
  loadRecentBatches();
  setInterval(loadRecentBatches, BATCH_LIST_REFRESH_MS);
  showBatchFromLocation();
}

start();
