"""Git's conflict markers: a merge left a file for a person to resolve.

Read by the state file (which refuses to load one and can be repaired) and by
validate (whose XLF001 then says what broke the XML, instead of the parser's
"invalid element name").
"""

from __future__ import annotations

import re

#: What a reader says of a file that holds them: the cause, and how a person resolves it.
UNRESOLVED = ("git conflict markers (<<<<<<<) from a merge left unresolved; keep one side of each conflict "
              "(or git checkout --ours or --theirs FILE), then git add and commit")
#: A line git writes around a conflict: ours begins, the base begins (diff3), theirs begins, the conflict ends.
MARKER_RE = re.compile(r"^(?:<{7}|\|{7}|={7}|>{7})(?: |\r?$)", re.MULTILINE)
#: The line that opens a conflict: never in well-formed XML, where text cannot hold a ``<`` unescaped.
_OPENING = re.compile(rb"^<{7}(?: |\r?$)", re.MULTILINE)


def opening_line(data: bytes) -> int | None:
    """The line (from 1) of the first ``<<<<<<<`` opening a conflict in ``data``, None when there is none."""
    found = _OPENING.search(data)
    return None if found is None else data.count(b"\n", 0, found.start()) + 1
