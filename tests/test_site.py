"""Sharing, classroom links, export and import, embedding, and serving under a sub-path."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import READY, start_server
from test_page import expected_rows, table

import rnn_py
from rnn_py.page.embed import CONTROLS, PANELS
from rnn_py.page.state import default_params


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


@pytest.fixture
def copying(context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))


def test_copied_link_reproduces_the_view(open_page, copying):
    page = open_page()
    page.get_by_role("combobox", name="Sequence").select_option(label="Fibonacci")
    page.get_by_role("switch", name="Normalized inputs").check()
    page.get_by_role("combobox", name="Activation").select_option(label="ReLU")
    box = page.get_by_role("spinbutton", name="Hidden weight")
    box.fill("1.2345")
    box.press("Enter")
    lr = page.get_by_role("spinbutton", name="Learning rate")
    lr.fill("0.2")
    lr.press("Enter")
    page.get_by_role("button", name="Copy link").click()
    page.locator("#share-status").filter(has_text="copied").wait_for()
    link = clipboard(page)
    assert "seq=fibonacci" in link and "w=0.5,1.2345,1,0,0" in link and "lr=0.2" in link

    again = open_page(link.split("/", 3)[3])
    assert table(again) == table(page)
    xs = rnn_py.make_sequence("fibonacci", 12, normalized=True)
    assert table(again) == expected_rows(xs, rnn_py.Params.scalar(0.5, 1.2345, 1.0), "relu")
    assert again.get_by_role("combobox", name="Activation").input_value() == "relu"
    assert again.get_by_role("spinbutton", name="Learning rate").input_value() == "0.2"
    assert again.get_by_role("switch", name="Normalized inputs").is_checked()


def test_classroom_link_hides_controls_and_starts_at_a_step(open_page):
    page = open_page("#seq=linear&hide=activation,train&step=2&explain=0")
    assert page.get_by_role("combobox", name="Activation").is_hidden()
    assert page.get_by_role("button", name="Train (BPTT)").is_hidden()
    assert page.get_by_role("button", name="Random Search").is_visible()
    assert page.get_by_role("heading", name="How it works").is_hidden()
    assert len(table(page)) == 2
    page.get_by_role("button", name="Step Forward").click()
    assert len(table(page)) == 3


def test_teacher_panel_builds_a_classroom_link(open_page):
    page = open_page()
    # Its choices are made when it first opens (not on the first screen): one per control.
    assert page.locator("#teach-hide input").count() == 0
    page.get_by_text("For teachers: a classroom link").click()
    page.locator("#teach-hide input").first.wait_for()
    assert page.locator("#teach-hide input").count() == len(CONTROLS)
    assert page.locator("#teach-panel option").count() == 1 + len(PANELS)
    page.locator("#teach-hide").get_by_label("Train (BPTT)").check()
    page.locator("#teach-hide").get_by_label("Weights").check()
    step = page.get_by_label("Start at step")
    step.fill("3")
    step.press("Enter")
    page.get_by_label("Hide the long explanations").check()
    link = page.get_by_label("Classroom link").input_value()
    assert "hide=weights,train" in link and "step=3" in link and "explain=0" in link
    student = open_page(link.split("/", 3)[3])
    assert student.get_by_role("slider", name="Hidden weight").is_hidden()
    assert student.get_by_role("button", name="Train (BPTT)").is_hidden()
    assert len(table(student)) == 3


def test_tampered_link_loads_defaults_with_a_notice(open_page):
    dialogs = []
    page = open_page(
        "#seq=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&len=99999&act=relu&w=1,2,3&zzz=%3Cb%3Ehi"
    )
    page.on("dialog", lambda dialog: dialogs.append(dialog))
    notices = page.locator("#notices")
    text = notices.text_content()
    assert "Sequence" in text and "Length" in text and "weights" in text and "zzz" in text
    assert notices.locator("img, b").count() == 0 and page.locator("img[src=x]").count() == 0
    # The good part of the link still applies.
    assert page.get_by_role("combobox", name="Activation").input_value() == "relu"
    assert table(page) == expected_rows(rnn_py.make_sequence("sine", 12), default_params(), "relu")
    assert not dialogs


def test_weights_download_and_load_back(open_page, tmp_path):
    page = open_page()
    box = page.get_by_role("spinbutton", name="Output weight")
    box.fill("-2.5")
    box.press("Enter")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download weights (JSON)").click()
    saved = tmp_path / "w.json"
    info.value.save_as(saved)
    document = json.loads(saved.read_text())
    assert document["params"]["w_hy"] == [-2.5]
    before = table(page)

    box.fill("3")
    box.press("Enter")
    assert table(page) != before
    page.get_by_label("Load weights (JSON)").set_input_files(str(saved))
    page.locator("#share-status").filter(has_text="Weights loaded").wait_for()
    assert table(page) == before
    assert page.get_by_role("spinbutton", name="Output weight").input_value() == "-2.5"

    junk = tmp_path / "junk.json"
    junk.write_text('{"params": {"w_xh": ["<script>alert(1)</script>"]}}')
    page.get_by_label("Load weights (JSON)").set_input_files(str(junk))
    page.locator("#share-status").filter(has_text="can't be used").wait_for()
    assert page.locator("#share-status script").count() == 0
    assert table(page) == before


def test_table_csv_and_charts_png(open_page, tmp_path):
    page = open_page("#seq=linear&len=5")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download table (CSV)").click()
    csv = tmp_path / "t.csv"
    info.value.save_as(csv)
    lines = csv.read_text().splitlines()
    assert lines[0] == "t,x_t,h_t,y_t,target,error,kind" and len(lines) == 6
    trace = rnn_py.forward(default_params(), [1, 2, 3, 4, 5], "tanh")
    assert float(lines[3].split(",")[2]) == trace.h[2][0]

    with page.expect_download() as info:
        page.get_by_role("button", name="Download charts (PNG)").click()
    png = tmp_path / "c.png"
    info.value.save_as(png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    # Decoded: two columns of two cells, each holding one of the page's four chart canvases.
    # Every cell's canvas area has about as many drawn pixels as that canvas has on the page
    # (within half: the picture places each canvas at a fractional offset, which blurs lines).
    width, height, pixel = decode_png(data)
    canvases = page.evaluate(CANVASES_JS)
    assert len(canvases) == 4
    scale = max(1, round(page.evaluate("devicePixelRatio")))
    pad, line = 16 * scale, 18 * scale
    cell_w = max(c["w"] for c in canvases) + 2 * pad
    assert width == 2 * cell_w and height % 2 == 0
    cell_h = height // 2
    # each caption is wrapped to its column: a head of whole lines above the charts
    head = cell_h - max(c["h"] for c in canvases) - 2 * pad
    lines = (head - round(0.6 * pad)) / line
    assert lines in (1, 2, 3), head
    background = pixel(1, 1)

    def ink(x, y):
        return sum(abs(a - b) for a, b in zip(pixel(x, y)[:3], background[:3], strict=True)) > 90

    # no caption runs into the next column: the gap between the columns stays blank
    for row in range(2):
        top = row * cell_h
        assert not any(ink(x, y) for y in range(top, top + head + pad)
                       for x in range(cell_w - pad, cell_w + pad // 2)), row  # fmt: skip
    for i, c in enumerate(canvases):
        x0, y0 = (i % 2) * cell_w + pad, (i // 2) * cell_h + pad + int(head) + 1
        drawn = sum(ink(x, y) for y in range(y0, y0 + c["h"] - 2) for x in range(x0, x0 + c["w"]))
        assert drawn > 300, (i, c, drawn)  # axes and grid at least: the cell is not blank
        if i < 3:  # the three charts with curves (the loss chart is empty before a run)
            assert c["opaque"] > 2000 and 0.5 * c["opaque"] < drawn < 1.5 * c["opaque"], (i, c)


# Each chart canvas of the stage: its size and how many of its pixels are drawn (clearly unlike
# the panel's background, as the picture shows them).
CANVASES_JS = """() => [...document.querySelectorAll(".charts .chart canvas")].map(canvas => {
  const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const probe = document.createElement("div"); probe.style.color = "var(--panel)";
  document.body.append(probe);
  const bg = getComputedStyle(probe).color.match(/\\d+/g).map(Number); probe.remove();
  let opaque = 0;
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3] / 255;
    const rgb = [0, 1, 2].map(k => px[i + k] * a + bg[k] * (1 - a));
    const d = Math.abs(rgb[0] - bg[0]) + Math.abs(rgb[1] - bg[1]) + Math.abs(rgb[2] - bg[2]);
    if (d > 90) opaque++;
  }
  return {w: canvas.width, h: canvas.height, opaque};
})"""


def decode_png(data):
    """A PNG's width, height and a pixel(x, y) → (r, g, b, a) lookup: 8-bit RGB or RGBA,
    non-interlaced, decoded here with zlib alone (an independent reading of the file)."""
    import struct
    import zlib

    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + left) & 255
            elif f == 2:
                line[i] = (line[i] + up) & 255
            elif f == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif f == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line

    def pixel(x, y):
        i = x * bpp
        px = tuple(rows[y][i : i + bpp])
        return px if bpp == 4 else (*px, 255)

    return width, height, pixel


def test_embed_mode_is_compact_and_links_to_the_full_page(open_page, copying):
    page = open_page("?embed=1#seq=alternating")
    assert page.get_by_text("Recurrent neural networks, one step at a time").is_hidden()
    title = page.get_by_role("heading", level=1).text_content()
    assert title == "Recurrent neural network, step by step"  # the embed bar's own
    assert page.get_by_role("heading", name="How it works").is_hidden()
    full = page.get_by_role("link", name="Open the full demo")
    assert full.is_visible()
    href = full.get_attribute("href")
    assert href.startswith("./#") and "seq=alternating" in href and "embed" not in href
    page.get_by_role("button", name="Reset").click()
    page.get_by_role("button", name="Step Forward").click()
    assert len(table(page)) == 1

    host = open_page("#seq=linear")
    host.get_by_role("button", name="Copy embed code").click()
    host.locator("#share-status").filter(has_text="Embed code copied").wait_for()
    snippet = clipboard(host)
    assert snippet.startswith("<iframe src=") and "?embed=1#seq=linear" in snippet


def test_embedded_in_a_page_from_another_origin(open_page, browser, base_url, tmp_path, guard):
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>Course page</title><link rel="icon" href="data:,">'
        "<h1>Week 5: RNNs</h1>"
        f'<iframe src="{base_url}?embed=1#seq=linear&len=6" width="900" height="700" '
        'title="RNN demo"></iframe>'
    )
    server, host_url = start_server(tmp_path, host="localhost")  # another origin
    try:
        guard.origin = (guard.origin, host_url.rstrip("/"))
        page = open_page(url=host_url, wait=False)
        frame = page.frame_locator("iframe")
        frame.locator(READY).wait_for(state="attached", timeout=60_000)
        frame.get_by_role("button", name="Reset").click()
        frame.get_by_role("button", name="Step Forward").click()
        frame.get_by_role("button", name="Step Forward").click()
        rows = frame.locator("#timesteps-body tr")
        assert rows.count() == 2
        xs = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        expected = expected_rows(xs, default_params(), "tanh", upto=2)
        assert [rows.nth(i).locator("th, td").all_text_contents() for i in range(2)] == expected
    finally:
        server.shutdown()


def test_works_under_a_sub_path(open_page, site_dir, tmp_path, guard):
    """GitHub Pages serves a project at /repo-name/: every URL in the site must be relative."""
    shutil.copytree(site_dir, tmp_path / "repo-name")
    server, url = start_server(tmp_path)
    try:
        guard.origin = url.rstrip("/")
        page = open_page(url=url + "repo-name/#seq=linear&len=4", wait=False)
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        assert table(page) == expected_rows([1.0, 2.0, 3.0, 4.0], default_params(), "tanh")
    finally:
        server.shutdown()
