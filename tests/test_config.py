"""pxl10n.toml: discovery, precedence, every bad setting named with its key and file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pxl10n.config import REGIONS, find_config, load, starter_text
from pxl10n.errors import ConfigError

from .helpers.cli import run

BASE = """[project]
source_locale = "en-US"
locales = ["fr-FR"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pxl10n.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_relative_directory(tmp_path: Path) -> None:
    settings = load(write(tmp_path, BASE + 'directory = "loc/xlf"\n'))
    assert settings.base_url == REGIONS["US"]
    assert settings.directory == (tmp_path / "loc" / "xlf").resolve()
    assert settings.locales == ("fr-FR",) and settings.rate_limit < 200


@pytest.mark.parametrize("region", ["US", "EU", "US2", "eu"])
def test_regions_pick_official_urls(tmp_path: Path, region: str) -> None:
    settings = load(write(tmp_path, f'[px]\nregion = "{region}"\n' + BASE))
    assert settings.base_url == REGIONS[region.upper()]


def test_base_url_overrides_region(tmp_path: Path) -> None:
    settings = load(write(tmp_path, '[px]\nregion = "EU"\nbase_url = "http://127.0.0.1:8765/"\n' + BASE))
    assert settings.base_url == "http://127.0.0.1:8765"


def test_every_key_is_read_with_its_type(tmp_path: Path) -> None:
    text = ('[px]\nrate_limit = 50\nconcurrency = 4\ntimeout = 5\nretries = 0\nbackoff = 1\n' + BASE
            + '[export]\nversion = 1.2\nproduct_id = 42\ntranslated = false\nkinds = ["kcbot"]\n'
            + '[[content]]\nid = 7\ntype = "guide"\n[pull]\nprune_max_share = 1\n')
    settings = load(write(tmp_path, text))
    assert (settings.rate_limit, settings.concurrency, settings.timeout, settings.retries, settings.backoff) == (50.0, 4, 5.0, 0, 1.0)
    assert isinstance(settings.rate_limit, float) and isinstance(settings.concurrency, int)
    assert (settings.xliff_version, settings.product_id, settings.translated, settings.kinds) == ("1.2", "42", False, ("kcbot",))
    assert [(c.id, c.type) for c in settings.content] == [("7", "GUIDE")] and settings.prune_max_share == 1.0


@pytest.mark.parametrize("name", ["api_key", "apiKey", "API-KEY", "token", "secret_key", "key"])
def test_a_key_written_into_the_file_is_refused_with_how_to_give_it_and_never_echoed(tmp_path: Path, name: str) -> None:
    secret = "sk-live-5f0c9d-do-not-print"
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, f'[px]\n{name} = "{secret}"\n' + BASE))
    message = str(caught.value)
    assert f"px.{name} looks like an API key" in message and "export PX_API_KEY=<key>" in message
    assert "rotate the key in PX" in message and secret not in message


