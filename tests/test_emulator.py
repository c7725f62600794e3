"""The PX emulator over real HTTP: listings, export/import, every error code, faults."""

from __future__ import annotations

import gc
import io
import re
import socket
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest
from lxml import etree

from pxl10n.emulator import EmulatorServer, Item, Store, serve
from pxl10n.emulator.faults import BOMB_SIZE
from pxl10n.errors import ConfigError, XliffError
from pxl10n.xliff.io import parse, read_info

KEY = "test-key"
#: one TLS context for every client here: httpx loads the CA bundle (about 40 ms of CPU) per client otherwise,
#: and these clients only ever speak plain HTTP to loopback
TLS = httpx.create_ssl_context()
WELCOME = "c6bd79cc-b706-5b59-8c7e-fdaaf91d61c0"  # IN_APP_DIALOG: fr-FR complete, de-DE partial
MAINTENANCE = "388e9bec-73cd-5607-8580-0a609fe4fa8d"  # IN_APP_NOTIFICATION, double space in source
EMAIL = "c93ac46d-d4d6-51a8-8084-aef77ee8d0ac"  # EMAIL engagement: not localizable
HELP_BOT = "531245df-c4f4-5db5-907d-d4495468b29e"
GETTING_STARTED = "7ffd7359-752d-5fe6-950b-6bf51ad78fec"  # article, de-DE + ja-JP partial
GUIDE_CONTENT = "b94bc74d-1223-5b66-9357-6429dd964446"  # content library GUIDE
EXPORT = "/v1/localization/export/engagement"
IMPORT = "/v1/localization/import/engagement"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(KEY, api_keys={"ro": {"read"}}) as srv:
        yield srv


@pytest.fixture()
def emu(server: EmulatorServer) -> EmulatorServer:
    """The shared server with a fresh store, its keys, no faults and zero stats for each test."""
    return server.reset()


@pytest.fixture()
def client(emu: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, headers={"X-APTRINSIC-API-KEY": KEY}, timeout=10, verify=TLS) as c:
        yield c


def export(client: httpx.Client, item_id: str, path: str = EXPORT, **params: str) -> httpx.Response:
    return client.get(path, params={"id": item_id, "trgLang": "de-DE", **params})


def only_doc(response: httpx.Response) -> bytes:
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert len(names) == 1
        return archive.read(names[0])


def upload(client: httpx.Client, data: bytes, path: str = IMPORT, **params: str) -> httpx.Response:
    return client.post(path, params=params, files={"file": ("item.xlf", data, "application/xliff+xml")})


def targets(doc: bytes) -> dict[str | None, str | None]:
    return {unit.id: unit.target for unit in read_info(parse(doc)).units}


# --- listings -----------------------------------------------------------------


def test_engagement_pages_walk_to_the_last(client: httpx.Client) -> None:
    seen, number = [], 0
    while True:
        body = client.get("/v1/engagement", params={"pageSize": 5, "pageNumber": number}).json()
        assert body["pageNumber"] == number
        seen += [e["id"] for e in body["engagements"]]
        if body["isLastPage"]:
            break
        number += 1
    assert len(seen) == len(set(seen)) == 24
    assert number == 4
    first = client.get("/v1/engagement").json()
    assert len(first["engagements"]) == 24 and first["isLastPage"] is True
    assert {"id", "name", "type", "state", "envs", "defaultLanguage", "languages", "translationState"} <= set(
        first["engagements"][0]
    )


