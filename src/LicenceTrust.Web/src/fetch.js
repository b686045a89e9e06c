// 调取: a signed-in clerk fetches an applicant's licences from their home province for a case
// (POST api/v1/evidence/fetch, docs/federation.md §9). Each licence found shows as the usual verdict card
// (card.js) and prints on its own; each problem says in Chinese what is missing.
import { definitions, licenceRows, reasonOf } from './card.js';

const $ = (id) => document.getElementById(id);
const state = { matters: [], answer: null, problem: null, signedIn: false, caseNumber: null };

async function loadMatters(view) {
  try {
    const response = await fetch('api/v1/matters', { credentials: 'same-origin' });
    if (response.ok) state.matters = await response.json();
  } catch {
    // Without the catalogue the form says so when it is sent.
  }
  renderMatters(view());
}

function renderMatters(view) {
  const select = $('fetch-matter');
  const chosen = select.value;
  select.replaceChildren(new Option(view.t.fetchChooseMatter, ''), ...state.matters.map((m) => new Option(`${view.lang === 'zh' ? m.nameZh : m.nameEn}（${m.code}）`, m.code, false, m.code === chosen)));
  renderNeeds(view);
}

// What the chosen matter fetches, and whether the holder's consent code is needed.
function renderNeeds(view) {
  const matter = state.matters.find((m) => m.code === $('fetch-matter').value);
  const needs = $('fetch-needs');
  if (!matter) {
    needs.textContent = '';
    return;
  }
  const names = matter.licences.map((l) => view.types[l.typeCode]?.[view.lang === 'zh' ? 'nameZh' : 'nameEn'] ?? l.typeName);
  const consent = matter.licences.some((l) => l.consent);
  needs.textContent = view.t.fetchNeeds(names.join(view.lang === 'zh' ? '、' : ', '), consent);
}

async function submit(event, view) {
  event.preventDefault();
  const error = $('fetch-error');
  error.hidden = true;
  state.problem = null;
  $('fetch-busy').textContent = view().t.fetching;
  const body = {
    holderCode: $('fetch-holder').value.trim(),
    matter: $('fetch-matter').value,
    caseNumber: $('fetch-case').value.trim(),
    consentCode: $('fetch-consent').value.trim() || null,
  };
  try {
    const response = await fetch('api/v1/evidence/fetch', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      state.problem = answer;
      state.answer = null;
    } else {
      state.answer = answer;
      state.caseNumber = body.caseNumber;
      $('fetch-consent').value = '';
    }
  } catch {
    state.problem = { code: 'NETWORK' };
    state.answer = null;
  } finally {
    $('fetch-busy').textContent = '';
  }
  renderFetch(view(), state.signedIn);
  (state.problem ? error : $('fetch-results')).focus();
}

function card(view, licence, index) {
  const response = licence.verification;
  const { result } = response;
  const article = document.createElement('article');
  article.className = `result fetched verdict-${result.verdict.toLowerCase()}`;
  article.tabIndex = -1;
  const heading = `fetched-verdict-${index}`;
  article.setAttribute('aria-labelledby', heading);
  const banner = document.createElement('div');
  banner.className = 'banner';
  const h3 = document.createElement('h3');
  h3.id = heading;
  h3.textContent = `${view.t.verdict[result.verdict]} · ${licence.typeName ?? licence.typeCode}`;
  const reason = reasonOf(view, result);
  const line = document.createElement('p');
  line.textContent = reason.text;
  const hint = document.createElement('p');
  hint.textContent = reason.hint;
  const code = document.createElement('small');
  code.textContent = reason.code;
  banner.append(h3, line, hint, code);
  const fields = document.createElement('dl');
  fields.append(...definitions(licenceRows(view, response)));
  const print = document.createElement('button');
  print.type = 'button';
  print.className = 'secondary';
  print.textContent = view.t.fetchPrint;
  print.setAttribute('aria-describedby', heading);
  // Prints this card alone: the print stylesheet hides the rest while the page carries the class.
  print.addEventListener('click', () => {
    article.classList.add('printing');
    document.body.classList.add('print-one');
    window.print();
    document.body.classList.remove('print-one');
    article.classList.remove('printing');
  });
  const pdf = document.createElement('button');
  pdf.type = 'button';
  pdf.className = 'secondary';
  pdf.textContent = view.t.fetchPdf;
  pdf.setAttribute('aria-describedby', heading);
  pdf.addEventListener('click', () => downloadPdf(view, licence));
  const actions = document.createElement('div');
  actions.className = 'row actions';
  actions.append(print, pdf);
  article.append(banner, fields, actions);
  return article;
}

// The PDF copy: the node renders the licence's fields, QR code, issuer and status as it checks it now.
async function downloadPdf(view, licence) {
  const response = await fetch('api/v1/evidence/copy', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
    body: JSON.stringify({ qrText: licence.qrText, caseNumber: state.caseNumber }),
  });
  if (!response.ok) {
    state.problem = await response.json().catch(() => ({ code: 'NETWORK' }));
    renderFetch(view, state.signedIn);
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = `${licence.typeName ?? 'licence'}-${licence.identifier}.pdf`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** Draws the panel for the page's language and the clerk's state (only signed-in staff may fetch). */
export function renderFetch(view, signedIn) {
  state.signedIn = signedIn;
  $('fetch-form').hidden = !signedIn;
  $('fetch-signed-out').hidden = signedIn;
  if (state.matters.length) renderMatters(view);
  const error = $('fetch-error');
  error.hidden = !state.problem;
  error.textContent = state.problem ? view.t.fetchProblem(state.problem) : '';
  const results = $('fetch-results');
  results.hidden = !state.answer;
  if (!state.answer) return;
  const answer = state.answer;
  $('fetch-summary').textContent = view.t.fetchSummary(answer.licences.length, view.t.province[answer.province] ?? answer.provinceName,
    view.lang === 'zh' ? answer.matter.nameZh : answer.matter.nameEn, answer.requestId);
  $('fetch-cards').replaceChildren(...answer.licences.map((l, i) => card(view, l, i)));
}

export function wireFetch(view) {
  $('fetch-form').addEventListener('submit', (event) => submit(event, view));
  $('fetch-matter').addEventListener('change', () => renderNeeds(view()));
  loadMatters(view);
}
