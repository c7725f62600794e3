"""The command line: click only.

Each command parses its options, resolves :class:`~pxl10n.config.Settings`, makes
one library call and turns the result into an exit code. All user-facing errors
are :class:`~pxl10n.errors.Pxl10nError`; they are caught once, in :func:`main`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pxl10n import __version__
from pxl10n.config import Settings, load, starter_text
from pxl10n.console import Console, redacted_stdio, setup_logging
from pxl10n.errors import ConfigError, Pxl10nError
from pxl10n.fsutil import describe_os_error
from pxl10n.ghactions import write_outputs, write_summary
from pxl10n.px import interrupt

if TYPE_CHECKING:
    from pxl10n.sync.session import Selection

KIND_CHOICE = click.Choice(["engagement", "kcbot", "article", "content"])


@dataclasses.dataclass
class AppContext:
    """What the group passes to every command."""

    config_path: Path | None
    console: Console

    def settings(self, **overrides: Any) -> Settings:
        """Load the config (found or given) and apply command-line overrides."""
        settings = load(self.config_path)
        return dataclasses.replace(settings, **overrides) if overrides else settings


pass_app = click.make_pass_decorator(AppContext)


def selection_options(*, ids: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add --kind/--id/--locale and hand the command one ``selection`` argument."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, kinds: tuple[str, ...], locales: tuple[str, ...], ids: tuple[str, ...] = (), **kwargs: Any) -> Any:
            from pxl10n.sync.session import Selection

            return command(*args, selection=Selection(kinds, ids, locales), **kwargs)

        wrapper = click.option("--locale", "locales", multiple=True, help="Only this target locale (repeat).")(wrapper)
        if ids:
            wrapper = click.option("--id", "ids", multiple=True, help="Only this item id (repeat).")(wrapper)
        return click.option("--kind", "kinds", multiple=True, type=KIND_CHOICE, help="Only this kind (repeat).")(wrapper)

    return decorate


class Pxl10nGroup(click.Group):
    """Turns Pxl10nError into a one-line message and its exit code, and int results into exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        with redacted_stdio(), interrupt.handling():
            try:
                result = super().invoke(ctx)
            except Pxl10nError as exc:
                click.echo(f"error: {exc}", err=True)
                ctx.exit(exc.exit_code)
            except KeyboardInterrupt:
                click.echo("interrupted; re-run the same command to finish", err=True)
                ctx.exit(130)
            except OSError as exc:
                click.echo(f"error: {describe_os_error(exc)}", err=True)
                ctx.exit(2)
            except (click.exceptions.Exit, click.ClickException, click.Abort):
                raise
            except Exception as exc:
                if isinstance(ctx.obj, AppContext) and ctx.obj.console.verbosity >= 2:
                    traceback.print_exc()
                click.echo(f"error: internal error {type(exc).__name__}: {exc} (run with -vv for the traceback; please report it)", err=True)
                ctx.exit(1)
        if isinstance(result, int) and result:
            ctx.exit(result)
        return result


