"""``pxl10n doctor``: check a setup before the first pull, one finding and one fix per problem.

What ``crowdin config lint`` and ``tx init``'s credential check do, for PX: the
config is read and checked, git is asked whether it can take a pull's commit and
whether this clone merges the state file with its driver, the key is looked up in the environment, then one
cheap call each proves the region / base URL answers like PX and the key may
Read (a one-item listing) and Write (an import of an XLIFF with no item id, which
PX refuses with 433 *after* checking the permission, so nothing can change), and
the subscription's languages are compared with ``project.locales`` (when PX lists
them), and finally the listings say what a pull would cover. Every check is a frozen
:class:`Check`; nothing here prints.
"""

from __future__ import annotations

import enum
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pxl10n.config import CONFIG_NAME, REGIONS, Settings, load
from pxl10n.console import Console
from pxl10n.errors import AuthError, ConfigError, GitMissingError, PXError, Pxl10nError, StateError, TransportError
from pxl10n.fsutil import refuse_links
from pxl10n.layout import STATE_NAME, written_paths
from pxl10n.px.client import CallContext, PXClient, masked_proxy, proxy_for
from pxl10n.px.kinds import KINDS
from pxl10n.sync import git as gitops
from pxl10n.sync.listing import list_items, pulled_kinds
from pxl10n.sync.mergestate import DRIVER
from pxl10n.sync.selection import require_locale_directories
from pxl10n.sync.state import read_entries

#: an import PX must refuse (no item id: 433) once the key's Write permission is checked
WRITE_PROBE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR"/>\n'
)
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


class Outcome(enum.Enum):
    """How one check went; PROBLEM makes doctor exit non-zero, WARNING only with --strict."""

    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    """One line of the diagnosis: what was checked, what was found, and how to fix it."""

    name: str
    outcome: Outcome
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "outcome": self.outcome.value, "detail": self.detail, "fix": self.fix}


#: problems in these checks are configuration errors (exit 2, as pull and push stop on a bad state file), the others
#: failed work (exit 1)
CONFIG_CHECKS = frozenset({"config", "state", "key"})


@dataclass(frozen=True)
class Diagnosis:
    """Every check, in the order run, and the config file they are about."""

    config: str | None
    checks: tuple[Check, ...]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.checks if c.outcome is outcome)

    def exit_code(self, *, strict: bool = False) -> int:
        problems = [c for c in self.checks if c.outcome is Outcome.PROBLEM or (strict and c.outcome is Outcome.WARNING)]
        if any(c.name in CONFIG_CHECKS for c in problems):
            return 2
        return 1 if problems else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "checks": [c.as_dict() for c in self.checks],
            "problems": self.count(Outcome.PROBLEM),
            "warnings": self.count(Outcome.WARNING),
        }


def diagnose(config_path: Path | None = None, *, write_check: bool = True, console: Console | None = None) -> Diagnosis:
    """Run every check that can run; a failed prerequisite marks the checks after it SKIPPED."""
    try:
        settings = load(config_path)
    except ConfigError as exc:
        fix = "run `pxl10n init` to write one" if "pxl10n init" in str(exc) else f"edit {config_path or CONFIG_NAME} as the message says"
        return Diagnosis(str(config_path) if config_path else None, (Check("config", Outcome.PROBLEM, str(exc), fix),))
    checks = [_config_check(settings), _state_check(settings), *_git_checks(settings), _network_check(settings)]
    try:
        key = settings.api_key()
    except ConfigError as exc:
        checks.append(Check("key", Outcome.PROBLEM, exc.message, f"export {settings.api_key_env}=<key> (PX Administration > REST API); never put it in {CONFIG_NAME}"))
        checks += [Check(name, Outcome.SKIPPED, "needs the key") for name in ("read", "write", "languages", "coverage")]
        return Diagnosis(str(settings.path), tuple(checks))
    checks.append(Check("key", Outcome.OK, f"found in ${settings.api_key_env}"))
    try:
        client = PXClient(settings.base_url, key, rate_limit=min(settings.rate_limit, 20.0), concurrency=2, timeout=min(settings.timeout, 15.0),
                          retries=1, backoff=0.2, retry_budget=15.0, ca_bundle=str(settings.ca_bundle) if settings.ca_bundle else None)
    except ConfigError as exc:  # a proxy or CA bundle no connection can be made with
        checks = [Check("network", Outcome.PROBLEM, exc.message, exc.hint or "fix the proxy and certificate settings")
                  if check.name == "network" else check for check in checks]
        checks += [Check(name, Outcome.SKIPPED, "needs a usable network route") for name in ("read", "write", "languages", "coverage")]
        return Diagnosis(str(settings.path), tuple(checks))
    with client:
        read = _read_check(client, settings)
        checks.append(read)
        if read.outcome is not Outcome.OK:
            checks += [Check(name, Outcome.SKIPPED, "needs a working Read call") for name in ("write", "languages", "coverage")]
            return Diagnosis(str(settings.path), tuple(checks))
        checks.append(_write_check(client, settings) if write_check else Check("write", Outcome.SKIPPED, "--no-write-check"))
        checks.append(_languages_check(client, settings))
        checks.append(_coverage_check(client, settings, console or Console(quiet=True)))
    return Diagnosis(str(settings.path), tuple(checks))


