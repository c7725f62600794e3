"""Find and read ``pxl10n.toml`` into a frozen :class:`Settings`.

Precedence, highest first: command-line options (applied by the caller with
:func:`dataclasses.replace`), then the file, then the defaults below. The API key
is the one exception: it only ever comes from the environment variable named by
``px.api_key_env``, so it can never be committed by accident.

Every problem is a :class:`ConfigError` naming the key and the file; unknown keys
are errors too, because a typo that silently does nothing is worse than a stop.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

from pxl10n.errors import ConfigError
from pxl10n.fsutil import first_link
from pxl10n.px.kinds import CONTENT_TYPES, KIND_NAMES
from pxl10n.secrets import add_secret, check_header_value

CONFIG_NAME = "pxl10n.toml"

REGIONS = {
    "US": "https://api.aptrinsic.com",
    "EU": "https://api-eu.aptrinsic.com",
    "US2": "https://api-us2.aptrinsic.com",
}

XLIFF_VERSIONS = ("1.2", "2.0")

#: engagement types PX documents (``contentTypes`` of the engagement list); surveys are IN_APP_<name>_SURVEY
ENGAGEMENT_TYPES = ("EMAIL", "OUT_BOUND_EMAIL", "IN_APP_DIALOG", "IN_APP_CAROUSEL", "IN_APP_GUIDE", "IN_APP_NOTIFICATION")
_SURVEY_TYPE = re.compile(r"^IN_APP_[A-Z]+(_[A-Z]+)*_SURVEY$")

# A BCP-47-ish tag: language, optional script/region/variants. Kept loose on purpose.
_LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class ContentEntry:
    """A Content Library entry, named by the user because PX cannot list them."""

    id: str
    type: str


@dataclass(frozen=True)
class ValidateSettings:
    """Defaults for ``validate``: rule selection and severity overrides."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    #: the TBX or CSV glossary for the TM1xx terminology rule (``{locale}`` in the name: one file per locale)
    glossary: Path | None = None


@dataclass(frozen=True)
class Settings:
    """Everything a command needs, resolved and checked; paths are absolute."""

    path: Path | None
    source_locale: str
    locales: tuple[str, ...]
    directory: Path
    #: the first symbolic link from the config's folder down to the directory (itself included), if any:
    #: ``directory`` is resolved through it, and pull, push and validate refuse to work through it
    directory_link: Path | None = None
    region: str = "US"
    base_url: str = REGIONS["US"]
    api_key_env: str = "PX_API_KEY"
    rate_limit: float = 190.0
    concurrency: int = 32
    timeout: float = 30.0
    connect_timeout: float = 10.0
    call_deadline: float = 120.0
    run_deadline: float = 3600.0
    retries: int = 6
    backoff: float = 0.5
    ca_bundle: Path | None = None
    px_languages: Mapping[str, str] = field(default_factory=dict)
    xliff_version: str = "2.0"
    strategy: str | None = None
    translated: bool = True
    draft: bool = False
    kc_version: str = "v1"
    kinds: tuple[str, ...] = KIND_NAMES
    product_id: str | None = None
    engagement_types: tuple[str, ...] = ()
    content: tuple[ContentEntry, ...] = ()
    push_on_error: str = "skip"
    #: the largest share of a kind's items one pull may remove without --prune-all
    prune_max_share: float = 0.1
    validate: ValidateSettings = field(default_factory=ValidateSettings)

    @property
    def root(self) -> Path:
        """The directory holding the config file (or the directory's parent)."""
        return self.path.parent if self.path else self.directory.parent

    def px_language(self, locale: str) -> str:
        """The PX language code for a locale name used in paths."""
        return self.px_languages.get(locale, locale)

    def locale_for(self, px_code: str) -> str:
        """The locale name for a PX language code (inverse of :meth:`px_language`)."""
        for locale, code in self.px_languages.items():
            if code == px_code:
                return locale
        return px_code

    def api_key(self) -> str:
        """The key from the environment; ConfigError naming the variable when unset."""
        raw = os.environ.get(self.api_key_env, "")
        add_secret(raw)
        key = raw.strip()
        add_secret(key)
        why = check_header_value(key, name=self.api_key_env) if key else None
        if why:
            raise ConfigError(why)
        if not key:
            raise ConfigError(
                f"the PX API key is not set: export {self.api_key_env}=<key> "
                f"(variable named by px.api_key_env in {self.path or CONFIG_NAME})"
            )
        return key


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``pxl10n.toml`` in ``start`` or a parent, like pyproject.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if candidate.is_dir():
            raise ConfigError(f"{candidate} is a directory, not a config file; remove or rename it, or give --config")
    return None


