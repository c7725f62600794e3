"""Word counts the way translate-toolkit's ``pocount`` counts them.

Vendors quote per word, and users check our figures against ``pocount``, so the
counting is the toolkit's own: ``<br>`` becomes a break, XML/HTML tags are
stripped, then Unicode word segmentation (UAX #29) counts words, which counts
CJK text by character. This module imports the toolkit, so import it lazily.
"""

from __future__ import annotations

from translate.tools.pocount import wordcount


def words(text: str) -> int:
    """Words in ``text`` as ``pocount`` counts a source string."""
    return int(wordcount(text)) if text.strip() else 0
