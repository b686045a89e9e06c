// The staff QR page: camera, upload, paste and barcode-scanner input → POST to this node's verification
// API → a result card in plain Chinese (English on request). No external requests: everything is bundled.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { texts } from './i18n.js';
import { definitions, licenceRows, reasonOf } from './card.js';
import { renderFetch, wireFetch } from './fetch.js';

// ZXing-C++ as WebAssembly, served by this node (never a CDN): the build copies the .wasm next to this script.
prepareZXingModule({
  overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? new URL(`js/${path}`, document.baseURI).href : prefix + path) },
});

const $ = (id) => document.getElementById(id);
const state = {
  lang: localStorage.getItem('lt-lang') === 'en' ? 'en' : 'zh',
  stream: null,
  timer: null,
  lastText: null,
  lastAt: 0,
  lastQr: null,
  staff: null,
  types: {},
};
const t = () => texts[state.lang];

// ---- language ---------------------------------------------------------------------------------------
function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t().title;
  document.querySelectorAll('[data-t]').forEach((el) => {
    const value = el.dataset.t.split('.').reduce((o, k) => o?.[k], t());
    if (typeof value === 'string') el.textContent = value;
  });
  document.querySelectorAll('[data-t-placeholder]').forEach((el) => { el.placeholder = t()[el.dataset.tPlaceholder]; });
  // The button names the language it switches to, in that language (WCAG 2.5.3 and 3.1.2).
  $('lang').textContent = t().langToggle;
  $('lang').lang = state.lang === 'zh' ? 'en' : 'zh-CN';
  $('camera-toggle').textContent = state.stream ? t().cameraStop : t().cameraStart;
  renderStaff();
  renderHistory();
  // Redrawn in place: focus stays on the language button (WCAG 2.4.3).
  if (state.lastResponse) renderResult(state.lastResponse, false);
}

// ---- verification -----------------------------------------------------------------------------------
async function verifyText(text, source) {
  const qr = (text ?? '').trim();
  busy(t().verifying);
  try {
    const response = await fetch('api/v1/verify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ qrText: qr }),
    });
    const body = await response.json();
    if (!response.ok) return showProblem(body);
    state.lastQr = qr;
    show(body, source);
  } catch {
    showError(t().networkError);
  } finally {
    busy(null);
  }
}

async function verifyFile(file) {
  busy(t().uploading);
  try {
    const form = new FormData();
    form.append('file', file, file.name);
    const response = await fetch('api/v1/verify/image', { method: 'POST', body: form, credentials: 'same-origin' });
    const body = await response.json();
    if (!response.ok) return showProblem(body);
    $('found').textContent = body.found > 1 ? t().found(body.found) : '';
    state.lastQr = null;
    // Several codes on one scan: show the first, keep every one in the history.
    body.results.slice(1).reverse().forEach((r) => remember(r, 'upload'));
    show(body.results[0], 'upload');
  } catch {
    showError(t().networkError);
  } finally {
    busy(null);
  }
}

function show(response, source) {
  state.lastResponse = response;
  remember(response, source);
  renderResult(response);
  renderHistory();
}

// ---- result card ------------------------------------------------------------------------------------
const view = () => ({ t: t(), lang: state.lang, types: state.types });

function renderResult(response, moveFocus = true) {
  const { result } = response;
  const card = $('result');
  card.hidden = false;
  card.className = `result verdict-${result.verdict.toLowerCase()}`;
  $('verdict').textContent = t().verdict[result.verdict];
  const reason = reasonOf(view(), result);
  $('reason').textContent = reason.text;
  $('reason-code').textContent = reason.code;
  $('hint').textContent = reason.hint;
  const warning = result.warnings?.[0];
  $('warning').hidden = !warning;
  $('warning').textContent = warning ? `${state.lang === 'zh' ? warning.messageZh : warning.messageEn}（${warning.code}）` : '';
  $('fields').replaceChildren(...definitions(licenceRows(view(), response)));
  $('disclosure').textContent = result.licence ? '' : t().publicView;
  $('export').hidden = !state.lastQr;
  if (moveFocus) card.focus();
}

function showProblem(problem) {
  showError(problem?.detail ?? problem?.title ?? String(problem));
}

function showError(message) {
  const box = $('error');
  box.hidden = false;
  box.textContent = t().errorPrefix + message;
}

function busy(message) {
  $('busy').textContent = message ?? '';
  if (message) $('error').hidden = true;
}

// ---- history (this browser session only) ------------------------------------------------------------
function remember(response, source) {
  const history = JSON.parse(sessionStorage.getItem('lt-history') ?? '[]');
  const s = response.result.summary;
  history.unshift({ at: response.result.checkedAt, verdict: response.result.verdict, type: s?.typeName ?? '', number: s?.number ?? '', source });
  sessionStorage.setItem('lt-history', JSON.stringify(history.slice(0, 20)));
}

function renderHistory() {
  const history = JSON.parse(sessionStorage.getItem('lt-history') ?? '[]');
  const list = $('history-list');
  if (history.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = t().historyEmpty;
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...history.map((h) => {
    const li = document.createElement('li');
    li.className = `verdict-${h.verdict.toLowerCase()}`;
    const time = new Date(h.at).toLocaleTimeString(state.lang === 'zh' ? 'zh-CN' : 'en-GB');
    const what = [h.type, h.number].filter(Boolean).join(' ');
    li.textContent = [time, t().verdict[h.verdict], what].filter(Boolean).join(' · ');
    return li;
  }));
}

