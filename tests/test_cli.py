"""The command tree: help everywhere, version, the demo as a smoke test; the habits of tx/crowdin/ruff users."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from pxl10n.cli import cli
from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.version import __version__

from .helpers.cli import run, run_subprocess
from .helpers.pulled import translate


def commands() -> list[str]:
    return sorted(cli.commands)


def test_contract_commands_exist() -> None:
    assert {"init", "pull", "push", "validate", "status", "emulator", "demo"} <= set(commands())


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help) > 20
    result = run(name, "--help")
    assert result.exit_code == 0 and "Usage: " in result.output
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts} has no help"


def test_version_and_global_options() -> None:
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output
    assert all(opt in run("--help").output for opt in ("--config", "--verbose", "--quiet"))


def test_unknown_option_is_a_usage_error() -> None:
    assert run("pull", "--frobnicate").exit_code == 2


def test_python_dash_m_and_demo(tmp_path) -> None:
    result = run_subprocess("demo", cwd=tmp_path, env={"PX_API_KEY": ""})
    assert result.returncode == 0, result.stderr
    assert "second pull changed 0, conflict settled by rebase" in result.stderr
    assert "9. pxl10n rebase" in result.stderr and "1 conflict" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- habits users bring from tx, crowdin, ruff

ROOT = Path(__file__).resolve().parent.parent


def test_global_options_work_after_the_subcommand_too(project: Path) -> None:
    before = run("-q", "status")
    after = run("status", "-q")
    assert before.exit_code == after.exit_code == 0 and before.stderr == after.stderr
    missing = run("status", "--config", str(project / "missing.toml"))
    assert missing.exit_code == 2 and "missing.toml does not exist" in missing.stderr  # the one after the command is used
    assert run("--config", str(project / "missing.toml"), "status", "--config", str(project / "pxl10n.toml")).exit_code == 0


def test_verbose_after_the_command_shows_detail(pulled: Path) -> None:
    quiet = run("pull", "--no-commit")
    loud = run("pull", "--no-commit", "-v")
    assert quiet.exit_code == loud.exit_code == 0
    assert "listed" in loud.stderr and "listed" not in quiet.stderr


def test_validate_on_zero_files_is_a_usage_error_with_a_hint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    result = run("validate", "empty")
    assert result.exit_code == 2
    assert "no XLIFF file to validate in empty" in result.stderr
    assert "files must end in .xlf, .xliff, .xlf2, .sdlxliff" in result.stderr  # every suffix validate reads, no fewer
    (tmp_path / "empty" / "trados.sdlxliff").write_bytes(
        b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" '
        b'datatype="plaintext"><body/></file></xliff>')
    assert run("validate", "empty").exit_code == 0


def _pulled(root: Path) -> list[FileKey]:
    """The files of the first pull the ``pulled`` fixture holds (committed), by key."""
    return sorted(FileKey(p.parent.name, p.stem, p.parent.parent.name) for p in (root / "l10n").glob("*/*/*.xlf"))


def test_pull_takes_file_paths(pulled: Path, emulator: EmulatorServer) -> None:
    keys = _pulled(pulled)
    article = next(k for k in keys if k.kind == "article" and k.locale == "fr-FR")
    path = article.path(pulled / "l10n")
    path.unlink()
    result = run("pull", "--no-commit", "--format", "json", str(path.relative_to(pulled)))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changed"] == [article.relpath()] and data["files"]["total"] == 1
    assert path.exists()


def test_push_takes_file_paths_and_sends_only_those(pulled: Path, emulator: EmulatorServer) -> None:
    keys = [k for k in _pulled(pulled) if k.kind == "article" and k.locale == "fr-FR"][:2]
    for key in keys:
        translate(pulled, key)
    before = len(emulator.store.imports())
    result = run("push", "--format", "json", f"l10n/{keys[0].relpath()}")
    assert result.exit_code == 0, result.output
    assert [(r.id, r.locale) for r in emulator.store.imports()[before:]] == [(keys[0].item_id, "fr-FR")]
    dry = json.loads(run("push", "--dry-run", "--format", "json", "l10n/fr-FR").stdout)
    assert [f["path"] for f in dry["files"] if f["result"] == "would-send"] == [keys[1].relpath()]


@pytest.mark.parametrize(("args", "message"), [
    (["l10n/fr-FR", "l10n/de-DE/article/x.xlf"], "mix a whole directory"),
    (["l10n/fr-FR/article/a.xlf", "l10n/de-DE/kcbot/b.xlf"], "not one selection"),
    (["README.md"], "not inside project.directory"),
    (["l10n/xx-XX"], "not one of project.locales"),
    (["l10n/fr-FR/widget"], "not a kind"),
    (["--locale", "fr-FR", "l10n/fr-FR"], "not both"),
])
def test_paths_that_are_not_one_selection_are_refused(project: Path, args: list[str], message: str) -> None:
    for sub in ("l10n/fr-FR/article", "l10n/de-DE/article", "l10n/fr-FR/kcbot", "l10n/de-DE/kcbot"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    for name in ("l10n/de-DE/article/x.xlf", "l10n/fr-FR/article/a.xlf", "l10n/de-DE/kcbot/b.xlf"):
        (project / name).touch()
    for command in ("pull", "push"):
        result = run(command, "--dry-run", *args)
        assert result.exit_code == 2 and message in result.stderr, (command, result.output)


def test_push_refuses_a_path_that_is_not_there(project: Path) -> None:
    result = run("push", "l10n/fr-FR/article/nope.xlf")
    assert result.exit_code == 2 and "no such file or directory: l10n/fr-FR/article/nope.xlf" in result.stderr


def test_paths_form_a_product_selection(project: Path) -> None:
    from pxl10n.config import load
    from pxl10n.sync.by_path import selection_from_paths

    settings = load()
    both = selection_from_paths(settings, [Path("l10n/fr-FR/article/a.xlf"), Path("l10n/de-DE/article/a.xlf")])
    assert (both.kinds, both.ids, sorted(both.locales)) == (("article",), ("a",), ["de-DE", "fr-FR"])
    wide = selection_from_paths(settings, [Path("l10n/fr-FR"), Path("l10n/fr-FR/kcbot/b.xlf")])
    assert (wide.kinds, wide.ids, wide.locales) == ((), (), ("fr-FR",))
    encoded = selection_from_paths(settings, [Path("l10n/fr-FR/content/a%2Fb.xlf")])
    assert encoded.ids == ("a/b",)


def test_throttling_is_shown_at_v_and_summed_up(pulled: Path, emulator: EmulatorServer) -> None:
    emulator.faults.storm(3, 429, retry_after=0)
    result = run("pull", "--no-commit", "-v")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("PX answered 429: holding every request back") == 3
    assert re.search(r"PX answered 429 \(slow down\) 3 time\(s\); requests were held back \d+\.\d s in total", result.stderr)
    plain = run("pull", "--no-commit")
    assert "holding every request back" not in plain.stderr and "slow down" not in plain.stderr


def test_shell_completion_works(tmp_path: Path) -> None:
    result = run_subprocess(cwd=tmp_path, env={"_PXL10N_COMPLETE": "bash_source"})
    assert result.returncode == 0 and "_pxl10n_completion" in result.stdout


def test_every_option_and_config_key_is_documented() -> None:
    """A flag or key missing from the README is one nobody finds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from pxl10n.cli import cli

    missing = [f"{name} {opt}" for name, command in cli.commands.items() for param in command.params
               if isinstance(param, click.Option) for opt in param.opts[-1:] if opt.startswith("--") and opt not in readme and opt != "--help"]
    assert not missing, f"undocumented options: {missing}"
    import pxl10n.config as config_module

    source = Path(config_module.__file__).read_text(encoding="utf-8")
    keys = {k for group in re.findall(r"_Reader\(.*?\{([^}]*)\}", source, re.DOTALL) for k in re.findall(r'"(\w+)"', group)}
    assert {"ca_bundle", "timeout", "rate_limit", "on_error"} <= keys
    undocumented = sorted(k for k in keys if not re.search(rf"\b{k}\b", readme))
    assert not undocumented, f"config keys not in the README: {undocumented}"


