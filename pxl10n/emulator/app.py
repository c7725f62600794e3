"""The PX REST API subset pxl10n uses, as a Werkzeug WSGI app over a :class:`Store`.

Every answer is what docs/px-api.md says PX answers, including the odd status
codes (432-438) with JSON bodies ``{"code", "error", "message"}``. Where PX is
silent the emulator picks the strict reading, so clients that work here work
against PX: ``pageSize`` above 500 is a 400, export of a language equal to the
item's default is a 400, an unknown ``trgLang`` is a 434, and an import must use
the version and strategy of that item/locale's last export (437/438 otherwise).
Export without ``trgLang`` answers one file per language enabled on the item.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import faults as payloads
from .faults import Faults, Stats
from .store import CONTENT_TYPES, Item, Store
from .xliff import DEFAULT_STRATEGY, STRATEGIES, VERSIONS, ImportProblem, export_document, read_import

KEY_HEADER = "X-APTRINSIC-API-KEY"
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 200
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_PATH_KINDS = {"engagement": "engagement", "kcbot": "kcbot", "articles": "article", "content": "content"}
_LISTS = {"engagement": "engagements", "article": "articleExternalViewList", "kcbot": "kcList"}
_ERROR_NAMES = {
    400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS", 432: "XLIFF_PARSE_ERROR", 433: "ITEM_ID_NOT_FOUND_IN_XLIFF",
    434: "LANGUAGE_NOT_ALLOWED", 435: "ITEM_NOT_FOUND", 436: "ITEM_HAS_NO_CONTENT",
    437: "INVALID_STRATEGY", 438: "XLIFF_VERSION_NOT_SUPPORTED", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE",
}

URL_MAP = Map(
    [
        Rule("/v1/engagement", endpoint="list", defaults={"kind": "engagement"}, methods=["GET"]),
        Rule("/v1/articles", endpoint="list", defaults={"kind": "article"}, methods=["GET"]),
        Rule("/v1/kcbot", endpoint="list", defaults={"kind": "kcbot"}, methods=["GET"]),
        Rule("/v1/engagement/<item_id>", endpoint="one", defaults={"kind": "engagement"}, methods=["GET"]),
        Rule("/v1/articles/<item_id>", endpoint="one", defaults={"kind": "article"}, methods=["GET"]),
        Rule("/v1/kcbot/<item_id>", endpoint="one", defaults={"kind": "kcbot"}, methods=["GET"]),
        Rule("/v1/admin/subscription", endpoint="subscription", methods=["GET"]),
        Rule("/v1/localization/export/<any(engagement,kcbot,articles,content):path_kind>",
             endpoint="export", methods=["GET"]),
        Rule("/v1/localization/import/<any(engagement,kcbot,articles,content):path_kind>",
             endpoint="import", methods=["POST"]),
    ],
    strict_slashes=False,
)


class ApiError(Exception):
    """An answer other than success, with the PX status code."""

    def __init__(self, status: int, message: str, *, retry_after: int | str | None = None) -> None:
        self.status = status
        self.message = message
        self.retry_after = retry_after
        super().__init__(message)


def error_response(status: int, message: str, retry_after: int | str | None = None) -> Response:
    """A JSON error body the way PX sends them."""
    body = {"code": status, "error": _ERROR_NAMES.get(status, "ERROR"), "message": message}
    response = json_response(body, status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def json_response(data: Any, status: int = 200) -> Response:
    """UTF-8 JSON, non-ASCII kept as is."""
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")


class _Upload(Request):
    """A request that closes every file it spooled an upload to, parsed whole or not.

    Werkzeug's own ``close`` closes the files of a parsed form; when the client dies mid-upload the
    parse fails and the file it was writing belongs to no form, so it would be left to the garbage
    collector (a ``ResourceWarning``, and an open descriptor until then)."""

    def __init__(self, environ: dict[str, Any]) -> None:
        super().__init__(environ)
        self._spooled: list[IO[bytes]] = []

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self._spooled.append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self._spooled:
            stream.close()


class EmulatorApp:
    """WSGI callable: faults and latency first, then auth, then the PX endpoint."""

    def __init__(self, store: Store, api_keys: dict[str, set[str]], faults: Faults | None = None,
                 stats: Stats | None = None) -> None:
        self.store = store
        self.api_keys = api_keys
        self.faults = faults or Faults()
        self.stats = stats or Stats()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = _Upload(environ)
        request.max_content_length = MAX_UPLOAD_BYTES
        wire = self.faults.wire_fault(request.path)
        released = self.faults.released
        if wire == "stall":
            released.wait(self.faults.stall_seconds)
        if wire == "reset":
            self.stats.record(request.path, 0)
            _drop(environ)
            start_response("500 Dropped", [("Content-Length", "0")])
            return []
        try:
            response = self._hostile(request, self.handle(request))
        finally:
            request.close()  # uploaded files are spooled to temporary files
        self.stats.record(request.path, response.status_code)
        if wire in ("trickle", "stall-body"):
            response = _slowed(response, wire, self.faults.trickle_interval, self.faults.stall_seconds, released)
        return response(environ, start_response)

    def _hostile(self, request: Request, response: Response) -> Response:
        """Apply JSON patches and key echoes to an answer (a no-op on a well-behaved server)."""
        key = request.headers.get(KEY_HEADER, "")
        echo = self.faults.echo_key and key
        if not echo and not (response.is_json and self.faults.patches(request.path)):
            return response  # as sent: decoding and encoding it again would give the same bytes
        if response.is_json:
            data = json.loads(response.get_data())
            if echo:
                data = _echoed(data, key)
            data = self.faults.apply_patches(request.path, data)
            if data is payloads.MISSING or isinstance(data, bytes):
                raw = data if isinstance(data, bytes) else b""
                patched = Response(raw, status=response.status_code, content_type="application/json")
            else:
                patched = json_response(data, response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in ("content-type", "content-length"):
                    patched.headers[name] = value
            return patched
        response.headers["X-Echo"] = key
        return response

    def handle(self, request: Request) -> Response:
        """Answer one request; an emulator bug becomes a logged JSON 500, never a dropped connection."""
        if self.faults.latency:
            time.sleep(self.faults.latency)
        refusal = self.faults.admit(request.path)
        if refusal is not None:
            return error_response(refusal.status, f"refused by emulator fault ({refusal.reason})", refusal.retry_after)
        try:
            endpoint, args = URL_MAP.bind_to_environ(request.environ).match()
            answer: Callable[..., Response] = getattr(self, f"on_{endpoint}")
            return answer(request, **args)
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.retry_after)
        except HTTPException as exc:
            return error_response(exc.code or 500, exc.description or exc.name)
        except Exception as exc:  # noqa: BLE001 - the emulator must answer even when it has a bug
            traceback.print_exc(file=sys.stderr)
            return error_response(500, f"emulator error: {type(exc).__name__}: {exc}")

    def _check_key(self, request: Request, permission: str) -> None:
        key = request.headers.get(KEY_HEADER)
        if not key or key not in self.api_keys:
            raise ApiError(401, f"missing or invalid {KEY_HEADER} header")
        if permission not in self.api_keys[key]:
            raise ApiError(403, f"this API key lacks the {permission.capitalize()} permission")

    def on_list(self, request: Request, kind: str) -> Response:
        """Paged listings: zero-based pageNumber, pageSize <= 500, isLastPage."""
        self._check_key(request, "read")
        size = _int_arg(request, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        number = _int_arg(request, "pageNumber", 0, 0, None)
        items = self.store.items(kind)
        if kind == "engagement" and (types := _multi_arg(request, "contentTypes")):
            items = [item for item in items if item.type in types]
        if kind != "engagement" and (product := request.args.get("productId")):
            items = [item for item in items if item.fields.get("productId") == product]
        mode = self.faults.listing
        with self.store.lock:
            page = [item.to_json() for item in items[number * size:(number + 1) * size]]
            page_zero = ([item.to_json() for item in items[:size]] or [{"id": "first", "name": "first"}]) if mode else []
        answer = {_LISTS[kind]: page, "pageNumber": number, "pageSize": size,
                  "isLastPage": (number + 1) * size >= len(items)}
        return json_response(_misbehave(mode, answer, _LISTS[kind], number, size, page_zero) if mode else answer)

    def on_one(self, request: Request, kind: str, item_id: str) -> Response:
        """One item by id; 404 when unknown."""
        self._check_key(request, "read")
        item = self.store.get(kind, item_id)
        if item is None:
            raise ApiError(404, f"{kind} {item_id} not found")
        with self.store.lock:
            return json_response(item.to_json())

    def on_subscription(self, request: Request) -> Response:
        """Subscription details: products and allowed languages."""
        self._check_key(request, "read")
        return json_response(self.store.subscription_json())

    def on_export(self, request: Request, path_kind: str) -> Response:
        """A zip with one XLIFF per requested target language."""
        self._check_key(request, "read")
        kind = _PATH_KINDS[path_kind]
        item = self._export_item(request, kind)
        version = request.args.get("version", "2.0")
        if version not in VERSIONS:
            raise ApiError(438, f"XLIFF version {version!r} is not supported; use 1.2 or 2.0")
        strategy = request.args.get("strategy", DEFAULT_STRATEGY)
        if strategy not in STRATEGIES:
            raise ApiError(437, f"strategy {strategy!r} is not valid; use one of {sorted(STRATEGIES)}")
        translated = _bool_arg(request, "translated", True)
        _bool_arg(request, "draft", False)
        languages = _multi_arg(request, "trgLang") or [c for c in item.languages if c != item.default_language]
        for code in languages:
            self._check_target(item, code)
        fault = self.faults.export_fault(item.id)
        if isinstance(fault, int):
            raise ApiError(fault, f"injected fault {fault} for {kind} {item.id}")
        with self.store.lock:
            documents = [(f"{kind}_{item.id}_{code}.xlf",
                          export_document(item, code, version=version, strategy=strategy, translated=translated))
                         for code in languages]
        for code in languages:
            self.store.record_export(kind, item.id, code, version, strategy)
        if self.faults.echo_key:
            key = request.headers.get(KEY_HEADER, "")
            echoed = f" {xml_escape(key)}</source>".encode()
            documents = [(name, doc.replace(b"</source>", echoed, 1)) for name, doc in documents]
        body = self._zip(fault, item, documents, languages, request.headers.get(KEY_HEADER, ""))
        return Response(body, content_type="application/octet-stream", direct_passthrough=not isinstance(body, bytes),
                        headers={"Content-Disposition": f'attachment; filename="{kind}_{item.id}.zip"'})

    def _export_item(self, request: Request, kind: str) -> Item:
        id_param = "contentId" if kind == "content" else "id"
        item_id = request.args.get(id_param)
        if not item_id:
            raise ApiError(400, f"query parameter {id_param} is required")
        if kind == "content":
            content_type = request.args.get("type")
            if content_type not in CONTENT_TYPES:
                raise ApiError(400, f"query parameter type must be one of {sorted(CONTENT_TYPES)}")
        if kind == "kcbot":
            _kc_version(request)
        item = self.store.get(kind, item_id)
        if item is None or (kind == "content" and item.type != request.args.get("type")):
            raise ApiError(435, f"{kind} {item_id} not found")
        self._check_localizable(item)
        if not item.units:
            raise ApiError(436, f"{kind} {item_id} has no content to localize")
        return item

    def _check_localizable(self, item: Item) -> None:
        if not self.store.localization_enabled:
            raise ApiError(400, "localization is disabled for this subscription")
        if not item.localizable:
            raise ApiError(400, f"localization does not apply to {item.type} engagements")

    def _check_target(self, item: Item, code: str | None) -> None:
        if not code:
            raise ApiError(400, "target language (trgLang) is empty")
        if code == item.default_language:
            raise ApiError(400, f"target language {code} is the item's default language")
        if code not in self.store.allowed_languages:
            raise ApiError(434, f"target language {code} is not among the subscription's allowed languages")

    def _zip(self, fault: str | int | None, item: Item, documents: list[tuple[str, bytes]],
             languages: list[str], key: str = "") -> bytes | Iterable[bytes]:
        if fault == "huge":
            return payloads.huge_body(self.faults.huge_size)
        if fault == "bigdoc":
            code = languages[0] if languages else "fr-FR"
            return payloads.make_zip([(f"{item.kind}_{item.id}_{code}.xlf",
                                       payloads.big_document(item.id, item.default_language, code, self.faults.bigdoc_size))])
        if fault == "echo":
            return payloads.make_zip([(f"{item.kind}_{item.id}.xlf", payloads.echo_document(key))])
        if fault == "notzip":
            return payloads.NOT_A_ZIP
        if fault == "bomb":
            return payloads.bomb(self.faults.bomb_size)
        if fault == "xxe":
            code = languages[0] if languages else "fr-FR"
            return payloads.make_zip([(f"{item.kind}_{item.id}_{code}.xlf",
                                       payloads.xxe_document(item.id, item.default_language, code))])
        if fault == "zipslip":
            return payloads.zipslip(documents[0][1] if documents else b"")
        archive = payloads.make_zip(documents)
        return payloads.truncated(archive) if fault == "truncate" else archive

    def on_import(self, request: Request, path_kind: str) -> Response:
        """Store the targets of an uploaded XLIFF; 201 on success. Every authorized attempt is logged."""
        kind = _PATH_KINDS[path_kind]
        self._check_key(request, "write")
        state: dict[str, str | None] = {"id": None, "locale": None}
        try:
            response = self._import(request, kind, state)
        except ApiError as exc:
            self.store.record_import(kind, state["id"], state["locale"], exc.status)
            raise
        self.store.record_import(kind, state["id"], state["locale"], response.status_code)
        return response

    def _import(self, request: Request, kind: str, state: dict[str, str | None]) -> Response:
        if not self.store.localization_enabled:
            raise ApiError(400, "localization is disabled for this subscription")
        expected = request.args.get("contentId") if kind == "content" else None
        if kind == "content" and not expected:
            raise ApiError(400, "query parameter contentId is required")
        if kind == "kcbot":
            _kc_version(request)
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(400, "multipart part 'file' is missing")
        try:
            doc = read_import(upload.read(), expected_id=expected)
        except ImportProblem as exc:
            raise ApiError(exc.status, exc.message) from None
        state["id"], state["locale"] = doc.item_id, doc.trg_lang
        strategy = doc.strategy or DEFAULT_STRATEGY
        if strategy not in STRATEGIES:
            raise ApiError(437, f"strategy {strategy!r} in the XLIFF is not valid")
        item = self.store.get(kind, doc.item_id or "")
        if item is None:
            raise ApiError(435, f"{kind} {doc.item_id} not found")
        self._check_localizable(item)
        if doc.trg_lang and doc.trg_lang == (doc.src_lang or item.default_language):
            raise ApiError(400, f"target language {doc.trg_lang} equals the source language")
        locale = doc.trg_lang or ""
        self._check_target(item, locale)
        exported = self.store.last_export(kind, item.id, locale)
        if exported and exported[0] != doc.version:
            raise ApiError(438, f"XLIFF {doc.version} differs from the exported version {exported[0]}")
        if exported and exported[1] != strategy:
            raise ApiError(437, f"strategy {strategy!r} differs from the exported strategy {exported[1]!r}")
        updated = self.store.apply_import(kind, item.id, locale, doc.targets)
        return json_response({"id": item.id, "languageCode": locale, "updatedUnits": updated}, 201)


def _int_arg(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"query parameter {name} must be an integer") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError(400, f"query parameter {name} must be {bound}")
    return value


def _bool_arg(request: Request, name: str, default: bool) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise ApiError(400, f"query parameter {name} must be true or false")


def _multi_arg(request: Request, name: str) -> list[str]:
    """Repeated and/or comma-separated values, order kept, duplicates dropped."""
    values = [part.strip() for raw in request.args.getlist(name) for part in raw.split(",")]
    if request.args.getlist(name) and not any(values):
        raise ApiError(400, f"query parameter {name} is empty")
    return list(dict.fromkeys(v for v in values if v))


def _kc_version(request: Request) -> str:
    version = request.args.get("kcVersion", "v1")
    if version not in ("v1", "v2"):
        raise ApiError(400, "kcVersion must be v1 or v2")
    return version


def _misbehave(mode: str | None, answer: dict[str, Any], field: str, number: int, size: int,
               page_zero: list[dict[str, Any]]) -> dict[str, Any]:
    """A listing page bent by a listing fault (see faults.LISTING_FAULTS)."""
    first = page_zero[0]
    if mode == "endless":
        rows = [{**first, "id": f"endless-{number}-{i}"} for i in range(size)]
        return {**answer, field: rows, "isLastPage": False}
    if mode == "cyclic":
        return {**answer, field: page_zero, "isLastPage": False}
    if mode == "repeat-ids":
        rows = [first] + [{**first, "id": f"repeat-{number}-{i}"} for i in range(max(0, size - 1))]
        return {**answer, field: rows, "isLastPage": number >= 5}
    if mode == "wrong-page":
        return {**answer, "pageNumber": number + 1}
    return answer


def _echoed(data: Any, key: str) -> Any:
    """Every string of an answer with the caller's key appended (a server that echoes secrets)."""
    if isinstance(data, dict):
        return {k: (v if k in ("id", "languageCode", "defaultLanguage") else _echoed(v, key)) for k, v in data.items()}
    if isinstance(data, list):
        return [_echoed(v, key) for v in data]
    if isinstance(data, str):
        return f"{data} {key}"
    return data


def _drop(environ: dict[str, Any]) -> None:
    """Drop the connection mid-request, as a crashing proxy would."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _slowed(response: Response, mode: str, interval: float, stall: float, released: threading.Event) -> Response:
    """The same answer, sent a byte per ``interval`` (trickle) or cut to silence after the headers (stall-body)."""
    data = response.get_data() if not response.direct_passthrough else b"".join(bytes(part) for part in response.response)  # type: ignore[arg-type]

    def body() -> Iterator[bytes]:
        if mode == "stall-body":
            yield data[:1]
            released.wait(stall)
            yield data[1:]
            return
        for index in range(len(data)):
            yield data[index:index + 1]
            if released.wait(interval):
                yield data[index + 1:]
                return

    slowed = Response(body(), status=response.status_code, direct_passthrough=True)
    for name, value in response.headers.items():
        if name.lower() != "content-length":
            slowed.headers[name] = value
    slowed.headers["Content-Length"] = str(len(data))
    return slowed
