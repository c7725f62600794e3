"""Every field of every PX answer pxl10n reads, null, missing, of the wrong type or oversized.

The answer is bent on a real emulator over HTTP. Each case ends one of two ways:
the listing is read (the field is optional and the value harmless), or a
PXAnswerError / PXStatusError whose one line names the call and the field. Never
another exception.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pxl10n.emulator.faults import MISSING
from pxl10n.emulator.server import EmulatorServer
from pxl10n.errors import PXAnswerError, PXError
from pxl10n.px.client import PXClient
from pxl10n.px.kinds import KINDS

from .helpers.project import API_KEY

HUGE = "x" * 200_000
BAD_VALUES = {"null": None, "missing": MISSING, "number": 7, "negative": -1, "bool": True, "string": "yes", "list": [1, "a"], "object": {"a": None}, "huge": HUGE}
ROW_FIELDS = ("id", "{name}", "defaultLanguage", "languages", "languages.*", "languages.*.languageCode", "languages.*.translated", "type")
PAGE_FIELDS = ("{list}", "{list}.*", "isLastPage", "pageNumber", "$")
#: Fields whose absence or null is a documented "none": the listing must then succeed.
OPTIONAL = {"defaultLanguage", "type", "{name}", "languages", "languages.*.translated", "isLastPage", "pageNumber"}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(API_KEY) as emulator:
        yield emulator


@pytest.fixture
def emu(server: EmulatorServer) -> Iterator[EmulatorServer]:
    server.faults.clear()
    yield server
    server.faults.clear()


def _spell(field: str, kind: str) -> str:
    listing = KINDS[kind]
    return field.format(name=listing.name_field, list=listing.list_field)


def _outcome(emu: EmulatorServer, kind: str) -> tuple[str, str]:
    try:
        with PXClient(emu.base_url, API_KEY, retries=0) as client:
            items = client.list(KINDS[kind])
    except PXError as exc:
        return "error", str(exc)
    return "ok", f"{len(items)} items"


@pytest.mark.parametrize("kind", ["engagement", "kcbot", "article"])
@pytest.mark.parametrize("field", ROW_FIELDS + PAGE_FIELDS)
@pytest.mark.parametrize("bad", list(BAD_VALUES))
def test_bent_listing_is_read_or_refused_by_name(emu: EmulatorServer, kind: str, field: str, bad: str) -> None:
    path = _spell(field, kind)
    where = path if field in PAGE_FIELDS else f"{KINDS[kind].list_field}.*.{path}"
    emu.faults.patch(where, BAD_VALUES[bad], prefix=KINDS[kind].list_path or "")
    outcome, text = _outcome(emu, kind)
    assert "\n" not in text
    if outcome == "error":
        assert f"listing {kind}s" in text
        last = path.split(".")[-1]
        named = last if last not in ("*", "$") else None
        if named and field != "{list}.*" and "bytes; refused" not in text:
            assert named in text, text
        assert HUGE not in text
    if field in OPTIONAL and bad in ("null", "missing"):
        assert outcome == "ok", text
    if bad in ("huge", "object", "list") and field in ("id", "{list}", "isLastPage", "languages.*.languageCode"):
        assert outcome == "error", text


@pytest.mark.parametrize("bad", list(BAD_VALUES))
@pytest.mark.parametrize("field", ["message", "error", "code", "$"])
def test_bent_error_answers_still_give_the_one_line_status_message(emu: EmulatorServer, field: str, bad: str) -> None:
    emu.faults.patch(field, BAD_VALUES[bad], prefix="/v1/localization/export")
    with PXClient(emu.base_url, API_KEY, retries=0) as client, pytest.raises(PXError) as info:
        client.export(KINDS["engagement"], "no-such-item", {"trgLang": "fr-FR"})
    text = str(info.value)
    assert info.value.status == 435 and "engagement no-such-item not found in PX (435)" in text
    assert "\n" not in text and len(text) < 600


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"kcList": [' + b"1" * 5000 + b"]}", b"\xff\xfe not json", b"", b'{"kcList": []}' * 3])
def test_answers_that_are_not_json_at_all(emu: EmulatorServer, body: bytes) -> None:
    emu.faults.patch("$", body, prefix="/v1/kcbot")
    with PXClient(emu.base_url, API_KEY, retries=0) as client, pytest.raises(PXAnswerError, match="listing kcbots"):
        client.list(KINDS["kcbot"])


def test_a_listing_over_the_json_cap_is_refused(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from pxl10n.px import client as px_client

    monkeypatch.setattr(px_client, "MAX_JSON_BYTES", 10_000)
    emu.faults.patch("kcList.*.name", "n" * 5000, prefix="/v1/kcbot")
    with PXClient(emu.base_url, API_KEY, retries=0) as client, pytest.raises(PXAnswerError, match="over 10000 bytes"):
        client.list(KINDS["kcbot"])


def test_rows_beyond_the_page_size_are_refused(emu: EmulatorServer) -> None:
    emu.faults.patch("engagements", [{"id": f"e{i}"} for i in range(3)], prefix="/v1/engagement")
    with PXClient(emu.base_url, API_KEY, retries=0) as client, pytest.raises(PXAnswerError, match="engagements has 3 rows, more than the 1 asked for"):
        client.list(KINDS["engagement"], page_size=1)