# --------------------------------------------------------------------------- offline checks


def _config_check(settings: Settings) -> Check:
    where = "base_url " + settings.base_url if settings.base_url != REGIONS.get(settings.region) else f"region {settings.region}"
    try:
        refuse_links(settings.directory, "pxl10n", settings.directory_link)
    except ConfigError as exc:
        return Check("config", Outcome.PROBLEM, exc.message, exc.hint or "replace the link with the real directory")
    try:
        require_locale_directories(settings)
    except ConfigError as exc:
        return Check("config", Outcome.PROBLEM, exc.message, exc.hint or "rename the directory")
    return Check(
        "config", Outcome.OK,
        f"{settings.path}: {settings.source_locale} -> {', '.join(settings.locales)}; XLIFF {settings.xliff_version}; "
        f"directory {settings.directory}; {where}",
    )


def _state_check(settings: Settings) -> Check:
    """The state file reads cleanly, in a format this pxl10n knows, and how many entries keep their units as pulled
    (an entry of a pxl10n before state format 3 keeps none until a pull or push records its copy again)."""
    path = settings.directory / STATE_NAME
    try:
        entries = read_entries(path)
    except StateError as exc:
        return Check("state", Outcome.PROBLEM, exc.message, exc.hint or "the message says how; nothing is lost either way")
    if not path.exists():
        return Check("state", Outcome.OK, f"no {STATE_NAME} yet: the first pull writes it")
    older = sum(1 for entry in entries.values() if entry.pulled is not None and entry.pulled_units is None)
    said = f"; {older} written by an older pxl10n keep no units as pulled until the next pull records them" if older else ""
    return Check("state", Outcome.OK, f"{path}: {len(entries)} entries{said}")


def _git_checks(settings: Settings) -> list[Check]:
    """The work tree, whether git can take a pull's commit now, and whether the state file merges per entry."""
    with gitops.work_tree(settings.directory) as repo:
        return _work_tree_checks(settings, repo)


def _work_tree_checks(settings: Settings, repo: Any) -> list[Check]:
    if repo is None:
        return [Check("git", Outcome.WARNING, f"{settings.directory} is not inside a git work tree: pull writes files but commits nothing",
                      f"run `git init` in {settings.root} (or pass --no-commit knowingly)")]
    try:
        gitops.require_git(repo)
    except GitMissingError as exc:
        return [Check("git", Outcome.PROBLEM, str(exc).partition("; ")[0], "install git (pull and push commit with it)")]
    written = written_paths(settings.directory, settings.locales, pulled_kinds(settings, settings.kinds))
    problem = gitops.unfinished(repo, "pxl10n pull") or gitops.ignored(repo, written, "pxl10n pull")
    if problem:
        detail, _, fix = problem.partition("; ")
        git = Check("git", Outcome.PROBLEM, detail, fix)
    else:
        git = Check("git", Outcome.OK, f"{settings.directory} is inside a git work tree")
    return [git, _merge_check(repo, settings)]


