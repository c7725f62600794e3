"""Listings that never end, loop or contradict themselves always stop, with a line naming the kind and page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pxl10n.emulator.faults import LISTING_FAULTS
from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import PXAnswerError
from pxl10n.px import client as px_client
from pxl10n.px.client import PXClient, page_cap
from pxl10n.px.kinds import KINDS

from .helpers.cli import run
from .helpers.hostile import one_line_errors, snapshot
from .helpers.project import API_KEY

EXPECTED = {
    "endless": "still no last page after 10 pages",
    "cyclic": "repeats page 0",
    "repeat-ids": "was already listed on page 0",
    "wrong-page": "answered pageNumber 1 when asked for page 0",
}


def test_page_cap_follows_the_page_size_under_a_hard_ceiling() -> None:
    assert page_cap(500) == px_client.MAX_LISTED_ITEMS // 500
    assert page_cap(1) == px_client.MAX_PAGES
    assert page_cap(10**9) == 1


@pytest.mark.parametrize("mode", LISTING_FAULTS)
@pytest.mark.parametrize("kind", ["engagement", "kcbot", "article"])
def test_every_listing_fault_stops_with_the_kind_and_page(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, mode: str, kind: str) -> None:
    monkeypatch.setattr(px_client, "MAX_LISTED_ITEMS", 50)
    emulator.faults.listing = mode
    with PXClient(emulator.base_url, API_KEY) as client, pytest.raises(PXAnswerError) as info:
        client.list(KINDS[kind], page_size=5)
    message = str(info.value)
    assert f"listing {kind}s at page" in message and EXPECTED[mode] in message
    assert "\n" not in message
    assert emulator.stats.total <= 11


def test_endless_listing_at_full_size_stops_at_the_derived_cap(emulator: EmulatorServer) -> None:
    emulator.faults.listing = "endless"
    with PXClient(emulator.base_url, API_KEY) as client, pytest.raises(PXAnswerError, match=f"after {page_cap(500)} pages of 500"):
        client.list(KINDS["kcbot"])
    assert emulator.stats.total == page_cap(500)


def test_pull_with_a_looping_listing_fails_that_kind_and_keeps_every_file(project: Path, emulator: EmulatorServer) -> None:
    assert run("pull").exit_code == 0
    before = snapshot(project)
    emulator.faults.listing = "cyclic"
    emulator.store.items("kcbot")[0].units["extra"] = "changed in PX meanwhile"
    result = run("pull", "--format", "json")
    assert result.exit_code == 1
    assert "stopped listing engagements at page 1: it repeats page 0" in result.stderr
    assert one_line_errors(result.stderr)
    assert snapshot(project) == before
    if result.stdout.strip():
        json.loads(result.stdout)
