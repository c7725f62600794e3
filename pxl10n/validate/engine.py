"""Run every rule family over a set of XLIFF files and collect one :class:`Report`.

The engine owns what no family can: reading bytes, refusing DOCTYPEs before the
parser sees them (``XLF003``), parsing with line numbers (``XLF001``), telling
XLIFF 1.2 from 2.0 (``XLF002``), and then selection, ignore and severity
overrides, applied to the findings families emit with default severities. Many
files are spread over processes in chunks; the result is sorted, so it is the
same whatever the number of jobs.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from pxl10n.config import Settings
from pxl10n.errors import ConfigError
from pxl10n.sync import layout
from pxl10n.sync.state import State
from pxl10n.validate import px, qa, xliff12, xliff20
from pxl10n.validate.rules import (
    REGISTRY,
    Context,
    Document,
    Finding,
    PulledInfo,
    Severity,
    register,
)
from pxl10n.xliff.io import (
    MAX_DOCUMENT_BYTES,
    XLIFF12_NS,
    XLIFF20_NS,
    has_doctype,
    local_name,
    safe_parser,
)

log = logging.getLogger(__name__)

XLF000 = register("XLF000", Severity.ERROR, "Rule family failed on this file",
                  "A rule family raised an unexpected exception on this file. The file was not fully "
                  "checked; please report it with the file attached.")
XLF001 = register("XLF001", Severity.ERROR, "Not well-formed XML",
                  "The file is not well-formed XML; nothing else can be checked until it parses.")
XLF002 = register("XLF002", Severity.ERROR, "Not XLIFF 1.2 or 2.0",
                  "The root element is not <xliff> in the XLIFF 1.2 or 2.0 namespace, or it declares a "
                  "version PX does not read.")
XLF003 = register("XLF003", Severity.ERROR, "DOCTYPE or entity declarations present",
                  "The file declares a DOCTYPE (the carrier of XXE and entity-expansion attacks). It is "
                  "refused and never expanded; XLIFF needs no DTD, PX never sends one.")
XLF004 = register("XLF004", Severity.ERROR, "File cannot be read",
                  "The file could not be read (permissions, vanished, a directory) or is larger than the "
                  "parser's size cap.")

FAMILY_PREFIXES = ("XLF", "QA", "PX")
#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 48
_XLIFF20_VERSIONS = ("2.0", "2.1", "2.2")


@dataclass(frozen=True)
class Family:
    """A rule family, the XLIFF versions it applies to (None: all) and the code prefix it owns."""

    name: str
    check: Callable[[Document, Context], Iterable[Finding]]
    versions: frozenset[str] | None
    prefix: str

    def selected(self, selection: Selection) -> bool:
        """False when no code of this family can survive the selection (then it is not run at all)."""
        return any(selection.enabled(code) for code in REGISTRY if code.startswith(self.prefix))


FAMILIES: tuple[Family, ...] = (
    Family("xliff12", xliff12.check, frozenset({"1.2"}), "XLF1"),
    Family("xliff20", xliff20.check, frozenset({"2.0"}), "XLF2"),
    Family("qa", qa.check, None, "QA"),
    Family("px", px.check, None, "PX"),
)


# --- selection ----------------------------------------------------------------


def split_codes(values: Iterable[str]) -> tuple[str, ...]:
    """``("QA1,XLF", "PX")`` -> ``("QA1", "XLF", "PX")``, upper-cased, blanks dropped."""
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def _check_prefix(prefix: str, option: str) -> str:
    if prefix == "ALL" or prefix in FAMILY_PREFIXES or any(code.startswith(prefix) for code in REGISTRY):
        return prefix
    raise ConfigError(f"{option}: unknown rule code or prefix {prefix!r} (see `pxl10n validate --list-rules`)")


@dataclass(frozen=True)
class Selection:
    """Which codes run and at what severity; picklable, so workers apply it too."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    #: (prefix, level) with the longest prefix first; level is error, warning or off
    severity: tuple[tuple[str, str], ...] = ()

    def enabled(self, code: str) -> bool:
        """Selected by a prefix and not ignored by any (ignore wins)."""
        def hit(prefixes: tuple[str, ...]) -> bool:
            return any(p == "ALL" or code.startswith(p) for p in prefixes)
        return hit(self.select) and not hit(self.ignore)

    def apply(self, finding: Finding) -> Finding | None:
        """The finding at its final severity, or None when it is deselected or off."""
        if not self.enabled(finding.code):
            return None
        for prefix, level in self.severity:
            if finding.code.startswith(prefix):
                if level == "off":
                    return None
                if level != finding.severity.value:
                    return replace(finding, severity=Severity(level))
                break
        return finding


