"""``pxl10n doctor`` against the emulator over real HTTP: a good key, a wrong key, a
read-only key, a wrong region (another PX that does not know the key), a dead base URL."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import git
import pytest

from pxl10n.emulator.server import EmulatorServer

from .helpers.cli import run
from .helpers.project import API_KEY, as_format_2, write_config

READ_ONLY = "sk-read-only-1234"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PX_API_KEY", API_KEY)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def doctor(*args: str) -> tuple[int, dict]:
    result = run("doctor", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def outcomes(report: dict) -> dict[str, str]:
    return {c["check"]: c["outcome"] for c in report["checks"]}


def test_a_good_setup_checks_out_and_lists_what_a_pull_covers(setup: Path, emulator: EmulatorServer) -> None:
    write_config(setup, emulator.base_url)
    before = len(emulator.store.imports())
    code, report = doctor()
    assert code == 0, report
    assert outcomes(report) == {"config": "ok", "state": "ok", "git": "warning", "network": "ok", "key": "ok", "read": "ok", "write": "ok", "languages": "ok", "coverage": "ok"}
    coverage = next(c for c in report["checks"] if c["check"] == "coverage")["detail"]
    items = [i for k in ("engagement", "kcbot", "article") for i in emulator.store.items(k) if i.localizable]
    assert f"a pull would export {len(items) * 2} file(s)" in coverage
    assert "email engagement(s) skipped" in coverage
    # The Write probe changed nothing: refused for want of an item id.
    assert [(r.id, r.status) for r in emulator.store.imports()[before:]] == [(None, 433)]
    assert run("doctor", "--strict").exit_code == 1, "not a git work tree is a warning, fatal under --strict"


def test_a_wrong_key_is_a_problem_with_the_region_hint(setup: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(setup, emulator.base_url)
    monkeypatch.setenv("PX_API_KEY", "sk-not-this-one")
    result = run("doctor")
    assert result.exit_code == 1
    assert "problem  read      PX refused the key at" in result.stdout
    assert "fix: check the key in $PX_API_KEY; a key works only in its own PX region" in result.stdout
    assert "skipped  write" in result.stdout and "sk-not-this-one" not in result.output


def test_a_read_only_key_warns_that_push_will_be_refused(setup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmulatorServer(None, api_keys={READ_ONLY: {"read"}}) as server:
        write_config(setup, server.base_url)
        monkeypatch.setenv("PX_API_KEY", READ_ONLY)
        code, report = doctor()
    write = next(c for c in report["checks"] if c["check"] == "write")
    assert code == 0 and write["outcome"] == "warning"
    assert "lacks the Write permission" in write["detail"] and "Write permission in PX Administration" in write["fix"]
    assert outcomes(report)["coverage"] == "ok"


def test_a_key_without_read(setup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmulatorServer(None, api_keys={"sk-write-only-99": {"write"}}) as server:
        write_config(setup, server.base_url)
        monkeypatch.setenv("PX_API_KEY", "sk-write-only-99")
        code, report = doctor()
    read = next(c for c in report["checks"] if c["check"] == "read")
    assert code == 1 and read["outcome"] == "problem" and "Read permission" in read["fix"]


def test_the_wrong_region_is_another_px_that_does_not_know_the_key(setup: Path, emulator: EmulatorServer) -> None:
    with EmulatorServer("sk-key-of-another-region") as other_region:
        write_config(setup, other_region.base_url)
        code, report = doctor()
    read = next(c for c in report["checks"] if c["check"] == "read")
    assert code == 1 and read["outcome"] == "problem" and "(401)" in read["detail"]
    assert "set px.region to the region of your subscription" in read["fix"] and "EU (https://api-eu.aptrinsic.com)" in read["fix"]


def test_a_base_url_where_nothing_answers(setup: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_config(setup, f"http://127.0.0.1:{port}")
    code, report = doctor()
    read = next(c for c in report["checks"] if c["check"] == "read")
    assert code == 1 and "cannot reach PX" in read["detail"] and "px.base_url" in read["fix"]


def test_a_base_url_that_is_not_the_api(setup: Path, emulator: EmulatorServer) -> None:
    write_config(setup, emulator.base_url + "/not-the-api")
    code, report = doctor()
    read = next(c for c in report["checks"] if c["check"] == "read")
    assert code == 1 and read["outcome"] == "problem" and "API root" in read["fix"]


def test_no_config_and_no_key_are_configuration_errors(setup: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = doctor()
    assert code == 2 and report["checks"][0]["check"] == "config" and "pxl10n init" in report["checks"][0]["fix"]
    write_config(setup, emulator.base_url)
    monkeypatch.delenv("PX_API_KEY")
    code, report = doctor()
    assert code == 2 and outcomes(report)["key"] == "problem" and outcomes(report)["read"] == "skipped"


def test_a_proxy_password_is_never_shown(setup: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(setup, emulator.base_url)
    monkeypatch.setenv("HTTPS_PROXY", "http://me:hunter2@proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    result = run("doctor", "--no-write-check")
    # the emulator is plain HTTP on 127.0.0.1, which NO_PROXY exempts: the proxy is named, masked, as not applying
    assert "direct: HTTPS_PROXY http://me:***@proxy.example:3128 does not apply" in result.stdout
    assert "hunter2" not in result.output


def test_init_can_run_it(setup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a key the check stops before any call (the starter names the real PX, never called from tests)."""
    monkeypatch.delenv("PX_API_KEY")
    result = run("init", "--check")
    assert (setup / "pxl10n.toml").exists()
    assert result.exit_code == 2
    assert "pxl10n doctor:" in result.stdout and "ok       config" in result.stdout and "problem  key" in result.stdout