def load(path: Path | None = None, *, start: Path | None = None) -> Settings:
    """Read and check the config at ``path`` (or the one found from ``start``)."""
    if path is None:
        path = find_config(start)
        if path is None:
            raise ConfigError(f"no {CONFIG_NAME} here or in any parent directory; run `pxl10n init` to write one")
    path = Path(path).resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _parse(raw, path)


_T = TypeVar("_T")
_U = TypeVar("_U")
_D = TypeVar("_D")

#: how an error names the TOML type a key must have
_TYPE_NAMES = {str: "string", int: "whole number", float: "number", bool: "boolean (true or false)", list: "list", dict: "table"}


#: Key names that say a secret is being written into the file (``api_key``, ``apiKey``, ``token``, ``secret``).
_SECRET_NAME = re.compile(r"(?i)api[_-]?key$|^key$|token|secret|password")


class _Reader:
    """Typed access to one TOML table that names the key and file in every error."""

    def __init__(self, table: Mapping[str, Any], prefix: str, path: Path, allowed: set[str]) -> None:
        self.table, self.prefix, self.path = table, prefix, path
        for key in table:
            if key not in allowed and _SECRET_NAME.search(key):
                raise ConfigError(
                    f"{path}: {self._name(key)} looks like an API key, which pxl10n never reads from a file (a "
                    f"committed key leaks with the repository); remove it and export PX_API_KEY=<key> (or the "
                    f"variable px.api_key_env names); if the file was ever committed or shared, rotate the key in PX")
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise ConfigError(f"{path}: unknown key {self._name(key)} (known keys: {known})")

    def _name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self._name(key)} {why}")

    @overload
    def get(self, key: str, kind: type[_T], default: _D) -> _T | _D: ...
    @overload
    def get(self, key: str, kind: tuple[type[_T], type[_U]], default: _D) -> _T | _U | _D: ...

    def get(self, key: str, kind: type | tuple[type, ...], default: object) -> object:
        """The value at ``key`` when it has one of the types ``kind`` names; ``default`` when it is absent."""
        value = self._checked(key, kind)
        return default if value is None else value

    @overload
    def require(self, key: str, kind: type[_T]) -> _T: ...
    @overload
    def require(self, key: str, kind: tuple[type[_T], type[_U]]) -> _T | _U: ...

    def require(self, key: str, kind: type | tuple[type, ...]) -> object:
        """The value at ``key``, which must be there."""
        value = self._checked(key, kind)
        if value is None:
            raise self.fail(key, "is required")
        return value

    def _checked(self, key: str, kind: type | tuple[type, ...]) -> object:
        """The value at ``key`` (None when absent: TOML has no null) after checking its type."""
        kinds = kind if isinstance(kind, tuple) else (kind,)
        value = self.table.get(key)
        # TOML's true is a Python int too: a boolean is a number only where a boolean is asked for
        if value is not None and (not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)):
            names = "number" if set(kinds) == {int, float} else " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            raise self.fail(key, f"must be a {names}, not {value!r}")
        return value

    def number(self, key: str, default: float, within: Callable[[float], bool], why: str) -> float:
        """A number (an integer or a float) that ``within`` accepts; ``why`` says which when it does not."""
        value = float(self.get(key, (int, float), default))
        if not within(value):
            raise self.fail(key, why)
        return value

    def integer(self, key: str, default: int, within: Callable[[int], bool], why: str) -> int:
        """A whole number that ``within`` accepts; ``why`` says which when it does not."""
        value = self.get(key, int, default)
        if not within(value):
            raise self.fail(key, why)
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(key, list, None)
        if value is None:
            return default
        if not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def table_of(self, key: str) -> Mapping[str, Any]:
        table: Mapping[str, Any] = self.get(key, dict, {})
        return table


def _locale(reader: _Reader, key: str, value: str) -> str:
    if not _LOCALE_RE.match(value):
        raise reader.fail(key, f"has {value!r}, which is not a language tag like 'fr-FR'")
    return value


