"""What a link can hide or open, and what one embedded panel shows: one table each.

``CONTROLS`` names every control a classroom link can hide (``hide=train,lr``), with the label
the For teachers panel shows beside its box; on the page, every element that belongs to a
control carries ``data-hide="name"``. ``OPENABLE`` names the panels a link can open on arrival
(``open=landscape,code``) and their element ids. ``PANELS`` names every panel one embed can
show alone (``?embed=1&panel=landscape``): the page parts it keeps (element ids), the controls
it keeps, and the height of its iframe snippet. A new control, panel or embed is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _

CONTROLS = {
    "task": N_("Task (numbers or text)"),
    "text": N_("Your text and its presets"),
    "textnet": N_("Text network settings"),
    "sample": N_("Sample (text mode)"),
    "sequence": N_("Sequence"),
    "length": N_("Length"),
    "normalized": N_("Normalized inputs"),
    "forecast": N_("Forecast"),
    "cell": N_("Cell"),
    "activation": N_("Activation"),
    "hidden": N_("Hidden units"),
    "weights": N_("Weights"),
    "lr": N_("Learning rate"),
    "clip": N_("Gradient clipping"),
    "optimizer": N_("Optimizer"),
    "step": N_("Step Forward and Reset"),
    "train": N_("Train (BPTT)"),
    "search": N_("Random Search"),
    "share": N_("Share and save"),
    "units": N_("Memory panel"),
    "cells": N_("Compare cells panel"),
    "landscape": N_("Loss landscape panel"),
    "code": N_("Code panel"),
    "console": N_("Python console"),
    "challenges": N_("Challenges panel"),
    "exercises": N_("Exercises panel"),
    "language": N_("Language menu"),
}

OPENABLE = {
    "units": "units-panel",
    "cells": "cells-panel",
    "landscape": "landscape-panel",
    "code": "code-panel",
    "console": "console-panel",
    "challenges": "challenges-panel",
    "exercises": "exercises-panel",
}

# The For teachers panel's "Open" boxes: each openable panel's control label without " panel".
OPENABLE_LABELS = {
    "units": N_("Memory"),
    "cells": N_("Compare cells"),
    "landscape": N_("Loss landscape"),
    "code": N_("Code"),
    "console": N_("Python console"),
    "challenges": N_("Challenges"),
    "exercises": N_("Exercises"),
}

# Shown in every one-panel embed: the bar with "Open the full demo", the loading line and the
# notices about the link.
ALWAYS = ("embed-bar", "loading", "notices")
CORE = (
    "sequence",
    "length",
    "normalized",
    "cell",
    "activation",
    "hidden",
    "weights",
    "lr",
    "clip",
    "optimizer",
)


@dataclass(frozen=True)
class Panel:
    """One panel a course page can embed alone."""

    name: str
    title: str  # what the For teachers panel offers (N_: translated where shown)
    parts: tuple[str, ...]  # ids of the page parts it shows
    controls: tuple[str, ...]  # the CONTROLS it keeps (the others are hidden)
    height: int  # the snippet's iframe height: the content's height in a 760 px wide frame


# fmt: off
PANELS = (
    # name, title, parts, controls, height
    Panel("network", N_("The unrolled network"), ("stepper", "unrolled-figure"), ("step",), 420),
    Panel("sequence", N_("The sequence chart"), ("controls", "stepper", "fig-seq", "loss-line"),
          ("sequence", "length", "normalized", "forecast", "step"), 530),
    Panel("reach", N_("How far back the gradient reaches"), ("controls", "fig-grad"),
          ("activation", "weights", "sequence", "length"), 950),
    Panel("units", N_("Memory: how many hidden units?"), ("units-panel",), ("units",), 1370),
    Panel("text", N_("Your own text: a character-level RNN"), ("controls", "text-stage"),
          ("task", "text", "textnet", "lr", "clip", "train", "sample", "step"), 2180),
    Panel("cells", N_("Compare cells: vanilla, GRU and LSTM"), ("controls", "cells-panel"),
          ("sequence", "length", "hidden", "cells"), 1000),
    Panel("landscape", N_("Loss landscape"), ("landscape-panel",), ("landscape",), 1390),
    Panel("code", N_("Code"), ("stepper", "code-panel"), ("step", "code"), 880),
    Panel("console", N_("Python console"), ("console-panel",), ("console",), 600),
    Panel("challenges", N_("Challenges"), ("controls", "loss-line", "fig-grad", "challenges-panel"),
          (*CORE, "train", "search", "challenges"), 3060),
    Panel("exercises", N_("Exercises: write it yourself"), ("exercises-panel",), ("exercises",),
          1340),
)
# fmt: on
PANELS_BY_NAME = {p.name: p for p in PANELS}
WHOLE_HEIGHT = 760  # the snippet's height for the whole compact page


def panel_of(state) -> Panel | None:
    """The one panel an embed shows alone, or None (the whole page)."""
    if not state.embed:
        return None
    return PANELS_BY_NAME.get(state.panel)


def hidden_controls(state) -> tuple[str, ...]:
    """The controls the page hides: the link's own ``hide=``, and in a one-panel embed every
    control that panel does not keep.

    >>> from types import SimpleNamespace as S
    >>> hidden_controls(S(hide=("lr",), embed=True, panel="network"))[:4]
    ('lr', 'task', 'text', 'textnet')
    >>> hidden_controls(S(hide=("lr",), embed=False, panel="network"))
    ('lr',)
    """
    panel = panel_of(state)
    hidden = list(state.hide)
    if panel is not None:
        hidden += [name for name in CONTROLS if name not in panel.controls and name not in hidden]
    return tuple(hidden)


def shown_parts(panel: Panel) -> list[str]:
    """The ids of the page parts a one-panel embed keeps: the panel's own and ALWAYS."""
    return [*ALWAYS, *panel.parts]


def snippet_height(name: str) -> int:
    """The iframe height of a panel's snippet; "" (no panel) gives the whole page's."""
    return PANELS_BY_NAME[name].height if name in PANELS_BY_NAME else WHOLE_HEIGHT


def snippet_title(name: str) -> str:
    """The iframe's title (what a screen reader announces for the frame)."""
    if name in PANELS_BY_NAME:
        return _("Interactive recurrent neural network: {panel}").format(
            panel=_(PANELS_BY_NAME[name].title)
        )
    return _("Interactive recurrent neural network")


def opened(state) -> list[str]:
    """The ids of the panels to open on arrival: ``open=`` and a one-panel embed's own."""
    names = list(state.open)
    panel = panel_of(state)
    if panel is not None and panel.name in OPENABLE and panel.name not in names:
        names.append(panel.name)
    return [OPENABLE[name] for name in names]
