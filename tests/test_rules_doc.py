"""docs/rules.md is the output of `pxl10n validate --list-rules --format markdown`, kept current."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pxl10n.cli import cli
from pxl10n.validate import registry, ruledoc

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_committed_reference_matches_the_code() -> None:
    generated = ruledoc.markdown()
    assert DOC.read_text("utf-8") == generated, (
        "docs/rules.md is stale: run `pxl10n validate --list-rules --format markdown > docs/rules.md`"
    )


def test_cli_prints_the_reference() -> None:
    result = CliRunner().invoke(cli, ["validate", "--list-rules", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output == ruledoc.markdown()


def test_every_rule_is_documented_with_severity_and_why() -> None:
    text = DOC.read_text("utf-8")
    assert "## Severity policy" in text and "this will break or lose something" in text
    assert "## How to add a rule" in text
    for rule in registry.all_rules():
        header = f"### {rule.code}: "
        assert header in text, rule.code
        section = text.split(header, 1)[1].split("\n### ", 1)[0]
        assert f"**{rule.severity.value}**" in section and "Why: " in section


def test_examples_come_from_fixtures_and_show_the_finding() -> None:
    section = DOC.read_text("utf-8").split("### XLF114: ", 1)[1].split("\n### ", 1)[0]
    assert "fixtures/xliff12/invalid/XLF114_" in section and "> `XLF114`" in section


def test_reference_without_fixtures_has_no_examples(tmp_path: Path) -> None:
    text = ruledoc.markdown(tmp_path / "none")
    assert "Example (" not in text and "### PX150: " in text


def test_markdown_is_for_the_rule_list_only() -> None:
    result = CliRunner().invoke(cli, ["validate", "--format", "markdown", "."])
    assert result.exit_code == 2