def _ca_bundle(px: _Reader, path: Path) -> Path | None:
    """``px.ca_bundle``: a PEM file of certificates to trust (a TLS-inspecting proxy), relative to the config."""
    value = px.get("ca_bundle", str, None)
    if value is None:
        return None
    bundle = (path.parent / Path(value).expanduser()).resolve()
    if not bundle.is_file():
        raise px.fail("ca_bundle", f"is {value!r}, but {bundle} is not a file; give the path of a PEM bundle")
    return bundle


#: How long pxl10n waits on PX (seconds): connect, then the whole of one call, then the whole run.
_TIME_KEYS = ("connect_timeout", "call_deadline", "run_deadline")
_TIME_DEFAULTS = {"timeout": 30.0, "connect_timeout": 10.0, "call_deadline": 120.0, "run_deadline": 3600.0}


def _seconds(px: _Reader, key: str) -> float:
    return px.number(key, _TIME_DEFAULTS[key], lambda v: 0 < v <= 7 * 24 * 3600, "must be a number of seconds above 0")


@dataclass(frozen=True)
class _Tables:
    """The file's tables, each behind a reader that knows its keys."""

    top: _Reader
    px: _Reader
    project: _Reader
    export: _Reader
    push: _Reader
    pull: _Reader
    validate: _Reader


def _tables(raw: Mapping[str, Any], path: Path) -> _Tables:
    top = _Reader(raw, "", path, {"px", "project", "export", "content", "validate", "push", "pull"})
    return _Tables(
        top=top,
        px=_Reader(top.table_of("px"), "px", path, {"region", "base_url", "api_key_env", "rate_limit", "concurrency", "timeout", "retries", "backoff", "ca_bundle", *_TIME_KEYS}),
        project=_Reader(top.table_of("project"), "project", path, {"source_locale", "locales", "directory", "px_languages"}),
        export=_Reader(
            top.table_of("export"),
            "export",
            path,
            {"version", "strategy", "translated", "draft", "kc_version", "kinds", "product_id", "engagement_types"},
        ),
        push=_Reader(top.table_of("push"), "push", path, {"on_error"}),
        pull=_Reader(top.table_of("pull"), "pull", path, {"prune_max_share"}),
        validate=_Reader(top.table_of("validate"), "validate", path, {"select", "ignore", "severity", "glossary"}),
    )


def _region(px: _Reader) -> str:
    region = px.get("region", str, "US").upper()
    if region not in REGIONS:
        raise px.fail("region", f"is {region!r}; use one of {', '.join(REGIONS)}")
    return region


def _base_url(px: _Reader, region: str) -> str:
    base_url = px.get("base_url", str, REGIONS[region]).rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base_url):
        raise px.fail("base_url", f"is {base_url!r}; give a URL like http://127.0.0.1:8765")
    return base_url


def _api_key_env(px: _Reader) -> str:
    api_key_env = px.get("api_key_env", str, "PX_API_KEY")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", api_key_env):
        raise px.fail("api_key_env", "must be the NAME of an environment variable (the key itself never goes in the file)")
    return api_key_env


def _target_locales(project: _Reader, source_locale: str) -> tuple[str, ...]:
    locales = project.strings("locales")
    if not locales:
        raise project.fail("locales", "must list at least one target locale, e.g. [\"fr-FR\"]")
    seen: dict[str, str] = {}
    for locale in locales:
        _locale(project, "locales", locale)
        if locale.lower() == source_locale.lower():
            raise project.fail("locales", f"contains the source locale {locale!r}; list target locales only")
        twice = seen.setdefault(locale.lower(), locale)
        if twice != locale:  # one language tag (BCP 47 ignores case), and one directory on macOS and Windows
            raise project.fail("locales", f"lists one locale twice, as {twice!r} and {locale!r} (language tags ignore case)")
    if len(set(locales)) != len(locales):
        raise project.fail("locales", "lists a locale twice")
    return locales


def _px_languages(project: _Reader) -> dict[str, str]:
    px_languages = dict(project.table_of("px_languages"))
    for locale, code in px_languages.items():
        if not isinstance(code, str) or not code:
            raise project.fail("px_languages", f"maps {locale!r} to {code!r}; give a PX language code string")
    return px_languages


def _xliff_version(export: _Reader) -> str:
    version = str(export.get("version", (str, float), "2.0"))
    if version not in XLIFF_VERSIONS:
        raise export.fail("version", f"is {version!r}; PX exports XLIFF 1.2 or 2.0")
    return version


