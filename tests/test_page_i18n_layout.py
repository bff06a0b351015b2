"""The layout in a longer language, on a 360 px phone: the pseudo-locale qps (every message 40%
longer, about as much as German), German itself and Chinese, with every panel open, in both
tasks. Nothing may scroll the page sideways, and no text may be cut: an element that hides its
overflow must not have more text than it shows, and no text may spill out of its box
(tests/test_page.py checks the English phone view's width the same way)."""

from __future__ import annotations

import pytest
from conftest import screenshot

from rnn_py.page.embed import OPENABLE

READY = "html[data-py-ready]"
EVERY_PANEL = "open=" + ",".join(OPENABLE)

# Elements whose text may overflow on purpose: code and the editor (they scroll themselves,
# overflow: auto, which is not cut), and text for screen readers only (1 px, clipped).
SCROLLERS = "pre, code, textarea, .cm-editor, .visually-hidden"

CUT = """(scrollers) => {
  const cut = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility() || el.closest(scrollers) || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    const hides = (v) => v === "hidden" || v === "clip";
    const wide = hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const tall = hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    const ellipsis = style.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1;
    // a word longer than its box spills out of it, under its neighbour (a label beside a select)
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.data.trim());
    const spills = ownText && el.clientWidth > 0 && style.display !== "inline" &&
      el.scrollWidth > el.clientWidth + 1;
    if (!wide && !tall && !ellipsis && !spills) continue;
    cut.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className}: ` +
      `${el.textContent.trim().slice(0, 60)} (${el.scrollWidth}x${el.scrollHeight} in ` +
      `${el.clientWidth}x${el.clientHeight})`);
  }
  return cut;
}"""


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport={"width": 360, "height": 780}, service_workers="block")
    yield ctx
    ctx.close()


@pytest.mark.parametrize("lang", ["qps", "de", "zh"])
@pytest.mark.parametrize("task", ["numbers", "text"])
def test_a_longer_language_fits_a_360px_phone(open_page, phone, lang, task):
    page = open_page(f"index.{lang}.html#task={task}&{EVERY_PANEL}", wait=False, ctx=phone)
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.body.querySelectorAll("*")]
          .filter((el) => el.checkVisibility() && el.getBoundingClientRect().right > 361)
          .map((el) => `${el.tagName.toLowerCase()}#${el.id}: ${el.getBoundingClientRect().right}`)
          .slice(0, 15)"""
    )
    assert width <= 360, f"lang={lang} scrolls sideways at 360 px ({width}px): {wide}"
    cut = page.evaluate(CUT, SCROLLERS)
    assert not cut, f"lang={lang}: text cut at 360 px:\n" + "\n".join(cut)
    screenshot(page, f"i18n-{lang}-{task}-360")
