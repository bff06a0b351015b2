"""Handlers of the For teachers panel: a classroom link and an embed snippet from the same
choices (controls to hide, the starting step, a challenge, no long explanations, one panel),
and a live preview of the embed in a frame on this page, loaded only when asked for."""

import json
from dataclasses import replace

import page
from page import page_url, tell, when
from pyscript import document, window

from rnn_py.i18n import _
from rnn_py.page.embed import (
    CONTROLS,
    OPENABLE,
    OPENABLE_LABELS,
    PANELS,
    snippet_height,
    snippet_title,
)
from rnn_py.page.state import embed_snippet, read_number, to_query


def _boxes(fieldset_id, choices):
    """One checkbox per choice (value: label) in the fieldset."""
    boxes = document.getElementById(fieldset_id)
    for name, label in choices.items():
        box = document.createElement("input")
        box.type, box.value = "checkbox", name
        text = document.createElement("label")
        text.append(box, " " + label)
        boxes.append(text)


def _checked(fieldset_id):
    boxes = document.querySelectorAll(f"#{fieldset_id} input:checked")
    return tuple(boxes.item(i).value for i in range(boxes.length))


def _fill_choices():
    """A box per control a link can hide and per panel it can open; an option per panel an
    embed can show: made the first time the panel opens (some 200 calls into the page, which
    the first screen does not need)."""
    if document.querySelector("#teach-hide input"):
        return
    _boxes("teach-hide", {name: _(label) for name, label in CONTROLS.items()})
    _boxes("teach-open", {name: _(OPENABLE_LABELS[name]) for name in OPENABLE})
    select = document.getElementById("teach-panel")
    for p in PANELS:
        option = document.createElement("option")
        option.value, option.textContent = p.name, _(p.title)
        select.append(option)


def chosen_state():
    """The current view with the teacher's choices."""
    step, _message = read_number(
        document.getElementById("teach-step").value or "-1", -1, 64, "Step"
    )
    explain = not document.getElementById("teach-explain").checked
    start = None if step is None or step < 0 else int(step)
    picked = str(document.getElementById("teach-challenge").value)
    challenge = int(picked) if picked.isdigit() else None  # the options are 1…N (panels/challenges)
    hide, opened = _checked("teach-hide"), _checked("teach-open")
    return replace(page.session.state, hide=hide, step=start, explain=explain, embed=False,
                   challenge=challenge, panel="", open=opened)  # fmt: skip


def teacher_link():
    """Fill in the classroom link and the embed snippet from the teacher's choices."""
    state = chosen_state()
    document.getElementById("teach-link").value = page_url() + "#" + to_query(state)
    panel = str(document.getElementById("teach-panel").value)
    document.getElementById("teach-embed").value = embed_snippet(
        page_url(), replace(state, embed=True, panel=panel)
    )


@when("change", "#teachers")
def on_teachers(event):
    teacher_link()


@when("toggle", "#teachers")
def on_teachers_open(event):
    _fill_choices()
    teacher_link()


@when("click", "#copy-teach")
async def on_copy_teach(event):
    teacher_link()
    copied = await window.RnnPage.copy(document.getElementById("teach-link").value)
    tell(_("Classroom link copied.") if copied else _("Copy the link below."))


@when("click", "#copy-teach-embed")
async def on_copy_teach_embed(event):
    teacher_link()
    copied = await window.RnnPage.copy(document.getElementById("teach-embed").value)
    tell(
        _("Embed snippet copied: paste it in your course page.") if copied else _("Copy it below.")
    )


@when("click", "#teach-preview")
def on_preview(event):
    """Load (or reload) the preview frame: the snippet's own address and height, same origin."""
    state = chosen_state()
    panel = str(document.getElementById("teach-panel").value)
    src = "./?embed=1#" + to_query(replace(state, embed=True, panel=panel))
    frame = {"src": src, "height": snippet_height(panel), "title": snippet_title(panel)}
    window.RnnPage.preview(json.dumps(frame))
    event.target.textContent = _("Update preview")


if document.getElementById("teachers").open:  # opened before this module bound its handlers
    _fill_choices()
