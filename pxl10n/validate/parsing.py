"""The parsing family (XLF000-XLF004): can the bytes be read as XLIFF at all?

The engine owns what no other family can: refusing a DOCTYPE before the parser
sees it, parsing with line numbers, telling XLIFF 1.2 from 2.0, and reporting
unreadable files and families that crashed. Every other family only runs on a
document this stage accepted.
"""

from __future__ import annotations

import re

from lxml import etree

from pxl10n.conflict_markers import UNRESOLVED, opening_line
from pxl10n.validate.rules import Document, Family, Finding, error
from pxl10n.xliff import namespaces as ns
from pxl10n.xliff.io import MAX_DOCUMENT_BYTES, has_doctype, local_name, read_capped, safe_parser, xml_error

XLF000 = error(
    "XLF000", "Rule family failed on this file",
    "A rule family raised an unexpected exception on this file. The file was not fully checked; please report "
    "it with the file attached.",
)
XLF001 = error(
    "XLF001", "Not well-formed XML",
    "The file is not well-formed XML; nothing else can be checked until it parses.",
    "XML 1.0 section 2.1 Well-Formed XML Documents",
)
XLF002 = error(
    "XLF002", "Not XLIFF 1.2 or 2.0",
    "The root element is not <xliff> in the XLIFF 1.2 or 2.0 namespace, or it declares a version PX does not "
    "read.",
)
XLF003 = error(
    "XLF003", "DOCTYPE or entity declarations present",
    "The file declares a DOCTYPE (the carrier of XXE and entity-expansion attacks). It is refused and never "
    "expanded; XLIFF needs no DTD, PX never sends one.",
)
XLF004 = error(
    "XLF004", "File cannot be read",
    "The file could not be read (permissions, vanished, a directory), is larger than the parser's size cap, or "
    "is a symbolic link below the configured directory: pull and push never read through one there (a committed "
    "link could point anywhere on a CI runner), so validate does not either.",
)

FAMILY = Family(
    "parsing", "XLF0", "Reading the file: bytes, XML, XLIFF version",
    (XLF000, XLF001, XLF002, XLF003, XLF004),
)

_XLIFF20_VERSIONS = ("2.0", "2.1", "2.2")
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_SPACE = re.compile(rb"\s*")
_DOCTYPE_MESSAGE = "document declares a DOCTYPE; refused (DTDs and entities are never expanded)"


def doctype_offset(data: bytes) -> int | None:
    """Byte offset of a ``<!DOCTYPE`` in the prolog, found without parsing it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while (m := _PROLOG_ITEM.match(data, pos)) and m.end() > pos:
        pos = m.end()
    pos = _SPACE.match(data, pos).end()  # type: ignore[union-attr]
    return pos if data.startswith(b"<!DOCTYPE", pos) else None


def root_version(root: etree._Element) -> str | None:
    """'1.2' or '2.0' (2.1 and 2.2 read as 2.0) from the root element, None when it is not XLIFF."""
    if local_name(root) != "xliff":
        return None
    namespace = etree.QName(root).namespace
    if namespace == ns.XLIFF20:
        return "2.0" if root.get("version", "2.0") in _XLIFF20_VERSIONS else None
    if namespace == ns.XLIFF12 or (namespace is None and root.get("version") == "1.2"):
        return "1.2"
    return None


def parse(doc: Document, parser: etree.XMLParser | None = None) -> list[Finding]:
    """Parse ``doc`` in place (tree and version set), or return why it cannot be read as XLIFF.

    ``parser`` is a :func:`~pxl10n.xliff.io.safe_parser` the caller reuses over many documents
    (building one costs about as much as parsing a small file); a fresh one by default.
    A document that arrives with its tree (the caller parsed ``data`` with
    :func:`~pxl10n.xliff.io.parse`, as push does) is not parsed again; only the checks
    on the tree run, so the findings are the same either way.
    """
    offset = doctype_offset(doc.data)
    if offset is not None:
        return [doc.finding(XLF003, _DOCTYPE_MESSAGE, line=doc.data.count(b"\n", 0, offset) + 1)]
    tree = doc.tree if doc.tree is not None else _parsed(doc, parser)
    if isinstance(tree, Finding):
        return [tree]
    root = tree.getroot()
    if has_doctype(tree):
        return [doc.finding(XLF003, _DOCTYPE_MESSAGE, line=1)]
    version = root_version(root)
    if version is None:
        namespace = etree.QName(root).namespace or "no namespace"
        if local_name(root) == "xliff" and root.get("version"):
            message = f"<xliff version=\"{root.get('version')}\"> ({namespace}) is not XLIFF 1.2 or 2.0"
        else:
            message = f"root element <{local_name(root) or root.tag}> ({namespace}) is not XLIFF 1.2 or 2.0"
        return [doc.finding(XLF002, message, element=root)]
    doc.tree, doc.version = tree, version
    return []


def _parsed(doc: Document, parser: etree.XMLParser | None) -> etree._ElementTree | Finding:
    """The tree of ``doc``'s bytes, or the XLF001 finding saying why they are not XML."""
    try:
        root = etree.fromstring(doc.data, parser or safe_parser())
    except etree.XMLSyntaxError as exc:
        marker = opening_line(doc.data)
        if marker is not None:
            return doc.finding(XLF001, f"not well-formed XML: {UNRESOLVED}", line=marker)
        message, line, col = xml_error(exc)
        return doc.finding(XLF001, f"not well-formed XML: {message}", line=line, col=col)
    except ValueError as exc:
        return doc.finding(XLF001, f"not well-formed XML: {exc}")
    return root.getroottree()


def read(name: str) -> Document | Finding:
    """The document in file ``name``, or the XLF004 finding saying why it cannot be read."""
    try:
        data = read_capped(name)
    except OSError as exc:
        return unreadable(name, f"cannot read file: {exc.strerror or exc}")
    if data is None:
        return unreadable(name, f"file is over the {MAX_DOCUMENT_BYTES} byte cap; refused")
    return Document(name, data)


def release(doc: Document) -> None:
    """Let go of ``doc``'s tree and view once every family has read them, so their memory returns at once."""
    doc.release()


def unreadable(name: str, reason: str) -> Finding:
    """The XLF004 finding of a file that could not be read."""
    return Document(name, b"").finding(XLF004, reason)
