"""Run every rule family over documents and collect one :class:`Report`.

A document is parsed once (the parsing family, XLF0xx); every family that
applies to its version and survives the selection then reads the same tree.
Rule selection, ignore and severity overrides are applied afterwards, to the findings
families emit at their rules' default severities. Many files are spread over
processes in chunks; the result is sorted, so it is the same whatever the
number of jobs.

The engine reads files it is given and nothing else: which files, and what each
is expected to be (:class:`~pxl10n.validate.context.Context`), is the caller's
business (``pxl10n.sync.validation`` for a project).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.context
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from pxl10n.config import Settings
from pxl10n.errors import ConfigError
from pxl10n.validate import parsing
from pxl10n.validate.context import Context
from pxl10n.validate.registry import FAMILIES, OPT_IN, PREFIXES, RULES
from pxl10n.validate.rules import Document, Family, Finding, Severity
from pxl10n.xliff.io import safe_parser

log = logging.getLogger(__name__)

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 48
#: A worker's chunk is the files left over this many times the cores (so chunks shrink towards the end) ...
CHUNKS_PER_WORKER = 3
#: ... and never fewer files than this (a chunk's round trip costs about as much as a small file).
MIN_CHUNK = 4


# --- selection ----------------------------------------------------------------


def split_codes(values: Iterable[str]) -> tuple[str, ...]:
    """``("QA1,XLF", "PX")`` -> ``("QA1", "XLF", "PX")``, upper-cased, blanks dropped."""
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def _check_prefix(prefix: str, option: str) -> str:
    if prefix == "ALL" or prefix in PREFIXES or any(code.startswith(prefix) for code in RULES):
        return prefix
    raise ConfigError(f"{option}: unknown rule code or prefix {prefix!r} (see `pxl10n validate --list-rules`)")


@dataclass(frozen=True)
class RuleSelection:
    """Which codes run and at what severity; picklable, so workers apply it too."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    #: (prefix, level) with the longest prefix first; level is error, warning or off
    severity: tuple[tuple[str, str], ...] = ()

    def enabled(self, code: str) -> bool:
        """Selected by a prefix and not ignored by any (ignore wins)."""
        opt_in = code.startswith(OPT_IN)

        def hit(prefixes: tuple[str, ...], *, everything: bool) -> bool:
            return any((p == "ALL" and everything) or code.startswith(p) for p in prefixes)
        return hit(self.select, everything=not opt_in) and not hit(self.ignore, everything=True)

    def runs(self, family: Family) -> bool:
        """False when no rule of ``family`` can survive the selection (then it is not run at all)."""
        return any(self.enabled(rule.code) for rule in family.rules)

    def level(self, code: str, severity: Severity) -> Severity | None:
        """The final severity of a finding of ``code`` (``severity`` by default), or None when it is deselected or off."""
        if not self.enabled(code):
            return None
        for prefix, level in self.severity:
            if code.startswith(prefix):
                return None if level == "off" else Severity(level)
        return severity

    def apply(self, finding: Finding) -> Finding | None:
        """The finding at its final severity, or None when it is deselected or off."""
        level = self.level(finding.code, finding.severity)
        if level is None:
            return None
        return finding if level is finding.severity else replace(finding, severity=level)