def test_listing_filters_and_limits(client: httpx.Client) -> None:
    emails = client.get("/v1/engagement", params={"contentTypes": "EMAIL,OUT_BOUND_EMAIL"}).json()["engagements"]
    assert sorted(e["type"] for e in emails) == ["EMAIL", "EMAIL", "OUT_BOUND_EMAIL", "OUT_BOUND_EMAIL"]
    articles = client.get("/v1/articles", params={"productId": "AP-ACME-ADMIN-2"}).json()
    assert [a["articleName"] for a in articles["articleExternalViewList"]] == ["Managing users", "Billing FAQ"]
    bots = client.get("/v1/kcbot").json()["kcList"]
    assert len(bots) == 4 and {"name", "modifiedDate", "status", "environments"} <= set(bots[0])
    assert client.get("/v1/engagement", params={"pageSize": 501}).status_code == 400
    assert client.get("/v1/engagement", params={"pageNumber": -1}).status_code == 400
    assert client.get("/v1/engagement", params={"pageSize": 500}).status_code == 200


def test_single_items_and_subscription(client: httpx.Client) -> None:
    one = client.get(f"/v1/engagement/{WELCOME}").json()
    assert one["name"] == "Welcome dialog"
    assert {"languageCode": "fr-FR", "translated": True} in one["languages"]
    assert {"languageCode": "de-DE", "translated": False} in one["languages"]
    assert client.get(f"/v1/articles/{GETTING_STARTED}").json()["articleName"] == "Getting started"
    assert client.get(f"/v1/kcbot/{HELP_BOT}").json()["name"] == "Help center bot"
    assert client.get("/v1/engagement/nope").status_code == 404
    sub = client.get("/v1/admin/subscription").json()
    assert len(sub["products"]) == 2
    assert "ja-JP" in sub["allowedLanguages"] and not {"ar-SA", "he-IL"} & set(sub["allowedLanguages"])


def test_key_is_checked(emu: EmulatorServer) -> None:
    assert httpx.get(f"{emu.base_url}/v1/engagement", verify=TLS).status_code == 401
    bad = httpx.get(f"{emu.base_url}/v1/engagement", headers={"X-APTRINSIC-API-KEY": "wrong"}, verify=TLS)
    assert bad.status_code == 401 and bad.json()["code"] == 401
    with httpx.Client(base_url=emu.base_url, headers={"X-APTRINSIC-API-KEY": "ro"}, verify=TLS) as ro:
        doc = only_doc(export(ro, WELCOME))
        refused = upload(ro, doc)
    assert refused.status_code == 403
    assert emu.store.imports() == []


# --- export -------------------------------------------------------------------


def test_export_20_with_partial_translations(client: httpx.Client) -> None:
    response = export(client, WELCOME)
    assert response.headers["content-type"] == "application/octet-stream"
    doc = only_doc(response)
    info = read_info(parse(doc))
    assert (info.version, info.src_lang, info.trg_lang) == ("2.0", "en-US", "de-DE")
    assert WELCOME in info.file_ids
    got = targets(doc)
    assert got["dialog.title"] == "Willkommen an Bord, {{user.firstName}}! 👋"
    assert got["dialog.body"] is None and got["dialog.button.dismiss"] is None
    assert b"&lt;p&gt;Hello &lt;b&gt;{{user.firstName}}&lt;/b&gt;" in doc
    strategy = parse(doc).getroot().find(".//{urn:oasis:names:tc:xliff:metadata:2.0}meta[@type='strategy']")
    assert strategy is not None and strategy.text == "html"
    assert only_doc(export(client, WELCOME)) == doc


def test_export_12_template_and_untranslated_language(client: httpx.Client) -> None:
    doc = only_doc(export(client, WELCOME, version="1.2", trgLang="fr-FR"))
    root = parse(doc).getroot()
    assert root.get("version") == "1.2"
    file_el = root[0]
    assert (file_el.get("original"), file_el.get("datatype"), file_el.get("target-language")) == (
        WELCOME, "html", "fr-FR")
    assert targets(doc)["dialog.button.dismiss"] == " Pas maintenant "
    blank = only_doc(export(client, WELCOME, version="1.2", trgLang="fr-FR", translated="false"))
    assert set(targets(blank).values()) == {None}
    assert set(targets(only_doc(export(client, WELCOME, trgLang="ja-JP"))).values()) == {None}
    plain = only_doc(export(client, MAINTENANCE, version="1.2", strategy="text"))
    assert parse(plain).getroot()[0].get("datatype") == "plaintext"
    assert "UTC.  Save" in read_info(parse(plain)).units[0].source


