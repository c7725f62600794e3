"""``pxl10n validate -`` (and any pipe or device named on purpose): a file read from standard input.

``git show HEAD~1:l10n/fr-FR/x.xlf | pxl10n validate -`` and ``pxl10n validate <(...)`` used to say "no
XLIFF file to validate". A pipe says no size, so it is read no further than the size cap: ``validate
/dev/zero`` is refused (XLF004) instead of filling the memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pxl10n.xliff import io

GOOD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR">
<file id="f1"><unit id="u1"><segment><source>Hello {{name}}</source><target>Bonjour {{name}}</target></segment></unit></file>
</xliff>
"""


def validate(cwd: Path, *args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """A real process, so its standard input is a real pipe (/dev/stdin), as in a shell; no project around it."""
    return subprocess.run([sys.executable, "-m", "pxl10n", "validate", *args], input=stdin, capture_output=True, timeout=60,
                          cwd=cwd)


def test_a_file_on_standard_input_is_validated(tmp_path: Path) -> None:
    good = validate(tmp_path, "-", stdin=GOOD)
    assert good.returncode == 0, good.stderr
    assert good.stdout.decode().strip().splitlines()[-1] == "1 file, 0 errors, 0 warnings"
    broken = validate(tmp_path, "-", "--format", "json", stdin=GOOD.replace(b"Bonjour {{name}}", b"Bonjour"))
    assert broken.returncode == 1, broken.stderr
    findings = json.loads(broken.stdout)["findings"]
    assert [(f["path"], f["code"]) for f in findings] == [("/dev/stdin", "QA101")]


def test_a_pipe_is_read_no_further_than_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "MAX_DOCUMENT_BYTES", 1000)
    fifo = tmp_path / "endless"
    for size, expected in ((1000, b"x" * 1000), (5000, None)):
        os.mkfifo(fifo)
        writer = threading.Thread(target=lambda n=size: _feed(fifo, n), daemon=True)
        writer.start()
        assert io.read_capped(str(fifo)) == expected
        writer.join(timeout=5)
        fifo.unlink()


def _feed(fifo: Path, size: int) -> None:
    try:
        with open(fifo, "wb") as handle:
            handle.write(b"x" * size)
    except BrokenPipeError:  # the reader stopped at the cap: as it should
        pass