@click.group(cls=Pxl10nGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pxl10n")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="Path to pxl10n.toml (default: nearest in this or a parent directory).")
@click.option("-v", "--verbose", count=True, help="More detail; repeat for debug logs (the API key is always redacted).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: int, quiet: bool) -> None:
    """Pull, validate and push Gainsight PX localization (XLIFF) with git."""
    console = Console(verbose, quiet)
    setup_logging(-1 if quiet else verbose, console)
    ctx.obj = AppContext(config_path, console)


@cli.command()
@click.option("--source-locale", default="en-US", show_default=True, help="The PX default language.")
@click.option("--locale", "locales", multiple=True, help="A target locale (repeat). Default: fr-FR and de-DE.")
@click.option("--directory", default="l10n", show_default=True, help="Where the XLIFF files will live.")
@click.option("--force", is_flag=True, help="Overwrite an existing pxl10n.toml.")
@pass_app
def init(app: AppContext, source_locale: str, locales: tuple[str, ...], directory: str, force: bool) -> None:
    """Write a commented pxl10n.toml in the current directory."""
    target = app.config_path or Path("pxl10n.toml")
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists; use --force to overwrite it")
    target.write_text(starter_text(source_locale, locales or ("fr-FR", "de-DE"), directory), encoding="utf-8")
    app.console.info(f"wrote {target}; set PX_API_KEY in your environment, then run `pxl10n pull`")
    from pxl10n.sync import git as gitops
    from pxl10n.sync.mergestate import install

    repo = gitops.find_repo(target.resolve().parent)
    if repo is not None and repo.working_tree_dir:
        rel = Path(directory) if Path(directory).is_absolute() else (target.resolve().parent / directory)
        for line in install(Path(repo.working_tree_dir), Path(os.path.relpath(rel, repo.working_tree_dir)).as_posix()):
            app.console.info(line)


@cli.command("merge-state")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--repair", "repair_path", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Rewrite a state file holding conflict markers, keeping every entry of both sides.")
@click.option("--install", "install_driver", is_flag=True, help="Wire the merge driver into .gitattributes and this repository's git config.")
@pass_app
def merge_state(app: AppContext, files: tuple[Path, ...], repair_path: Path | None, install_driver: bool) -> None:
    """Merge pxl10n-state.json without conflicts (git merge driver: BASE OURS THEIRS)."""
    from pxl10n.sync import mergestate

    if repair_path is not None:
        count = mergestate.repair(repair_path)
        app.console.info(f"repaired {repair_path}: {count} entries kept; review with git diff, then git add it")
        return
    if install_driver:
        settings = app.settings()
        from pxl10n.sync import git as gitops

        repo = gitops.find_repo(settings.directory)
        if repo is None or not repo.working_tree_dir:
            raise ConfigError(f"{settings.directory} is not inside a git work tree")
        for line in mergestate.install(Path(repo.working_tree_dir), Path(os.path.relpath(settings.directory, repo.working_tree_dir)).as_posix()):
            app.console.info(line)
        return
    if len(files) != 3:
        raise ConfigError("merge-state takes BASE OURS THEIRS (as git's %O %A %B), or --repair PATH, or --install")
    mergestate.merge_files(*files)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes, comma-separated (XLF, QA1, PX101). Replaces [validate].select.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these codes or prefixes, comma-separated; wins over --select. Replaces [validate].ignore.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "junit", "markdown"]), default="text", show_default=True, help="Output format; machine formats alone on stdout (junit: a test case per file, a failure per error, warnings in system-out; markdown: only with --list-rules).")
@click.option("--explain", metavar="CODE", help="Print a rule's title, severity and explanation, then exit.")
@click.option("--list-rules", is_flag=True, help="List every rule (code, severity, title); --format json for JSON, --format markdown for the rule reference (docs/rules.md).")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes to use for many files (default: all cores).")
@pass_app
def validate(app: AppContext, paths: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...], fmt: str, explain: str | None, list_rules: bool, jobs: int | None) -> int:
    """Check XLIFF files (default: the configured directory; any path works without a config).

    Exit 0 when no error remains (warnings allowed), 1 on errors, 2 on usage errors.
    """
    from pxl10n.config import find_config
    from pxl10n.sync.validation import validate_paths
    from pxl10n.validate import registry, report

    if list_rules:
        click.echo(report.list_rules(fmt), nl=False)
        return 0
    if fmt == "markdown":
        raise ConfigError("--format markdown goes with --list-rules (the rule reference); findings use text, json, github or junit")
    if explain:
        rule = registry.RULES.get(explain.strip().upper())
        if rule is None:
            raise ConfigError(f"--explain: unknown rule code {explain!r} (see `pxl10n validate --list-rules`)")
        click.echo(report.explain(rule), nl=False)
        return 0
    settings = load(app.config_path) if app.config_path or find_config() else None
    result = validate_paths(paths, settings=settings, select=select, ignore=ignore, jobs=jobs)
    click.echo(report.render(result, fmt, color=report.use_color()), nl=False)
    if fmt != "text":
        app.console.info(report.summary_line(result))
    write_outputs({"files": result.files, "errors": result.errors, "warnings": result.warnings})
    return 1 if result.errors else 0


