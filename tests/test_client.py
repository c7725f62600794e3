"""The PX client: retries, Retry-After, pacing, pages, and plain error messages."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from pxl10n.errors import AuthError, PXAnswerError, PXStatusError, RateLimitError, TransportError
from pxl10n.px.client import CallContext, PXClient, RateLimiter, _clean, parse_retry_after
from pxl10n.px.kinds import ARTICLE, CONTENT, ENGAGEMENT, KCBOT, KINDS
from pxl10n.secrets import redact

KEY = "sk-client-test-key"


def client_for(handler, **kwargs) -> tuple[PXClient, list[float]]:
    """A client on a mock transport whose sleeps advance a fake clock and are recorded."""
    sleeps: list[float] = []
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.sleep(seconds)

    kwargs.setdefault("rate_limit", 1e9)
    client = PXClient("http://px.test", KEY, transport=httpx.MockTransport(handler), sleep=sleep, clock=clock.time, backoff=0.1, **kwargs)
    return client, sleeps


def test_key_header_and_redaction() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["X-APTRINSIC-API-KEY"])
        return httpx.Response(200, json={"engagements": [], "isLastPage": True})

    client, _ = client_for(handler)
    assert client.list(KINDS["engagement"]) == ()
    assert seen == [KEY]
    assert redact(f"header {KEY}") == "header ***"


def test_pages_are_walked_until_last() -> None:
    pages = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["pageNumber"])
        pages.append((page, request.url.params["pageSize"]))
        rows = [{"id": f"a{page}-{i}", "articleName": f"A {i}"} for i in range(2)]
        return httpx.Response(200, json={"articleExternalViewList": rows, "isLastPage": page == 2})

    client, _ = client_for(handler)
    items = client.list(KINDS["article"], page_size=2)
    assert [i.id for i in items] == ["a0-0", "a0-1", "a1-0", "a1-1", "a2-0", "a2-1"]
    assert items[0].name == "A 0"
    assert pages == [(0, "2"), (1, "2"), (2, "2")]


def test_pages_without_is_last_page_end_on_a_short_page() -> None:
    pages = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["pageNumber"])
        pages.append(page)
        count = 2 if page < 2 else 1
        return httpx.Response(200, json={"kcList": [{"id": f"k{page}-{i}", "name": "b"} for i in range(count)]})

    client, _ = client_for(handler)
    assert len(client.list(KINDS["kcbot"], page_size=2)) == 5
    assert pages == [0, 1, 2]


def test_retry_after_is_honoured_on_429() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(503), httpx.Response(200, content=b"zip")])
    client, sleeps = client_for(lambda request: next(answers))
    assert client.export(KINDS["article"], "a1", {"trgLang": "fr-FR"}).read() == b"zip"
    assert sleeps[0] == pytest.approx(3.0)
    assert 0 < sleeps[1] <= 0.2
    assert client.stats["throttled"] == 1 and client.stats["retries"] == 2


def test_transport_errors_are_retried_then_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    client, sleeps = client_for(handler, retries=3)
    with pytest.raises(TransportError, match="PX did not answer export of article a1: cannot connect") as info:
        client.export(KINDS["article"], "a1", {})
    assert len(sleeps) == 3
    assert KEY not in str(info.value)


def test_persistent_429_ends_after_the_budget() -> None:
    client, sleeps = client_for(lambda request: httpx.Response(429), retry_budget=0.0)
    with pytest.raises(RateLimitError):
        client.export(KINDS["article"], "a1", {})


@pytest.mark.parametrize(
    ("status", "operation", "error", "words"),
    [
        (401, "export", AuthError, "refused the API key"),
        (403, "import", AuthError, "Write permission"),
        (400, "export", PXStatusError, "localization is disabled"),
        (400, "import", PXStatusError, "equal to the source language"),
        (432, "import", PXStatusError, "could not parse the XLIFF"),
        (433, "import", PXStatusError, "no item id"),
        (434, "import", PXStatusError, "not enabled in the PX subscription"),
        (435, "export", PXStatusError, "not found in PX"),
        (436, "export", PXStatusError, "no localizable content"),
        (437, "export", PXStatusError, "strategy"),
        (438, "export", PXStatusError, "XLIFF version"),
    ],
)
def test_px_codes_become_plain_messages(status: int, operation: str, error: type, words: str) -> None:
    client, sleeps = client_for(lambda request: httpx.Response(status, json={"message": f"nope {KEY}"}))
    with pytest.raises(error, match=words) as info:
        if operation == "import":
            client.import_file(KINDS["engagement"], "e1", b"<xliff/>", "e1.xlf", {}, language="fr-FR")
        else:
            client.export(KINDS["engagement"], "e1", {}, language="fr-FR")
    assert info.value.status == status and not sleeps
    assert "engagement e1" in str(info.value) or status in (401,)
    assert KEY not in str(info.value)


def test_import_is_multipart_with_a_file_part() -> None:
    captured = {}

    def handler(request: httpx.Request) -> httpx.Response:
        captured["type"] = request.headers["content-type"]
        captured["body"] = request.read()
        captured["params"] = dict(request.url.params)
        return httpx.Response(201)

    client, _ = client_for(handler)
    assert client.import_file(KINDS["kcbot"], "k1", b"<xliff>x</xliff>", "k1.xlf", {"kcVersion": "v1"}) == 201
    assert captured["type"].startswith("multipart/form-data")
    assert b'name="file"' in captured["body"] and b"<xliff>x</xliff>" in captured["body"]
    assert captured["params"] == {"kcVersion": "v1"}


def test_oversized_answer_is_refused() -> None:
    client, _ = client_for(lambda request: httpx.Response(200, content=b"x" * 2048))
    with pytest.raises(PXAnswerError, match="over 1024 bytes"):
        client.request("GET", "/v1/x", CallContext("export"), max_bytes=1024)


def test_booleans_and_none_are_spelled_for_px() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.url.params)
        return httpx.Response(200, content=b"z")

    client, _ = client_for(handler)
    client.export(KINDS["engagement"], "e1", {"translated": True, "draft": False, "strategy": None})
    assert seen == {"id": "e1", "translated": "true", "draft": "false"}


@pytest.mark.parametrize(("value", "expected"), [("5", 5.0), ("0", 0.0), ("99999", 120.0), ("soon", None), (None, None)])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_rate_limiter_spaces_requests_and_pauses() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, clock=clock.time, sleep=clock.sleep)
    starts = []
    for _ in range(5):
        limiter.acquire()
        starts.append(clock.now)
    assert starts == pytest.approx([0.0, 0.01, 0.02, 0.03, 0.04])
    limiter.pause(1.0)
    limiter.acquire()
    assert clock.now == pytest.approx(1.04)
    limiter.slow_down()
    assert limiter.interval == pytest.approx(0.0125)
    for _ in range(50):
        limiter.recover()
    assert limiter.interval == pytest.approx(0.01)


def test_listing_that_is_not_json_is_an_error() -> None:
    client, _ = client_for(lambda request: httpx.Response(200, content=b"<html>login</html>"))
    with pytest.raises(PXAnswerError, match="not JSON"):
        client.list(KINDS["kcbot"])


def test_each_kind_names_its_own_list_export_and_import_parameters() -> None:
    options = SimpleNamespace(kc_version="v2", draft=True, product_id="p1", engagement_types=("GUIDE", "SLIDER"))
    assert ENGAGEMENT.list_query(options) == {"contentTypes": "GUIDE,SLIDER"}
    assert KCBOT.list_query(options) == ARTICLE.list_query(options) == {"productId": "p1"}
    assert ENGAGEMENT.list_query(SimpleNamespace(**(vars(options) | {"engagement_types": ()}))) == {}
    assert ENGAGEMENT.export_params(options) == {"draft": "true"}
    assert KCBOT.export_params(options) == {"kcVersion": "v2"}
    assert CONTENT.export_params(options, "GUIDE") == {"type": "GUIDE"}
    assert ARTICLE.export_params(options) == CONTENT.export_params(options) == {}
    query = KCBOT.export_query({"kcVersion": "v2"}, px_language="fr", version="1.2", translated=False, strategy=None)
    assert query == {"trgLang": "fr", "version": "1.2", "translated": False, "kcVersion": "v2"}
    assert ARTICLE.export_query({}, px_language="de", version="2.0", translated=True, strategy="html")["strategy"] == "html"
    # an import repeats the recorded KC version (PX's default when none was recorded) and names content by id
    assert KCBOT.import_query("k1", {"kcVersion": "v2"}) == {"kcVersion": "v2"}
    assert KCBOT.import_query("k1", {}) == {"kcVersion": "v1"}
    assert CONTENT.import_query("c1", {"type": "GUIDE"}) == {"contentId": "c1"}
    assert ENGAGEMENT.import_query("e1", {"draft": "true"}) == ARTICLE.import_query("a1", {}) == {}


def test_a_connection_opened_after_ctrl_c_is_cut_at_once() -> None:
    """A worker that passed its "interrupted?" check just before Ctrl-C connects after the cut: it must not wait on a silent PX."""
    import socket

    from pxl10n.px.client import _TrackingBackend

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (the kernel's backlog) and never answers
        backend = _TrackingBackend()
        backend.cut_all()  # what Ctrl-C does
        stream = backend.connect_tcp("127.0.0.1", silent.getsockname()[1], timeout=5)
        try:
            said = stream.read(1, timeout=5)
        finally:
            stream.close()
    assert said == b""  # the cut socket reads end of stream (uncut, the read times out and raises)


def _is_cut(sock) -> bool:
    """A socket the watchdog shut down reads end of stream at once; an uncut one has nothing to read yet."""
    sock.settimeout(0)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False


def test_one_watchdog_thread_cuts_the_earliest_deadline_first_and_never_a_cancelled_one() -> None:
    """The shared watchdog (one thread, a heap of deadlines) replaces a timer thread per answer.

    A later but sooner deadline must wake the sleeping thread (a watchdog sleeping towards the
    30 s one would miss it), a cancelled answer is never cut though its deadline passes first,
    and an answer whose deadline has not come is left alone.
    """
    import socket
    import threading

    from pxl10n.px.client import _Attempt, _Watchdog

    dog = _Watchdog()
    pairs = [socket.socketpair() for _ in range(3)]
    try:
        (slow, _), (cancelled, _), (soon, _) = pairs
        slow_try, cancelled_try, soon_try = (_Attempt(0.0, 0.0) for _ in range(3))
        dog.watch(30.0, slow_try, slow)
        # due before the soon one, but not at once: a 0 s deadline could be cut by the thread before cancel() runs
        entry = dog.watch(0.05, cancelled_try, cancelled)
        dog.cancel(entry)
        dog.watch(0.25, soon_try, soon)
        for _ in range(200):  # up to 10 s on a loaded machine; the mark comes just before the cut itself
            if soon_try.cut_by is not None and _is_cut(soon):
                break
            threading.Event().wait(0.05)
        assert soon_try.cut_by == "deadline" and _is_cut(soon)
        assert cancelled_try.cut_by is None and not _is_cut(cancelled)
        assert slow_try.cut_by is None and not _is_cut(slow)
        assert dog.pending() == 1  # the 30 s one
        assert [t.name for t in threading.enumerate()].count("pxl10n-watchdog") >= 1
    finally:
        dog.close()
        for a, b in pairs:
            a.close()
            b.close()


def test_the_watchdog_keeps_one_thread_forgets_finished_answers_and_ends_when_closed() -> None:
    """Hundreds of answers watched and finished: one thread, no entry (nor socket) kept, and close() ends the thread."""
    import socket
    import threading

    from pxl10n.px.client import _Attempt, _Watchdog

    dog = _Watchdog()
    threads = set()
    a, b = socket.socketpair()
    try:
        for _ in range(3 * _Watchdog.COMPACT_AT):
            entry = dog.watch(60.0, _Attempt(0.0, 0.0), a)
            threads.add(dog._thread)
            dog.cancel(entry)
            assert entry.sock is None and entry.attempt is None
        assert len(threads) == 1 and dog.running
        assert dog.pending() == 0 and len(dog._heap) <= _Watchdog.COMPACT_AT
        assert not _is_cut(a)
        dog.close()
        thread = next(iter(threads))
        assert thread is not None
        thread.join(10)
        assert not thread.is_alive() and not dog.running
        later = _Attempt(0.0, 0.0)
        dog.watch(0.0, later, a)  # a client closed while a worker still reads: still watched
        for _ in range(200):
            if later.cut_by is not None:
                break
            threading.Event().wait(0.05)
        assert later.cut_by == "deadline" and _is_cut(a)
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("base", ["http://127.0.0.1:1234", "https://api.aptrinsic.com/", "https://px.test/prefix", "http://[::1]:99", "https://px.test/a%20b/"])
def test_the_url_built_once_per_call_is_the_one_httpx_builds(base: str) -> None:
    """The client parses a call's URL once; it must be byte for byte what httpx makes of base, path and params."""
    client = PXClient(base, KEY, transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    odd = {"a": "b c", "x": "&=+?#/é", "empty": "", "flag": True, "none": None, "n": 3}
    with client:
        for params in (None, {}, odd, {"engagementId": "e1", "targetLanguage": "fr-FR", "draft": False}):
            for path in ("/v1/kcbot", "v1/articles", "/v1/localization/export/engagement", "/v1/a b/é", "/v1/q?x=1"):
                ours = client._url(path, params)
                theirs = client._http.build_request("GET", path, params=_clean(params)).url
                assert ours == theirs and str(ours) == str(theirs) and ours.raw_path == theirs.raw_path, (path, params)