def _kinds(export: _Reader) -> tuple[str, ...]:
    kinds = export.strings("kinds", KIND_NAMES)
    for kind in kinds:
        if kind not in KIND_NAMES:
            raise export.fail("kinds", f"has {kind!r}; use {', '.join(KIND_NAMES)}")
    return kinds


def _engagement_types(export: _Reader) -> tuple[str, ...]:
    engagement_types = tuple(value.upper() for value in export.strings("engagement_types"))
    for value in engagement_types:
        if value not in ENGAGEMENT_TYPES and not _SURVEY_TYPE.match(value):
            raise export.fail(
                "engagement_types",
                f"has {value!r}, which PX does not document; use {', '.join(ENGAGEMENT_TYPES)} or IN_APP_<name>_SURVEY",
            )
    return engagement_types


def _product_id(export: _Reader) -> str | None:
    """``export.product_id``: PX ids are strings, but a bare number in the file means the same id."""
    value = export.get("product_id", (str, int), None)
    return None if value is None else str(value)


def _content(top: _Reader, path: Path) -> tuple[ContentEntry, ...]:
    content = []
    for index, entry in enumerate(top.get("content", list, [])):
        if not isinstance(entry, dict):
            raise top.fail("content", "must be an array of tables: [[content]] id = \"...\" type = \"GUIDE\"")
        reader = _Reader(entry, f"content[{index}]", path, {"id", "type"})
        entry_type = reader.require("type", str).upper()
        if entry_type not in CONTENT_TYPES:
            raise reader.fail("type", f"is {entry_type!r}; use one of {', '.join(CONTENT_TYPES)}")
        content.append(ContentEntry(str(reader.require("id", (str, int))), entry_type))
    return tuple(content)


def _on_error(push: _Reader) -> str:
    on_error = push.get("on_error", str, "skip")
    if on_error not in ("skip", "abort"):
        raise push.fail("on_error", "must be 'skip' (skip files with errors) or 'abort' (send nothing)")
    return on_error


def _validate_settings(validate: _Reader, path: Path) -> ValidateSettings:
    severity = dict(validate.table_of("severity"))
    for code, level in severity.items():
        if level not in ("error", "warning", "off"):
            raise validate.fail(f"severity.{code}", "must be 'error', 'warning' or 'off'")
    return ValidateSettings(validate.strings("select"), validate.strings("ignore"), severity, _glossary(validate, path))


def _glossary(validate: _Reader, path: Path) -> Path | None:
    """``[validate] glossary``, relative to the config file; a .tbx or .csv name."""
    value = validate.get("glossary", str, None)
    if value is None:
        return None
    if not value.lower().endswith((".tbx", ".csv")):
        raise validate.fail("glossary", f"is {value!r}; name a TBX (.tbx) or CSV (.csv) glossary")
    return (path.parent / value).resolve()


def _directory(project: _Reader, folder: Path) -> tuple[Path, Path | None]:
    """``project.directory``, absolute (a directory to be, or already; never a file nor inside git's own), and
    the first symbolic link on the way from ``folder`` (the config's) down to it, itself included.

    Only what lies below the config's folder is the repository's own, where a committed link could
    point anywhere; a directory outside it (absolute, or up through ``..``) is the user's to place."""
    raw = project.get("directory", str, "l10n")
    directory = (folder / raw).resolve()
    if ".git" in Path(raw).parts or ".git" in directory.parts:
        raise ConfigError(f"project.directory = {raw!r} is inside git's own .git directory; pick a folder of the work "
                          "tree, such as \"l10n\"")
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"project.directory = {raw!r} is a file ({directory}), not a directory; pick a folder, such as \"l10n\"")
    return directory, first_link(folder, Path(os.path.normpath(folder / raw)))