def test_export_languages_and_other_kinds(client: httpx.Client) -> None:
    response = client.get(EXPORT, params=[("id", WELCOME), ("trgLang", "fr-FR"), ("trgLang", "de-DE")])
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        langs = sorted(str(read_info(parse(archive.read(n))).trg_lang) for n in archive.namelist())
    assert langs == ["de-DE", "fr-FR"]
    kc = only_doc(export(client, HELP_BOT, "/v1/localization/export/kcbot", kcVersion="v1"))
    assert targets(kc)["kc.header.title"] == "Wie können wir helfen, {{user.firstName}}?"
    art = only_doc(export(client, GETTING_STARTED, "/v1/localization/export/articles", trgLang="ja-JP"))
    assert targets(art)["article.title"] == "はじめに"
    content = client.get("/v1/localization/export/content",
                         params={"contentId": GUIDE_CONTENT, "type": "GUIDE", "trgLang": "fr-FR"})
    assert targets(only_doc(content))["step-1.title"] == "Bienvenue, {{user.firstName}}"
    wrong_type = client.get("/v1/localization/export/content",
                            params={"contentId": GUIDE_CONTENT, "type": "SLIDER", "trgLang": "fr-FR"})
    assert wrong_type.status_code == 435


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"id": EMAIL}, 400),
        ({"id": WELCOME, "trgLang": "en-US"}, 400),
        ({"id": WELCOME, "trgLang": ""}, 400),
        ({"id": WELCOME, "trgLang": "ar-SA"}, 434),
        ({"id": "no-such-item"}, 435),
        ({"id": WELCOME, "strategy": "sentence"}, 437),
        ({"id": WELCOME, "version": "2.1"}, 438),
        ({"id": WELCOME, "draft": "maybe"}, 400),
    ],
)
def test_export_errors(client: httpx.Client, params: dict[str, str], status: int) -> None:
    response = client.get(EXPORT, params={"trgLang": "de-DE", **params})
    assert response.status_code == status
    assert response.json()["code"] == status and response.json()["message"]