def build_selection(
    settings: Settings | None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> RuleSelection:
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
    return RuleSelection(sel, ign, ordered)


# --- one document -------------------------------------------------------------


def check_document(doc: Document, ctx: Context, selection: RuleSelection) -> list[Finding]:
    """All findings for one document's bytes: parsing, then every family that applies."""
    return _Checker(ctx, selection).document(doc)


class _Checker:
    """Checks documents under one context and selection.

    What depends only on the selection (which families run on a version, each
    code's final severity) is worked out once per checker, that is once per
    chunk of files, rather than once per document or per finding.
    """

    def __init__(self, ctx: Context, selection: RuleSelection) -> None:
        self.ctx = ctx
        self.selection = selection
        self._families: dict[str, tuple[Family, ...]] = {}
        #: one safe parser for every document this checker reads (lxml parsers are reusable)
        self._parser = safe_parser()
        #: (code, default severity) -> the finding's final severity, None when it is dropped
        self._severity: dict[tuple[str, Severity], Severity | None] = {}

    def families(self, version: str) -> tuple[Family, ...]:
        """The families that apply to ``version`` and survive the selection, in registry order."""
        found = self._families.get(version)
        if found is None:
            found = self._families[version] = tuple(
                family for family in FAMILIES
                if family.check is not None and (family.versions is None or version in family.versions)
                and self.selection.runs(family)
            )
        return found

    def keep(self, finding: Finding) -> Finding | None:
        """``finding`` at its final severity, None when deselected, off or needing a missing config."""
        key = (finding.code, finding.severity)
        if key in self._severity:
            level = self._severity[key]
        else:
            needs = RULES[finding.code].needs_config and not self.ctx.configured
            probe = None if needs else self.selection.apply(finding)
            level = self._severity[key] = None if probe is None else probe.severity
        if level is None:
            return None
        return finding if level is finding.severity else replace(finding, severity=level)

    def document(self, doc: Document) -> list[Finding]:
        """All findings for one document's bytes: parsing, then every family that applies."""
        return [kept for kept in map(self.keep, self._raw(doc)) if kept is not None]

    def _raw(self, doc: Document) -> list[Finding]:
        problems = parsing.parse(doc, self._parser)
        if problems:
            return problems
        assert doc.tree is not None and doc.version is not None
        found: list[Finding] = []
        for family in self.families(doc.version):
            assert family.check is not None
            try:
                found.extend(family.check(doc, self.ctx))
            except Exception as exc:  # a bug in one family must not hide the others' findings
                log.debug("family %s failed on %s", family.name, doc.path, exc_info=True)
                found.append(doc.finding(parsing.XLF000,
                                         f"rule family {family.name} failed: {type(exc).__name__}: {exc}"))
        return found

    def file(self, path: Path) -> list[Finding]:
        """Read one file in binary and check it; unreadable files become an XLF004 finding."""
        return self.named(str(path))

    def named(self, name: str) -> list[Finding]:
        """:meth:`file` for the file called ``name`` (as a :class:`~pathlib.Path` spells it)."""
        doc = parsing.read(name)
        if isinstance(doc, Finding):
            kept = self.selection.apply(doc)
            return [] if kept is None else [kept]
        found = self.document(doc)
        parsing.release(doc)
        return found


def check_file(path: Path, ctx: Context, selection: RuleSelection) -> list[Finding]:
    """Read one file in binary and check it; unreadable files become an XLF004 finding."""
    return _Checker(ctx, selection).file(path)


#: A finding as a worker sends it back: a plain tuple pickles in a fraction of a dataclass's time and size.
_Packed = tuple[str, "int | None", "int | None", str, str, str, "str | None"]

#: What a worker checks, set in it by :func:`_start_worker` before its first chunk: every name, and one
#: checker (the context and selection) for all its chunks. A forked worker inherits the names and the
#: context as they are, so a chunk travels as two indexes.
_job: tuple[Sequence[str], _Checker] | None = None


def _start_worker(names: Sequence[str], ctx: Context, selection: RuleSelection) -> None:
    """A worker's first step: Ctrl-C is the parent's to handle (it stops the pool), then the job is kept."""
    global _job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _job = (names, _Checker(ctx, selection))


def _check_span(start: int, stop: int) -> list[_Packed]:
    """:func:`_check_serially` in a worker over ``names[start:stop]``, findings packed (:func:`_unpack` restores them)."""
    assert _job is not None, "a worker checks spans only after _start_worker"
    names, checker = _job
    return [_pack(f) for name in names[start:stop] for f in checker.named(name)]


def _pack(f: Finding) -> _Packed:
    return (f.path, f.line, f.col, f.code, f.severity.value, f.message, f.unit)


def _unpack(packed: _Packed) -> Finding:
    path, line, col, code, severity, message, unit = packed
    return Finding(path, line, col, code, Severity(severity), message, unit)


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
        """Paths of files that have at least one error: what push must not send."""
        bad = {f.path for f in self.findings if f.severity is Severity.ERROR}
        return {p for p in self.paths if str(p) in bad}

    def for_file(self, path: Path | str) -> list[Finding]:
        """Findings of one file, by the name it was validated under."""
        name = str(path)
        return [f for f in self.findings if f.path == name]


def validate_documents(documents: Iterable[Document], ctx: Context, selection: RuleSelection) -> Report:
    """Validate documents the caller already holds (the push gate): no file is read, in this process.

    A document that carries its tree (parsed from its bytes by :func:`pxl10n.xliff.io.parse`)
    is not parsed again, and the view the families build stays on it for the caller.
    """
    names: list[Path] = []
    findings: list[Finding] = []
    checker = _Checker(ctx, selection)
    for doc in documents:
        names.append(Path(doc.path))
        findings.extend(checker.document(doc))
    return Report(names, sorted(findings, key=_sort_key))


def validate_files(files: Sequence[Path], ctx: Context, selection: RuleSelection, *, jobs: int | None = None,
                   unread: Mapping[Path, str] | None = None, progress: Progress | None = None) -> Report:
    """Read and validate ``files``: serially when few, in a process pool in chunks when many.

    ``unread`` names files the caller will not have read (a symbolic link, which could point anywhere),
    each with why: each is one XLF004 finding, and counts as a file checked. ``progress`` hears how far
    a long run is (see :class:`_Ticker`)."""
    findings = run(files, ctx, selection, jobs=jobs, progress=progress)
    if not unread:
        return Report(list(files), findings)
    refused = (selection.apply(parsing.unreadable(str(path), reason)) for path, reason in unread.items())
    return Report(sorted([*files, *unread]), sorted([*findings, *(f for f in refused if f is not None)], key=_sort_key))


#: Told (files done, files in all) while a run goes on; see :class:`_Ticker` for when.
Progress = Callable[[int, int], None]


class _Ticker:
    """Calls a :data:`Progress` only for a run that lasts: first after :attr:`QUIET` seconds, then at most
    every :attr:`EVERY` seconds, and at the end if it was ever called (short runs print nothing)."""

    QUIET, EVERY = 2.0, 0.1

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress, self.done = total, progress, 0
        self._next = time.monotonic() + self.QUIET
        self._spoke = False

    def add(self, files: int) -> None:
        self.done += files
        if self.progress is None:
            return
        if (self.done >= self.total and self._spoke) or time.monotonic() >= self._next:
            self._spoke = True
            self._next = time.monotonic() + self.EVERY
            self.progress(self.done, self.total)


def run(files: Sequence[Path], ctx: Context, selection: RuleSelection, *, jobs: int | None = None,
        progress: Progress | None = None) -> list[Finding]:
    """Check ``files``: serially when few, in a process pool in chunks when many; sorted either way."""
    # every document is named as its Path spells it, whether the caller handed Paths or strings
    names = [str(p) if isinstance(p, Path) else str(Path(p)) for p in files]
    # never more processes than cores (validate is CPU work) nor than the files fill chunks for: each costs a fork,
    # and --jobs 500 over 68 files took five times as long as one core
    cores = default_jobs()
    workers = min(jobs or cores, cores, max(1, len(names) // MIN_CHUNK))
    if workers <= 1 or len(names) < PARALLEL_THRESHOLD:
        findings = _check_serially(names, ctx, selection, _Ticker(len(names), progress))
    else:
        try:
            findings = _in_pool(names, ctx, selection, workers, _Ticker(len(names), progress))
        except (BrokenProcessPool, OSError) as exc:  # no processes to be had: same answer, one core
            log.debug("process pool failed (%s); validating serially", exc)
            findings = _check_serially(names, ctx, selection, _Ticker(len(names), progress))
    return sorted(findings, key=_sort_key)


def _check_serially(names: Sequence[str], ctx: Context, selection: RuleSelection, ticker: _Ticker) -> list[Finding]:
    """Check ``names`` one by one in this process, telling ``ticker`` after each file."""
    checker = _Checker(ctx, selection)
    findings: list[Finding] = []
    for name in names:
        findings += checker.named(name)
        ticker.add(1)
    return findings


def _in_pool(names: list[str], ctx: Context, selection: RuleSelection, workers: int, ticker: _Ticker) -> list[Finding]:
    """Check ``names`` on ``workers`` cores: this process and a pool of ``workers - 1`` processes.

    Workers take chunks from the front of the files not yet taken, each with one chunk queued
    behind the one it checks (so it never waits for this process to notice it is done), and this
    process, instead of waiting idle, checks files one by one from the back, queueing a worker's
    next chunk after each file as soon as one is done. So one process less is forked, and the
    sides meet where the work is shared out, whichever is faster; chunks shrink as the files left
    do, so the last ones are short. Workers get every name, the context and the selection once, at their start
    (inherited as they are when forked), a chunk as two indexes, and send findings back as tuples.
    The parent's objects are frozen out of the garbage collector while workers are forked, so no
    worker's collector walks (and copies) the pages it inherited. The findings are put together
    in the files' order, as one core lists them.
    """
    pool_size = workers - 1
    done: dict[int, list[Finding]] = {}  # first file's index -> the findings of its file or chunk
    running: dict[Future[list[_Packed]], tuple[int, int]] = {}  # -> (first file's index, how many files)
    lo, hi = 0, len(names)  # the files nobody has taken

    def collect(future: Future[list[_Packed]], first: int, size: int) -> None:
        done[first] = [_unpack(packed) for packed in future.result()]
        ticker.add(size)

    def feed() -> None:
        """Collect what workers finished and keep two chunks queued for each."""
        nonlocal lo
        for future in [f for f in running if f.done()]:
            collect(future, *running.pop(future))
        while len(running) < 2 * pool_size and hi - lo >= MIN_CHUNK:
            size = max(MIN_CHUNK, (hi - lo) // (workers * CHUNKS_PER_WORKER))
            running[pool.submit(_check_span, lo, lo + size)] = (lo, size)
            lo += size

    # the pool forks nothing until its first chunk is submitted
    pool = ProcessPoolExecutor(max_workers=pool_size, mp_context=_mp_context(),
                               initializer=_start_worker, initargs=(names, ctx, selection))
    try:
        # what this process holds so far: forked workers' collectors never walk (nor copy) it; a caller that
        # froze objects itself keeps them frozen, and is left as it was
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            feed()  # the workers fork at the first chunk
        finally:
            if freeze:
                gc.unfreeze()
        checker = _Checker(ctx, selection)
        while hi > lo:
            hi -= 1
            done[hi] = checker.named(names[hi])
            ticker.add(1)
            feed()
        for future, (first, size) in running.items():
            collect(future, first, size)
    except BaseException:  # Ctrl-C, or a worker died: no chunk not yet started is begun
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [f for first in sorted(done) for f in done[first]]


def _mp_context() -> multiprocessing.context.BaseContext:
    """fork is fastest, but forking a process with other threads alive (push, servers) can deadlock.

    Then a fork server is used, which imports this module (and so every family) once, before it forks
    the workers: they start with validate loaded and nothing else (not the caller's ``__main__``),
    instead of each importing it afresh (``__main__`` stays preloaded, as it is by default).
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", __name__])
        return context
    return multiprocessing.get_context("spawn")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
