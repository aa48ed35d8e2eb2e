// UploadProxy dashboard: recent batches and one batch's sessions, followed live through Server-Sent Events read with
// fetch() (EventSource cannot send the API key header), with polling as the fallback. Plain JavaScript, no build step.
'use strict';

const STATUSES = ['pending', 'uploading', 'uploaded', 'linked', 'failed', 'expired'];
const SEGMENT_ORDER = ['linked', 'uploaded', 'failed', 'expired', 'uploading'];
const API_KEY_STORAGE = 'uploadproxy.apiKey';
const POLL_INTERVAL_MS = 2000;
const BATCH_LIST_REFRESH_MS = 10000;
const WEBHOOKS_REFRESH_MS = 10000;
const STREAM_SILENCE_MS = 45000; // the server sends ": keep-alive" every 15 s: this much silence is a dead link
const STREAM_RETRY_WHILE_POLLING_MS = 30000;
const STREAM_FAILURES_BEFORE_POLLING = 2;
// Sessions per page of GET /api/batches/{id}: 100 unless the page's address asks otherwise (?page_size=, 1 to 1000).
const PAGE_SIZE = Math.min(1000, Math.max(1, Number.parseInt(new URLSearchParams(location.search).get('page_size'), 10) || 100));
const MAX_PAGE_SIZE = 1000;
// The pace (chart and ETA) is one small request (limit=1), never the sessions: asked at most this often while
// sessions change, and this often anyway so that the chart moves on with the clock.
const PACE_REFRESH_DELAY_MS = 2000;
const PACE_REFRESH_INTERVAL_MS = 15000;
const CHART = { width: 600, height: 120, padding: 8 };

const state = {
  apiKey: readStoredApiKey(),
  batches: [],
  batchId: null,
  batch: null, // { id, total, counts, updatedTime, sessions: Map<id, session> (the pages loaded), nextCursor, pace }
  statusFilter: '', // only sessions in this status are listed ('' for all); the counts and the pace are the batch's
  loads: Promise.resolve(), // page loads, one after the other, so a reload never undoes a "show more"
  lastEventId: null,
  stream: null, // AbortController of the open event stream
  streamFailures: 0,
  reconnectDelay: 1000,
  syncBuffer: null, // session events received while a snapshot is on its way
  pollTimer: 0,
  reconnectTimer: 0,
  retryResults: new Map(), // session id -> { ok, message }
  rowSignatures: new Map(), // session id -> what its row shows, to redraw only changed rows
  renderQueued: false,
  paceTimer: 0, // the periodic refresh of the chart and ETA
  paceRefreshTimer: 0, // a refresh asked for by session changes, coalesced
};

const $ = (id) => document.getElementById(id);

// ---- HTTP ------------------------------------------------------------------------------------------------------

const apiError = (status, message) => Object.assign(new Error(message), { status });

function authHeaders(headers = {}) {
  return state.apiKey ? { ...headers, Authorization: `Bearer ${state.apiKey}` } : headers;
}

async function apiErrorFrom(response) {
  const problem = await response.json().catch(() => null); // problem+json, or nothing useful
  return apiError(response.status, problem?.detail || problem?.title || `${response.status} ${response.statusText}`);
}

async function requestJson(path, options = {}) {
  const headers = authHeaders({ Accept: 'application/json', ...options.headers });
  const response = await fetch(path, { ...options, cache: 'no-store', headers });
  if (!response.ok) throw await apiErrorFrom(response);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

const batchPath = (id) => `/api/batches/${encodeURIComponent(id)}`;

function pagePath(id, cursor, limit) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  if (state.statusFilter) query.set('status', state.statusFilter);
  return `${batchPath(id)}?${query}`;
}

// Runs page loads in turn: each sees the sessions the one before it left.
function queueLoad(load) {
  const run = state.loads.then(load, load);
  state.loads = run.catch(() => {});
  return run;
}

