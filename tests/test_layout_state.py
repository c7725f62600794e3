"""Id-based paths, atomic writes and the committed state file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pxl10n.errors import Pxl10nError
from pxl10n.fsutil import atomic_write, remove_partials
from pxl10n.layout import FileKey, decode_id, encode_id, iter_xliff_files, key_for, named_key
from pxl10n.sync.state import FileState, State


@pytest.mark.parametrize("item_id", ["c6bd79cc-b706", "123", "a/b", "..", ".hidden", "ünï code", "x%y", "a:b*?"])
def test_ids_map_to_one_safe_file_and_back(tmp_path: Path, item_id: str) -> None:
    key = FileKey("engagement", item_id, "fr-FR")
    path = key.path(tmp_path)
    assert path.parent == tmp_path / "fr-FR" / "engagement"
    assert not path.name.startswith(".") and "/" not in encode_id(item_id)
    assert decode_id(encode_id(item_id)) == item_id
    assert key_for(tmp_path, path) == key


def test_paths_outside_the_layout_have_no_key(tmp_path: Path) -> None:
    assert key_for(tmp_path, tmp_path / "notes.xlf") is None
    assert key_for(tmp_path, tmp_path / "fr-FR" / "widget" / "x.xlf") is None
    assert key_for(tmp_path / "l10n", tmp_path / "other" / "fr-FR" / "article" / "x.xlf") is None


def test_a_name_pxl10n_would_spell_otherwise_is_no_laid_out_file(tmp_path: Path) -> None:
    """``x (copy).xlf`` reads as item ``x (copy)``, whose file is ``x%20%28copy%29.xlf``: a key for it would
    name another path, so only validate's PX150 reads the name (:func:`named_key`)."""
    copy = tmp_path / "fr-FR" / "article" / "x (copy).xlf"
    assert key_for(tmp_path, copy) is None
    assert named_key(tmp_path, copy) == FileKey("article", "x (copy)", "fr-FR")
    assert key_for(tmp_path, FileKey("article", "x (copy)", "fr-FR").path(tmp_path)) == FileKey("article", "x (copy)", "fr-FR")


def test_iter_xliff_files_skips_hidden(tmp_path: Path) -> None:
    for rel in ["fr-FR/article/a.xlf", "fr-FR/article/.a.xlf.x.partial", ".git/x.xlf", "notes.txt", "b.xliff"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_xliff_files(tmp_path)] == ["b.xliff", "fr-FR/article/a.xlf"]


def test_atomic_write_replaces_and_partials_are_cleaned(tmp_path: Path) -> None:
    target = tmp_path / "d" / "f.xlf"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.xlf"]
    (target.parent / ".f.xlf.abc.partial").write_bytes(b"half")
    assert remove_partials(tmp_path) == 1
    assert [p.name for p in target.parent.iterdir()] == ["f.xlf"]


def entry(locale: str = "fr-FR", **changes: object) -> FileState:
    data = dict(kind="kcbot", item_id="k1", locale=locale, px_language=locale, xliff_version="2.0", strategy=None, params={"kcVersion": "v1"}, unit_ids=("a", "b"), pulled="h1")
    data.update(changes)
    return FileState(**data)


def test_state_round_trip_is_deterministic(tmp_path: Path) -> None:
    state = State(tmp_path)
    state.put(entry("fr-FR"))
    state.put(entry("de-DE", pushed="h2"))
    assert state.save() is True
    text = state.path.read_text()
    assert text.index("de-DE") < text.index("fr-FR")
    loaded = State.load(tmp_path)
    assert loaded.get(FileKey("kcbot", "k1", "de-DE")) == entry("de-DE", pushed="h2")
    assert loaded.save() is False
    assert loaded.get(FileKey("kcbot", "k1", "de-DE")).known_hashes() == {"h1", "h2"}


@pytest.mark.parametrize("text", ["{not json", '{"format": "3", "files": {}}', '{"format": 2, "files": {"a": 3}}', "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> x\n"])
def test_corrupt_state_file_is_a_clear_error_with_a_fix_that_loses_nothing(tmp_path: Path, text: str) -> None:
    State(tmp_path).path.write_text(text)
    with pytest.raises(Pxl10nError, match="merge-state --repair .*git checkout HEAD") as info:
        State.load(tmp_path)
    assert info.value.exit_code == 2


def test_a_shortened_file_name_on_the_command_line_names_its_item_through_the_index(project: Path) -> None:
    import json

    from pxl10n.config import load
    from pxl10n.sync.by_path import selection_from_paths

    settings = load()
    item_id = "a" * 300
    path = FileKey("article", item_id, "fr-FR").path(Path("l10n"))
    assert "~" in path.name
    with pytest.raises(Pxl10nError, match="index.json maps to no item"):
        selection_from_paths(settings, [path])
    settings.directory.mkdir(exist_ok=True)
    (settings.directory / "index.json").write_text(json.dumps({"article": {item_id: {"name": "long"}}}), encoding="utf-8")
    assert selection_from_paths(settings, [path]).ids == (item_id,)