def _emit_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@cli.command()
@selection_options()
@click.option("--no-commit", is_flag=True, help="Write files but do not commit.")
@click.option("--dry-run", is_flag=True, help="Export and compare, but write and commit nothing.")
@click.option("--branch", help="Commit on this branch (created from HEAD when new).")
@click.option("--prune-all", is_flag=True, help="Remove the files of every item PX no longer lists, even more than pull.prune_max_share of a kind.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Summary format on stdout.")
@pass_app
def pull(app: AppContext, selection: Selection, no_commit: bool, dry_run: bool, branch: str | None, prune_all: bool, fmt: str) -> int:
    """Export every item x target locale from PX into the l10n directory and commit.

    Files of items PX no longer lists are removed (listed in the summary and in
    --dry-run), never a person's edit, never on an empty listing, and never more
    than pull.prune_max_share of a kind without --prune-all.
    """
    from pxl10n.sync.pull import pull as run_pull

    result = run_pull(app.settings(), selection, console=app.console, dry_run=dry_run, commit=not no_commit, branch=branch, prune_all=prune_all)
    summary = result.as_dict()
    if fmt == "json":
        _emit_json(summary)
    write_outputs({"files-changed": len(result.changed), "failed": summary["files"]["failed"] + len(result.failures), "commit": result.commit or ""})
    return result.exit_code


@cli.command()
@selection_options()
@click.option("--dry-run", is_flag=True, help="Show what would be sent and why, and what validation would block; send and write nothing.")
@click.option("--force", is_flag=True, help="Send every selected file, changed or not.")
@click.option("--no-commit", is_flag=True, help="Update the state file and files but do not commit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Result table (text) or one JSON object on stdout.")
@pass_app
def push(app: AppContext, selection: Selection, dry_run: bool, force: bool, no_commit: bool, fmt: str) -> int:
    """Validate, then import into PX the files changed since they were last pulled or pushed.

    Files with validation errors are skipped (push.on_error = "skip") or stop the
    whole push ("abort"). Landed files are recorded as pushed and refreshed from
    PX; re-running sends only what is left. Exit 1 when any selected file was not
    pushed (blocked, refused by PX, failed, or never pulled).
    """
    from pxl10n.sync.push import push as run_push
    from pxl10n.sync.push import render_table

    result = run_push(app.settings(), selection, console=app.console, dry_run=dry_run, force=force, commit=not no_commit)
    if fmt == "json":
        _emit_json(result.as_dict())
    elif app.console.verbosity >= 0:
        click.echo(render_table(result), nl=False)
    write_outputs({"pushed": len(result.landed), "failed": len(result.failed), "commit": result.commit or ""})
    return result.exit_code


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True, help="Table (text), JSON, or Markdown for PR comments and job summaries.")
@click.option("--remote", is_flag=True, help="Also ask PX which items it counts as translated, and flag drift (needs the key).")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PCT", help="Exit 1 when any selected locale (hence also the overall figure) has fewer than PCT percent of its units translated.")
@selection_options(ids=False)
@pass_app
def status(app: AppContext, fmt: str, remote: bool, fail_under: float | None, selection: Selection) -> int:
    """Translation progress per locale and kind, from the files (offline unless --remote)."""
    from pxl10n.sync import status as st

    report = st.collect(app.settings(), selection, remote=remote, console=app.console)
    if fmt == "json":
        _emit_json(report.as_dict(fail_under))
    elif fmt == "markdown":
        text = st.render_markdown(report)
        click.echo(text, nl=False)
        write_summary(text)
    else:
        click.echo(st.render_text(report, bars=sys.stdout.isatty()), nl=False)
    below = report.below(fail_under) if fail_under is not None else []
    if below:
        app.console.error(f"translation below {fail_under:g}%: " + ", ".join(f"{loc} {pct:.1f}%" for loc, pct in below))
    return 1 if below else 0


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--api-key", default="test-key", show_default=True, help="The key the emulator accepts.")
@click.option("--fixtures", type=click.Path(path_type=Path, file_okay=False, exists=True), help="Seed data directory (default: the embedded subscription).")
@click.option("--latency", default=0.0, type=click.FloatRange(0, 10), help="Seconds added to every answer.")
@click.option("--rate-limit", type=click.FloatRange(min=1), help="Answer 429 above this many requests per second.")
def emulator(host: str, port: int, api_key: str, fixtures: Path | None, latency: float, rate_limit: float | None) -> None:
    """Serve a local PX emulator on loopback (for trying pxl10n and for tests)."""
    from pxl10n.emulator.server import serve

    serve(host, port, api_key, fixtures, latency=latency, rate_limit=rate_limit)


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the demo project directory afterwards.")
@pass_app
def demo(app: AppContext, keep: bool) -> int:
    """Run the whole round trip offline on the embedded emulator, as a guided tour."""
    from pxl10n.demo import run_demo

    return run_demo(app.console, keep=keep)


def main() -> None:
    """Console entry point (``pxl10n`` and ``python -m pxl10n``)."""
    cli.main(prog_name="pxl10n")
