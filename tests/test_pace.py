"""rnn_py.page.pace: an animation frame's working time adapts to dropped frames (issue 18)."""

from __future__ import annotations

import doctest

import pytest

from rnn_py.page import pace
from rnn_py.page.pace import FRAME, Pace


def test_doctests():
    assert doctest.testmod(pace).failed == 0


def test_dropped_frames_lower_the_work_to_the_least_and_frames_on_time_bring_it_back():
    p = Pace(most=0.010, least=0.004)
    now, works = 0.0, [p.frame(0.0)]
    for _ in range(20):  # every frame late: a frame and a half and a bit
        now += 1.6 * FRAME
        works.append(p.frame(now))
    assert works[0] == 0.010 and works[1] == pytest.approx(0.009)
    assert all(b <= a for a, b in zip(works, works[1:], strict=False))
    assert works[-1] == 0.004  # never below the least
    for _ in range(200):  # on time again
        now += FRAME
        works.append(p.frame(now))
    assert works[-1] == 0.010  # never above the most
    assert works[-200] == pytest.approx(0.0041)  # slowly: a tenth of a step down at a time


def test_a_frame_a_little_late_is_not_dropped():
    p = Pace(most=0.010, least=0.004)
    p.frame(0.0)
    assert p.frame(1.4 * FRAME) == 0.010


@pytest.mark.parametrize(("most", "least"), [(0.01, 0.0), (0.01, 0.02), (0.0, 0.0)])
def test_nonsense_limits_are_refused(most, least):
    with pytest.raises(ValueError, match="least"):
        Pace(most, least)
