"""How much work an animation's frame holds, adapting to the machine (issue 18).

A display at 60 Hz shows a frame every 16.7 ms. An animation that computes between frames (the
training and search runs, the text task's training) gets a working time per frame: at most
`most`, and less after a dropped frame, so that a slow or busy machine still shows every frame
rather than fewer frames with more work in each. A frame is dropped when the next one starts
more than 1.5 frames after it; each one lowers the working time by STEP_DOWN, down to `least`;
each frame on time raises it again by STEP_UP (a tenth as much), up to `most`.
"""

from __future__ import annotations

FRAME = 1 / 60  # seconds between frames at 60 Hz
STEP_DOWN = 0.001
STEP_UP = 0.0001


class Pace:
    """A frame's working time (seconds), from when the frames start.

    >>> pace = Pace(most=0.010, least=0.005)
    >>> pace.frame(0.0), pace.frame(FRAME)      # the first frames, on time
    (0.01, 0.01)
    >>> round(pace.frame(3 * FRAME), 4)         # one frame was dropped
    0.009
    >>> round(pace.frame(4 * FRAME), 4)         # on time again: it creeps back up
    0.0091
    """

    def __init__(self, most: float, least: float):
        if not 0 < least <= most:
            raise ValueError("A frame's working time needs 0 < least <= most.")
        self.most, self.least, self.work = most, least, most
        self.last: float | None = None

    def frame(self, now: float) -> float:
        """Call as each frame starts (now: seconds on any steady clock); returns its working
        time, less after a dropped frame and a little more after one on time."""
        if self.last is not None:
            if now - self.last > 1.5 * FRAME:
                self.work = max(self.least, self.work - STEP_DOWN)
            else:
                self.work = min(self.most, self.work + STEP_UP)
        self.last = now
        return self.work
