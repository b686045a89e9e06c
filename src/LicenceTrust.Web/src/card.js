// The verdict card's rows: one rendering for the scanned licence and for each licence fetched from another
// province (fetch.js). `view` is the page's current language texts, language and licence-type catalogue.
import { safe } from './text.js';

const typeName = (view, code, fallback) => {
  const type = view.types[code];
  return type ? (view.lang === 'zh' ? type.nameZh : type.nameEn) : fallback;
};
const attributeLabel = (view, code, key) => {
  const attribute = view.types[code]?.attributes.find((a) => a.key === key);
  return attribute ? (view.lang === 'zh' ? attribute.nameZh : attribute.nameEn) : key;
};
export const when = (view, iso) => new Date(iso).toLocaleString(view.lang === 'zh' ? 'zh-CN' : 'en-GB');

// The licence's own words (names, attribute values, a status reason) are Chinese whatever the page's
// language: marked so, so a screen reader in the English view reads them as Chinese (WCAG 3.1.2).
function issued(value) {
  const bdi = safe(value);
  bdi.lang = 'zh-CN';
  return bdi;
}

function freshness(view, against) {
  const t = view.t;
  if (!against?.statusSource) return t.freshnessNone;
  const [node, kind] = against.statusSource.split(':');
  const name = t.province[node] ?? node;
  if (kind === 'database') return t.freshnessLive(name);
  if (kind === 'live') return t.freshnessLiveCall(name);
  if (!against.statusAsOf) return t.freshnessNone;
  const seconds = (new Date(against.at) - new Date(against.statusAsOf)) / 1000;
  return t.freshnessSynced(name, t.ago(Math.max(0, seconds)));
}

/** The reason line under the verdict, and its code. */
export function reasonOf(view, result) {
  const reason = result.reasons[0];
  return {
    text: reason ? (view.lang === 'zh' ? reason.messageZh : reason.messageEn) : view.t.verdictHint.VALID,
    code: reason ? reason.code : '',
    hint: result.verdict === 'VALID' ? '' : view.t.verdictHint[result.verdict],
  };
}

/** [name, parts] rows of a verification answer: every value a licence carries goes through safe() (text.js). */
export function licenceRows(view, response) {
  const t = view.t;
  const { result, status, checkedAgainst, statusChange } = response;
  const summary = result.summary;
  const full = result.licence;
  const rows = [];
  if (summary) {
    rows.push([t.fields.type, [safe(typeName(view, summary.typeCode, summary.typeName ?? summary.name))]]);
    rows.push([t.fields.number, [safe(summary.number)]]);
    rows.push([t.fields.holder, [issued(full?.holder.name ?? summary.holder.name), t.open, safe(summary.holder.code), t.close]]);
    rows.push([t.fields.authority, [issued(summary.authority.name ?? summary.authority.code), ` · ${t.province[summary.province] ?? summary.province}`]]);
    rows.push([t.fields.validity, [`${summary.validFrom} — ${summary.validTo ?? t.longTerm}`]]);
  }
  if (full) {
    rows.push([t.fields.issueDate, [full.issueDate]]);
    Object.entries(full.attributes).forEach(([key, value]) => rows.push([attributeLabel(view, full.typeCode, key), [issued(value)]]));
    rows.push([t.fields.area, [safe(full.areaCode)]]);
    rows.push([t.fields.definingDepartment, [issued(full.definingDepartment.name ?? full.definingDepartment.code)]]);
    const parts = full.identifier.split('.');
    rows.push([t.fields.version, [t.versionOf(Number(parts[parts.length - 2]))]]);
    rows.push([t.fields.identifier, [safe(full.identifier)]]);
  }
  if (status) rows.push([t.fields.status, [t.status[status] ?? status]]);
  if (statusChange) {
    rows.push([t.fields.statusChangedAt, [when(view, statusChange.at)]]);
    rows.push([t.fields.statusReason, [issued(statusChange.reason)]]);
  }
  if (result.verdict !== 'UNREADABLE' && summary) rows.push([t.fields.freshness, [freshness(view, checkedAgainst)]]);
  if (result.algorithm) rows.push([t.fields.algorithm, [result.algorithm === 'SM2-SM3' ? t.sm2 : 'ECDSA P-256']]);
  rows.push([t.fields.checkedAt, [when(view, result.checkedAt)]]);
  return rows;
}

/** The rows as the children of a <dl>. */
export function definitions(rows) {
  return rows.flatMap(([name, parts]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.append(...parts);
    return [dt, dd];
  });
}
