"""Fuzz: random combinations of the emulator's fault modes and bent answers against real pulls and pushes.

Whatever PX does, every run ends (tight limits: a 2 s run deadline) with exit 0, 1 or 2, its
errors on one line each, no traceback, no key anywhere it wrote, and every file
of the tree either as it was or whole. ``PXL10N_FUZZ_EXAMPLES`` raises the number
of random examples (default 12, spread over the commands: one test each) for a longer hunt.

A listing may hold at most ``LISTED_CEILING`` items here (the shipped 100,000 took an
endless listing 200 pages of 500 rows, 1-1.7 CPU-s each time, until the run deadline cut
it): an endless listing ends by its page cap, derived as at the shipped ceiling
(``test_hostile_listing`` pins that), and the run deadline's ending is a known case of its own.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pxl10n.cli import cli
from pxl10n.emulator.faults import EXPORT_FAULTS, LISTING_FAULTS, MISSING, WIRE_FAULTS
from pxl10n.emulator.server import READ_WRITE, EmulatorServer
from pxl10n.px import client as px_client

from .helpers.hostile import leaks, one_line_errors, snapshot, written_text

KEY = 'fz "k"/y+z%41&<q>9d8c7b6a5e'
#: every run has one; how long runs take against it is measured in benchmarks/, never asserted here
RUN_DEADLINE = 2.0
LIMITS = f"retries = 2\ntimeout = 0.3\nconnect_timeout = 0.5\ncall_deadline = 1.0\nrun_deadline = {RUN_DEADLINE:g}\n"
EXAMPLES = int(os.environ.get("PXL10N_FUZZ_EXAMPLES", "12"))
#: the most items a listing may hold in these runs: 4 pages of 500 (every real listing here is one page)
LISTED_CEILING = 2_000
COMMANDS = [["pull"], ["pull", "--format", "json"], ["-v", "pull", "--no-commit"], ["push", "--force", "--format", "json"], ["status", "--remote", "--format", "json"]]

PATHS = ["{list}.*", "{list}.*.id", "{list}.*.name", "{list}.*.languages", "{list}.*.languages.*.languageCode", "{list}.*.type",
         "{list}.*.defaultLanguage", "{list}", "{list}.0", "isLastPage", "pageNumber", "$", "message"]
VALUES = st.sampled_from([None, MISSING, 0, -1, True, "", "x" * 5000, [], {}, [None], {"id": None}, "../../etc/passwd", KEY])
LISTS = {"/v1/engagement": "engagements", "/v1/kcbot": "kcList", "/v1/articles": "articleExternalViewList"}


@st.composite
def hostile_px(draw: st.DrawFn) -> dict[str, object]:
    """One random misbehaving PX (the command is the test's)."""
    prefixes = st.sampled_from([*LISTS, *LISTS, "/v1/localization/export", "/v1/localization/import"])
    return {
        "listing": draw(st.none() | st.sampled_from(LISTING_FAULTS)),
        "wire": draw(st.none() | st.sampled_from(WIRE_FAULTS)),
        "wire_prefix": draw(st.sampled_from([*LISTS, "/v1/localization/export", "/v1/"])),
        "patches": draw(st.lists(st.tuples(st.sampled_from(PATHS), VALUES, prefixes), max_size=4)),
        "exports": draw(st.lists(st.sampled_from([f for f in EXPORT_FAULTS if f not in ("huge", "bigdoc")] + [429, 500, 503, 435, 418]), max_size=6)),
        "storm": draw(st.none() | st.tuples(st.integers(1, 6), st.sampled_from([429, 500, 502, 503]))),
        "echo": draw(st.booleans()),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pulled_template: Path, emulator_server: EmulatorServer) -> Iterator[tuple[EmulatorServer, Path, str]]:
    """The session's pulled tree (its history holds no key) with the tight limits committed; the session's emulator.

    Each run starts from that commit and from the emulator reset, answering ``KEY`` alone.
    """
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(pulled_template, root, symlinks=True, dirs_exist_ok=True)
    repo = git.Repo(root)
    # the tight limits only after the first pull (the template's), which a loaded machine must not fail
    config = root / "pxl10n.toml"
    config.write_text(config.read_text().replace("retries = 8\n", LIMITS), encoding="utf-8")
    repo.index.add(["pxl10n.toml"])
    repo.index.commit("tight limits")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("PX_API_KEY", KEY)
        patch.setattr(px_client, "MAX_LISTED_ITEMS", LISTED_CEILING)
        try:
            yield emulator_server, root, repo.head.commit.hexsha
        finally:
            emulator_server.reset()


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


BENIGN: dict[str, object] = {"listing": None, "wire": None, "wire_prefix": "/v1/", "patches": [], "exports": [], "storm": None, "echo": False}
#: name: (a misbehaving PX, the command)
KNOWN: dict[str, tuple[dict[str, object], list[str]]] = {
    "a null row": ({**BENIGN, "patches": [("{list}.0", None, "/v1/kcbot")]}, ["pull"]),
    "an endless listing and trickled exports": ({**BENIGN, "listing": "endless", "wire": "trickle", "wire_prefix": "/v1/localization/export"}, ["pull"]),
    "an echoed key in push": ({**BENIGN, "echo": True, "exports": ["echo", "xxe", 503]}, ["push", "--force", "--format", "json"]),
    # every call stalls: the run deadline, not a call's limits, ends the run
    "a silent PX until the run deadline": ({**BENIGN, "wire": "stall"}, ["pull"]),
}


@pytest.mark.parametrize("case", list(KNOWN))
def test_a_known_hostile_px_ends_cleanly(world: tuple[EmulatorServer, Path, str], case: str) -> None:
    px, command = KNOWN[case]
    result = _run_against(world, px, command)
    if case == "a silent PX until the run deadline":
        assert f"px.run_deadline = {RUN_DEADLINE:g} s" in result.stderr or "the run deadline of" in result.stderr, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@settings(max_examples=max(1, math.ceil(EXAMPLES / len(COMMANDS))), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(px=hostile_px())
def test_every_run_against_a_hostile_px_ends_cleanly(world: tuple[EmulatorServer, Path, str], command: list[str], px: dict[str, object]) -> None:
    _run_against(world, px, command)


def _run_against(world: tuple[EmulatorServer, Path, str], px: dict[str, object], command: list[str]) -> Result:
    """One run of ``command`` against the misbehaving PX ``px`` from the world's base commit, checked; its result."""
    server, root, base = world
    repo = git.Repo(root)
    repo.git.reset("--hard", base)
    repo.git.clean("-fdxq", "--", "l10n")
    server.reset()  # PX as the base commit has it: what an earlier run pushed is gone
    server.api_keys.clear()
    server.api_keys[KEY] = set(READ_WRITE)
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
        result = CliRunner().invoke(cli, command, catch_exceptions=False)
    finally:
        faults.clear()
    after = snapshot(root)

    assert result.exit_code in (0, 1, 2), (px, command, result.output)
    assert one_line_errors(result.stderr) and "internal error" not in result.stderr, (px, command, result.stderr)
    assert leaks(written_text(root, result.stdout, result.stderr), KEY) == [], (px, command)
    assert _whole(root, before, after) == [], (px, command)
    if result.exit_code != 0 and command[0] == "pull":
        assert after["<HEAD>"] == before["<HEAD>"] or repo.head.commit.message.startswith("pxl10n pull"), (px, command)
    return result