def test_export_of_empty_item_is_436(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.store.add(Item("engagement", "empty-1", {"name": "Empty", "type": "IN_APP_DIALOG"}, "en-US", ["de-DE"]))
    assert export(client, "empty-1").status_code == 436


# --- import -------------------------------------------------------------------

NASTY = "  Démarrer  🚀\n<b>{{user.firstName}}</b> — 日本語 &amp; ok\t"


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_import_round_trip_is_byte_faithful(emu: EmulatorServer, client: httpx.Client, version: str) -> None:
    doc = only_doc(export(client, WELCOME, version=version, trgLang="fr-FR"))
    tree = parse(doc)
    target = next(el for el in tree.iter() if isinstance(el.tag, str) and el.tag.endswith("}target"))
    target.text = NASTY
    changed = b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(tree, encoding="UTF-8") + b"\n"
    assert changed != doc
    response = upload(client, changed)
    assert response.status_code == 201, response.text
    again = only_doc(export(client, WELCOME, version=version, trgLang="fr-FR"))
    assert again == changed
    assert targets(again)["dialog.title"] == NASTY
    assert emu.store.translations("engagement", WELCOME, "fr-FR")["dialog.title"] == NASTY


def test_import_fills_a_language_and_updates_listing(emu: EmulatorServer, client: httpx.Client) -> None:
    doc = only_doc(export(client, MAINTENANCE, trgLang="it-IT"))
    filled = doc.replace(b"<source>Details</source>", b"<source>Details</source><target>Dettagli</target>")
    filled = filled.replace(
        "<source>Scheduled maintenance on Sat 14:00–16:00 UTC.  Save your work.</source>".encode(),
        "<source>Scheduled maintenance on Sat 14:00–16:00 UTC.  Save your work.</source>"
        "<target>Manutenzione sabato 14:00–16:00 UTC.  Salva il lavoro.</target>".encode(),
    )
    assert upload(client, filled).status_code == 201
    langs = client.get(f"/v1/engagement/{MAINTENANCE}").json()["languages"]
    assert {"languageCode": "it-IT", "translated": True} in langs
    records = emu.store.imports(status=201)
    assert [(r.kind, r.id, r.locale) for r in records] == [("engagement", MAINTENANCE, "it-IT")]


def test_import_other_kinds(emu: EmulatorServer, client: httpx.Client) -> None:
    kc = only_doc(export(client, HELP_BOT, "/v1/localization/export/kcbot"))
    assert upload(client, kc, "/v1/localization/import/kcbot", kcVersion="v1").status_code == 201
    art = only_doc(export(client, GETTING_STARTED, "/v1/localization/export/articles"))
    assert upload(client, art, "/v1/localization/import/articles").status_code == 201
    content = only_doc(client.get("/v1/localization/export/content",
                                  params={"contentId": GUIDE_CONTENT, "type": "GUIDE", "trgLang": "fr-FR"}))
    path = "/v1/localization/import/content"
    assert upload(client, content, path, contentId=GUIDE_CONTENT).status_code == 201
    assert upload(client, content, path).status_code == 400
    assert upload(client, content, path, contentId="other-id").status_code == 433
    assert [r.kind for r in emu.store.imports(status=201)] == ["kcbot", "article", "content"]


def _welcome(client: httpx.Client, **params: str) -> bytes:
    return only_doc(export(client, WELCOME, **params))


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda d: d.replace(b'trgLang="de-DE"', b'trgLang=""'), 400),
        (lambda d: d.replace(b'trgLang="de-DE"', b'trgLang="en-US"'), 400),
        (lambda d: d[:200], 432),
        (lambda d: b"not xml at all", 432),
        (lambda d: d.replace(b"<xliff", b'<!DOCTYPE xliff [<!ENTITY e "x">]>\n<xliff', 1), 432),
        (lambda d: d.replace(b' original="c6bd79cc-b706-5b59-8c7e-fdaaf91d61c0"', b""), 433),
        (lambda d: d.replace(b'trgLang="de-DE"', b'trgLang="he-IL"'), 434),
        (lambda d: d.replace(b"c6bd79cc-b706-5b59-8c7e-fdaaf91d61c0", b"no-such-item"), 435),
        (lambda d: d.replace(b'type="strategy">html<', b'type="strategy">sentence<'), 437),
        (lambda d: d.replace(b'type="strategy">html<', b'type="strategy">text<'), 437),
        (lambda d: d.replace(b'version="2.0"', b'version="2.1"'), 438),
    ],
)
def test_import_errors(emu: EmulatorServer, client: httpx.Client, mutate, status: int) -> None:
    response = upload(client, mutate(_welcome(client)))
    assert response.status_code == status, response.text
    assert response.json()["code"] == status
    assert emu.store.imports(status=201) == [] and len(emu.store.imports(status=status)) == 1


def test_import_version_must_match_export(client: httpx.Client) -> None:
    doc12 = _welcome(client, version="1.2")
    _welcome(client, version="2.0")
    assert upload(client, doc12).status_code == 438
    assert client.post(IMPORT, files={"other": ("x.xlf", doc12)}).status_code == 400


