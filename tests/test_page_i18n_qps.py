"""The pseudo-locale qps (buildsite/pseudo.py: every message ⟦accented and 40% longer⟧) finds
every visible string that does not come through the catalogue, and shows how the layout takes
longer words: on every panel, both tasks and all three cells, after a Step, a Train and a Reset.
"""

from __future__ import annotations

import re

from rnn_py.page.embed import OPENABLE

READY = "html[data-py-ready]"
EVERY_PANEL = "open=" + ",".join(OPENABLE)

# What the page shows that no catalogue translates: the user's own text and what is made from
# it, code, and the console. Text inside these is not checked.
NOT_TEXT = ", ".join([
    "script", "style", "[translate=no]",
    "code", "pre", ".cm-editor", ".code-line",  # Python source and the console: code, not prose
    "#text-vocab", "#sample-out", "#text-presets button",  # the user's text and samples from it
    "#text-window", "#text-table",  # the characters the network reads
])  # fmt: skip

# Words that may stand outside ⟦…⟧: maths and names nobody translates. Keep it short.
NEUTRAL = {
    "tanh", "relu", "ReLU", "sigmoid", "softmax", "exp", "max", "log",  # maths functions
    "GRU", "LSTM", "RNN", "BPTT", "Adam",  # names of cells and methods
    "hh", "xh", "hy", "xz", "hz", "xr", "hr", "xf", "hf", "xi", "hi", "xo", "ho", "xc", "hc",
}  # fmt: skip

# Every visible text node outside ⟦…⟧ (the brackets of one unit may span several text nodes,
# so they are counted along the text of each block, in document order), and every visible
# element's aria-label, title and placeholder that is not one whole ⟦…⟧.
COLLECT = """([notText, inline]) => {
  const skip = (el) => el.closest(notText);
  const visible = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: false });
  const out = [];
  const depth = new Map();
  const block = (el) => {
    while (el.parentElement && inline.includes(el.tagName.toLowerCase())) el = el.parentElement;
    return el;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || skip(el)) continue;
    const home = block(el);
    let d = depth.get(home) || 0;
    let outside = "";
    for (const ch of node.data) {
      if (ch === "⟦") d += 1;
      else if (ch === "⟧") d = Math.max(0, d - 1);
      else if (d === 0) outside += ch;
    }
    depth.set(home, d);
    const shown = el.tagName === "OPTION" ? visible(el.closest("select")) : visible(el);
    const where = el.id || el.closest("[id]")?.id || el.tagName;
    if (shown && outside.trim()) out.push([where, outside.trim()]);
  }
  for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder]")) {
    if (skip(el) || !visible(el)) continue;
    for (const name of ["aria-label", "title", "placeholder"]) {
      const value = el.getAttribute(name);
      const wrapped = /^⟦[^]*⟧$/.test((value || "").trim());
      if (value && !wrapped) out.push([`${el.id || el.tagName}[${name}]`, value]);
    }
  }
  if (!/^⟦[^]*⟧$/.test(document.title)) out.push(["title", document.title]);
  return out;
}"""
INLINE = ["a", "abbr", "b", "bdi", "br", "cite", "code", "em", "i", "kbd", "mark", "q", "s",
          "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "label",
          "output", "option"]  # fmt: skip


def english(found) -> list[str]:
    """The entries whose text outside the brackets has a word that is not language-neutral."""
    bad = []
    for where, text in found:
        words = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in NEUTRAL]
        if words:
            bad.append(f"{where}: {text[:120]!r}")
    return bad


def sweep(page, where: str, seen: dict[str, str]) -> None:
    page.wait_for_timeout(300)
    for line in english(page.evaluate(COLLECT, [NOT_TEXT, INLINE])):
        seen.setdefault(line, where)


def click(page, selector: str) -> None:
    button = page.locator(selector)
    if button.is_visible() and button.is_enabled():
        button.click()


def test_qps_finds_no_text_outside_the_catalogue(open_page):
    seen: dict[str, str] = {}
    for cell in ("vanilla", "gru", "lstm"):
        page = open_page(f"index.qps.html#seq=sine&cell={cell}&{EVERY_PANEL}", wait=False)
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        page.wait_for_load_state("networkidle")
        sweep(page, f"{cell}, on arrival", seen)
        click(page, "#step")
        sweep(page, f"{cell}, after a Step", seen)
        click(page, "#train")
        page.wait_for_function("document.getElementById('train-status').textContent.trim()")
        page.wait_for_function("document.getElementById('stop').disabled", timeout=60_000)
        sweep(page, f"{cell}, after a Train", seen)
        click(page, "#reset")
        sweep(page, f"{cell}, after a Reset", seen)
        page.close()
    page = open_page(f"index.qps.html#task=text&{EVERY_PANEL}", wait=False)
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    page.wait_for_load_state("networkidle")
    sweep(page, "text, on arrival", seen)
    for button in ("#sees-step", "#text-train", "#sample", "#sees-reset", "#text-reset"):
        click(page, button)
        page.wait_for_timeout(1500)
        sweep(page, f"text, after {button}", seen)
    report = "\n".join(f"{line}   ({where})" for line, where in seen.items())
    assert not seen, f"{len(seen)} visible strings outside the catalogue in lang=qps:\n{report}"


def test_the_sweep_finds_a_planted_english_string(open_page):
    page = open_page("index.qps.html#seq=sine", wait=False)
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    seen: dict[str, str] = {}
    sweep(page, "before", seen)
    before = set(seen)
    page.evaluate("document.querySelector('#loss-hint, .lede').append(' planted English')")
    page.evaluate("document.getElementById('step').setAttribute('title', 'Planted title')")
    sweep(page, "after", seen)
    planted = set(seen) - before
    assert any("planted English" in line for line in planted), planted
    assert any("Planted title" in line for line in planted), planted