def test_a_key_name_that_only_contains_key_is_an_ordinary_unknown_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key px\.keys \(known keys: "):
        load(write(tmp_path, '[px]\nkeys = 1\n' + BASE))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[px]\nconcurrency = true\n", "px.concurrency must be a whole number, not True"),
        ("[px]\nrate_limit = false\n", "px.rate_limit must be a number, not False"),
        ("[px]\nconcurrency = 2.5\n", "px.concurrency must be a whole number, not 2.5"),
        ("[px]\nregion = 1\n", "px.region must be a string, not 1"),
        ("[[content]]\nid = true\ntype = \"GUIDE\"\n", "content[0].id must be a string or whole number, not True"),
        ("[export]\ntranslated = \"yes\"\n", "export.translated must be a boolean (true or false), not 'yes'"),
    ],
)
def test_a_wrong_type_is_named_in_toml_words(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load(write(tmp_path, BASE + text))


def test_found_in_a_parent_directory(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == path
    assert load(start=nested).path == path


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[px]\nregion = "MARS"\n' + BASE, "px.region"),
        ('[px]\nrate_limit = "fast"\n' + BASE, "px.rate_limit"),
        ('[px]\napi_key_env = "sk-123 456"\n' + BASE, "px.api_key_env"),
        ('[project]\nlocales = ["fr-FR"]\n', "project.source_locale"),
        ('[project]\nsource_locale = "en-US"\nlocales = []\n', "project.locales"),
        ('[project]\nsource_locale = "en-US"\nlocales = ["en-US"]\n', "project.locales"),
        ('[project]\nsource_locale = "en-US"\nlocales = ["not a locale"]\n', "project.locales"),
        ('[project]\nsource_locale = "en-US"\nlocales = ["en-us"]\n', "project.locales"),
        ('[project]\nsource_locale = "en-US"\nlocales = ["fr-FR", "fr-fr"]\n', "project.locales"),
        (BASE + '[export]\nversion = "3.0"\n', "export.version"),
        (BASE + '[export]\nkinds = ["emails"]\n', "export.kinds"),
        (BASE + '[[content]]\nid = "x"\ntype = "BANNER"\n', "content[0].type"),
        (BASE + '[[content]]\ntype = "GUIDE"\n', "content[0].id"),
        (BASE + 'api_key = "secret"\n', "project.api_key"),
        (BASE + "[validate.severity]\nQA101 = \"fatal\"\n", "validate.severity.QA101"),
        (BASE + "[push]\non_error = \"ignore\"\n", "push.on_error"),
        ('[px\nbroken', "not valid TOML"),
    ],
)
def test_bad_settings_name_the_key_and_the_file(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert key in str(info.value) and str(path) in str(info.value)
    assert info.value.exit_code == 2


def test_key_comes_from_the_named_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(write(tmp_path, '[px]\napi_key_env = "MY_PX_KEY"\n' + BASE))
    monkeypatch.delenv("MY_PX_KEY", raising=False)
    with pytest.raises(ConfigError, match="MY_PX_KEY"):
        settings.api_key()
    monkeypatch.setenv("MY_PX_KEY", "abc123")
    assert settings.api_key() == "abc123"


def test_locale_mapping_both_ways(tmp_path: Path) -> None:
    settings = load(write(tmp_path, BASE.replace('["fr-FR"]', '["fr-FR", "zh-Hans"]') + '[project.px_languages]\n"zh-Hans" = "zh-CN"\n'))
    assert settings.px_language("zh-Hans") == "zh-CN" and settings.px_language("fr-FR") == "fr-FR"
    assert settings.locale_for("zh-CN") == "zh-Hans"


def test_starter_file_loads(tmp_path: Path) -> None:
    settings = load(write(tmp_path, starter_text("en-US", ("ja-JP",), "translations")))
    assert settings.locales == ("ja-JP",) and settings.directory.name == "translations"


def test_init_writes_and_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--locale", "es-ES").exit_code == 0
    assert load(tmp_path / "pxl10n.toml").locales == ("es-ES",)
    again = run("init")
    assert again.exit_code == 2 and "--force" in again.output


def test_no_config_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("pull")
    assert result.exit_code == 2 and "pxl10n init" in result.output


@pytest.mark.parametrize(("directory", "said"), [
    (".git", "inside git's own .git directory"),
    (".git/l10n", "inside git's own .git directory"),
    ("sub/../.git/x", "inside git's own .git directory"),
    ("pxl10n.toml", "is a file"),
])
def test_a_directory_pull_must_not_write_is_refused_at_load(tmp_path: Path, directory: str, said: str) -> None:
    """A pull there would write XLIFF into git's own files, or fail on every file with a state-file error."""
    (tmp_path / ".git").mkdir()
    with pytest.raises(ConfigError, match=re.escape(said)) as info:
        load(write(tmp_path, BASE + f'directory = "{directory}"\n'))
    assert "project.directory" in str(info.value) and 'such as "l10n"' in str(info.value)


def test_a_directory_named_like_the_config_is_named_not_taken_for_a_missing_config(tmp_path: Path) -> None:
    (tmp_path / "pxl10n.toml").mkdir()
    with pytest.raises(ConfigError, match="is a directory, not a config file"):
        find_config(tmp_path)


def test_one_locale_spelled_twice_is_named_with_both_spellings(tmp_path: Path) -> None:
    """fr-FR and fr-fr are one language tag, and one directory on macOS and Windows: two locales would share its files."""
    path = write(tmp_path, '[project]\nsource_locale = "en-US"\nlocales = ["fr-FR", "de-DE", "fr-fr"]\n')
    with pytest.raises(ConfigError, match="lists one locale twice, as 'fr-FR' and 'fr-fr' \\(language tags ignore case\\)"):
        load(path)
