"""`pxl10n demo`: the whole round trip, offline, as a guided tour.

Starts the embedded PX emulator on loopback, makes a git repository in a temp
directory, and runs what a team would: pull, translate one locale (with
pseudo-translations), validate, push, pull again to show nothing changed; then a
conflict (PX's editor and a vendor change the same unit) that push stops and
``rebase`` settles keeping both; and the status table. Every step is a real library call over real HTTP, so the
demo doubles as a smoke test of an installation.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import git
from lxml import etree

from pxl10n.assets.pseudo import pseudo_translate
from pxl10n.config import Settings, load, starter_text
from pxl10n.console import Console
from pxl10n.emulator.server import EmulatorServer
from pxl10n.fsutil import atomic_write
from pxl10n.layout import iter_xliff_files, key_for
from pxl10n.px.client import PXClient
from pxl10n.sync.pull import pull
from pxl10n.sync.push import push
from pxl10n.sync.rebase import rebase
from pxl10n.sync.selection import Selection
from pxl10n.sync.status import collect, render_text
from pxl10n.sync.validation import validate_paths
from pxl10n.xliff.io import canonical_bytes, parse, read_info
from pxl10n.xliff.segments import iter_segments, write_target

DEMO_KEY = "demo-key-not-a-secret"
_AUTHOR = {"GIT_AUTHOR_NAME": "pxl10n demo", "GIT_AUTHOR_EMAIL": "demo@pxl10n.invalid",
           "GIT_COMMITTER_NAME": "pxl10n demo", "GIT_COMMITTER_EMAIL": "demo@pxl10n.invalid"}
LOCALES = ("fr-FR", "de-DE")


def _config_text(base_url: str, content: list[tuple[str, str]]) -> str:
    text = starter_text("en-US", LOCALES, "l10n").replace('# base_url = "http://127.0.0.1:8765"', f'base_url = "{base_url}"')
    entries = "".join(f'\n[[content]]\nid = "{cid}"\ntype = "{ctype}"\n' for cid, ctype in content)
    return text + entries


def run_demo(console: Console, *, keep: bool = False, translate: str = "fr-FR") -> int:
    """Run the tour; returns the exit code (0 when every step did what it should)."""
    root = Path(tempfile.mkdtemp(prefix="pxl10n-demo-"))
    step = _Steps(console)
    try:
        with EmulatorServer(DEMO_KEY) as server:
            counts = {kind: len(server.store.items(kind)) for kind in ("engagement", "kcbot", "article", "content")}
            step("Start a PX emulator", f"{server.base_url} serves {counts['engagement']} engagements, {counts['kcbot']} KC bots, "
                 f"{counts['article']} articles and {counts['content']} content entries (no key or network needed)")
            repo = git.Repo.init(root)
            content = [(item.id, item.type or "GUIDE") for item in server.store.items("content")]
            (root / "pxl10n.toml").write_text(_config_text(server.base_url, content), encoding="utf-8")
            settings = dataclasses.replace(load(root / "pxl10n.toml"), concurrency=8)
            with repo.git.custom_environment(**_AUTHOR):
                repo.git.add("pxl10n.toml")
                repo.git.commit("-q", "-m", "Add pxl10n.toml")
            step("Create a git repository", f"{root} with pxl10n.toml (source en-US, targets {', '.join(LOCALES)})")

            client = PXClient(server.base_url, DEMO_KEY, concurrency=settings.concurrency)
            with client:
                step("pxl10n pull", "export every item x locale as XLIFF, write canonical files, commit once")
                first = pull(settings, console=console, client=client)

                directory = settings.directory / translate
                files = iter_xliff_files(directory)
                for path in files:
                    atomic_write(path, pseudo_translate(path.read_bytes(), source=str(path)))
                step(f"Translate {translate}", f"fill {len(files)} files with pseudo-translations (placeholders, tags and whitespace kept)")

                report = validate_paths([directory], settings=settings)
                step("pxl10n validate", f"{report.files} files checked: {report.errors} errors, {report.warnings} warnings")
                for finding in [f for f in report.findings if f.severity.value == "error"][:5]:
                    console.info(f"    {finding.path}:{finding.line}: {finding.code} {finding.message}")

                step("pxl10n push", f"import the changed {translate} files into PX (validated first), then commit the state file")
                pushed = push(settings, Selection(locales=(translate,)), console=console, client=client)

                step("pxl10n pull (again)", "PX now holds the translations; nothing should change")
                second = pull(settings, console=console, client=client)

                settled = _conflict_and_rebase(server, repo, settings, files, step, console, client)

            step("pxl10n status", "translation progress per locale and kind")
            console.info(render_text(collect(settings)))
            log = repo.git.log("--oneline")
            step("git log", "\n".join(f"    {line}" for line in log.splitlines()))
        ok = (first.exit_code == 0 and report.errors == 0 and pushed.exit_code == 0 and second.exit_code == 0 and not second.changed
              and settled)
        landed = len(pushed.landed)
        console.info("")
        console.info(f"demo {'finished' if ok else 'FAILED'}: pulled {len(first.files)} files, pushed {landed}, second pull changed {len(second.changed)}, "
                     f"conflict {'settled by rebase' if settled else 'NOT settled'}")
        console.info(f"the project is kept in {root}" if keep else "run `pxl10n demo --keep` to keep the project and look around")
        return 0 if ok else 1
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _conflict_and_rebase(server: EmulatorServer, repo: git.Repo, settings: Settings, files: list[Path], step: _Steps,
                         console: Console, client: PXClient) -> bool:
    """PX's editor and a vendor change the same unit: push stops, rebase keeps both, a review settles it; True when
    PX ends with the vendor's other edit and its own fix, as it should."""
    path, (first, second) = next((p, plain[:2]) for p in files if len(plain := _plain_units(p)) >= 2)
    key = key_for(settings.directory, path)
    assert key is not None
    sources = {u.id: u.source for u in read_info(parse(path.read_bytes())).units}
    fix, edit = f"[PX] {sources[first]}", f"[vendor] {sources[second]}"
    server.store.apply_import(key.kind, key.item_id, key.locale, {first: fix})
    _set_targets(path, {first: f"[vendor] {sources[first]}", second: edit})
    _commit(repo, path, "vendor: two units edited")
    step("A conflict", f"meanwhile someone fixed unit {first} in PX's editor; a vendor changed it too, and unit {second}")
    stopped = push(settings, Selection(locales=(key.locale,)), console=console, client=client)
    step("pxl10n rebase", "PX's copy now, the vendor's edits put back: the unit both changed is kept for review")
    rebased = rebase(settings, Selection(locales=(key.locale,)), console=console, client=client)
    _set_targets(path, {first: None})
    _commit(repo, path, "review: keep PX's fix")
    step("Review, then pxl10n push", f"the reviewer keeps PX's fix (empties {first}); the vendor's {second} goes to PX")
    settled = push(settings, Selection(locales=(key.locale,)), console=console, client=client)
    held = server.store.translations(key.kind, key.item_id, key.locale)
    return ([f.status.value for f in stopped.files if f.key == key] == ["conflict"] and rebased.exit_code == 0
            and settled.exit_code == 0 and held.get(first) == fix and held.get(second) == edit)