def build_selection(
    settings: Settings | None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> Selection:
    """Config ``[validate]`` as defaults, options on top: --select/--ignore replace, severities merge."""
    conf = settings.validate if settings else None
    sel = split_codes(select) or split_codes(conf.select if conf else ()) or ("ALL",)
    ign = split_codes(ignore) or split_codes(conf.ignore if conf else ())
    levels = {k.strip().upper(): v for k, v in (conf.severity if conf else {}).items()}
    levels.update({k.strip().upper(): v for k, v in (severity or {}).items()})
    for prefix in sel:
        _check_prefix(prefix, "--select")
    for prefix in ign:
        _check_prefix(prefix, "--ignore")
    for prefix, level in levels.items():
        _check_prefix(prefix, "severity")
        if level not in ("error", "warning", "off"):
            raise ConfigError(f"severity for {prefix} is {level!r}; use error, warning or off")
    ordered = tuple(sorted(levels.items(), key=lambda kv: (-len(kv[0]), kv[0])))
    return Selection(sel, ign, ordered)


# --- context ------------------------------------------------------------------


def build_context(settings: Settings | None) -> Context:
    """What the families may know: locales from the config, what pull recorded from the state file."""
    if settings is None:
        return Context()
    state = State.load(settings.directory)
    pulled = {
        (settings.directory / rel).resolve(): PulledInfo(
            kind=e.kind, item_id=e.item_id, locale=e.locale, px_language=e.px_language,
            xliff_version=e.xliff_version, strategy=e.strategy, unit_ids=tuple(e.unit_ids),
        )
        for rel, e in state.entries.items()
    }
    return Context(
        source_locale=settings.source_locale,
        target_locales=tuple(settings.locales),
        px_languages=dict(settings.px_languages),
        pulled=pulled,
        directory=settings.directory,
    )


# --- one file -----------------------------------------------------------------

_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_SPACE = re.compile(rb"\s*")


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


def _root_version(root: etree._Element) -> str | None:
    ns = etree.QName(root).namespace
    if local_name(root) != "xliff":
        return None
    if ns == XLIFF20_NS:
        return "2.0" if root.get("version", "2.0") in _XLIFF20_VERSIONS else None
    if ns == XLIFF12_NS or (ns is None and root.get("version") == "1.2"):
        return "1.2"
    return None


def check_document(doc: Document, ctx: Context, selection: Selection) -> list[Finding]:
    """All findings for one document's bytes: engine checks, then every family that applies."""
    raw = list(_raw_findings(doc, ctx, selection))
    out = []
    for finding in raw:
        rule = REGISTRY.get(finding.code)
        if rule is not None and rule.needs_config and not ctx.configured:
            continue
        kept = selection.apply(finding)
        if kept is not None:
            out.append(kept)
    return out


def _raw_findings(doc: Document, ctx: Context, selection: Selection) -> Iterable[Finding]:
    offset = doctype_offset(doc.data)
    if offset is not None:
        line = doc.data.count(b"\n", 0, offset) + 1
        yield doc.finding(XLF003, "document declares a DOCTYPE; refused (DTDs and entities are never expanded)", line=line)
        return
    try:
        root = etree.fromstring(doc.data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        message = re.sub(r",? line \d+, column \d+$", "", exc.msg or str(exc))
        yield doc.finding(XLF001, f"not well-formed XML: {message}", line=line or None, col=col or None)
        return
    except ValueError as exc:
        yield doc.finding(XLF001, f"not well-formed XML: {exc}")
        return
    tree = root.getroottree()
    if has_doctype(tree):
        yield doc.finding(XLF003, "document declares a DOCTYPE; refused (DTDs and entities are never expanded)", line=1)
        return
    version = _root_version(root)
    if version is None:
        ns = etree.QName(root).namespace or "no namespace"
        if local_name(root) == "xliff" and root.get("version"):
            message = f"<xliff version=\"{root.get('version')}\"> ({ns}) is not XLIFF 1.2 or 2.0"
        else:
            message = f"root element <{local_name(root) or root.tag}> ({ns}) is not XLIFF 1.2 or 2.0"
        yield doc.finding(XLF002, message, element=root)
        return
    doc.tree, doc.version = tree, version
    for family in FAMILIES:
        if family.versions is not None and version not in family.versions:
            continue
        if not family.selected(selection):
            continue
        try:
            yield from list(family.check(doc, ctx))  # type: ignore[operator]
        except Exception as exc:  # a bug in one family must not hide the others' findings
            log.debug("family %s failed on %s", family.name, doc.path, exc_info=True)
            yield doc.finding(XLF000, f"rule family {family.name} failed: {type(exc).__name__}: {exc}")


def check_file(path: Path, ctx: Context, selection: Selection) -> list[Finding]:
    """Read one file in binary and check it; unreadable files become an XLF004 finding."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            finding = Finding(name, None, None, XLF004.code, XLF004.severity,
                              f"file is over the {MAX_DOCUMENT_BYTES} byte cap; refused")
            kept = selection.apply(finding)
            return [kept] if kept else []
        data = path.read_bytes()
    except OSError as exc:
        finding = Finding(name, None, None, XLF004.code, XLF004.severity, f"cannot read file: {exc.strerror or exc}")
        kept = selection.apply(finding)
        return [kept] if kept else []
    return check_document(Document(name, data), ctx, selection)


def _check_chunk(paths: Sequence[str], ctx: Context, selection: Selection) -> list[Finding]:
    return [f for p in paths for f in check_file(Path(p), ctx, selection)]


# --- many files ---------------------------------------------------------------


def _sort_key(f: Finding) -> tuple[object, ...]:
    return (f.path, f.line or 0, f.col or 0, f.code, f.message, f.unit or "")


@dataclass
class Report:
    """What validate found: every file checked and every finding, sorted by path and line."""

    paths: list[Path]
    findings: list[Finding] = field(default_factory=list)

    @property
    def files(self) -> int:
        """How many files were checked."""
        return len(self.paths)

    @property
    def errors(self) -> int:
        """Findings at error severity (these make validate exit 1)."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Findings at warning severity."""
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when no error remains (warnings allowed)."""
        return self.errors == 0

    def files_with_errors(self) -> set[Path]:
        """Absolute paths of files that have at least one error: what push must not send."""
        bad = {f.path for f in self.findings if f.severity is Severity.ERROR}
        return {p for p in self.paths if str(p) in bad}

    def for_file(self, path: Path) -> list[Finding]:
        """Findings of one file."""
        name = str(Path(path).resolve())
        return [f for f in self.findings if f.path == name]


def discover(paths: Iterable[Path | str], settings: Settings | None) -> list[Path]:
    """XLIFF files under ``paths`` (default: the configured directory, else the current one)."""
    roots = [Path(p) for p in paths]
    if not roots:
        if settings is None:
            roots = [Path.cwd()]
        elif settings.directory.is_dir():
            roots = [settings.directory]  # a project that never pulled simply has nothing to check
    found: dict[Path, None] = {}
    for root in roots:
        if not root.exists():
            raise ConfigError(f"{root}: no such file or directory")
        for path in layout.iter_xliff_files(root):
            found.setdefault(path.resolve(), None)
    return sorted(found)


def validate_paths(
    paths: Iterable[Path | str] = (),
    *,
    settings: Settings | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
    jobs: int | None = None,
) -> Report:
    """Validate files and directories; ConfigError (exit 2) for bad codes or missing paths."""
    selection = build_selection(settings, select, ignore, severity)
    files = discover(paths, settings)
    ctx = build_context(settings)
    return Report(files, run(files, ctx, selection, jobs=jobs))


def run(files: Sequence[Path], ctx: Context, selection: Selection, *, jobs: int | None = None) -> list[Finding]:
    """Check ``files``: serially when few, in a process pool in chunks when many; sorted either way."""
    names = [str(p) for p in files]
    workers = jobs or default_jobs()
    if workers <= 1 or len(names) < PARALLEL_THRESHOLD:
        findings = _check_chunk(names, ctx, selection)
    else:
        size = max(8, len(names) // (workers * 4))
        chunks = [names[i : i + size] for i in range(0, len(names), size)]
        try:
            with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=_mp_context()) as pool:
                parts = list(pool.map(_check_chunk, chunks, [ctx] * len(chunks), [selection] * len(chunks)))
            findings = [f for part in parts for f in part]
        except (BrokenProcessPool, OSError) as exc:  # no processes to be had: same answer, one core
            log.debug("process pool failed (%s); validating serially", exc)
            findings = _check_chunk(names, ctx, selection)
    return sorted(findings, key=_sort_key)


def _mp_context() -> multiprocessing.context.BaseContext:
    """fork is fastest, but forking a process with other threads alive (push, servers) can deadlock."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