def test_an_invalid_config_names_the_key(setup: Path, emulator: EmulatorServer) -> None:
    write_config(setup, emulator.base_url, extra='[push]\non_eror = "skip"\n')
    code, report = doctor()
    (check,) = report["checks"]
    assert code == 2 and check["outcome"] == "problem" and "push.on_eror" in check["detail"] and "edit" in check["fix"]


def test_a_locale_the_subscription_lacks_is_a_problem(setup: Path, emulator: EmulatorServer) -> None:
    write_config(setup, emulator.base_url, locales=("fr-FR", "xh-ZA"))
    code, report = doctor()
    languages = next(c for c in report["checks"] if c["check"] == "languages")
    assert code == 1 and languages["outcome"] == "problem" and "xh-ZA" in languages["detail"] and "fr-FR" not in languages["detail"]
    assert "project.locales" in languages["fix"]


def _repo(root: Path) -> git.Repo:
    repo = git.Repo.init(root)
    repo.git.config("user.email", "t@e")
    repo.git.config("user.name", "t")
    return repo


def test_the_merge_driver_is_checked_per_clone_since_git_config_is_not_cloned(setup: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    write_config(setup, emulator.base_url)
    repo = _repo(setup)
    code, report = doctor()
    assert outcomes(report)["git"] == "ok" and outcomes(report)["merge"] == "warning"
    assert "merges as plain text" in next(c for c in report["checks"] if c["check"] == "merge")["detail"]
    assert run("merge-state", "--install").exit_code == 0
    assert outcomes(doctor()[1])["merge"] == "ok"
    repo.git.add("-A")
    repo.git.commit("-qm", "setup")
    clone = tmp_path_factory.mktemp("clone")
    git.Repo.clone_from(str(setup), str(clone))
    code, report = doctor("--config", str(clone / "pxl10n.toml"))
    merge = next(c for c in report["checks"] if c["check"] == "merge")
    assert merge["outcome"] == "warning" and "this clone's git config does not define it" in merge["detail"]
    assert "pxl10n merge-state --install" in merge["fix"]
    assert code == 0 and run("doctor", "--config", str(clone / "pxl10n.toml"), "--strict").exit_code == 1


def test_git_that_cannot_take_a_pull_commit_is_a_problem(setup: Path, emulator: EmulatorServer) -> None:
    write_config(setup, emulator.base_url)
    _repo(setup)
    (setup / ".gitignore").write_text("*.xlf\n", encoding="utf-8")
    code, report = doctor()
    check = next(c for c in report["checks"] if c["check"] == "git")
    assert code == 1 and check["outcome"] == "problem"
    assert check["detail"].endswith("git ignores the files pxl10n pull writes under l10n/fr-FR/engagement/ (.gitignore line 1: *.xlf), "
                                    "so pxl10n pull could not commit them")
    assert check["fix"] == "remove or narrow that rule, or run with --no-commit to keep the files out of git"


def test_a_symbolic_link_in_or_to_the_directory_is_a_problem(setup: Path, emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    """What pull and push would refuse, doctor says first: a link below the directory, or the directory reached through one."""
    write_config(setup, emulator.base_url)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (setup / "l10n").mkdir()
    (setup / "l10n" / "fr-FR").symlink_to(elsewhere, target_is_directory=True)
    code, report = doctor()
    check = next(c for c in report["checks"] if c["check"] == "config")
    assert code == 2 and check["outcome"] == "problem" and "l10n/fr-FR is a symbolic link" in check["detail"]
    (setup / "l10n" / "fr-FR").unlink()
    (setup / "l10n").rmdir()
    (setup / "l10n").symlink_to(elsewhere, target_is_directory=True)
    code, report = doctor()
    check = next(c for c in report["checks"] if c["check"] == "config")
    assert code == 2 and check["outcome"] == "problem" and "make it a real directory" in check["detail"]


def test_the_state_file_is_checked_and_a_newer_or_conflicted_one_is_a_problem_with_its_fix(pulled: Path) -> None:
    from pxl10n.layout import STATE_NAME

    state = pulled / "l10n" / STATE_NAME
    code, report = doctor("--no-write-check")
    check = next(c for c in report["checks"] if c["check"] == "state")
    assert code == 0 and check["outcome"] == "ok" and check["detail"].endswith(" entries") and "older" not in check["detail"], check
    as_format_2(pulled)
    check = next(c for c in doctor()[1]["checks"] if c["check"] == "state")
    assert check["outcome"] == "ok" and "written by an older pxl10n keep no units as pulled until the next pull" in check["detail"]
    text = state.read_text(encoding="utf-8")
    state.write_text(text.replace('"format": 2', '"format": 9', 1), encoding="utf-8")
    code, report = doctor("--no-write-check")
    check = next(c for c in report["checks"] if c["check"] == "state")
    assert code == 2 and check["outcome"] == "problem" and "written by a newer pxl10n (format 9" in check["detail"], check
    assert check["fix"].startswith("upgrade pxl10n")
    state.write_text("<<<<<<< ours\n" + text + "=======\n" + text + ">>>>>>> theirs\n", encoding="utf-8")
    check = next(c for c in doctor()[1]["checks"] if c["check"] == "state")
    assert check["outcome"] == "problem" and "merge-state --repair" in check["detail"], check