// The sessions loaded so far, again: as many as are shown (all of them once the last page was loaded), in pages of
// up to 1000, with the batch's counts as they are now.
async function reloadShownPages(id) {
  const shown = state.batch && !state.batch.nextCursor ? Infinity : Math.max(PAGE_SIZE, state.batch?.sessions.size || 0);
  let snapshot = null;
  const sessions = [];
  let cursor = null;
  do {
    const limit = Math.min(MAX_PAGE_SIZE, shown === Infinity ? MAX_PAGE_SIZE : shown - sessions.length);
    const page = await requestJson(pagePath(id, cursor, limit));
    snapshot ??= page;
    sessions.push(...(page.sessions || []));
    cursor = page.next_cursor;
    Object.assign(snapshot, { total: page.total, counts: page.counts, updated_time: page.updated_time });
  } while (cursor && sessions.length < shown);
  return { ...snapshot, sessions, next_cursor: cursor };
}
const isAuthError = (error) => error.status === 401;

// ---- Status line, connection indicator, API key --------------------------------------------------------------

function showStatus(message, kind = 'info') {
  $('status-line').textContent = message;
  $('status-line').dataset.kind = kind;
}

function reportError(error, context) {
  if (isAuthError(error)) {
    $('api-key').setAttribute('aria-invalid', 'true');
    showStatus('This gateway needs an API key: enter it at the top and press Save.', 'error');
  } else {
    showStatus(`${context}: ${error.message}`, 'error');
  }
}

// mode: idle | connecting | live | polling | offline
function setConnection(mode) {
  $('connection').dataset.mode = mode;
  $('connection-label').textContent = mode;
}

// Storage can be disabled: the key then lasts as long as the page.
function readStoredApiKey() {
  try { return localStorage.getItem(API_KEY_STORAGE) || ''; } catch { return ''; }
}

function storeApiKey(key) {
  try { if (key) localStorage.setItem(API_KEY_STORAGE, key); else localStorage.removeItem(API_KEY_STORAGE); } catch { /* disabled */ }
}

function saveApiKey(event) {
  event.preventDefault();
  state.apiKey = $('api-key').value.trim();
  storeApiKey(state.apiKey);
  $('api-key').removeAttribute('aria-invalid');
  showStatus(state.apiKey ? 'API key saved.' : 'API key cleared.');
  loadRecentBatches();
  if (state.batchId) openBatch(state.batchId);
}

// ---- Formatting and progress -----------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

