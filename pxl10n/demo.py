"""`pxl10n demo`: the whole round trip, offline, as a guided tour.

Starts the embedded PX emulator on loopback, makes a git repository in a temp
directory, and runs what a team would: pull, translate one locale (with
pseudo-translations), validate, push, pull again to show nothing changed, and
the status table. Every step is a real library call over real HTTP, so the
demo doubles as a smoke test of an installation.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import git

from pxl10n.assets.pseudo import pseudo_translate
from pxl10n.config import load, starter_text
from pxl10n.console import Console
from pxl10n.emulator.server import EmulatorServer
from pxl10n.fsutil import atomic_write
from pxl10n.layout import iter_xliff_files
from pxl10n.px.client import PXClient
from pxl10n.sync.pull import pull
from pxl10n.sync.push import push
from pxl10n.sync.selection import Selection
from pxl10n.sync.status import collect, render_text
from pxl10n.sync.validation import validate_paths

DEMO_KEY = "demo-key-not-a-secret"
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
            with repo.git.custom_environment(GIT_AUTHOR_NAME="pxl10n demo", GIT_AUTHOR_EMAIL="demo@pxl10n.invalid", GIT_COMMITTER_NAME="pxl10n demo", GIT_COMMITTER_EMAIL="demo@pxl10n.invalid"):
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

            step("pxl10n status", "translation progress per locale and kind")
            console.info(render_text(collect(settings)))
            log = repo.git.log("--oneline")
            step("git log", "\n".join(f"    {line}" for line in log.splitlines()))
        ok = first.exit_code == 0 and report.errors == 0 and pushed.exit_code == 0 and second.exit_code == 0 and not second.changed
        landed = len(pushed.landed)
        console.info("")
        console.info(f"demo {'finished' if ok else 'FAILED'}: pulled {len(first.files)} files, pushed {landed}, second pull changed {len(second.changed)}")
        console.info(f"the project is kept in {root}" if keep else "run `pxl10n demo --keep` to keep the project and look around")
        return 0 if ok else 1
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


class _Steps:
    """Numbered headings for the tour."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.number = 0

    def __call__(self, title: str, detail: str) -> None:
        self.number += 1
        self.console.info(f"\n{self.number}. {title}\n   {detail}" if "\n" not in detail else f"\n{self.number}. {title}\n{detail}")
