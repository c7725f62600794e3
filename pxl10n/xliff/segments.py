"""Source/target pairs of an XLIFF 1.2 or 2.0 tree, with their inline markup.

Leverage, translation memory and pseudo-translation all work on the smallest
pair a target can be written into: a 2.0 ``<segment>`` or a 1.2 ``<trans-unit>``.
:func:`markup` spells a source or target as one string that keeps text and inline
codes apart, so "same source text and inline codes" is a string comparison, and
:func:`write_target` puts such a string back as real elements.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from pxl10n.errors import XliffError
from pxl10n.xliff import namespaces
from pxl10n.xliff.io import local_name, safe_parser, xliff_version
from pxl10n.xliff.states import is_draft


@dataclass(frozen=True)
class Segment:
    """One place a translation goes: a 2.0 segment or a 1.2 trans-unit."""

    unit_id: str | None
    #: the 2.0 ``<segment>`` or the 1.2 ``<trans-unit>``
    container: etree._Element
    source: etree._Element
    target: etree._Element | None
    version: str
    #: False for ``translate="no"`` units and 1.2 units segmented with ``<seg-source>``
    writable: bool = True

    @property
    def namespace(self) -> str:
        return namespaces.XLIFF20 if self.version == "2.0" else namespaces.XLIFF12

    @property
    def state(self) -> str | None:
        """The translation's state as the file says: 2.0 ``state`` (``/subState``), 1.2 the target's ``state``."""
        holder = self.container if self.version == "2.0" else self.target
        if holder is None or not holder.get("state"):
            return None
        sub = holder.get("subState") if self.version == "2.0" else holder.get("state-qualifier")
        return f"{holder.get('state')}/{sub}" if sub else holder.get("state")

    @property
    def has_target(self) -> bool:
        """True when a target with any text or inline code is present."""
        target = self.target
        return target is not None and (bool(plain_text(target).strip()) or len(target) > 0)

    @property
    def draft(self) -> bool:
        """The target is a draft (:func:`~pxl10n.xliff.states.is_draft`)."""
        return self.target is not None and is_draft(self.target, self.version)


def iter_segments(tree: etree._ElementTree) -> Iterator[Segment]:
    """Every segment (2.0) or trans-unit (1.2) of ``tree``, in document order."""
    version = xliff_version(tree)
    root = tree.getroot()
    ns = {"x": namespaces.XLIFF20 if version == "2.0" else namespaces.XLIFF12}
    if version == "2.0":
        for unit in root.iterfind(".//x:unit", ns):
            writable = unit.get("translate") != "no"
            for segment in unit.iterfind("x:segment", ns):
                source = segment.find("x:source", ns)
                if source is not None:
                    yield Segment(unit.get("id"), segment, source, segment.find("x:target", ns), version, writable)
        return
    for tu in root.iterfind(".//x:trans-unit", ns):
        source = tu.find("x:source", ns)
        if source is not None:
            writable = tu.get("translate") != "no" and tu.find("x:seg-source", ns) is None
            yield Segment(tu.get("id"), tu, source, tu.find("x:target", ns), version, writable)


def _attr_name(name: str) -> str:
    qname = etree.QName(name)
    return f"xml:{qname.localname}" if qname.namespace == namespaces.XML else qname.localname


def start_tag(element: etree._Element, *, empty: bool = False) -> str:
    """``<name a="v">`` (or ``<name a="v"/>``) of an inline element: local names, attributes sorted."""
    items = cast("list[tuple[str, str]]", element.items())  # lxml-stubs allow bytes; Python 3 lxml gives str
    attrs = "".join(f" {_attr_name(name)}={quoteattr(value)}" for name, value in sorted(items))
    return f"<{local_name(element)}{attrs}{'/' if empty else ''}>"


def markup(element: etree._Element) -> str:
    """Text (XML-escaped) and inline codes (as tags without namespace) of ``element``'s content."""
    parts: list[str] = [escape(element.text or "")]
    for child in element:
        if isinstance(child.tag, str):
            if len(child) == 0 and not child.text:
                parts.append(start_tag(child, empty=True))
            else:
                parts.append(start_tag(child) + markup(child) + f"</{local_name(child)}>")
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def plain_text(element: etree._Element) -> str:
    """The text of ``element`` with inline codes flattened (what matching and counting see)."""
    return "".join(cast("Iterator[str]", element.itertext()))  # str only, whatever the stubs allow


def parse_markup(text: str, namespace: str | None) -> etree._Element:
    """Elements back from :func:`markup` output, in ``namespace`` (None: none), held by a ``<t>``; XliffError when it is not markup."""
    declaration = f' xmlns="{namespace}"' if namespace else ""
    try:
        holder = etree.fromstring(f"<t{declaration}>{text}</t>".encode(), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise XliffError(f"translation {text[:60]!r} is not valid inline markup: {exc}") from None
    return holder


def write_target(segment: Segment, content: etree._Element, *, attrs: dict[str, str] | None = None) -> etree._Element:
    """Put a ``<target>`` holding ``content``'s text and children into ``segment`` (replacing an empty one).

    The new target follows the source (and a 1.2 ``<seg-source>``, as the schema orders them) and copies its
    ``xml:space``, so whitespace handling is the same on both sides.
    """
    target = etree.SubElement(segment.container, f"{{{segment.namespace}}}target")
    if segment.source.get(namespaces.XML_SPACE):
        target.set(namespaces.XML_SPACE, segment.source.get(namespaces.XML_SPACE, ""))
    for name, value in (attrs or {}).items():
        target.set(name, value)
    target.text = content.text
    for child in list(content):
        target.append(child)
    existing = segment.target
    if existing is not None:
        target.tail = existing.tail
        segment.container.replace(existing, target)
    else:
        anchor = segment.source
        following = anchor.getnext()
        if segment.version == "1.2" and following is not None and etree.QName(following).localname == "seg-source":
            anchor = following
        target.tail = anchor.tail
        container_text = segment.container.text
        if container_text is not None and not container_text.strip():
            anchor.tail = container_text
        anchor.addnext(target)
    return target