def _merge_check(repo: Any, settings: Settings) -> Check:
    """git config is not cloned: a clone with the .gitattributes line but no driver merges the state file as text."""
    state = os.path.relpath(settings.directory / STATE_NAME, repo.working_tree_dir)
    attribute = repo.git.check_attr("merge", "--", state).rpartition(": ")[2].strip()
    configured = gitops.configured(repo, f"merge.{DRIVER}.driver")
    if attribute == DRIVER and configured:
        return Check("merge", Outcome.OK, f"the state file merges entry by entry (git merge driver {DRIVER})")
    fix = "run `pxl10n merge-state --install` in this clone (once per clone: git config is not cloned), commit .gitattributes"
    if attribute == DRIVER:
        return Check("merge", Outcome.WARNING, f".gitattributes names the merge driver {DRIVER}, but this clone's git config does not "
                     "define it: a merge of two syncs falls back to text and may leave conflict markers in the state file", fix)
    return Check("merge", Outcome.WARNING, "the state file merges as plain text: two syncs that touch one file's entry leave "
                 "conflict markers (`pxl10n merge-state --repair` fixes them)", fix)


def _network_check(settings: Settings) -> Check:
    proxy = proxy_for(settings.base_url)
    named = next(((v, os.environ[v]) for v in PROXY_VARIABLES if os.environ.get(v)), None)
    if proxy:
        route = f"through the proxy {masked_proxy(proxy)} (NO_PROXY exempts hosts)"
    elif named:
        route = f"direct: {named[0]} {masked_proxy(named[1])} does not apply to {settings.base_url} (NO_PROXY, or another scheme)"
    else:
        route = "direct (no HTTPS_PROXY)"
    if settings.ca_bundle:
        trust = f"certificates from px.ca_bundle {settings.ca_bundle}"
    elif os.environ.get("SSL_CERT_FILE"):
        trust = f"certificates from SSL_CERT_FILE {os.environ['SSL_CERT_FILE']}"
    else:
        trust = "the certifi certificate bundle"
    return Check("network", Outcome.OK, f"{settings.base_url} {route}; trusting {trust}")


# --------------------------------------------------------------------------- PX checks


def _region_fix(settings: Settings) -> str:
    others = ", ".join(f'{name} ({url})' for name, url in REGIONS.items() if url != settings.base_url)
    return (f"check the key in ${settings.api_key_env}; a key works only in its own PX region: this config asks "
            f"{settings.base_url}; set px.region to the region of your subscription ({others}) or fix px.base_url")


def _listable(settings: Settings) -> str | None:
    return next((k for k in settings.kinds if KINDS[k].list_path), None)


def _read_check(client: PXClient, settings: Settings) -> Check:
    kind_name = _listable(settings) or "engagement"
    kind = KINDS[kind_name]
    try:
        data = client.get_json(kind.list_path or "", CallContext(f"listing {kind_name}s"), {"pageSize": 1, "pageNumber": 0})
    except AuthError as exc:
        if exc.status == 403:
            return Check("read", Outcome.PROBLEM, f"the key lacks the Read permission ({exc.message})",
                         "give the key Read permission in PX Administration > REST API (pull and status need it)")
        return Check("read", Outcome.PROBLEM, f"PX refused the key at {settings.base_url} (401)", _region_fix(settings))
    except TransportError as exc:
        tls = "certificate" in str(exc).lower() or "ssl" in str(exc).lower()
        fix = ("trust your proxy's certificate with px.ca_bundle (or SSL_CERT_FILE)" if tls
               else f"check px.region / px.base_url ({settings.base_url}), the network, and HTTPS_PROXY if you need a proxy")
        return Check("read", Outcome.PROBLEM, f"cannot reach PX at {settings.base_url}: {exc.message}", fix)
    except PXError as exc:
        return Check("read", Outcome.PROBLEM, f"{settings.base_url} does not answer like the PX API: {exc.message}",
                     "px.base_url must be the API root (for example https://api.aptrinsic.com), not the PX web app")
    if not isinstance(data, dict) or kind.list_field not in data:
        return Check("read", Outcome.PROBLEM, f"{settings.base_url} answered a {kind_name} listing without {kind.list_field!r}",
                     "px.base_url must be the API root (for example https://api.aptrinsic.com), not the PX web app")
    return Check("read", Outcome.OK, f"the key may Read at {settings.base_url} (one {kind_name} listing)")


