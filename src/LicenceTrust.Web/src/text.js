// How the staff page shows text a licence carries: as text (never HTML), in its stored order inside
// <bdi>, and every character the node's text policy refuses named by its code point.

// Licence text is shown as signed, but never interpreted: every value is isolated in <bdi> (a right-to-left
// override cannot reorder the row), and each character the node's text policy refuses (docs/api.md, "Text
// policy": controls, bidi controls, invisible and format characters, private-use and unassigned code
// points) is shown as its code point, e.g. U+202E.
const refused = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uD800-\uDFFF]|\p{Cf}|\p{Co}|\p{Cn}/gu;
// ZWNJ/ZWJ between two letters of a script that needs them (Arabic, Syriac, Mongolian, Indic, Tibetan) are allowed.
const joiningScripts = [[0x0600, 0x06FF], [0x0750, 0x077F], [0x08A0, 0x08FF], [0x0700, 0x074F], [0x1800, 0x18AF], [0x0900, 0x0DFF], [0x0F00, 0x0FFF]];
const scriptOf = (ch) => (ch ? joiningScripts.findIndex(([lo, hi]) => ch.codePointAt(0) >= lo && ch.codePointAt(0) <= hi) : -1);
const joinerInContext = (text, i) => (text[i] === '\u200C' || text[i] === '\u200D') && scriptOf(text[i - 1]) >= 0 && scriptOf(text[i - 1]) === scriptOf(text[i + 1]);
const codePoint = (ch) => `U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

export function safe(value) {
  const text = String(value ?? '');
  const bdi = document.createElement('bdi');
  let last = 0;
  for (const match of text.matchAll(refused)) {
    if (joinerInContext(text, match.index)) continue;
    bdi.append(text.slice(last, match.index));
    const mark = document.createElement('span');
    mark.className = 'cp';
    mark.textContent = codePoint(match[0]);
    bdi.append(mark);
    last = match.index + match[0].length;
  }
  bdi.append(text.slice(last));
  return bdi;
}