function formatSize(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function formatRelativeTime(iso) {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  const seconds = Math.round((time - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return Math.abs(seconds) < 10 ? 'just now' : format.format(seconds, 'second');
}

const countOf = (counts, status) => (counts && counts[status]) || 0;

const formatNumber = (value) => new Intl.NumberFormat('en').format(value);

// 56 min, 1 h 05 min: how long linking the queue takes, read at a glance.
function formatDuration(seconds) {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

// The linking ETA from the queue and the configured Notion rate, as the server counts them (a lower bound: the rate
// is the cluster's, shared by every batch).
function describeEta(pace) {
  if (!pace) return '';
  if (pace.linkingRate === null || pace.linkingRate === undefined) return 'Notion linking is off: documents are done once stored.';
  const failed = pace.linkFailed ? ` ${formatNumber(pace.linkFailed)} failed to link: retry them below.` : '';
  if (!pace.awaitingLink) return `Nothing left to link.${failed}`;
  const seconds = Math.ceil(pace.awaitingLink / pace.linkingRate);
  const noun = pace.awaitingLink === 1 ? 'document' : 'documents';
  const left = seconds < 60 ? 'under a minute left' : `about ${formatDuration(seconds)} left`;
  return `${formatNumber(pace.awaitingLink)} ${noun} to link at ${pace.linkingRate} rows/s: ${left}.${failed}`;
}

// Done means nothing more happens without a person: stored (and linked when Notion is on), failed or expired.
// A Notion link that failed for good waits for a retry, so it counts as done as well.
function isSessionDone(session) {
  if (['linked', 'failed', 'expired'].includes(session.status)) return true;
  return session.status === 'uploaded' && ['disabled', 'failed', undefined, null].includes(session.notion_status);
}

// The batch list has counts only: there, uploaded counts as done whatever Notion still has to do.
function doneFromCounts(counts) {
  return ['uploaded', 'linked', 'failed', 'expired'].reduce((sum, status) => sum + countOf(counts, status), 0);
}

function batchProgress(batch) {
  const sessions = [...batch.sessions.values()];
  const total = Math.max(batch.total || 0, sessions.length);
  // Only with every session loaded can their Notion status count; with a page of them, the counts decide.
  const allLoaded = !batch.nextCursor && sessions.length >= total;
  const done = sessions.length && allLoaded ? sessions.filter(isSessionDone).length : doneFromCounts(batch.counts);
  return { done, total, percent: total ? Math.floor((done / total) * 100) : 0 };
}

function describeProgress(batch, done, total) {
  const failed = countOf(batch.counts, 'failed');
  const notionFailed = batch.pace?.linkFailed || 0; // the batch's, not only of the pages loaded
  return [
    `${done} of ${total} sessions done`,
    failed ? `${failed} failed to upload` : null,
    notionFailed ? `${notionFailed} to retry in Notion` : null,
  ].filter(Boolean).join(' · ');
}

// ---- Rendering -------------------------------------------------------------------------------------------------

function renderProgressBar(bar, counts, total) {
  for (const status of SEGMENT_ORDER) {
    const segment = bar.querySelector(`.segment.${status}`) || bar.appendChild(el('span', { class: `segment ${status}` }));
    const count = countOf(counts, status);
    segment.style.width = total ? `${(count / total) * 100}%` : '0';
    segment.title = `${count} ${status}`;
  }
}

function renderBatchList(emptyMessage = 'No batches yet. Sessions created with a batch_id show up here.') {
  const focusedId = document.activeElement?.dataset?.batchId;
  $('batch-list').replaceChildren(...state.batches.map((batch) => {
    const done = doneFromCounts(batch.counts);
    const bar = el('span', { class: 'progress', 'aria-hidden': 'true' });
    renderProgressBar(bar, batch.counts, batch.total);
    return el('li', {}, el('button', {
      type: 'button', class: 'batch-link', 'data-batch-id': batch.id,
      'aria-current': batch.id === state.batchId ? 'true' : null,
      'aria-label': `Batch ${batch.id}: ${done} of ${batch.total} done`,
    },
    el('span', { class: 'batch-link-top' },
      el('span', { class: 'batch-link-id' }, batch.id),
      el('span', { class: 'batch-link-meta' }, `${done}/${batch.total}`)),
    bar,
    el('span', { class: 'batch-link-time', title: batch.updated_time }, `updated ${formatRelativeTime(batch.updated_time)}`)));
  }));
  $('batch-list-empty').textContent = emptyMessage;
  $('batch-list-empty').hidden = state.batches.length > 0;
  if (focusedId) $('batch-list').querySelector(`[data-batch-id="${CSS.escape(focusedId)}"]`)?.focus();
}

function renderCountChips(counts) {
  $('batch-counts').replaceChildren(...STATUSES.map((status) => {
    const count = countOf(counts, status);
    return el('li', { class: count ? 'chip' : 'chip zero' },
      el('span', { class: 'swatch', style: `background: var(--${status})`, 'aria-hidden': 'true' }),
      `${status} `, el('strong', {}, String(count)));
  }));
}

function notionCell(session) {
  if (session.notion_page_url) {
    return el('a', { href: session.notion_page_url, target: '_blank', rel: 'noopener', class: 'notion-link' }, 'Notion row');
  }
  if (['failed', 'expired'].includes(session.status)) return el('span', { class: 'muted' }, '—'); // nothing to link
  const text = { pending: session.status === 'uploaded' ? 'linking…' : 'waiting', failed: 'failed', linked: 'linked' };
  const title = session.notion_status === 'disabled' ? 'Notion linking is not configured' : null;
  return el('span', { class: session.notion_status === 'failed' ? 'error-text' : 'muted', title }, text[session.notion_status] || '—');
}

function detailsCell(session) {
  const details = el('div', { class: 'details' });
  if (session.error) details.append(el('span', { class: 'error-text' }, session.error));
  if (session.notion_status === 'failed') {
    details.append(el('button', {
      type: 'button', class: 'button small', 'data-retry': session.id,
      'aria-label': `Retry Notion linking for ${session.filename || session.id}`,
    }, 'Retry'));
  }
  const result = currentRetryResult(session);
  if (result) details.append(el('span', { class: 'retry-result' }, result.message));
  return details;
}

function buildSessionRow(session) {
  const documentCell = session.url
    ? el('a', { href: session.url, target: '_blank', rel: 'noopener', class: 'document-link', title: session.url }, 'open')
    : el('span', { class: 'muted' }, '—');
  return el('tr', { 'data-session-id': session.id, 'data-status': session.status },
    el('td', {}, el('span', { class: `badge ${session.status}` }, session.status)),
    el('td', {}, el('span', { class: 'filename' }, session.filename || 'untitled.pdf'), el('span', { class: 'session-id' }, session.id)),
    el('td', { class: 'numeric' }, formatSize(session.content_length)),
    el('td', {}, documentCell),
    el('td', {}, notionCell(session)),
    el('td', {}, detailsCell(session)));
}

// Redraws only the rows whose session changed, so focus and hover survive a stream of updates.
function renderSessionRows(sessions) {
  const body = $('session-rows');
  const stale = new Map([...body.rows].map((row) => [row.dataset.sessionId, row]));
  for (const session of sessions.values()) {
    const row = stale.get(session.id);
    stale.delete(session.id);
    const signature = JSON.stringify([session, currentRetryResult(session)]);
    if (row && state.rowSignatures.get(session.id) === signature) continue;
    state.rowSignatures.set(session.id, signature);
    const fresh = buildSessionRow(session);
    if (!row) {
      body.append(fresh);
      continue;
    }
    const retryHadFocus = row.contains(document.activeElement) && 'retry' in document.activeElement.dataset;
    if (row.dataset.status !== session.status) fresh.classList.add('flash');
    row.replaceWith(fresh);
    if (retryHadFocus) fresh.querySelector('[data-retry]')?.focus();
  }
  for (const [id, row] of stale) {
    row.remove();
    state.rowSignatures.delete(id);
  }
  $('sessions-empty').hidden = sessions.size > 0;
}

const svg = (tag, attributes = {}, ...children) => {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
};

// One group per minute (its counts in data attributes, a title for the tooltip), a point per series in each, and a
// line through each series' points. Plain SVG, redrawn whole: 30 minutes are 60 points.
function renderThroughputChart(minutes) {
  const chart = $('throughput-chart');
  const { width, height, padding } = CHART;
  const peak = Math.max(1, ...minutes.map((m) => Math.max(m.stored, m.linked)));
  const x = (i) => padding + (minutes.length > 1 ? (i * (width - 2 * padding)) / (minutes.length - 1) : 0);
  const y = (count) => height - padding - (count / peak) * (height - 2 * padding);
  const line = (series) => svg('polyline', { class: series, points: minutes.map((m, i) => `${x(i)},${y(m[series])}`).join(' ') });
  const groups = minutes.map((m, i) => {
    const time = new Date(m.minute).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    return svg('g', { class: 'minute', 'data-minute': m.minute, 'data-stored': m.stored, 'data-linked': m.linked },
      svg('title', {}, `${time}: ${m.stored} stored, ${m.linked} linked`),
      svg('circle', { class: 'point stored', cx: x(i), cy: y(m.stored), r: 2.5 }),
      svg('circle', { class: 'point linked', cx: x(i), cy: y(m.linked), r: 2.5 }));
  });
  chart.replaceChildren(
    svg('line', { class: 'grid', x1: padding, x2: width - padding, y1: y(peak), y2: y(peak) }),
    svg('line', { class: 'grid', x1: padding, x2: width - padding, y1: y(0), y2: y(0) }),
    line('stored'), line('linked'), ...groups);
  chart.setAttribute('data-peak', String(peak));
}

function renderPace(batch) {
  $('batch-eta').textContent = describeEta(batch.pace);
  renderThroughputChart(batch.pace?.throughput || []);
  const failed = batch.pace?.linkFailed || 0;
  $('retry-failed').hidden = !failed;
  $('retry-failed').textContent = `Retry all failed (${formatNumber(failed)})`;
}

function renderBatch() {
  const batch = state.batch;
  if (!batch) return;
  const { done, total, percent } = batchProgress(batch);
  $('welcome').hidden = true;
  $('batch').hidden = false;
  $('batch-title').textContent = batch.id;
  $('batch-updated').textContent = batch.updatedTime ? `Updated ${formatRelativeTime(batch.updatedTime)}` : '';
  $('batch-updated').title = batch.updatedTime || '';
  $('batch-percent').textContent = String(percent);
  $('batch-progress').setAttribute('aria-valuenow', String(percent));
  $('batch-progress').setAttribute('aria-valuetext', `${done} of ${total} sessions done (${percent} %)`);
  renderProgressBar($('batch-progress'), batch.counts, total);
  $('batch-progress-text').textContent = describeProgress(batch, done, total);
  renderCountChips(batch.counts);
  renderPace(batch);
  renderSessionRows(batch.sessions);
  $('sessions-empty').textContent = state.statusFilter ? `No session is ${state.statusFilter}.` : 'This batch has no sessions yet.';
  const listed = state.statusFilter ? countOf(batch.counts, state.statusFilter) : batch.total;
  $('more-sessions').hidden = !batch.nextCursor;
  $('sessions-shown').textContent = batch.nextCursor ? `Showing ${batch.sessions.size} of ${listed} sessions.` : '';
}

// Many events can arrive at once (a replay, a busy batch): draw once per frame.
function scheduleRender() {
  if (state.renderQueued) return;
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
    nextCursor: batch.next_cursor || null,
    pace: paceFrom(batch),
  };
  updateBatchListEntry(batch.id, batch.total, batch.counts, batch.updated_time);
  scheduleRender();
}

function paceFrom(batch) {
  return {
    throughput: batch.throughput || [],
    linkingRate: batch.linking_rate ?? null,
    awaitingLink: batch.awaiting_link || 0,
    linkFailed: batch.link_failed || 0,
  };
}

const matchesFilter = (session) => !state.statusFilter || session.status === state.statusFilter;

function applySessionEvent(change) {
  if (!state.batch || !change?.session) return;
  state.syncBuffer?.push(change);
  const { session } = change;
  // A session not loaded yet shows up when its page does; a new one joins at the end, so it shows once the last page is.
  // With a filter, a session that leaves the filtered status leaves the list.
  if (!matchesFilter(session)) state.batch.sessions.delete(session.id);
  else if (state.batch.sessions.has(session.id) || !state.batch.nextCursor) state.batch.sessions.set(session.id, session);
  Object.assign(state.batch.pace, { awaitingLink: change.awaiting_link || 0, linkFailed: change.link_failed || 0 });
  schedulePaceRefresh(state.batch.id);
  Object.assign(state.batch, { total: change.total, counts: change.counts || {}, updatedTime: new Date().toISOString() });
  updateBatchListEntry(state.batch.id, change.total, change.counts, state.batch.updatedTime);
  scheduleRender();
}

function updateBatchListEntry(id, total, counts, updatedTime) {
  const entry = state.batches.find((batch) => batch.id === id);
  if (entry) Object.assign(entry, { total, counts, updated_time: updatedTime || entry.updated_time });
}

// A started retry is news while Notion links again; a refused one while the link is still failed.
function currentRetryResult(session) {
  const result = state.retryResults.get(session.id);
  return result && session.notion_status === (result.ok ? 'pending' : 'failed') ? result : null;
}

async function loadRecentBatches() {
  try {
    state.batches = (await requestJson('/api/batches'))?.data || [];
    if (state.batch) updateBatchListEntry(state.batch.id, state.batch.total, state.batch.counts, state.batch.updatedTime);
    renderBatchList();
  } catch (error) {
    if (isAuthError(error)) {
      state.batches = [];
      renderBatchList('Enter the API key to see the recent batches.');
    }
    reportError(error, 'Could not load the recent batches');
  }
}

// Webhook endpoints whose last attempt failed, each with its last error; the section hides when none fails.
async function loadWebhookAlerts() {
  let endpoints;
  try {
    endpoints = (await requestJson('/api/webhooks'))?.data || [];
  } catch {
    return; // the batch list reports auth and network errors; this panel just keeps what it showed
  }
  const failing = endpoints.filter((endpoint) => endpoint.failing);
  $('webhook-alert-list').replaceChildren(...failing.map((endpoint) => el('li', { 'data-endpoint': endpoint.endpoint },
    el('strong', {}, endpoint.endpoint), ' ',
    el('span', { class: 'muted small' },
      `${endpoint.consecutive_failures} failed attempt${endpoint.consecutive_failures === 1 ? '' : 's'} in a row`
      + (endpoint.last_failed_at ? `, last ${formatRelativeTime(endpoint.last_failed_at)}` : '')),
    el('div', { class: 'small' }, endpoint.last_error || ''))));
  $('webhook-alerts').hidden = failing.length === 0;
}

// Reloads the pages shown, then replays the events that arrived meanwhile, so nothing between the two is lost.
function resyncBatch(id) {
  return queueLoad(() => resyncShownPages(id));
}

async function resyncShownPages(id) {
  if (state.batchId !== id) return;
  state.syncBuffer = [];
  try {
    const snapshot = await reloadShownPages(id);
    const missed = state.syncBuffer || [];
    state.syncBuffer = null;
    if (state.batchId !== id) return;
    applySnapshot(snapshot);
    missed.forEach(applySessionEvent);
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
  $('retry-failed-result').textContent = '';
  $('batch-id').value = id;
  showStatus(`Opening batch ${id}…`);
  renderBatchList();
  try {
    const snapshot = await queueLoad(() => requestJson(pagePath(id, null, PAGE_SIZE)));
    if (state.batchId !== id) return; // another batch was opened meanwhile
    applySnapshot(snapshot);
    showStatus(`Batch ${id}: ${snapshot.total} sessions.`);
    followBatch(id);
    state.paceTimer = setInterval(() => loadPace(id), PACE_REFRESH_INTERVAL_MS);
  } catch (error) {
    if (state.batchId !== id) return;
    $('batch').hidden = true;
    $('welcome').hidden = false;
    setConnection('idle');
    if (error.status === 404) showStatus(`There is no batch named “${id}” (yet).`, 'error');
    else reportError(error, `Could not open batch ${id}`);
  }
}

function showBatchFromLocation() {
  const match = /^#\/batches\/(.+)$/.exec(location.hash);
  if (match) openBatch(decodeURIComponent(match[1]));
}

function navigateToBatch(id) {
  const hash = `#/batches/${encodeURIComponent(id)}`;
  if (location.hash === hash) openBatch(id);
  else location.hash = hash; // the hashchange listener opens it
}

// The next page of sessions, below the ones shown.
function loadMoreSessions() {
  const id = state.batchId;
  const button = $('more-sessions');
  button.disabled = true;
  return queueLoad(async () => {
    const cursor = state.batch?.nextCursor;
    if (!cursor || state.batchId !== id) return;
    const page = await requestJson(pagePath(id, cursor, PAGE_SIZE));
    if (state.batchId !== id || state.batch.nextCursor !== cursor) return; // reloaded or another batch meanwhile
    for (const session of page.sessions || []) state.batch.sessions.set(session.id, session);
    Object.assign(state.batch, { total: page.total, counts: page.counts || {}, nextCursor: page.next_cursor || null });
    scheduleRender();
  }).catch((error) => reportError(error, `Could not load more sessions of ${id}`))
    .finally(() => { button.disabled = false; });
}

// The chart and the ETA as the batch grain has them: one request for the batch's summary and one session.
async function loadPace(id) {
  try {
    const summary = await requestJson(`${batchPath(id)}?limit=1`);
    if (state.batchId !== id || !state.batch) return;
    state.batch.pace = paceFrom(summary);
    scheduleRender();
  } catch (error) {
    if (state.batchId === id) reportError(error, `Could not refresh the pace of ${id}`);
  }
}

// Many changes in a row ask for one refresh, PACE_REFRESH_DELAY_MS after the first.
function schedulePaceRefresh(id) {
  if (state.paceRefreshTimer) return;
  state.paceRefreshTimer = setTimeout(() => {
    state.paceRefreshTimer = 0;
    loadPace(id);
  }, PACE_REFRESH_DELAY_MS);
}

function stopPaceRefresh() {
  clearInterval(state.paceTimer);
  clearTimeout(state.paceRefreshTimer);
  state.paceTimer = 0;
  state.paceRefreshTimer = 0;
}

// Lists the sessions in the chosen status from the batch's first page on; the counts, chart and ETA stay the batch's.
function applyStatusFilter() {
  state.statusFilter = $('status-filter').value;
  const id = state.batchId;
  if (!id) return Promise.resolve();
  return queueLoad(async () => {
    const snapshot = await requestJson(pagePath(id, null, PAGE_SIZE));
    if (state.batchId !== id) return;
    state.rowSignatures.clear();
    $('session-rows').replaceChildren();
    applySnapshot(snapshot);
  }).catch((error) => reportError(error, `Could not list the sessions of ${id}`));
}

// Restarts Notion linking of every session of the batch whose linking failed; the stream then shows them link.
async function retryAllFailed() {
  const id = state.batchId;
  const button = $('retry-failed');
  button.disabled = true;
  try {
    const result = await requestJson(`${batchPath(id)}/retry-failed`, { method: 'POST' });
    const notRestartable = result.not_restartable
      ? ` ${formatNumber(result.not_restartable)} failed to upload and cannot be restarted: send them again in a new session.`
      : '';
    $('retry-failed-result').textContent = `Restarted ${formatNumber(result.restarted)} Notion links.${notRestartable}`;
    showStatus(`Batch ${id}: restarted ${formatNumber(result.restarted)} Notion links.`);
    loadPace(id);
  } catch (error) {
    $('retry-failed-result').textContent = `Retry refused: ${error.message}`;
    reportError(error, `Retry of batch ${id} refused`);
  } finally {
    button.disabled = false;
  }
}

// The CSV is fetched (a link could not send the API key) and handed to the browser as a download.
async function exportCsv() {
  const id = state.batchId;
  const button = $('export-csv');
  button.disabled = true;
  try {
    const response = await fetch(`${batchPath(id)}.csv`, { cache: 'no-store', headers: authHeaders({ Accept: 'text/csv' }) });
    if (!response.ok) throw await apiErrorFrom(response);
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: `batch-${id.replaceAll(':', '_')}.csv`, hidden: 'hidden' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (error) {
    reportError(error, `Could not export batch ${id}`);
  } finally {
    button.disabled = false;
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
    if (session) session.notion_status = 'pending'; // until the stream or the next poll says more
  } catch (error) {
    state.retryResults.set(sessionId, { ok: false, message: `Retry refused: ${error.message}` });
    reportError(error, `Retry of ${name} refused`);
  }
  state.rowSignatures.delete(sessionId);
  scheduleRender();
}

// ---- Live updates: Server-Sent Events over fetch(), polling as the fallback -------------------------------------

function handleStreamEvent(event, id) {
  if (state.batchId !== id) return;
  if (event.type === 'session') applySessionEvent(JSON.parse(event.data));
  else if (event.type === 'reset') resyncBatch(id); // the server no longer has the changes asked for
}

function followBatch(id) {
  if (typeof TextDecoderStream === 'undefined' || typeof AbortSignal.any !== 'function') startPolling(id, false);
  else connectEventStream(id);
}

async function connectEventStream(id) {
  clearTimeout(state.reconnectTimer);
  state.stream?.abort();
  const controller = new AbortController();
  state.stream = controller;
  let connected = false;
  if (!state.pollTimer) setConnection('connecting');
  try {
    await readEventStream(`${batchPath(id)}/events`, {
      headers: authHeaders(),
      lastEventId: state.lastEventId,
      signal: controller.signal,
      silenceMs: STREAM_SILENCE_MS,
      rejectResponse: apiErrorFrom,
      onOpen: () => {
        connected = true;
        state.streamFailures = 0;
        stopPolling();
        setConnection('live');
        if (state.lastEventId === null) resyncBatch(id); // whatever changed between the first load and now
      },
      onEvent: (event) => handleStreamEvent(event, id),
      onId: (eventId) => { state.lastEventId = eventId; },
      onRetry: (delay) => { state.reconnectDelay = delay; },
    });
    throw new Error('the server closed the event stream');
  } catch (error) {
    if (state.stream !== controller || state.batchId !== id) return; // closed on purpose
    handleStreamFailure(id, error, connected);
  }
}

// A stream that was open and then dropped (or went silent) resumes from its last event; failing to connect at all
// twice in a row switches to polling, which tries the stream again now and then.
function handleStreamFailure(id, error, wasConnected) {
  if ([401, 403, 404].includes(error.status)) {
    stopFollowing();
    setConnection('offline');
    reportError(error, 'Live updates stopped');
    return;
  }
  if (!wasConnected) state.streamFailures += 1;
  if (state.streamFailures >= STREAM_FAILURES_BEFORE_POLLING) {
    startPolling(id, true);
    return;
  }
  setConnection('connecting');
  state.reconnectTimer = setTimeout(() => connectEventStream(id), state.reconnectDelay);
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
    const snapshot = await queueLoad(() => reloadShownPages(id));
    if (state.batchId !== id || !state.pollTimer) return; // the stream took over meanwhile
    applySnapshot(snapshot);
    setConnection('polling');
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
  stopPaceRefresh();
  clearTimeout(state.reconnectTimer);
  state.syncBuffer = null;
}

// ---- Start -----------------------------------------------------------------------------------------------------

function start() {
  $('api-key').value = state.apiKey;
  $('status-filter').value = state.statusFilter;
  $('api-key-form').addEventListener('submit', saveApiKey);
  $('open-batch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = $('batch-id').value.trim();
    if (id) navigateToBatch(id);
  });
  $('batch-list').addEventListener('click', (event) => {
    const link = event.target.closest('[data-batch-id]');
    if (link) navigateToBatch(link.dataset.batchId);
  });
  $('session-rows').addEventListener('click', (event) => {
    const button = event.target.closest('[data-retry]');
    if (button) retrySession(button.dataset.retry, button);
  });
  $('refresh-batches').addEventListener('click', loadRecentBatches);
  $('more-sessions').addEventListener('click', loadMoreSessions);
  $('status-filter').addEventListener('change', applyStatusFilter);
  $('retry-failed').addEventListener('click', retryAllFailed);
  $('export-csv').addEventListener('click', exportCsv);
  window.addEventListener('hashchange', showBatchFromLocation);
  setConnection('idle');
  loadRecentBatches();
  setInterval(loadRecentBatches, BATCH_LIST_REFRESH_MS);
  loadWebhookAlerts();
  setInterval(loadWebhookAlerts, WEBHOOKS_REFRESH_MS);
  showBatchFromLocation();
}

start();