// ---- receipt ----------------------------------------------------------------------------------------
async function exportReceipt() {
  if (!state.lastQr) return;
  const response = await fetch('api/v1/verify?receipt=true', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify({ qrText: state.lastQr }),
  });
  const body = await response.json();
  const blob = new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `licencetrust-receipt-${Date.now()}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

// ---- camera -----------------------------------------------------------------------------------------
// Licence QR codes are dense (version 18-20): ask for HD video, look at a frame every 200 ms.
async function startCamera() {
  $('camera-message').hidden = true;
  if (!navigator.mediaDevices?.getUserMedia) return cameraProblem(t().cameraMissing);
  try {
    const chosen = $('camera-select').value;
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { ...(chosen ? { deviceId: { exact: chosen } } : { facingMode: 'environment' }), width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    state.stream = stream;
    // Labels are only known once permission is given.
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const current = stream.getVideoTracks()[0]?.getSettings().deviceId;
    $('camera-select').replaceChildren(...cameras.map((d, i) => new Option(d.label || `${t().cameraChoose} ${i + 1}`, d.deviceId, false, d.deviceId === current)));
    $('camera-select').hidden = cameras.length < 2;
    const video = $('video');
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    $('camera-status').textContent = t().cameraScanning;
    $('camera-toggle').textContent = t().cameraStop;
    scan();
  } catch (e) {
    const name = e?.name ?? '';
    if (name === 'NotAllowedError' || name === 'SecurityError') cameraProblem(t().cameraDenied);
    else if (name === 'NotFoundError' || name === 'OverconstrainedError') cameraProblem(t().cameraMissing);
    else cameraProblem(t().cameraFailed);
  }
}

const canvas = document.createElement('canvas');
const context = canvas.getContext('2d', { willReadFrequently: true });

async function scan() {
  if (!state.stream) return;
  const video = $('video');
  if (video.videoWidth > 0) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    try {
      const found = await readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
      const text = found.find((r) => r.isValid)?.text;
      // Continuous scanning: the same code in front of the camera is checked again only after 5 s.
      if (text && (text !== state.lastText || Date.now() - state.lastAt > 5000)) {
        state.lastText = text;
        state.lastAt = Date.now();
        verifyText(text, 'camera');
      }
    } catch {
      // A frame that cannot be read is skipped; the next one is tried.
    }
  }
  state.timer = setTimeout(scan, 200);
}

function stopCamera() {
  clearTimeout(state.timer);
  state.stream?.getTracks().forEach((track) => track.stop());
  state.stream = null;
  $('video').srcObject = null;
  $('video').hidden = true;
  $('camera-status').textContent = '';
  $('camera-toggle').textContent = t().cameraStart;
}

function cameraProblem(message) {
  stopCamera();
  const box = $('camera-message');
  box.hidden = false;
  $('camera-message-text').textContent = message;
}

// ---- staff sign-in ----------------------------------------------------------------------------------
async function loadSession() {
  const response = await fetch('api/v1/session', { credentials: 'same-origin' });
  state.staff = response.ok ? (await response.json()).displayName : null;
  renderStaff();
}

function renderStaff() {
  $('signed-in').hidden = !state.staff;
  $('sign-in-form').hidden = !!state.staff;
  $('signed-in-text').textContent = state.staff ? t().signedInAs(state.staff) : '';
  renderFetch(view(), !!state.staff);
}

async function signIn(event) {
  event.preventDefault();
  $('sign-in-error').hidden = true;
  const response = await fetch('api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
    body: JSON.stringify({ username: $('username').value, password: $('password').value }),
  });
  $('password').value = '';
  if (!response.ok) {
    $('sign-in-error').hidden = false;
    $('sign-in-error').textContent = t().signInFailed;
    return;
  }
  state.staff = (await response.json()).displayName;
  renderStaff();
}

async function signOut() {
  await fetch('api/v1/session', { method: 'DELETE', credentials: 'same-origin' });
  state.staff = null;
  renderStaff();
}

// ---- wiring -----------------------------------------------------------------------------------------
function wire() {
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('lt-lang', state.lang);
    applyLanguage();
  });
  $('camera-toggle').addEventListener('click', () => (state.stream ? stopCamera() : startCamera()));
  $('camera-select').addEventListener('change', () => { if (state.stream) { stopCamera(); startCamera(); } });
  $('use-upload').addEventListener('click', () => $('file').click());
  $('text-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('qr-text');
    verifyText(input.value, 'text');
    input.value = '';
  });
  $('file').addEventListener('change', () => { if ($('file').files[0]) verifyFile($('file').files[0]); $('file').value = ''; });
  const drop = $('drop');
  ['dragenter', 'dragover'].forEach((n) => drop.addEventListener(n, (e) => { e.preventDefault(); drop.classList.add('over'); }));
  ['dragleave', 'drop'].forEach((n) => drop.addEventListener(n, (e) => { e.preventDefault(); drop.classList.remove('over'); }));
  drop.addEventListener('drop', (e) => { const file = e.dataTransfer?.files?.[0]; if (file) verifyFile(file); });
  $('pick').addEventListener('click', () => $('file').click());
  $('print').addEventListener('click', () => window.print());
  $('export').addEventListener('click', exportReceipt);
  $('clear-history').addEventListener('click', () => { sessionStorage.removeItem('lt-history'); renderHistory(); });
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  wireFetch(view);
}

// The licence-type catalogue labels attributes (a credential carries only their keys) and names types in English.
async function loadTypes() {
  try {
    const response = await fetch('api/v1/licence-types', { credentials: 'same-origin' });
    if (!response.ok) return;
    state.types = Object.fromEntries((await response.json()).map((type) => [type.code, type]));
    // Redrawn in place: focus stays on the language button (WCAG 2.4.3).
  if (state.lastResponse) renderResult(state.lastResponse, false);
  } catch {
    // Without the catalogue, attribute keys and the credential's own type name are shown.
  }
}

wire();
applyLanguage();
loadSession();
loadTypes();
$('qr-text').focus();
