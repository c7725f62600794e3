"""Whether a unit is *meant* to be untranslated yet, and whether a file is a template.

An empty ``<target>`` is a defect only when someone claims to have translated the
unit. CAT tools write ``<target/>`` (or a target of empty segment markers) for
units they have not reached and say so: XLIFF 1.2 ``state="new"`` or
``"needs-translation"``, XLIFF 2.0 ``<segment state="initial">``, and tool
markers (Trados ``<sdl:seg>`` without a confirmation level or at ``Draft``, MadCap
``segmentStatus="Untranslated"``, WorldServer ``target_content="placeholders_only"``,
memoQ ``mq:status="NotStarted"``). An exchange *template* has no translated unit
at all. QA's empty-target check (QA401) should stay quiet on both and keep
firing on a ``translated``/``final`` unit whose target is empty.

Reads elements only (lxml); the vendor namespaces are the tools' own.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

#: XLIFF 1.2 ``<target state>`` values meaning "no translation yet" (1.2 state-valuelist).
UNTRANSLATED_12 = frozenset({"new", "needs-translation"})
#: XLIFF 2.0 ``<segment state>`` meaning "no translation yet" (2.1 4.3.1.31 state: initial).
UNTRANSLATED_20 = frozenset({"initial"})
#: The value of each of those written to mark a target not translated yet (for review, withheld).
NOT_YET_12 = "needs-translation"
NOT_YET_20 = "initial"

SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
MADCAP_NS = "http://www.madcapsoftware.com/Schemas/MadCap.xsd"
IWS_NS = "http://www.idiominc.com/ws/asset"
MEMOQ_NS = "MQXliff"


def state_untranslated(version: str, state: str | None) -> bool:
    """The standard state attribute says the unit/segment has not been translated."""
    if state is None:
        return False
    return state in (UNTRANSLATED_20 if version.startswith("2") else UNTRANSLATED_12)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


#: Trados confirmation levels (``<sdl:seg conf>``) of a segment not translated yet: none (Not Translated), and
#: Draft (edited, never confirmed). The others (Translated, Approved/Rejected Translation or SignOff) each claim a
#: translation, a rejected one to be reworked as 1.2's needs-review states are.
SDL_NOT_CONFIRMED = frozenset({None, "Draft"})


def _sdl_untranslated_mids(trans_unit: etree._Element) -> set[str]:
    """Trados: a segment definition left unconfirmed (:data:`SDL_NOT_CONFIRMED`) has not been translated yet."""
    return {seg.get("id", "") for seg in trans_unit.iter(f"{{{SDL_NS}}}seg") if seg.get("conf") in SDL_NOT_CONFIRMED}


def _segment_mids(target: etree._Element) -> list[str]:
    return [m.get("mid", "") for m in target.iter("{*}mrk") if m.get("mtype") == "seg"]


def _tool_says_untranslated_12(trans_unit: etree._Element, target: etree._Element) -> bool:
    status = trans_unit.find(f".//{{{IWS_NS}}}status")
    if status is not None and (status.get("target_content") == "placeholders_only" or status.get("translation_status") == "pending"):
        return True
    if trans_unit.get(f"{{{MEMOQ_NS}}}status") == "NotStarted":
        return True
    mids = _segment_mids(target)
    if not mids:
        return False
    madcap = {m.get("mid", "") for m in target.iter("{*}mrk") if m.get(f"{{{MADCAP_NS}}}segmentStatus") == "Untranslated"}
    pending = _sdl_untranslated_mids(trans_unit) | madcap
    return all(mid in pending for mid in mids)


def not_translated_yet(target: etree._Element, version: str) -> bool:
    """Whether ``target`` (a 1.2 ``<target>`` of a ``<trans-unit>``, or a 2.0 ``<target>`` of a
    ``<segment>``) is declared untranslated, by the standard state or by the tool that wrote it."""
    parent = target.getparent()
    if version.startswith("2"):
        return parent is not None and _local(parent) == "segment" and state_untranslated(version, parent.get("state"))
    if state_untranslated(version, target.get("state")):
        return True
    return parent is not None and _local(parent) == "trans-unit" and _tool_says_untranslated_12(parent, target)


def is_draft(target: etree._Element, version: str) -> bool:
    """A target with content (text or an inline code) that :func:`not_translated_yet` says is no translation yet:
    a machine proposal or the source copied in, never sent or reused as a translation."""
    return (len(target) > 0 or bool((target.text or "").strip())) and not_translated_yet(target, version)


def is_template(targets: Iterable[str | None]) -> bool:
    """A file (its targets' texts, None where a unit has no target) in which nothing is translated.

    An empty file is not a template: there is nothing to say about it.
    """
    seen = False
    for text in targets:
        seen = True
        if text is not None and text.strip():
            return False
    return seen