def _parse(raw: Mapping[str, Any], path: Path) -> Settings:
    """The settings, one named step per key or table; the first problem found stops the load."""
    t = _tables(raw, path)
    prune_max_share = t.pull.number("prune_max_share", 0.1, lambda v: 0 <= v <= 1, "must be a share between 0 and 1 (0.1 = 10% of a kind's items)")
    region = _region(t.px)
    timeout, connect_timeout, call_deadline, run_deadline = (_seconds(t.px, key) for key in ("timeout", *_TIME_KEYS))
    source_locale = _locale(t.project, "source_locale", t.project.require("source_locale", str))
    directory, directory_link = _directory(t.project, path.parent)
    return Settings(
        path=path,
        source_locale=source_locale,
        locales=_target_locales(t.project, source_locale),
        directory=directory,
        directory_link=directory_link,
        region=region,
        base_url=_base_url(t.px, region),
        api_key_env=_api_key_env(t.px),
        rate_limit=t.px.number("rate_limit", 190.0, lambda v: 0 < v <= 10_000, "must be a number of requests per second above 0"),
        concurrency=t.px.integer("concurrency", 32, lambda v: 1 <= v <= 256, "must be between 1 and 256"),
        timeout=timeout,
        connect_timeout=connect_timeout,
        call_deadline=call_deadline,
        run_deadline=run_deadline,
        retries=t.px.integer("retries", 6, lambda v: v >= 0, "must be 0 or more"),
        backoff=t.px.number("backoff", 0.5, lambda v: 0 <= v <= 60, "must be between 0 and 60 seconds"),
        ca_bundle=_ca_bundle(t.px, path),
        px_languages=_px_languages(t.project),
        xliff_version=_xliff_version(t.export),
        strategy=t.export.get("strategy", str, None),
        translated=t.export.get("translated", bool, True),
        draft=t.export.get("draft", bool, False),
        kc_version=t.export.get("kc_version", str, "v1"),
        kinds=_kinds(t.export),
        product_id=_product_id(t.export),
        engagement_types=_engagement_types(t.export),
        content=_content(t.top, path),
        push_on_error=_on_error(t.push),
        prune_max_share=prune_max_share,
        validate=_validate_settings(t.validate, path),
    )


STARTER = """\
# pxl10n configuration. Paths are relative to this file.
# The PX API key is NEVER stored here: export it as the environment variable
# named by px.api_key_env (PX_API_KEY by default).

[px]
region = "US"                         # US | EU | US2: picks the official API URL
# base_url = "http://127.0.0.1:8765"  # overrides region (the emulator, a proxy)
api_key_env = "PX_API_KEY"            # environment variable holding the key
# rate_limit = 190                    # requests per second (PX allows about 200)
# concurrency = 32                    # requests in flight at once
# retries = 6                         # retries on 500s and network errors (429/503 retry until px.call_deadline)
# backoff = 0.5                       # first retry delay in seconds, doubling (Retry-After wins)
# timeout = 30                        # seconds PX may stay silent while answering (read timeout)
# connect_timeout = 10                # seconds to open a connection
# call_deadline = 120                 # seconds for one call, all its retries and a slowly trickling body together
# run_deadline = 3600                 # seconds for every call of one run together
# ca_bundle = "certs/corporate.pem"   # PEM bundle to trust (a TLS-inspecting proxy); HTTPS_PROXY is honoured

[project]
source_locale = "{source}"
locales = [{locales}]           # target locales, as used in paths
directory = "{directory}"                    # where the XLIFF files live (inside a git work tree)

# Locale names in paths -> PX language codes, only where they differ:
# [project.px_languages]
# "zh-Hans" = "zh-CN"

[export]
version = "2.0"                       # XLIFF version: "1.2" or "2.0"
# strategy = "html"                   # segmentation strategy, as PX names it
# translated = true                   # include existing translations
# draft = false                       # engagements: export the draft version
# kc_version = "v1"                   # Knowledge Center bot version
# kinds = ["engagement", "kcbot", "article", "content"]
# product_id = "..."                  # only articles / KC bots of this product
# engagement_types = ["IN_APP_GUIDE"] # only these engagement types

# Content Library entries cannot be listed by the API: name them here.
# [[content]]
# id = "..."
# type = "GUIDE"

# [validate]
# select = ["XLF", "QA", "PX"]
# ignore = ["QA301"]
# glossary = "terms.tbx"              # TM102: approved translations of terms (TBX, or CSV: "terms-{{locale}}.csv")
# [validate.severity]
# QA104 = "error"

# [push]
# on_error = "skip"                   # skip files with validation errors, or "abort"

# [pull]
# prune_max_share = 0.1               # a pull removes files of items PX no longer lists, but never
                                      # more than this share of a kind without `pull --prune-all`
"""


def starter_text(source_locale: str = "en-US", locales: tuple[str, ...] = ("fr-FR", "de-DE"), directory: str = "l10n") -> str:
    """The commented file written by ``pxl10n init``."""
    return STARTER.format(source=source_locale, locales=", ".join(f'"{locale}"' for locale in locales), directory=directory)