def test_an_upload_cut_off_mid_file_leaves_no_file_open(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A push killed mid-upload: the file part the server was spooling to disk belongs to no parsed form, and
    must still be closed with the request (left to the garbage collector, it is an open descriptor until then
    and a ResourceWarning in whatever runs next)."""
    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(hook.exc_value))
    url = httpx.URL(emu.base_url)
    part = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="item.xlf"\r\n'
            b"Content-Type: application/xliff+xml\r\n\r\n" + b"x" * 700_000)  # over werkzeug's 500 KB: on disk
    head = (f"POST {IMPORT}?id={WELCOME}&lang=fr-FR HTTP/1.1\r\nHost: {url.host}\r\nX-APTRINSIC-API-KEY: {KEY}\r\n"
            f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {len(part) + 1000}\r\n\r\n").encode()
    with socket.create_connection((url.host, url.port)) as sock:
        sock.sendall(head + part)  # and never the rest, nor the closing boundary
    deadline = time.monotonic() + 10
    while emu.stats.snapshot()["by_path"].get(IMPORT) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emu.stats.snapshot()["by_path"].get(IMPORT) == 1, "the emulator never answered the cut-off upload"
    gc.collect()
    assert unraisable == []


def test_import_of_email_engagement_is_400(emu: EmulatorServer, client: httpx.Client) -> None:
    doc = _welcome(client).replace(WELCOME.encode(), EMAIL.encode())
    assert upload(client, doc).status_code == 400


# --- throttling, storms, latency ---------------------------------------------


def test_rate_limit_answers_429_with_and_without_retry_after(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.rate_limit = 5
    answers = [client.get("/v1/kcbot") for _ in range(12)]
    statuses = [r.status_code for r in answers]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 7
    throttled = [r for r in answers if r.status_code == 429]
    assert {("Retry-After" in r.headers) for r in throttled} == {True, False}
    assert emu.stats.throttled == 7 and emu.stats.by_status[200] == 5
    emu.faults.rate_limit = None
    assert client.get("/v1/kcbot").status_code == 200


def test_storm_hits_only_its_prefix(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.storm(2, 503, prefix="/v1/localization/export", retry_after=3)
    assert client.get("/v1/kcbot").status_code == 200
    first, second, third = (export(client, WELCOME) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "3"
    emu.faults.storm(1)
    storm = client.get("/v1/kcbot")
    assert storm.status_code == 429 and "Retry-After" not in storm.headers
    assert emu.stats.by_path["/v1/localization/export/engagement"] == 3


def test_latency_and_concurrency(emu: EmulatorServer) -> None:
    emu.faults.latency = 0.05
    with httpx.Client(base_url=emu.base_url, headers={"X-APTRINSIC-API-KEY": KEY},
                      limits=httpx.Limits(max_connections=50), verify=TLS) as c:
        with ThreadPoolExecutor(50) as pool:
            codes = list(pool.map(lambda _: c.get("/v1/kcbot").status_code, range(200)))
    assert codes == [200] * 200
    assert emu.stats.total == 200
    # latency is slept in the handler, so one thread per connection shows as overlap
    # (the speed it buys is measured in benchmarks/emulator_concurrency.py)
    assert emu.peak_concurrency > 10, emu.peak_concurrency


# --- hostile exports ----------------------------------------------------------


def test_truncated_and_not_a_zip(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.item(WELCOME, "truncate", times=1)
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(export(client, WELCOME).content))
    assert only_doc(export(client, WELCOME))
    emu.faults.item(WELCOME, "notzip")
    response = export(client, WELCOME)
    assert response.status_code == 200 and not zipfile.is_zipfile(io.BytesIO(response.content))


def test_zipslip_names_escape(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.item(WELCOME, "zipslip")
    with zipfile.ZipFile(io.BytesIO(export(client, WELCOME).content)) as archive:
        names = archive.namelist()
    assert "../../evil.xlf" in names and any(n.startswith("/") for n in names)


def test_xxe_document_is_refused_by_safe_parser(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.item(WELCOME, "xxe")
    with zipfile.ZipFile(io.BytesIO(export(client, WELCOME).content)) as archive:
        doc = archive.read(archive.namelist()[0])
    assert b'<!ENTITY xxe SYSTEM "file:///etc/passwd">' in doc and b"&lol9;" in doc
    with pytest.raises(XliffError):
        parse(doc)
    assert upload(client, doc).status_code == 432


def test_bomb_inflates_far_beyond_its_size(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.item(WELCOME, "bomb")
    response = export(client, WELCOME)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        info = archive.infolist()[0]
    assert info.file_size == BOMB_SIZE and len(response.content) < BOMB_SIZE // 500


def test_status_faults_and_clearing(emu: EmulatorServer, client: httpx.Client) -> None:
    emu.faults.item(WELCOME, 500)
    assert export(client, WELCOME).status_code == 500
    emu.faults.item(WELCOME, 436, times=1)
    assert export(client, WELCOME).status_code == 436
    assert export(client, WELCOME).status_code == 200
    with pytest.raises(ValueError):
        emu.faults.item(WELCOME, "explode")


# --- store and server ---------------------------------------------------------


def test_synthetic_store_is_deterministic() -> None:
    one = Store.synthetic(400, ["fr-FR", "de-DE"], seed=7)
    two = Store.synthetic(400, ["fr-FR", "de-DE"], seed=7)
    items = [i for kind in ("engagement", "kcbot", "article", "content") for i in one.items(kind)]
    assert len(items) == 400
    assert [i.to_json() for i in one.items("engagement")] == [i.to_json() for i in two.items("engagement")]
    assert any(i.translations for i in items)


def test_reset_restores_store_keys_faults_and_stats_on_the_same_socket(emu: EmulatorServer, client: httpx.Client) -> None:
    url = emu.base_url
    emu.store.remove("kcbot", HELP_BOT)
    emu.api_keys["extra"] = {"read"}
    del emu.api_keys["ro"]
    emu.faults.storm(5)
    assert client.get("/v1/kcbot").status_code == 429
    emu.faults.latency = 1.0
    emu.reset()
    assert emu.base_url == url
    assert emu.api_keys == {KEY: {"read", "write"}, "ro": {"read"}}
    assert emu.stats.total == 0 and emu.peak_concurrency == 0 and emu.faults.latency == 0.0
    body = client.get("/v1/kcbot").json()
    assert HELP_BOT in [bot["id"] for bot in body["kcList"]]
    assert httpx.get(f"{url}/v1/kcbot", headers={"X-APTRINSIC-API-KEY": "extra"}, verify=TLS).status_code == 401


def _being_handled(emu: EmulatorServer, pool: ThreadPoolExecutor) -> Future[httpx.Response]:
    """A request the emulator is handling now, for 0.3 s more."""
    emu.faults.latency = 0.3
    slow = pool.submit(httpx.get, f"{emu.base_url}/v1/kcbot", headers={"X-APTRINSIC-API-KEY": KEY})
    while not emu.peak_concurrency:
        time.sleep(0.005)
    return slow


def test_reset_waits_for_a_request_being_handled(emu: EmulatorServer) -> None:
    with ThreadPoolExecutor(1) as pool:
        slow = _being_handled(emu, pool)
        before = emu.stats
        emu.reset()
        assert before.total == 1  # recorded as the handler ends, so reset waited for it
        assert slow.result().status_code == 200
    assert emu.stats.total == 0


def test_drain_waits_for_a_request_being_handled_and_says_when_one_outlasts_it(emu: EmulatorServer) -> None:
    """A killed run's last request is handled to its end, as at PX: a test waits for it before it changes PX."""
    with ThreadPoolExecutor(1) as pool:
        slow = _being_handled(emu, pool)
        assert emu.drain(timeout=0.01) is False  # still sleeping in the handler
        assert emu.drain() is True and emu.stats.total == 1  # recorded as the handler ends
        assert slow.result().status_code == 200


def test_reset_of_a_server_given_its_store_needs_a_store() -> None:
    server = EmulatorServer(store=Store())
    with pytest.raises(ValueError, match="pass reset"):
        server.reset()
    mine = Store()
    assert server.reset(mine).store is mine


def test_custom_fixtures_and_loopback_only(tmp_path) -> None:
    (tmp_path / "articles.json").write_text(
        '[{"id": "a1", "articleName": "Only", "units": {"t": "Hi"}, "languages": ["fr-FR"]}]', "utf-8")
    with EmulatorServer(fixtures=tmp_path) as srv:
        body = httpx.get(f"{srv.base_url}/v1/articles", headers={"X-APTRINSIC-API-KEY": KEY}, verify=TLS).json()
        assert [a["id"] for a in body["articleExternalViewList"]] == ["a1"]
        assert srv.store.items("engagement") == []
    with pytest.raises(ConfigError):
        EmulatorServer(host="0.0.0.0")
    with pytest.raises(ConfigError):
        serve("192.168.1.10", 0, KEY, None)
    with pytest.raises(ConfigError):
        EmulatorServer(fixtures=tmp_path / "missing")


@pytest.mark.parametrize(("text", "said"), [
    ("[1]", "engagements.json: record 1: is not an object"),
    ('{"id": "e1"}', "engagements.json: must hold a JSON array of item objects"),
    ('[{"id": "e1", "units": {"t": "Hi"}}, {"units": {}}]', 'engagements.json: record 2: has no "id"'),
    ('[{"id": "e1", "units": ["Hi"]}]', 'record 1: "units" must be an object'),
    ('[{"id": "e1", "languages": "fr-FR"}]', 'record 1: "languages" must be an array'),
    ('[{"id": "e1", "translations": {"fr-FR": "Salut"}}]', 'record 1: "translations" must be an object'),
    ("[{", "engagements.json: not JSON ("),
])
def test_a_fixture_file_of_the_wrong_shape_is_one_line_naming_the_file_and_record(tmp_path, text: str, said: str) -> None:
    """Each used to be an internal error (TypeError) or a bare KeyError 'id'."""
    (tmp_path / "engagements.json").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=re.escape(said)):
        EmulatorServer(fixtures=tmp_path)