def test_a_spoofing_file_name_cannot_forge_an_annotation(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "::error file=x::forged.xlf"
    (tmp_path / name).write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR">'
                                 '<file id="f"><unit id="u1&#13;&#10;::error::forged by a unit id"><segment><source>Hello</source><target></target></segment></unit></file></xliff>')
    for fmt in ("text", "github"):
        result = run("validate", "--format", fmt, name)
        assert result.exit_code == 1, result.output
        lines = result.stdout.splitlines()
        commands = [line for line in lines if line.lstrip().startswith("::")]
        if fmt == "text":
            assert not commands, lines
            assert any("[u1\\r\\n::error::forged by a unit id]" in line for line in lines), lines
        else:
            assert len(commands) == len(lines) and all(re.match(r"::(error|warning) file=%3A%3Aerror file=x%3A%3Aforged.xlf,", c) for c in commands), lines
            assert any("[u1%0D%0A::error::forged by a unit id]" in c for c in commands), "the id stays inside its own annotation"


def test_a_stopping_error_is_an_annotation_on_actions(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("PX_API_KEY", "sk-wrong-key-0000")
    assert "::error" not in run("pull").stderr
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("pull")
    assert result.exit_code == 1
    assert "::error title=pxl10n pull::PX refused the API key (401)" in result.stderr and "sk-wrong-key-0000" not in result.stderr
