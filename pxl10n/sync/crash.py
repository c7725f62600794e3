"""Named points where a test can make pull or push die, to prove every line is crash-safe.

``PXL10N_CRASH_AT="pull-recorded:2:INT"`` sends the process SIGINT (default
SIGKILL) the second time it reaches ``pull-recorded``. Unset (always, outside
tests) a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

_counts: Counter[str] = Counter()
_lock = threading.Lock()


def point(name: str) -> None:
    """Die here when ``PXL10N_CRASH_AT`` names this point and its count is reached."""
    spec = os.environ.get("PXL10N_CRASH_AT")
    if not spec:
        return
    wanted, _, rest = spec.partition(":")
    if wanted != name:
        return
    count, _, sig = rest.partition(":")
    with _lock:
        _counts[name] += 1
        reached = _counts[name] == int(count or 1)
    if reached:
        os.kill(os.getpid(), signal.SIGINT if sig.upper() == "INT" else signal.SIGKILL)