# --- connections ----------------------------------------------------------------


def _ask(sock, request: bytes) -> tuple[bytes, bytes]:
    """Send one raw request on ``sock``; its answer's head and body (by Content-Length), or (b"", b"") at end of stream."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-body"
        body += chunk
    return head, body


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-APTRINSIC-API-KEY: {KEY}\r\n\r\n".encode()


def test_a_connection_is_kept_alive_for_requests_without_a_body_and_closed_after_an_upload(emu: EmulatorServer) -> None:
    """Listings and exports reuse one connection (one server thread, not one per request); an upload's connection is closed."""
    import socket

    host, port = emu.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for path in ("/v1/engagement?pageSize=2", f"{EXPORT}?id={WELCOME}&trgLang=de-DE", "/v1/nowhere", "/v1/engagement?pageNumber=1"):
            head, body = _ask(sock, _get(path))
            assert head.startswith(b"HTTP/1.1 "), (path, head)
            assert b"connection: close" not in head.lower() and body
        assert _ask(sock, _get("/v1/kcbot"))[0].startswith(b"HTTP/1.1 200")
    assert emu.stats.snapshot()["total"] == 5
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        doc = b"<xliff/>"
        post = (f"POST {IMPORT}?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-APTRINSIC-API-KEY: {KEY}\r\n"
                f"Content-Type: application/xliff+xml\r\nContent-Length: {len(doc)}\r\n\r\n").encode() + doc
        head, _ = _ask(sock, post)
        assert b"connection: close" in head.lower()
        assert sock.recv(1) == b""  # closed by the server after the answer


def test_stop_cuts_kept_alive_connections_so_a_stopped_emulator_answers_nothing() -> None:
    """A pooled connection must not be answered by a server that was stopped (it was refused before keep-alive)."""
    import socket

    server = EmulatorServer(KEY).start()
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        assert _ask(sock, _get("/v1/kcbot"))[0].startswith(b"HTTP/1.1 200")
        server.stop()
        try:
            head, _ = _ask(sock, _get("/v1/kcbot"))
        except OSError:  # reset: answered nothing either
            head = b""
        assert head == b""
