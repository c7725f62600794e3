"""Word counts in `status` agree with translate-toolkit's pocount on the same files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from translate.storage import xliff2
from translate.tools.pocount import calcstats, wordsinunit

from pxl10n.assets.wordcount import words
from pxl10n.emulator.server import EmulatorServer

from .helpers.cli import run
from .helpers.project import LOCALES, content_entries, write_config


def _toolkit_counts(path: Path, version: str) -> tuple[int, int]:
    """(source words, source words of units with a target) as pocount counts them.

    pocount calls a 1.2 target that is not approved "fuzzy"; PX imports every
    target, so status counts both as translated.
    """
    if version == "1.2":
        stats = calcstats(str(path))
        return stats["totalsourcewords"], stats["translatedsourcewords"] + stats["fuzzysourcewords"]
    units = [unit for unit in xliff2.Xliff2File.parsefile(str(path)).units if unit.istranslatable()]
    return sum(wordsinunit(u)[0] for u in units), sum(wordsinunit(u)[0] for u in units if u.istranslated())


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_status_words_match_pocount(project: Path, emulator: EmulatorServer, version: str) -> None:
    write_config(project, emulator.base_url, content=content_entries(emulator), extra=f'[export]\nversion = "{version}"\n')
    assert run("pull", "--no-commit").exit_code == 0
    expected: Counter[tuple[str, str]] = Counter()
    for path in (project / "l10n").rglob("*.xlf"):
        locale, kind = path.relative_to(project / "l10n").parts[:2]
        total, done = _toolkit_counts(path, version)
        expected[(locale, kind, "words")] += total
        expected[(locale, kind, "translated")] += done
    data = json.loads(run("status", "--format", "json").stdout)
    rows = {(r["locale"], r["kind"]): r for r in data["rows"]}
    assert rows
    for (locale, kind), row in rows.items():
        assert row["words"] == expected[(locale, kind, "words")], (locale, kind)
        assert row["translated_words"] == expected[(locale, kind, "translated")], (locale, kind)
        assert row["words_to_translate"] == row["words"] - row["translated_words"]
    assert data["overall"]["words"] == sum(v for k, v in expected.items() if k[2] == "words") > 0
    partly = [r for r in data["locales"] if 0 < r["translated_words"] < r["words"]]
    assert partly, "the fixture has a partly translated locale"


def test_tags_are_stripped_and_cjk_counts_by_character() -> None:
    assert words("<p>Click <b>New workspace</b></p>") == 3
    assert words("日本語") == 3
    assert words("") == 0 and words("   ") == 0
    assert words("Hello {{user.firstName}}") == words("Hello") + words("user.firstName")


def test_fail_under_words(pulled: Path) -> None:
    data = json.loads(run("status", "--format", "json").stdout)
    share = {r["locale"]: r["words_percent"] for r in data["locales"]}
    low = min(share, key=share.get)
    result = run("status", "--fail-under", f"{share[low] + 0.5}words")
    assert result.exit_code == 1
    assert f"{low} {share[low]:.1f}%" in result.stderr and "of words" in result.stderr
    assert run("status", "--fail-under", f"{max(share[low] - 0.5, 0)}% words").exit_code == 0
    gated = json.loads(run("status", "--format", "json", "--fail-under", "100words").stdout)
    assert gated["fail_under"]["measure"] == "words" and low in gated["fail_under"]["below"]
    bad = run("status", "--fail-under", "lots")
    assert bad.exit_code == 2 and "--fail-under" in bad.stderr
    assert set(share) == set(LOCALES)


def test_text_and_markdown_show_words(pulled: Path) -> None:
    overall = json.loads(run("status", "--format", "json").stdout)["overall"]
    text = run("status").stdout.splitlines()
    assert text[0].split()[6:8] == ["WORDS", "TO-TRANSLATE"]
    assert text[-1].split()[6:8] == [str(overall["words"]), str(overall["words_to_translate"])]
    markdown = run("status", "--format", "markdown").stdout
    assert f"**{overall['words']}** | **{overall['words_to_translate']}**" in markdown
