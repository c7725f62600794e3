"""Fuzz: random combinations of the emulator's fault modes and bent answers against real pulls and pushes.

Whatever PX does, every run ends (tight limits: a 2 s run deadline) with exit 0, 1 or 2, its
errors on one line each, no traceback, no key anywhere it wrote, and every file
of the tree either as it was or whole. ``PXL10N_FUZZ_EXAMPLES`` raises the number
of examples (default 12) for a longer hunt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from pxl10n.cli import cli
from pxl10n.emulator.faults import EXPORT_FAULTS, LISTING_FAULTS, MISSING, WIRE_FAULTS
from pxl10n.emulator.server import EmulatorServer

from .helpers.hostile import leaks, one_line_errors, snapshot, written_text
from .helpers.project import content_entries, write_config

KEY = 'fz "k"/y+z%41&<q>9d8c7b6a5e'
#: every run has one; how long runs take against it is measured in benchmarks/, never asserted here
RUN_DEADLINE = 2.0
LIMITS = f"retries = 2\ntimeout = 0.3\nconnect_timeout = 0.5\ncall_deadline = 1.0\nrun_deadline = {RUN_DEADLINE:g}\n"
EXAMPLES = int(os.environ.get("PXL10N_FUZZ_EXAMPLES", "12"))

PATHS = ["{list}.*", "{list}.*.id", "{list}.*.name", "{list}.*.languages", "{list}.*.languages.*.languageCode", "{list}.*.type",
         "{list}.*.defaultLanguage", "{list}", "{list}.0", "isLastPage", "pageNumber", "$", "message"]
VALUES = st.sampled_from([None, MISSING, 0, -1, True, "", "x" * 5000, [], {}, [None], {"id": None}, "../../etc/passwd", KEY])
LISTS = {"/v1/engagement": "engagements", "/v1/kcbot": "kcList", "/v1/articles": "articleExternalViewList"}


@st.composite
def hostile_px(draw: st.DrawFn) -> dict[str, object]:
    """One random misbehaving PX."""
    prefixes = st.sampled_from([*LISTS, *LISTS, "/v1/localization/export", "/v1/localization/import"])
    return {
        "listing": draw(st.none() | st.sampled_from(LISTING_FAULTS)),
        "wire": draw(st.none() | st.sampled_from(WIRE_FAULTS)),
        "wire_prefix": draw(st.sampled_from([*LISTS, "/v1/localization/export", "/v1/"])),
        "patches": draw(st.lists(st.tuples(st.sampled_from(PATHS), VALUES, prefixes), max_size=4)),
        "exports": draw(st.lists(st.sampled_from([f for f in EXPORT_FAULTS if f not in ("huge", "bigdoc")] + [429, 500, 503, 435, 418]), max_size=6)),
        "storm": draw(st.none() | st.tuples(st.integers(1, 6), st.sampled_from([429, 500, 502, 503]))),
        "echo": draw(st.booleans()),
        "command": draw(st.sampled_from([["pull"], ["pull", "--format", "json"], ["-v", "pull", "--no-commit"], ["push", "--force", "--format", "json"], ["status", "--remote", "--format", "json"]])),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmulatorServer, Path, str]]:
    root = tmp_path_factory.mktemp("fuzz")
    with EmulatorServer(KEY) as server:
        repo = git.Repo.init(root)
        with repo.config_writer() as cfg:
            cfg.set_value("user", "name", "Test")
            cfg.set_value("user", "email", "test@example.com")
        write_config(root, server.base_url, content=content_entries(server))
        repo.index.add(["pxl10n.toml"])
        repo.index.commit("initial")
        previous = os.getcwd()
        os.chdir(root)
        os.environ["PX_API_KEY"] = KEY
        try:
            result = CliRunner().invoke(cli, ["pull"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            # the tight limits only after the first pull, which a loaded machine must not fail
            config = root / "pxl10n.toml"
            config.write_text(config.read_text().replace("retries = 8\n", LIMITS), encoding="utf-8")
            repo.index.add(["pxl10n.toml"])
            repo.index.commit("tight limits")
            yield server, root, repo.head.commit.hexsha
        finally:
            os.chdir(previous)
            os.environ.pop("PX_API_KEY", None)
            server.faults.clear()


def _whole(root: Path, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Files that changed and are not a whole XML document, plus leftovers of interrupted writes."""
    broken = [p.name for p in root.rglob("*.partial")]
    for name, digest in after.items():
        if name.startswith("<") or before.get(name) == digest or not name.endswith((".xlf", ".json")):
            continue
        data = (root / name).read_bytes()
        try:
            etree.fromstring(data) if name.endswith(".xlf") else __import__("json").loads(data)
        except (etree.XMLSyntaxError, ValueError):
            broken.append(name)
    return broken


BENIGN: dict[str, object] = {"listing": None, "wire": None, "wire_prefix": "/v1/", "patches": [], "exports": [], "storm": None, "echo": False, "command": ["pull"]}


@example(px={**BENIGN, "patches": [("{list}.0", None, "/v1/kcbot")]})
@example(px={**BENIGN, "listing": "endless", "wire": "trickle", "wire_prefix": "/v1/localization/export"})
@example(px={**BENIGN, "echo": True, "exports": ["echo", "xxe", 503], "command": ["push", "--force", "--format", "json"]})
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(px=hostile_px())
def test_every_run_against_a_hostile_px_ends_cleanly(world: tuple[EmulatorServer, Path, str], px: dict[str, object]) -> None:
    server, root, base = world
    repo = git.Repo(root)
    repo.git.reset("--hard", base)
    repo.git.clean("-fdxq", "--", "l10n")
    server.faults.clear()
    faults = server.faults
    faults.stall_seconds, faults.trickle_interval = 30.0, 0.02
    faults.listing = px["listing"]  # type: ignore[assignment]
    faults.wire, faults.wire_prefix = px["wire"], px["wire_prefix"]  # type: ignore[assignment]
    for path, value, prefix in px["patches"]:  # type: ignore[attr-defined]
        faults.patch(path.format(list=LISTS.get(prefix, "engagements")), value, prefix=prefix)
    items = [item.id for item in server.store.items("article") + server.store.items("kcbot")]
    for item_id, fault in zip(items, px["exports"], strict=False):  # type: ignore[call-overload]
        faults.item(item_id, fault)
    if px["storm"]:
        count, status = px["storm"]  # type: ignore[misc]
        faults.storm(count, status)
    faults.echo_key = bool(px["echo"])
    before = snapshot(root)

    try:
        result = CliRunner().invoke(cli, px["command"], catch_exceptions=False)  # type: ignore[arg-type]
    finally:
        faults.clear()
    after = snapshot(root)

    assert result.exit_code in (0, 1, 2), (px, result.output)
    assert one_line_errors(result.stderr) and "internal error" not in result.stderr, (px, result.stderr)
    assert leaks(written_text(root, result.stdout, result.stderr), KEY) == [], px
    assert _whole(root, before, after) == [], px
    if result.exit_code != 0 and px["command"][0] == "pull":
        assert after["<HEAD>"] == before["<HEAD>"] or repo.head.commit.message.startswith("pxl10n pull"), px
