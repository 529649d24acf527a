"""Cold start (issue #16): the cyclic garbage collector paused while modules load.

Importing click, reportlab and our modules makes ~200,000 objects that live as long as the
process; the collector would scan them again and again while they are being made (a full
collection runs whenever a quarter more objects survived), ~20 ms of a cold build. While a block
of imports runs, `importing()` pauses it, and then freezes what exists (gc.freeze: moved to a
generation the collector never scans) and resumes it. Garbage made later is collected as usual,
so a long `serve` or a batch build keeps its memory in check.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def importing() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
