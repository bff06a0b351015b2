"""rnn_py.page.embed: what links hide and open, and what one embedded panel shows (CPython)."""

from __future__ import annotations

import doctest
import re
from html.parser import HTMLParser

import pytest
from conftest import ROOT

from rnn_py.page import embed
from rnn_py.page.embed import CONTROLS, OPENABLE, PANELS, PANELS_BY_NAME, hidden_controls, opened
from rnn_py.page.state import DemoState, embed_snippet, from_query, full_view, to_query


class Elements(HTMLParser):
    """Every element of the page: its tag, id and data-hide names."""

    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}
        self.hide: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] = tag
        self.hide.update((attrs.get("data-hide") or "").split())


@pytest.fixture(scope="module")
def page():
    parser = Elements()
    parser.feed((ROOT / "site" / "index.html").read_text())
    return parser


def test_doctests():
    assert doctest.testmod(embed).failed == 0


def test_every_name_in_the_tables_is_on_the_page(page):
    assert page.hide == set(CONTROLS)  # each control is marked, and only those
    for name, element_id in OPENABLE.items():
        assert page.ids.get(element_id) == "details", name
    for part in embed.ALWAYS:
        assert part in page.ids
    for p in PANELS:
        assert all(part in page.ids for part in p.parts), p.name
        assert set(p.controls) <= set(CONTROLS), p.name
        assert 200 <= p.height <= 3200  # the challenges embed lists all eleven
    assert len(PANELS_BY_NAME) == len(PANELS)


@pytest.mark.parametrize("name", list(PANELS_BY_NAME))
def test_a_panel_embed_hides_every_control_it_does_not_keep(name):
    keep = PANELS_BY_NAME[name].controls
    state, notices = from_query(f"embed=1&panel={name}&hide=lr")
    assert notices == [] and state.panel == name
    hidden = set(hidden_controls(state))
    assert hidden == (set(CONTROLS) - set(keep)) | {"lr"}
    # Outside an embed the panel is dropped, with a notice, and only hide= applies.
    state, notices = from_query(f"panel={name}&hide=lr")
    assert state.panel == "" and hidden_controls(state) == ("lr",)
    assert len(notices) == 1 and "embed=1" in notices[0]


def test_unknown_names_are_ignored_one_by_one_and_named():
    state, notices = from_query("embed=1&panel=warp&hide=train,bogus,lr&open=code,attic&zz=1")
    assert state.embed and state.panel == "" and hidden_controls(state) == ("train", "lr")
    assert state.open == ("code",)
    assert len(notices) == 4
    text = " ".join(notices)
    for name in ("'warp'", "'bogus'", "'attic'", "'zz'"):
        assert name in text, name
    assert "Showing the whole page" in text


def test_open_and_the_full_demo_link():
    state, _ = from_query("embed=1&panel=landscape&open=code&seq=linear")
    assert opened(state) == ["code-panel", "landscape-panel"]
    full = full_view(state)
    assert not full.embed and full.panel == "" and full.open == ("code", "landscape")
    assert to_query(full).endswith("&open=code,landscape") and "seq=linear" in to_query(full)
    network, _ = from_query("embed=1&panel=network")  # not a panel that opens
    assert opened(network) == [] and full_view(network).open == ()
    assert opened(DemoState(open=("units",))) == ["units-panel"]


@pytest.mark.parametrize("name", ["", *PANELS_BY_NAME])
def test_the_snippet_carries_the_panel_its_height_and_title(name):
    snippet = embed_snippet("https://example.org/rnn/?x=1#y", DemoState(panel=name, hide=("lr",)))
    height = PANELS_BY_NAME[name].height if name else embed.WHOLE_HEIGHT
    assert f'height="{height}"' in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert src.startswith("https://example.org/rnn/?embed=1#")
    state, notices = from_query(src.split("#", 1)[1])
    assert notices == [] and state.embed and state.panel == name and state.hide == ("lr",)
    title = re.search(r'title="([^"]+)"', snippet).group(1)
    assert title.startswith("Interactive recurrent neural network")
    if name:
        assert PANELS_BY_NAME[name].title in title
