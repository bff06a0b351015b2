// The Exercises panel's code editor: CodeMirror 6, vendored from the npm registry into
// vendor/codemirror/ (pinned in buildsite/runtime.py). Imported only when that panel first opens
// (js/panels/exercises.js), so the first view never loads any of it.
//
// The editor lives in a shadow root of its own. CodeMirror writes its styles at run time; in a
// document they would go into a <style> element, which the page's Content-Security-Policy
// (style-src 'self') refuses, while in a shadow root they go into a constructed style sheet
// (adoptedStyleSheets), which CSP does not govern. So the page's policy stays as strict as it is.
// The page's colour variables (--code-bg, --tok-kw, ...) inherit into the shadow root, so the
// editor follows the light and dark schemes as the Code panel does.

import { EditorState, RangeSetBuilder, StateEffect, StateField, countColumn } from "../vendor/codemirror/state.js";
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  ViewPlugin,
} from "../vendor/codemirror/view.js";
import {
  HighlightStyle,
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "../vendor/codemirror/language.js";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "../vendor/codemirror/commands.js";
import { closeBrackets, closeBracketsKeymap } from "../vendor/codemirror/autocomplete.js";
import { python } from "../vendor/codemirror/lang-python.js";
import { tags } from "../vendor/codemirror/lezer-highlight.js";
import { t } from "./i18n.js";

// For the caller to show beside the editor: Tab is taken for indenting, so this is how a
// keyboard user leaves (CodeMirror: Escape, then Tab within two seconds, moves focus on).
export const editorHint = () => t("Tab indents · Esc then Tab leaves the editor");

const MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

// Python tokens get the Code panel's token colours (site/style.css), one class per kind.
const highlight = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword,
      tags.operatorKeyword, tags.modifier],
    class: "tok-kw",
  },
  { tag: [tags.function(tags.definition(tags.variableName)), tags.definition(tags.className)], class: "tok-def" },
  { tag: [tags.bool, tags.null, tags.self], class: "tok-builtin" },
  { tag: tags.number, class: "tok-num" },
  { tag: [tags.string, tags.special(tags.string), tags.escape], class: "tok-str" },
  { tag: tags.comment, class: "tok-com" },
]);

const theme = EditorView.theme({
  "&": {
    color: "var(--ink)", backgroundColor: "var(--code-bg)", border: "1px solid var(--line)",
    borderRadius: "6px", fontSize: ".9rem", maxHeight: "32rem",
  },
  "&.cm-focused": { outline: "3px solid var(--focus)", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: MONO, lineHeight: "1.45", overflow: "auto" },
  ".cm-content": { minHeight: "8rem", caretColor: "var(--ink)", padding: ".3rem 0" },
  ".cm-line": { padding: "0 .6rem 0 .4rem" },
  ".cm-gutters": {
    backgroundColor: "var(--code-bg)", color: "var(--code-ln)", border: "none",
    borderRight: "1px solid var(--line)", borderRadius: "6px 0 0 6px",
  },
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "var(--ink)", fontWeight: "600" },
  ".cm-cursor, .cm-dropCursor": { borderLeft: "2px solid var(--ink)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
    { backgroundColor: "color-mix(in srgb, var(--accent) 30%, transparent)" },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: "color-mix(in srgb, var(--c-h1) 30%, transparent)", outline: "1px solid var(--c-h1)",
  },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: "transparent", outline: "1px solid var(--error-ink)" },
  ".cm-marked-line": { backgroundColor: "var(--code-mark)", boxShadow: "inset 3px 0 var(--code-mark-edge)" },
  ".tok-kw": { color: "var(--tok-kw)", fontWeight: "600" },
  ".tok-def": { color: "var(--tok-def)", fontWeight: "600" },
  ".tok-builtin": { color: "var(--tok-builtin)" },
  ".tok-num": { color: "var(--tok-num)" },
  ".tok-str": { color: "var(--tok-str)" },
  ".tok-com": { color: "var(--tok-com)", fontStyle: "italic" },
});

// Long lines wrap (no sideways scrolling on a phone); a wrapped line's continuation is indented
// four columns past its own indentation, so Python's block structure stays readable. The
// style is set through the CSSOM (CodeMirror sets style.cssText), which CSP allows.
const hangs = new Map();
function hang(columns) {
  if (!hangs.has(columns)) {
    const style = `padding-left: calc(${columns}ch + .4rem); text-indent: -${columns}ch`;
    hangs.set(columns, Decoration.line({ attributes: { style } }));
  }
  return hangs.get(columns);
}
function hangingIndents(view) {
  const builder = new RangeSetBuilder();
  const { doc, tabSize } = view.state;
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to;) {
      const line = doc.lineAt(pos);
      const lead = /^[ \t]*/.exec(line.text)[0];
      builder.add(line.from, line.from, hang(countColumn(lead, tabSize) + 4));
      pos = line.to + 1;
    }
  }
  return builder.finish();
}
const hangingIndent = ViewPlugin.fromClass(class {
  constructor(view) { this.decorations = hangingIndents(view); }
  update(update) {
    if (update.docChanged || update.viewportChanged) this.decorations = hangingIndents(update.view);
  }
}, { decorations: (plugin) => plugin.decorations });

// The line setLine() marks (an error's line): one line decoration, gone at the next edit.
const markLine = StateEffect.define();
const marked = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) marks = Decoration.none;
    for (const effect of tr.effects) {
      if (effect.is(markLine)) {
        marks = effect.value === null ? Decoration.none
          : Decoration.set([Decoration.line({ class: "cm-marked-line" }).range(effect.value)]);
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * Put a Python editor into `parent` (appended, in a shadow root of its own).
 * `label` is the accessible name of its text area; `onChange(text)` is called after each edit
 * the learner makes (not after setValue). Returns { getValue(), setValue(text) (a fresh undo
 * history), focus(), setLine(n) (mark line n, 1-based, and scroll to it; null clears),
 * destroy(), view (the EditorView) }.
 */
export async function createEditor(parent, { doc = "", label = t("Python code"), onChange = null } = {}) {
  const host = document.createElement("div");
  host.className = "code-editor";
  parent.append(host);
  const root = host.attachShadow({ mode: "open" });
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    python(),
    syntaxHighlighting(highlight),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    EditorView.lineWrapping,
    hangingIndent,
    EditorView.contentAttributes.of({ "aria-label": label }),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
    theme,
    marked,
    EditorView.updateListener.of((update) => {
      if (onChange && update.docChanged) onChange(update.state.doc.toString());
    }),
  ];
  const state = (text) => EditorState.create({ doc: text, extensions });
  const view = new EditorView({ state: state(doc), parent: root });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.setState(state(String(text)));
    },
    focus: () => view.focus(),
    setLine(n) {
      if (n === null || n === undefined) {
        view.dispatch({ effects: markLine.of(null) });
        return;
      }
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(1, Math.trunc(Number(n)) || 1), doc.lines));
      view.dispatch({
        effects: [markLine.of(line.from), EditorView.scrollIntoView(line.from, { y: "center" })],
      });
    },
    destroy() {
      view.destroy();
      host.remove();
    },
  };
}
