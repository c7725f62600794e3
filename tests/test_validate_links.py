"""Validate reads nothing through a symbolic link below the configured directory, as pull and push do not.

A pull request can commit a link (``l10n/fr-FR/engagement/a.xlf -> /home/runner/...``). The
check-translations workflow validates the changed files and turns findings into public
annotations, so a followed link could quote any XML file of the runner; and a link validate
passed would still be refused by push after the merge. Each link is one XLF004 finding
naming the link, never its target's content.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pxl10n.config import load
from pxl10n.layout import iter_xliff_files, scan_xliff
from pxl10n.sync.validation import validate_paths
from pxl10n.validate.report import display_path

from .helpers.cli import run

#: An XLIFF file outside the project whose one finding (QA101, a lost placeholder) quotes its unit id.
OUTSIDE = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR">
  <file id="f1">
    <unit id="runner-secret-7f3a"><segment><source>Hi {{name}}</source><target>Salut</target></segment></unit>
  </file>
</xliff>
"""
GOOD = (OUTSIDE.replace(b"Hi {{name}}", b"Save").replace(b"Salut", b"Enregistrer").replace(b"runner-secret-7f3a", b"u1")
        .replace(b'<file id="f1">', b'<file id="f1" original="good">'))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A configured project with one good file under l10n/fr-FR/engagement and an XLIFF file outside it."""
    root = tmp_path / "repo"
    (root / "l10n" / "fr-FR" / "engagement").mkdir(parents=True)
    (root / "pxl10n.toml").write_text('[project]\nsource_locale = "en-US"\nlocales = ["fr-FR"]\ndirectory = "l10n"\n', encoding="utf-8")
    (root / "l10n" / "fr-FR" / "engagement" / "good.xlf").write_bytes(GOOD)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "settings.xlf").write_bytes(OUTSIDE)
    return root


def _validate(root: Path, *args: str) -> tuple[int, dict]:
    """``pxl10n validate --format json ARGS`` run in ``root``: the exit code and the JSON."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        done = run("validate", "--format", "json", *args)
    finally:
        os.chdir(cwd)
    return done.exit_code, json.loads(done.stdout)


def test_a_linked_file_in_the_directory_is_named_not_read(project: Path) -> None:
    link = project / "l10n" / "fr-FR" / "engagement" / "evil.xlf"
    link.symlink_to(project.parent / "outside" / "settings.xlf")
    for args in ((), ("l10n/fr-FR/engagement/evil.xlf",), ("l10n",)):
        code, out = _validate(project, *args)
        assert code == 1, args
        assert [(f["path"], f["code"]) for f in out["findings"]] == [("l10n/fr-FR/engagement/evil.xlf", "XLF004")], args
        assert "symbolic link" in out["findings"][0]["message"] and "replace it with the real file" in out["findings"][0]["message"]
        assert "runner-secret-7f3a" not in json.dumps(out), "the link's target was read"
    assert out["summary"]["files"] == 2  # the good file and the link


def test_a_linked_folder_in_the_directory_is_named_not_walked(project: Path) -> None:
    (project / "l10n" / "fr-FR" / "kcbot").symlink_to(project.parent / "outside", target_is_directory=True)
    code, out = _validate(project)
    assert code == 1
    assert [(f["path"], f["code"]) for f in out["findings"]] == [("l10n/fr-FR/kcbot", "XLF004")]
    # a path through the linked folder (the changed files of a pull request) names the folder, not the file
    code, out = _validate(project, "l10n/fr-FR/kcbot/settings.xlf", "l10n/fr-FR/kcbot/absent.xlf")
    assert code == 1
    assert [(f["path"], f["code"]) for f in out["findings"]] == [("l10n/fr-FR/kcbot", "XLF004")]
    assert "runner-secret-7f3a" not in json.dumps(out)


