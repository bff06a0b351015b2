// The language of the painter's own sentences: the same catalogue as Python's (rnn_py/i18n.py).
// t("Read {n} timesteps.", { n }) returns the sentence in the page's language with the values
// put in; the English text is the key. A translated page (index.de.html) carries its catalogue
// in a <script type="application/json" id="catalogue"> block (buildsite/translated.py), which
// this module installs when it is first imported, before any paint; English has no block and
// does no work. A message missing from the catalogue, or empty there, stays in English.
let catalogue = null;
let pluralIndex = (n) => (n === 1 ? 0 : 1);

// The plural rules of the .po files' Plural-Forms headers (rnn_py.i18n.LANGUAGES), by their
// expression: a rule is data here, never code run from a file. Unknown ones get English's.
const RULES = {
  "n != 1": (n) => (n !== 1 ? 1 : 0),
  "n > 1": (n) => (n > 1 ? 1 : 0),
  "0": () => 0,
};

export function install(messages, pluralForms = "") {
  catalogue = messages || null;
  const match = /plural\s*=\s*\(?\s*([^;]*?)\s*\)?\s*;?\s*$/.exec(pluralForms || "");
  pluralIndex = (match && RULES[match[1]]) || RULES["n != 1"];
}

function fill(text, values) {
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

export function t(message, values) {
  const found = catalogue && catalogue[message];
  return fill(typeof found === "string" && found ? found : message, values);
}

// The singular or plural form for n ("{n} step", "{n} steps"), by the language's plural rule.
export function tn(singular, plural, n, values) {
  const forms = catalogue && catalogue[singular];
  const form = Array.isArray(forms) ? forms[pluralIndex(n)] : "";
  return fill(form || (n === 1 ? singular : plural), values);
}

const block = typeof document === "undefined" ? null : document.getElementById("catalogue");

// The block's JSON as it is ("" on an English page): the workers' Python installs it too
// (console-worker.js), so that a check's message or a console note is in the page's language.
export const catalogueJson = () => (block ? block.textContent : "");

if (block) {
  try {
    const data = JSON.parse(block.textContent);
    install(data.messages, data.plural);
  } catch (error) {
    console.error("The page's catalogue could not be read; showing English.", error);
  }
}
