"""Show on a corpus that QA's token filter changes no finding: every file's QA findings, filtered and in full.

    python scripts/qa_filter_check.py CORPUS_DIR [CORPUS_DIR ...]

Reads the files where they are (never copies them), runs the QA family on each XLIFF document twice (with
:func:`pxl10n.validate.qa.issues` filtering and without) and prints the units compared, how many the filter
settled and every file whose findings differ; exits 1 when one does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pxl10n.validate import parsing, qa
from pxl10n.validate import qa_text as tx
from pxl10n.validate.context import Context
from pxl10n.validate.rules import Document


def _findings(doc: Document, filtered: bool) -> list[tuple[str, int | None, str | None, str]]:
    return [(f.code, f.line, f.unit, f.message) for f in qa.check(doc, Context(), filtered=filtered)]


def main(argv: list[str]) -> int:
    files = differ = units = settled = 0
    for folder in argv:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix.lower() not in (".xlf", ".xliff", ".xml") or not path.is_file():
                continue
            doc = Document(str(path), path.read_bytes())
            parsing.parse(doc)
            if doc.tree is None or doc.version not in ("1.2", "2.0"):
                continue
            files += 1
            for pair in tx.iter_pairs(doc.view):
                units += 1
                settled += qa.tokens_agree(qa.read_unit(pair, tx.base_lang(pair.trg_lang)))
            if _findings(doc, True) != _findings(doc, False):
                differ += 1
                print(f"DIFFERS: {path}")
    print(f"{files} documents, {units} units compared, {settled} settled by the filter, {differ} documents differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