def test_links_outside_the_directory_are_the_users_own(project: Path, tmp_path: Path) -> None:
    """Without a project, or outside its directory, a link to an XLIFF file is read, as any tool reads it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.xlf").symlink_to(tmp_path / "outside" / "settings.xlf")
    (elsewhere / "folder").symlink_to(project / "l10n", target_is_directory=True)
    report = validate_paths([elsewhere])
    assert [f.code for f in report.findings] == ["QA101"]  # the linked file was read; the linked folder not walked
    report = validate_paths([elsewhere / "mine.xlf"], settings=load(project / "pxl10n.toml"))
    assert [f.code for f in report.findings] == ["QA101"]


def test_the_link_is_named_as_itself(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "t.xlf"
    target.parent.mkdir()
    target.write_bytes(GOOD)
    (tmp_path / "a.xlf").symlink_to(target)
    assert display_path(str(tmp_path / "a.xlf"), tmp_path) == "a.xlf"
    assert display_path(str(target), tmp_path) == "elsewhere/t.xlf"
    assert display_path("/nowhere/x.xlf", tmp_path) == "/nowhere/x.xlf"


def test_the_walk_lists_links_and_follows_none(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.xlf").write_bytes(GOOD)
    (tmp_path / "a" / "two.XLIFF").write_bytes(GOOD)
    (tmp_path / "a" / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "three.xlf").write_bytes(GOOD)
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "link.xlf").symlink_to(tmp_path / "a" / "two.XLIFF")
    (tmp_path / "a" / "dangling.xlf").symlink_to(tmp_path / "gone.xlf")
    files, links = scan_xliff(tmp_path)
    assert files == [tmp_path / "a" / "b" / "one.xlf", tmp_path / "a" / "two.XLIFF"]
    assert links == sorted([tmp_path / "a" / "dangling.xlf", tmp_path / "a" / "link.xlf", tmp_path / "a" / "loop"])
    assert iter_xliff_files(tmp_path) == files
    assert iter_xliff_files(tmp_path / "a" / "two.XLIFF") == [tmp_path / "a" / "two.XLIFF"]
    assert os.path.islink(tmp_path / "a" / "loop")


def test_a_configured_directory_reached_through_a_link_is_refused_by_every_command_that_reads_it(pulled: Path, tmp_path: Path) -> None:
    """``l10n`` committed as a link (to another checkout, or anywhere on a runner): the config resolves the
    directory through it, so the old check on the resolved path never saw a link and every command followed it."""
    elsewhere = tmp_path / "elsewhere-l10n"
    (pulled / "l10n").rename(elsewhere)
    (pulled / "l10n").symlink_to(elsewhere, target_is_directory=True)
    settings = load(pulled / "pxl10n.toml")
    assert settings.directory_link == pulled / "l10n" and settings.directory == elsewhere.resolve()
    code, out = _validate(pulled)
    assert code == 1 and [(f["path"], f["code"]) for f in out["findings"]] == [("l10n", "XLF004")]
    code, out = _validate(pulled, "l10n/fr-FR")
    assert code == 1 and [(f["path"], f["code"]) for f in out["findings"]] == [("l10n", "XLF004")]
    cwd = os.getcwd()
    os.chdir(pulled)
    try:
        for args in (("pull",), ("push",), ("pseudo", "--locale", "de-DE"), ("leverage",)):
            done = run(*args)
            assert done.exit_code == 2, (args, done.output)
            assert "is a symbolic link" in done.stderr and "make it a real directory" in done.stderr, args
    finally:
        os.chdir(cwd)


def test_only_links_below_the_configs_folder_count(tmp_path: Path) -> None:
    """A directory outside the repository (absolute, or up through ..) is the user's to place, link or not."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (tmp_path / "link-to-shared").symlink_to(shared, target_is_directory=True)
    project = tmp_path / "project"
    project.mkdir()
    for directory in ("../link-to-shared", str(tmp_path / "link-to-shared")):
        (project / "pxl10n.toml").write_text(f'[project]\nsource_locale = "en-US"\nlocales = ["fr-FR"]\ndirectory = "{directory}"\n',
                                             encoding="utf-8")
        assert load(project / "pxl10n.toml").directory_link is None, directory
    (project / "sub").mkdir()
    (project / "sub" / "l10n").symlink_to(shared, target_is_directory=True)
    (project / "pxl10n.toml").write_text('[project]\nsource_locale = "en-US"\nlocales = ["fr-FR"]\ndirectory = "sub/./l10n"\n', encoding="utf-8")
    assert load(project / "pxl10n.toml").directory_link == project / "sub" / "l10n"