def _write_check(client: PXClient, settings: Settings) -> Check:
    try:
        status = client.import_file(KINDS["article"], "", WRITE_PROBE, "pxl10n-doctor-probe.xlf", {})
    except AuthError as exc:
        if exc.status == 403:
            return Check("write", Outcome.WARNING, "the key lacks the Write permission: `pxl10n push` will be refused (fine for a pull-only key)",
                         "give the key Write permission in PX Administration > REST API, or use a second key for push")
        return Check("write", Outcome.PROBLEM, f"PX refused the key on an import (401) at {settings.base_url}", _region_fix(settings))
    except TransportError as exc:
        return Check("write", Outcome.PROBLEM, f"the import probe did not get through: {exc.message}", "re-run doctor; check the network")
    except PXError as exc:
        return Check("write", Outcome.OK, f"the key may Write (PX checked the permission, then refused the empty probe file with {exc.status})")
    return Check("write", Outcome.WARNING, f"PX accepted an import with no item id ({status}); Write works, but this is not what PX documents",
                 "nothing to fix in pxl10n; tell us what your PX answered")


def _languages_check(client: PXClient, settings: Settings) -> Check:
    """project.locales against the subscription's languages, when PX lists them (the field is not documented)."""
    try:
        data = client.get_json("/v1/admin/subscription", CallContext("reading the subscription"))
    except PXError as exc:
        return Check("languages", Outcome.SKIPPED, f"the subscription could not be read ({exc.message})")
    allowed = data.get("allowedLanguages") if isinstance(data, dict) else None
    if not isinstance(allowed, list) or not allowed:
        return Check("languages", Outcome.SKIPPED, "PX did not list the subscription's languages")
    missing = [loc for loc in settings.locales if settings.px_language(loc) not in allowed]
    if missing:
        shown = ", ".join(f"{loc} (PX code {settings.px_language(loc)})" if settings.px_language(loc) != loc else loc for loc in missing)
        return Check("languages", Outcome.PROBLEM, f"not enabled in the PX subscription: {shown}; a push of those files is refused (434)",
                     "enable the language in PX (Administration > Localization), map it in [project.px_languages], or remove it from project.locales")
    default = data.get("defaultLanguage")
    if isinstance(default, str) and default and default != settings.px_language(settings.source_locale):
        return Check("languages", Outcome.WARNING, f"project.source_locale is {settings.source_locale} but the subscription's default language is {default}",
                     f"set project.source_locale = \"{default}\" unless your items really are written in {settings.source_locale}")
    return Check("languages", Outcome.OK, f"{', '.join(settings.locales)} enabled in the PX subscription")


def _coverage_check(client: PXClient, settings: Settings, console: Console) -> Check:
    try:
        items = [item for listed in list_items(client, settings, settings.kinds, console).values() for item in listed]
    except Pxl10nError as exc:
        return Check("coverage", Outcome.PROBLEM, f"listing what a pull would cover failed: {exc}", "re-run with -v; check the key's Read permission")
    localizable = [i for i in items if i.localizable]
    per_kind = Counter(i.kind for i in localizable)
    same = sum(1 for i in localizable for loc in settings.locales if i.default_language and i.default_language == settings.px_language(loc))
    files = len(localizable) * len(settings.locales) - same
    kinds = ", ".join(f"{per_kind[k]} {k}(s)" for k in settings.kinds) or "no kind"
    notes = []
    if len(items) > len(localizable):
        notes.append(f"{len(items) - len(localizable)} email engagement(s) skipped")
    if same:
        notes.append(f"{same} item x locale pair(s) skipped: the locale is the item's default language")
    if "content" in settings.kinds and not settings.content:
        notes.append("no [[content]] entries configured (PX cannot list them)")
    detail = f"a pull would export {files} file(s): {kinds} x {len(settings.locales)} locale(s)" + (f"; {'; '.join(notes)}" if notes else "")
    if not localizable:
        return Check("coverage", Outcome.WARNING, detail, "check export.kinds, export.product_id and export.engagement_types")
    return Check("coverage", Outcome.OK, detail)


# --------------------------------------------------------------------------- output


def render_text(diagnosis: Diagnosis) -> str:
    """One line per check, a ``fix:`` line under each problem or warning, and a summary."""
    lines = [f"pxl10n doctor: {diagnosis.config or CONFIG_NAME}"]
    for check in diagnosis.checks:
        lines.append(f"  {check.outcome.value:<8} {check.name:<9} {check.detail}")
        if check.fix and check.outcome in (Outcome.PROBLEM, Outcome.WARNING):
            lines.append(f"  {'':<8} {'':<9} fix: {check.fix}")
    problems, warnings = diagnosis.count(Outcome.PROBLEM), diagnosis.count(Outcome.WARNING)
    lines.append("everything checks out" if not problems and not warnings else f"{problems} problem(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"
