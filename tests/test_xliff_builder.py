"""The test XLIFF builder makes what it promises: minimal documents with no validation error."""

from __future__ import annotations

from pathlib import Path

import pytest

import pxl10n

from .helpers.xliff import document, units


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_built_documents_validate_clean_and_hold_their_units(tmp_path: Path, version: str) -> None:
    body = units(version, [("Hi {0}", "Salut {0}"), ("Bye", None)])
    path = tmp_path / "built.xlf"
    path.write_text(document(version, body, declaration=True, strategy="html" if version == "2.0" else None), encoding="utf-8")
    report = pxl10n.validate([path])
    assert report.files == 1 and report.errors == 0, report
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and 'id="u1"' in text and 'id="u2"' in text
    assert text.count("<target>") == 1


def test_attributes_left_out_on_request() -> None:
    assert "trgLang" not in document("2.0", trg=None) and "original" not in document("2.0", original=None)
    assert "target-language" not in document("1.2", trg=None)
    assert "<header><note>n</note></header>" in document("1.2", header="<note>n</note>")
