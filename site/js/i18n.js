// The language of the painter's own sentences: the same catalogue as Python's (rnn_py/i18n.py).
// t("Read {n} timesteps.", { n }) returns the sentence in the page's language with the values
// put in; the English text is the key. install() is called once, before the first paint.
let catalogue = null;

export function install(messages) {
  catalogue = messages || null;
}

export function t(message, values) {
  let text = (catalogue && catalogue[message]) || message;
  if (values) text = text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  return text;
}
