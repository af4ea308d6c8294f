"""A progress bar with counts on stderr: redrawn in place on a terminal, a line now and then
in a log. Small enough that a dependency would cost more than it saves."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 24


class Progress:
    """Shows how far a long command is; `None` as the stream keeps it quiet."""

    def __init__(self, stream: TextIO | None = sys.stderr) -> None:
        self.stream = stream
        self.tty = bool(stream is not None and stream.isatty())
        self.interval = 0.2 if self.tty else 10.0  # a log gets a line every ten seconds
        self.last = 0.0
        self.width = 0

    def show(self, phase: str, done: int, total: int, counts: str, force: bool = False) -> None:
        """Draw the bar for `done` of `total`, followed by the counts."""
        now = time.monotonic()
        if self.stream is None or (not force and now - self.last < self.interval):
            return
        self.last = now
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * WIDTH)
        line = f"{phase:<10}[{'#' * filled}{'-' * (WIDTH - filled)}] {share:4.0%}  {counts}"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the line the bar was drawn on."""
        if self.stream is not None and self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()
        self.width = 0