def _plain_units(path: Path) -> list[str]:
    """The units of a file whose source is one short plain phrase (no markup, placeholder or outer space)."""
    return [u.id for u in read_info(parse(path.read_bytes())).units
            if u.id and u.source and u.source == u.source.strip() and not any(c in u.source for c in "<>{}%$\n")]


def _set_targets(path: Path, texts: dict[str, str | None]) -> None:
    """Give units of a 2.0 file a translated target (None: an empty one), as a CAT tool would."""
    tree = parse(path.read_bytes())
    for segment in iter_segments(tree):
        if segment.unit_id in texts:
            content = etree.Element("content")
            content.text = texts[segment.unit_id]
            write_target(segment, content)
            segment.container.set("state", "translated" if content.text else "initial")
    atomic_write(path, canonical_bytes(tree))


def _commit(repo: git.Repo, path: Path, message: str) -> None:
    with repo.git.custom_environment(**_AUTHOR):
        repo.git.add(str(path))
        repo.git.commit("-q", "-m", message)


class _Steps:
    """Numbered headings for the tour."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.number = 0

    def __call__(self, title: str, detail: str) -> None:
        self.number += 1
        self.console.info(f"\n{self.number}. {title}\n   {detail}" if "\n" not in detail else f"\n{self.number}. {title}\n{detail}")
