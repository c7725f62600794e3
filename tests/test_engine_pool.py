"""The engine's own costs, kept low without changing an answer: one read per file, the pool's traffic.

The parent checks files too while workers get the job once and chunks as
indexes, and send findings back as tuples; the parent's objects are frozen out
of the collector only while workers fork. Each of these must leave every finding
as it was: the tests compare the pool with one core on a configured project, and
the packed findings with the real ones. A worker that dies leaves the answer to
one core, and Ctrl-C ends a pooled validate with no worker left.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pxl10n.validate import engine, parsing
from pxl10n.validate.context import Context, Expected, LaidOut, Pulled
from pxl10n.validate.engine import build_selection, validate_files
from pxl10n.validate.rules import Finding, Severity
from pxl10n.xliff import io

N12 = "urn:oasis:names:tc:xliff:document:1.2"


def _doc(item: str, target_language: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{N12}" version="1.2"><file original="{item}" '
            f'source-language="en-US" target-language="{target_language}" datatype="html"><body>\n'
            '<trans-unit id="a"><source>Save</source><target>Enregistrer</target></trans-unit>\n'
            "</body></file></xliff>\n").encode()


def _project(tmp_path: Path, files: int) -> tuple[list[Path], Context]:
    """Files that each disagree with what was pulled in their own way, so every expectation shows."""
    paths: list[Path] = []
    expected: dict[str, Expected] = {}
    for i in range(files):
        path = tmp_path / f"f{i:03d}.xlf"
        path.write_bytes(_doc(f"item-{i}", "de-DE" if i % 3 == 0 else "fr-FR"))
        pulled = Pulled("engagement", f"item-{i if i % 4 else i + 1}", "fr-FR", "fr-FR", "1.2", "html",
                        ("a",) if i % 5 else ("a", f"gone-{i}"))
        expected[str(path)] = Expected(pulled, LaidOut("engagement", f"item-{i}", "fr-FR"))
        paths.append(path)
    ctx = Context(source_locale="en-US", target_locales=("fr-FR", "de-DE"),
                  px_languages={"fr-FR": "fr-FR", "de-DE": "de-DE"}, expected=expected)
    return paths, ctx


def test_the_pool_answers_as_one_core_on_a_configured_project(tmp_path: Path) -> None:
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD + 13)
    selection = build_selection(None, select=["PX"])
    serial = validate_files(paths, ctx, selection, jobs=1).findings
    parallel = validate_files(paths, ctx, selection, jobs=2).findings
    assert parallel == serial
    assert {"PX101", "PX116", "PX131"} <= {f.code for f in serial}
    assert all(type(f) is Finding and type(f.severity) is Severity for f in parallel)
    assert gc.get_freeze_count() == 0, "the pool left the parent's objects frozen"


def test_a_caller_that_froze_objects_keeps_them_frozen(tmp_path: Path) -> None:
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD)
    gc.freeze()
    try:
        validate_files(paths, ctx, build_selection(None, select=["PX"]), jobs=2)
        assert gc.get_freeze_count() > 0, "validate unfroze what its caller had frozen"
    finally:
        gc.unfreeze()


class _Fatal:
    """Stands in a context field; unpickling it (as a fork server's worker does with its job) kills that process."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return os._exit, (3,)


def test_a_worker_that_dies_leaves_the_answer_to_one_core(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD)
    selection = build_selection(None, select=["PX"])  # TM102 would read the glossary; PX never does
    doomed = replace(ctx, glossary=_Fatal())  # type: ignore[arg-type]
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # a live thread: the fork server, whose workers unpickle the job
    thread.start()
    try:
        with caplog.at_level(logging.DEBUG, logger=engine.__name__):
            report = validate_files(paths, doomed, selection, jobs=2)
    finally:
        stop.set()
        thread.join()
    assert any("validating serially" in r.getMessage() for r in caplog.records), "no worker died"
    assert report.findings == validate_files(paths, ctx, selection, jobs=1).findings
    assert {"PX101", "PX116", "PX131"} <= {f.code for f in report.findings}


def _ignores_sigint(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads a worker's signal mask from /proc")
def test_ctrl_c_ends_a_pooled_validate_with_no_worker_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C reaches every process; workers leave it to the parent, which stops the pool and re-raises."""
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD * 2)
    parent, real = os.getpid(), parsing.read
    workers: list[multiprocessing.process.BaseProcess] = []

    def read(name: str) -> object:
        if os.getpid() == parent and not workers:  # the parent's first file: the workers are forked by now
            workers.extend(multiprocessing.active_children())
            for worker in workers:
                deadline = time.monotonic() + 60
                while not _ignores_sigint(worker.pid or 0):  # its initializer has run
                    assert time.monotonic() < deadline, "a worker does not leave Ctrl-C to the parent"
                    time.sleep(0.01)
                os.kill(worker.pid or 0, signal.SIGINT)
            os.kill(parent, signal.SIGINT)
        return real(name)
    monkeypatch.setattr(parsing, "read", read)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            validate_files(paths, ctx, build_selection(None, select=["PX"]), jobs=2)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert workers, "validate did not start a pool"
    for worker in workers:
        assert worker.exitcode == 0, "a worker was not left to end cleanly"
        with pytest.raises(ProcessLookupError):
            os.kill(worker.pid or 0, 0)
    assert not set(multiprocessing.active_children()) & set(workers)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("finding", [
    Finding("a.xlf", 3, 7, "QA101", Severity.ERROR, "placeholder {0} missing", "u1"),
    Finding("b.xlf", None, None, "XLF004", Severity.WARNING, "cannot read file", None),
])
def test_packed_findings_come_back_equal(finding: Finding) -> None:
    packed = engine._pack(finding)
    assert packed == (finding.path, finding.line, finding.col, finding.code, finding.severity.value, finding.message,
                      finding.unit)
    assert engine._unpack(packed) == finding


def test_read_refuses_a_file_over_the_cap_before_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlf"
    path.write_bytes(b"<x/>" * 10)
    monkeypatch.setattr(io, "MAX_DOCUMENT_BYTES", 39)
    monkeypatch.setattr(parsing, "MAX_DOCUMENT_BYTES", 39)
    refused = parsing.read(str(path))
    assert isinstance(refused, Finding) and refused.code == "XLF004"
    assert refused.message == "file is over the 39 byte cap; refused"
    monkeypatch.setattr(io, "MAX_DOCUMENT_BYTES", 40)
    doc = parsing.read(str(path))
    assert not isinstance(doc, Finding) and doc.data == b"<x/>" * 10


def test_read_names_why_a_file_cannot_be_read(tmp_path: Path) -> None:
    missing = parsing.read(str(tmp_path / "gone.xlf"))
    folder = parsing.read(str(tmp_path))
    assert isinstance(missing, Finding) and missing.message == "cannot read file: No such file or directory"
    assert isinstance(folder, Finding) and folder.message == "cannot read file: Is a directory"


def test_a_checked_file_lets_go_of_its_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.xlf"
    path.write_bytes(_doc("item-1", "fr-FR"))
    released = []
    real = parsing.release

    def spy(doc: object) -> None:
        real(doc)  # type: ignore[arg-type]
        released.append(doc)
    monkeypatch.setattr(parsing, "release", spy)
    validate_files([path], Context(), build_selection(None), jobs=1)
    assert len(released) == 1 and released[0].tree is None and released[0]._view is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_named_by_strings_are_named_as_their_paths_spell_them(tmp_path: Path, jobs: int) -> None:
    """A name is read as ``str(Path(name))``, so a finding (and an expectation) names the file one way."""
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD)
    odd = [str(p).replace(str(tmp_path), f"{tmp_path}/./") for p in paths]
    selection = build_selection(None, select=["PX"])
    as_strings = validate_files(odd, ctx, selection, jobs=jobs).findings  # type: ignore[arg-type]
    assert as_strings == validate_files(paths, ctx, selection, jobs=1).findings
    assert as_strings and all(f.path in ctx.expected for f in as_strings)


def test_more_jobs_than_cores_or_chunks_start_no_more_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process is a fork: --jobs 500 over 68 files took five times as long as one core. The pool holds at most
    one process per core (this one included) and no more than the files fill chunks for; the answer is the same."""
    sizes: list[int] = []

    class Recording(engine.ProcessPoolExecutor):  # the real pool, recording the size it was asked for
        def __init__(self, max_workers: int | None = None, **kwargs: object) -> None:
            sizes.append(max_workers or 0)
            super().__init__(max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(engine, "default_jobs", lambda: 2)
    paths, ctx = _project(tmp_path, engine.PARALLEL_THRESHOLD + 13)
    selection = build_selection(None, select=["PX"])
    serial = validate_files(paths, ctx, selection, jobs=1).findings
    assert validate_files(paths, ctx, selection, jobs=500).findings == serial
    assert sizes == [1], "two cores: this process and one worker"
