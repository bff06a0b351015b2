// The language of the painter's own sentences: the same catalogue as Python's (rnn_py/i18n.py).
// t("Read {n} timesteps.", { n }) returns the sentence in the page's language with the values
// put in; the English text is the key. install() is called once, before the first paint.
let catalogue = null;

export function install(messages) {
  catalogue = messages || null;
}

function fill(text, values) {
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

export function t(message, values) {
  return fill((catalogue && catalogue[message]) || message, values);
}

// The singular or plural form for n ("{n} step", "{n} steps"), by the language's plural rule.
export function tn(singular, plural, n, values) {
  return fill(n === 1 ? singular : plural, values);
}
