"""Listings that never end, loop or contradict themselves always stop, with a line naming the kind and page."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from pxl10n.emulator.faults import LISTING_FAULTS
from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import PXAnswerError, PXError
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


@pytest.mark.parametrize("status", [400, 404, 403, 500])
def test_a_status_on_a_later_page_names_the_kind_and_that_page(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    """Page 0 lists fine, page 1 fails: the error carries page 1 and says which listing failed, never 'export of PX'."""
    real = PXClient.get_json
    calls: list[int] = []

    def then_fail(self: PXClient, path: str, ctx: px_client.CallContext, params: dict[str, object] | None = None) -> object:
        answer = real(self, path, ctx, params)
        calls.append(ctx.page or 0)
        if len(calls) == 1:
            emulator.faults.storm(50, status, prefix="/v1/kcbot")
        return answer

    monkeypatch.setattr(PXClient, "get_json", then_fail)
    with PXClient(emulator.base_url, API_KEY, retries=1, backoff=0.001) as client, pytest.raises(PXError) as info:
        client.list(KINDS["kcbot"], page_size=1)
    assert info.value.page == 1 and calls == [0]
    message = str(info.value)
    assert "listing kcbots (page 1)" in message and "export" not in message and " PX (" not in message, message
    assert "\n" not in message


def test_endless_listing_at_full_size_stops_at_the_derived_cap(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the default page size (500) the cap is MAX_LISTED_ITEMS // 500 pages, rounded up.

    The ceiling is lowered to 1,201 items (3 pages of 500, the last one partly
    needed): the same derivation as the shipped 100,000 (200 pages, pinned above)
    without listing 100,000 rows.
    """
    monkeypatch.setattr(px_client, "MAX_LISTED_ITEMS", 1_201)
    assert page_cap(500) == 3
    emulator.faults.listing = "endless"
    with PXClient(emulator.base_url, API_KEY) as client, pytest.raises(PXAnswerError, match="after 3 pages of 500") as info:
        client.list(KINDS["kcbot"])
    assert emulator.stats.total == 3
    assert "(1500 ids)" in str(info.value) and "at most 1201 items" in (info.value.hint or ""), (str(info.value), info.value.hint)


def test_pull_with_a_looping_listing_fails_that_kind_and_keeps_every_file(pulled: Path, emulator: EmulatorServer) -> None:
    before = snapshot(pulled)
    emulator.faults.listing = "cyclic"
    emulator.store.items("kcbot")[0].units["extra"] = "changed in PX meanwhile"
    result = run("pull", "--format", "json")
    assert result.exit_code == 1
    assert "stopped listing engagements at page 1: it repeats page 0" in result.stderr
    assert one_line_errors(result.stderr)
    assert snapshot(pulled) == before
    if result.stdout.strip():
        json.loads(result.stdout)


def _kcbot_row(emulator: EmulatorServer) -> dict[str, object]:
    return emulator.store.items("kcbot")[0].to_json()


#: One kind's listing broken, the others well: (how, words of the error, the page it names)
ONE_KIND_BROKEN = {
    "a repeated page": (lambda e: [e.faults.patch("kcList", [_kcbot_row(e)], prefix="/v1/kcbot"), e.faults.patch("isLastPage", False, prefix="/v1/kcbot")],
                        "it repeats page 0", 1),
    "a repeated id": (lambda e: e.faults.patch("kcList", [_kcbot_row(e), _kcbot_row(e)], prefix="/v1/kcbot"), "was already listed earlier on this page", 0),
    "the wrong page": (lambda e: e.faults.patch("pageNumber", 3, prefix="/v1/kcbot"), "answered pageNumber 3 when asked for page 0", 0),
    "the page cap": (lambda e: e.faults.patch("isLastPage", False, prefix="/v1/kcbot"), "still no last page after 1 pages", 1),
    "a schema error": (lambda e: e.faults.patch("kcList", None, prefix="/v1/kcbot"), "kcList is missing or null", 0),
    "a null row": (lambda e: e.faults.patch("kcList.0", None, prefix="/v1/kcbot"), "kcList[0]", 0),
    # a status names the kind's listing and its page, and the JSON summary carries the page
    "a PX error": (lambda e: e.faults.storm(50, 400, prefix="/v1/kcbot"), "PX answered 400 to listing kcbots (page 0)", 0),
    "PX failing for good": (lambda e: e.faults.storm(50, 500, prefix="/v1/kcbot"), "listing kcbots (page 0)", 0),
}


@pytest.mark.parametrize("how", list(ONE_KIND_BROKEN))
def test_a_kind_whose_listing_fails_is_kept_whole_while_the_others_pull(pulled: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """kcbot cannot be listed: its files and entries stay exactly as they were (none pruned), articles pull, exit 1, JSON names it."""
    kcbots = {p: p.read_bytes() for p in sorted((pulled / "l10n").glob("*/kcbot/*.xlf"))}
    state_before = json.loads((pulled / "l10n" / "pxl10n-state.json").read_text())
    head = snapshot(pulled)["<HEAD>"]
    assert kcbots
    for item in emulator.store.items("kcbot"):
        item.units[next(iter(item.units))] = "kcbot changed in PX meanwhile"
    article = emulator.store.items("article")[0]
    article.units[next(iter(article.units))] = "article changed in PX meanwhile"
    if how == "the page cap":
        monkeypatch.setattr(px_client, "MAX_LISTED_ITEMS", 1)
    break_it, words, page = ONE_KIND_BROKEN[how]
    break_it(emulator)
    result = run("pull", "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert one_line_errors(result.stderr) and words in result.stderr
    summary = json.loads(result.stdout)
    [failure] = [f for f in summary["failures"] if f.get("kind") == "kcbot"]
    assert failure["page"] == page and words in failure["message"] and "\n" not in failure["message"]
    assert "every kcbot file kept as it was" in failure["message"]
    assert {p: p.read_bytes() for p in sorted((pulled / "l10n").glob("*/kcbot/*.xlf"))} == kcbots
    state_after = json.loads((pulled / "l10n" / "pxl10n-state.json").read_text())
    assert {k: v for k, v in state_after.items() if "/kcbot/" in k} == {k: v for k, v in state_before.items() if "/kcbot/" in k}
    assert summary["removed"] == [] and summary["files"]["prune_held"] == 0
    changed = [path for path in summary["changed"] if "/article/" in path]
    assert len(changed) == 2 and all(b"article changed in PX meanwhile" in (pulled / "l10n" / p).read_bytes() for p in changed)
    assert snapshot(pulled)["<HEAD>"] != head  # the other kinds' changes are committed
    assert not git.Repo(pulled).git.status("--porcelain", "--", "l10n")


def test_an_id_of_a_kind_that_could_not_be_listed_says_so(pulled: Path, emulator: EmulatorServer) -> None:
    bot = emulator.store.items("kcbot")[0].id
    emulator.faults.patch("kcList", None, prefix="/v1/kcbot")
    result = run("pull", "--id", bot, "--format", "json")
    assert result.exit_code == 1
    assert f"item {bot} not found in PX" in result.stderr and "(kcbot could not be listed)" in result.stderr
    assert one_line_errors(result.stderr)
