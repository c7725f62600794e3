"""The command line: click only.

Each command parses its options, resolves :class:`~pxl10n.config.Settings`, makes
one library call and turns the result into an exit code. All user-facing errors
are :class:`~pxl10n.errors.Pxl10nError`; they are caught once, in :func:`main`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pxl10n.config import Settings, load, starter_text
from pxl10n.console import Console, printable, redacted_stdio, setup_logging, write_machine
from pxl10n.errors import ConfigError, Pxl10nError
from pxl10n.fsutil import atomic_write, describe_os_error
from pxl10n.ghactions import write_outputs, write_summary
from pxl10n.px import interrupt
from pxl10n.version import __version__

if TYPE_CHECKING:
    from pxl10n.px.client import PXClient
    from pxl10n.sync.selection import Selection

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
            from pxl10n.sync.selection import Selection

            return command(*args, selection=Selection(kinds, ids, locales), **kwargs)

        wrapper = click.option("--locale", "locales", multiple=True, help="Only this target locale (repeat).")(wrapper)
        if ids:
            wrapper = click.option("--id", "ids", multiple=True, help="Only this item id (repeat).")(wrapper)
        return click.option("--kind", "kinds", multiple=True, type=KIND_CHOICE, help="Only this kind (repeat).")(wrapper)

    return decorate


# --- global options, before or after the subcommand ------------------------------------
# `pxl10n -v status` and `pxl10n status -v` mean the same, as with ruff and git's habit
# users bring along: every command carries --config/-v/-q too, and its own values are
# merged into the AppContext before the command runs (-v counts add up; --config after
# the command wins).

CONFIG_HELP = "Path to pxl10n.toml (default: nearest in this or a parent directory)."
VERBOSE_HELP = "More detail; repeat for debug logs (the API key is always redacted)."
QUIET_HELP = "Only errors."
GLOBAL_PARAMS = ("config_path", "verbose", "quiet")


def _global_options() -> list[click.Parameter]:
    return [
        click.Option(["--config", "config_path"], type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP),
        click.Option(["-v", "--verbose"], count=True, help=VERBOSE_HELP),
        click.Option(["-q", "--quiet"], is_flag=True, help=QUIET_HELP),
    ]


class Pxl10nCommand(click.Command):
    """A subcommand that also accepts the global options, after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_global_options())

    def invoke(self, ctx: click.Context) -> Any:
        config_path, verbose, quiet = (ctx.params.pop(name) for name in GLOBAL_PARAMS)
        app = ctx.find_object(AppContext)
        if app is not None and (config_path or verbose or quiet):
            app.config_path = config_path or app.config_path
            verbosity = 0 if quiet or app.console.verbosity < 0 else app.console.verbosity + verbose
            setup_logging(verbosity)
            app.console = Console(verbosity, quiet or app.console.verbosity < 0)
        return super().invoke(ctx)


def _stop(ctx: click.Context, message: str, exit_code: int) -> None:
    """End a command with one printable error line; on Actions also as an ::error annotation."""
    from pxl10n.ghactions import Annotation, emit

    click.echo(printable(f"error: {message}"), err=True)
    emit([Annotation("error", message, f"pxl10n {ctx.invoked_subcommand or ''}".strip())])
    ctx.exit(exit_code)


class Pxl10nGroup(click.Group):
    """Turns Pxl10nError into a one-line message and its exit code, and int results into exit codes."""

    command_class = Pxl10nCommand

    def invoke(self, ctx: click.Context) -> Any:
        with redacted_stdio(), interrupt.handling():
            try:
                result = super().invoke(ctx)
            except Pxl10nError as exc:
                _stop(ctx, str(exc), exc.exit_code)
            except KeyboardInterrupt:
                click.echo("interrupted; re-run the same command to finish", err=True)
                ctx.exit(130)
            except OSError as exc:
                _stop(ctx, describe_os_error(exc), 2)
            except (click.exceptions.Exit, click.ClickException, click.Abort):
                raise
            except Exception as exc:
                if isinstance(ctx.obj, AppContext) and ctx.obj.console.verbosity >= 2:
                    traceback.print_exc()
                _stop(ctx, f"internal error {type(exc).__name__}: {exc} (run with -vv for the traceback; please report it)", 1)
        if isinstance(result, int) and result:
            ctx.exit(result)
        return result


@click.group(cls=Pxl10nGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pxl10n")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.option("-q", "--quiet", is_flag=True, help=QUIET_HELP)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: int, quiet: bool) -> None:
    """Pull, validate and push Gainsight PX localization (XLIFF) with git.

    Global options work before or after the command (`pxl10n status -v`). Shell
    completion: eval "$(_PXL10N_COMPLETE=bash_source pxl10n)" (zsh_source, fish_source).
    """
    console = Console(verbose, quiet)
    setup_logging(-1 if quiet else verbose, console)
    ctx.obj = AppContext(config_path, console)


@cli.command()
@click.option("--source-locale", default="en-US", show_default=True, help="The PX default language.")
@click.option("--locale", "locales", multiple=True, help="A target locale (repeat). Default: fr-FR and de-DE.")
@click.option("--directory", default="l10n", show_default=True, help="Where the XLIFF files will live.")
@click.option("--force", is_flag=True, help="Overwrite an existing pxl10n.toml.")
@click.option("--check", is_flag=True, help="Then run `pxl10n doctor`: the key, its Read/Write permissions, the region, what a pull would cover.")
@pass_app
def init(app: AppContext, source_locale: str, locales: tuple[str, ...], directory: str, force: bool, check: bool) -> int:
    """Write a commented pxl10n.toml in the current directory."""
    target = app.config_path or Path("pxl10n.toml")
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists; use --force to overwrite it")
    atomic_write(target, starter_text(source_locale, locales or ("fr-FR", "de-DE"), directory).encode("utf-8"))
    app.console.info(f"wrote {target}; set PX_API_KEY in your environment, then run `pxl10n doctor` and `pxl10n pull`")
    from pxl10n.sync import git as gitops
    from pxl10n.sync.mergestate import install

    with gitops.work_tree(target.resolve().parent) as repo:
        root = repo.working_tree_dir if repo is not None else None
    if root:
        rel = Path(directory) if Path(directory).is_absolute() else (target.resolve().parent / directory)
        for line in install(Path(root), Path(os.path.relpath(rel, root)).as_posix()):
            app.console.info(line)
    if not check:
        return 0
    return _run_doctor(app, target, fmt="text", write_check=True, strict=False)


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
        if count is None:
            app.console.info(f"{repair_path} is a clean state file already: nothing to repair, nothing written")
        else:
            app.console.info(f"repaired {repair_path}: {count} entries kept; review with git diff, then git add it")
        return
    if install_driver:
        settings = app.settings()
        from pxl10n.sync import git as gitops

        with gitops.work_tree(settings.directory) as repo:
            root = repo.working_tree_dir if repo is not None else None
        if not root:
            raise ConfigError(f"{settings.directory} is not inside a git work tree")
        for line in mergestate.install(Path(root), Path(os.path.relpath(settings.directory, root)).as_posix()):
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
    from pxl10n.layout import XLIFF_SUFFIXES
    from pxl10n.sync.validation import validate_paths
    from pxl10n.validate import registry, report

    if list_rules:
        _emit(report.list_rules(fmt), machine=fmt != "text")
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
    result = validate_paths(paths, settings=settings, select=select, ignore=ignore, jobs=jobs,
                            progress=lambda done, total: app.console.progress(done, total, "validating"))
    if not result.files:
        where = ", ".join(str(p) for p in paths) if paths else (str(settings.directory) if settings else "the current directory")
        raise ConfigError(f"no XLIFF file to validate in {where}", hint=f"check the path; files must end in {', '.join(XLIFF_SUFFIXES)}; `pxl10n pull` fills the directory")
    _emit(report.render(result, fmt, color=report.use_color()), machine=fmt != "text")
    if fmt != "text":
        app.console.info(report.summary_line(result))
    write_outputs({"files": result.files, "errors": result.errors, "warnings": result.warnings})
    return 1 if result.errors else 0


def _emit_json(data: dict[str, Any]) -> None:
    _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", machine=True)


def _emit(text: str, *, machine: bool) -> None:
    """A command's result on stdout: machine output (JSON, XML, Markdown) always UTF-8 (:func:`write_machine`)."""
    if machine:
        write_machine(text)
    else:
        click.echo(text, nl=False)


# --- pull/push helpers: paths as a selection, throttling, Actions annotations ------------


def _narrow(settings: Settings, selection: Selection, paths: tuple[Path, ...], *, existing: bool = False) -> Selection:
    """The selection from PATHS, or from --kind/--id/--locale; never both. ``existing``: push sends only files that are there."""
    if not paths:
        return selection
    if selection.kinds or selection.ids or selection.locales:
        raise ConfigError("give file paths or --kind/--id/--locale, not both")
    from pxl10n.sync.by_path import selection_from_paths

    narrowed = selection_from_paths(settings, paths)
    missing = [str(p) for p in paths if existing and not p.exists()]
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}", hint="`pxl10n pull` writes the files; check the path")
    return narrowed


@contextlib.contextmanager
def _client(app: AppContext, settings: Settings, *, needed: bool = True) -> Iterator[PXClient | None]:
    """One client for the command, telling -v about every 429 pause.

    None when no call is needed or the key is not set: the command then opens its own
    client only if it has something to send, and says the key is missing only then.
    """
    if not needed or not os.environ.get(settings.api_key_env, "").strip():
        yield None
        return
    from pxl10n.px.client import PXClient

    client = PXClient.from_settings(settings)
    client.on_throttle = lambda status, seconds: app.console.detail(f"PX answered {status}: holding every request back {seconds:.1f} s")
    try:
        yield client
    finally:
        client.close()


def _report_throttling(app: AppContext, client: PXClient | None) -> str:
    """Say how long PX held us back (stderr and job summary); '' when it never did."""
    from pxl10n.ghactions import throttle_note

    note = throttle_note({**client.stats, "held_seconds": client.held_seconds}) if client is not None else ""
    if note:
        app.console.info(note)
    return note


def _annotate(annotations: list[Any], markdown: str) -> None:
    """On Actions: an ::error per failed item, and the result in the job summary."""
    from pxl10n.ghactions import emit, on_actions

    if on_actions():
        emit(annotations)
        write_summary(markdown)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@selection_options()
@click.option("--no-commit", is_flag=True, help="Write files but do not commit.")
@click.option("--dry-run", is_flag=True, help="Export and compare, but write and commit nothing.")
@click.option("--branch", help="Commit on this branch (created from HEAD when new).")
@click.option("--prune-all", is_flag=True, help="Remove the files of every item PX no longer lists, even more than pull.prune_max_share of a kind.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Summary format on stdout.")
@pass_app
def pull(app: AppContext, paths: tuple[Path, ...], selection: Selection, no_commit: bool, dry_run: bool, branch: str | None, prune_all: bool, fmt: str) -> int:
    """Export every item x target locale from PX into the l10n directory and commit.

    Files of items PX no longer lists are removed (listed in the summary and in
    --dry-run), never a person's edit, never on an empty listing, and never more
    than pull.prune_max_share of a kind without --prune-all.

    PATHS (files or locale/kind directories under the l10n directory) narrow the
    pull like --locale/--kind/--id: `pxl10n pull l10n/fr-FR/article/a1.xlf`.
    """
    from pxl10n.ghactions import pull_annotations, pull_markdown
    from pxl10n.sync.pull import pull as run_pull

    settings = app.settings()
    with _client(app, settings) as client:
        result = run_pull(settings, _narrow(settings, selection, paths), console=app.console, dry_run=dry_run, commit=not no_commit, branch=branch,
                          prune_all=prune_all, client=client)
    summary = result.as_dict()
    if fmt == "json":
        _emit_json(summary)
    throttling = _report_throttling(app, client)
    _annotate(pull_annotations(summary), pull_markdown(summary, throttling))
    write_outputs({"files-changed": len(result.changed), "failed": summary["files"]["failed"] + len(result.failures) + len(result.listing_failures), "commit": result.commit or ""})
    return result.exit_code


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@selection_options()
@click.option("--dry-run", is_flag=True, help="Show what would be sent and why, and what validation would block; send and write nothing.")
@click.option("--force", is_flag=True, help="Send every selected file, changed or not: a file changed here as it is (over PX's changes); one nothing changed here never over PX's newer text.")
@click.option("--no-commit", is_flag=True, help="Update the state file and files but do not commit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Result table (text) or one JSON object on stdout.")
@pass_app
def push(app: AppContext, paths: tuple[Path, ...], selection: Selection, dry_run: bool, force: bool, no_commit: bool, fmt: str) -> int:
    """Validate, then import into PX the files changed since they were last pulled or pushed.

    Files with validation errors are skipped (push.on_error = "skip") or stop the
    whole push ("abort"). Landed files are recorded as pushed and refreshed from
    PX; re-running sends only what is left. Exit 1 when any selected file was not
    pushed (blocked, refused by PX, failed, or never pulled).

    PATHS (files or locale/kind directories under the l10n directory) narrow the
    push like --locale/--kind/--id: `pxl10n push l10n/fr-FR/article/a1.xlf`.
    """
    from pxl10n.ghactions import push_annotations, push_markdown
    from pxl10n.sync.push import FAILING, PushStatus, render_table
    from pxl10n.sync.push import push as run_push

    settings = app.settings()
    narrowed = _narrow(settings, selection, paths, existing=True)
    with _client(app, settings, needed=not dry_run) as client:
        result = run_push(settings, narrowed, console=app.console, dry_run=dry_run, force=force, commit=not no_commit, client=client)
    summary = result.as_dict()
    if fmt == "json":
        _emit_json(summary)
    elif app.console.verbosity >= 0:
        click.echo(printable(render_table(result), multiline=True), nl=False)
    throttling = _report_throttling(app, client)
    _annotate(push_annotations(summary, FAILING), push_markdown(summary, FAILING, throttling))
    write_outputs({"pushed": len(result.landed), "failed": len(result.failed),
                   "conflicts": len(result.with_status(PushStatus.CONFLICT)), "commit": result.commit or ""})
    return result.exit_code


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@selection_options()
@click.option("--dry-run", is_flag=True, help="Ask PX and show what each file would become; write and commit nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Messages (text) or one JSON object on stdout.")
@pass_app
def rebase(app: AppContext, paths: tuple[Path, ...], selection: Selection, dry_run: bool, fmt: str) -> int:
    """Put the committed edits of files PX changed since they were pulled on PX's copy now, and commit.

    The way out of a push `conflict` that keeps both sides: units PX left alone
    keep the edit as it is; units whose source or target PX changed keep the edit
    marked not translated yet, for a person to check against PX's text (push holds
    the file back until then). Exit 1 when a file could not be rebased.
    """
    from pxl10n.sync.rebase import rebase as run_rebase

    settings = app.settings()
    narrowed = _narrow(settings, selection, paths, existing=True)
    with _client(app, settings) as client:
        result = run_rebase(settings, narrowed, console=app.console, dry_run=dry_run, client=client)
    if fmt == "json":
        _emit_json(result.as_dict())
    return result.exit_code


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True, help="Table (text), JSON, or Markdown for PR comments and job summaries.")
@click.option("--remote", is_flag=True, help="Also ask PX which items it counts as translated, and flag drift (needs the key).")
@click.option("--fail-under", "threshold", metavar="PCT[words]", help="Exit 1 when any selected locale has fewer than PCT percent of its units translated (`80`), or of its source words (`80words`).")
@selection_options(ids=False)
@pass_app
def status(app: AppContext, fmt: str, remote: bool, threshold: str | None, selection: Selection) -> int:
    """Translation progress per locale and kind, in units and words, from the files (offline unless --remote)."""
    from pxl10n.sync import status as st

    fail_under, measure = None, st.Measure.UNITS
    if threshold is not None:
        try:
            fail_under, measure = st.parse_threshold(threshold)
        except ValueError:
            raise click.BadParameter(f"{threshold!r} is not a percentage like 80 or 80words (0-100)", param_hint="--fail-under") from None
    report = st.collect(app.settings(), selection, remote=remote, console=app.console)
    if fmt == "json":
        _emit_json(report.as_dict(fail_under, measure))
    elif fmt == "markdown":
        text = st.render_markdown(report)
        _emit(text, machine=True)
        write_summary(text)
    else:
        click.echo(st.render_text(report, bars=sys.stdout.isatty()), nl=False)
    below = report.below(fail_under, measure) if fail_under is not None else []
    if below:
        app.console.error(f"translation below {fail_under:g}% of {measure.value}: " + ", ".join(f"{loc} {pct:.1f}%" for loc, pct in below))
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


# --- doctor -----------------------------------------------------------------------------


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="One line per check (text) or one JSON object on stdout.")
@click.option("--no-write-check", "no_write_check", is_flag=True, help="Skip the Write probe (an import PX refuses with 433 because it names no item).")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1): a key without Write, no git work tree, nothing to pull.")
@pass_app
def doctor(app: AppContext, fmt: str, no_write_check: bool, strict: bool) -> int:
    """Check the setup: config, key, Read/Write permissions, region, and what a pull would cover.

    One cheap call each against PX. Exit 0 when all is well, 1 when PX refuses
    something, 2 when the config or the key is missing or wrong.
    """
    return _run_doctor(app, app.config_path, fmt=fmt, write_check=not no_write_check, strict=strict)


def _run_doctor(app: AppContext, config_path: Path | None, *, fmt: str, write_check: bool, strict: bool) -> int:
    from pxl10n import doctor as dr
    from pxl10n.ghactions import Annotation, emit

    diagnosis = dr.diagnose(config_path, write_check=write_check, console=app.console)
    if fmt == "json":
        _emit_json(diagnosis.as_dict())
    else:
        click.echo(printable(dr.render_text(diagnosis), multiline=True), nl=False)
    emit(Annotation("error" if c.outcome is dr.Outcome.PROBLEM else "warning", f"{c.detail}; fix: {c.fix}", f"pxl10n doctor: {c.name}")
         for c in diagnosis.checks if c.outcome in (dr.Outcome.PROBLEM, dr.Outcome.WARNING))
    write_outputs({"problems": diagnosis.count(dr.Outcome.PROBLEM), "warnings": diagnosis.count(dr.Outcome.WARNING)})
    return diagnosis.exit_code(strict=strict)


# --- translation assets: tm export/import, leverage, pseudo (issue 13) --------------------


@cli.group()
def tm() -> None:
    """Translation memory: export the repository's translations as TMX, import a vendor's TMX."""


@tm.command("export")
@click.option("--locale", "locales", multiple=True, help="Only this target locale (repeat). Default: every configured locale.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help="The TMX file to write.")
@click.option("--force", is_flag=True, help="Replace a file at --output that is not a TMX.")
@pass_app
def tm_export(app: AppContext, locales: tuple[str, ...], output: Path, force: bool) -> None:
    """Write a TMX 1.4 of every translated unit (source, target; kind, item, unit and file as props)."""
    from pxl10n.assets.corpus import read_corpus
    from pxl10n.assets.memory import check_output, export_tmx
    from pxl10n.sync.selection import Selection

    settings = app.settings()
    check_output(settings, output, force=force)
    corpus = read_corpus(settings.directory, Selection(locales=locales).resolve(settings)[1], console=app.console)
    counts = export_tmx(settings, corpus, output, force=force)
    for path, reason in corpus.unreadable:
        app.console.warn(f"{path}: not exported: {reason}")
    detail = ", ".join(f"{locale} {count}" for locale, count in sorted(counts.items())) or "none translated yet"
    app.console.info(f"wrote {output}: {sum(counts.values())} translation unit(s) ({detail})")


@tm.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--name", help="Store it as tm/NAME.tmx (default: the file's own name).")
@click.option("--force", is_flag=True, help="Replace a different memory already stored under that name.")
@pass_app
def tm_import(app: AppContext, path: Path, name: str | None, force: bool) -> None:
    """Store a vendor's TMX in tm/ (beside pxl10n.toml) as a memory source for `pxl10n leverage`."""
    from pxl10n.assets.memory import import_tmx

    settings = app.settings()
    result = import_tmx(settings, path, name=name, force=force)
    where = result.stored.relative_to(settings.root) if result.stored.is_relative_to(settings.root) else result.stored
    pairs = ", ".join(f"{locale} {count}" for locale, count in result.per_locale)
    state = "already stored, unchanged" if result.unchanged else "stored"
    app.console.info(f"{where}: {state}; translation pairs {settings.source_locale} -> {pairs}" + (f"; {result.unusable} unit(s) in other languages ignored" if result.unusable else ""))
    if not result.unchanged:
        app.console.info(f"commit it with `git add {where}`; `pxl10n leverage` now uses it")


@cli.command()
@selection_options()
@click.option("--min-similarity", type=click.IntRange(1, 100), default=75, show_default=True, help="Lowest score (percent) of a fuzzy match to report as a suggestion.")
@click.option("--dry-run", is_flag=True, help="Report what would be filled; write nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Summary (text) or one JSON object on stdout.")
@pass_app
def leverage(app: AppContext, selection: Selection, min_similarity: int, dry_run: bool, fmt: str) -> int:
    """Fill untranslated units from exact matches in the repository and tm/*.tmx, marked for review.

    Same source text and inline codes, same locale, one consistent translation:
    filled. Several translations: reported, left empty. Fuzzy matches: reported
    as suggestions, never written. Units with a target are never touched.
    """
    from pxl10n.assets.corpus import read_selection
    from pxl10n.assets.leverage import leverage as run_leverage
    from pxl10n.assets.leverage import render_text
    from pxl10n.assets.memory import load_memories

    settings = app.settings()
    kinds, locales = selection.resolve(settings)
    corpus, work = read_selection(settings.directory, kinds, locales, selection.ids, console=app.console, command="leverage",
                                  via=settings.directory_link)
    result = run_leverage(settings, corpus, load_memories(settings), targets=work, locales=locales, min_similarity=min_similarity, dry_run=dry_run, console=app.console)
    if fmt == "json":
        _emit_json(result.as_dict())
    elif app.console.verbosity >= 0:
        click.echo(render_text(result), nl=False)
    for fill in result.fills:
        app.console.detail(f"{fill.path}#{fill.unit_id}: {fill.source!r} -> {fill.target!r} ({fill.origins[0]})")
    return result.exit_code


@cli.command()
@selection_options()
@click.option("--style", type=click.Choice(["accents", "brackets", "expand"]), default="brackets", show_default=True, help="accents: Åççéñţś; brackets: also [wrapped] to show truncation; expand: also padded ~30-100% longer.")
@click.option("--overwrite", is_flag=True, help="Also replace targets that already exist (for a dedicated test locale).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@pass_app
def pseudo(app: AppContext, selection: Selection, style: str, overwrite: bool, dry_run: bool) -> int:
    """Pseudo-translate one locale's files (placeholders, inline codes and HTML kept), to push to a test locale."""
    from pxl10n.assets.corpus import read_selection
    from pxl10n.assets.pseudo import Style
    from pxl10n.assets.pseudolocalize import pseudolocalize

    settings = app.settings()
    if len(selection.locales) != 1:
        raise ConfigError("pseudo needs exactly one --locale (the test locale to fill), e.g. `pxl10n pseudo --locale de-DE`")
    kinds, locales = selection.resolve(settings)
    corpus, work = read_selection(settings.directory, kinds, locales, selection.ids, console=app.console, command="pseudo",
                                  via=settings.directory_link)
    if not corpus.files and not corpus.unreadable:
        raise ConfigError(f"no files for {locales[0]} under {settings.directory}; run `pxl10n pull --locale {locales[0]}` first")
    uncommitted: list[Path] = []
    if overwrite:  # what --overwrite would replace for good
        from pxl10n.sync.git import uncommitted_under

        uncommitted = uncommitted_under(settings.directory, "--overwrite asks it which files hold edits no commit has; "
                                        "or run without --overwrite")
    result = pseudolocalize(settings.directory, work, style=Style(style), overwrite=overwrite, dry_run=dry_run, uncommitted=uncommitted)
    for path, reason in corpus.unreadable:
        app.console.warn(f"{path}: skipped: {reason}")
    for path in result.skipped_changed:
        app.console.warn(f"{path}: changed while pseudo ran; left as it is, re-run to fill it")
    for path in result.skipped_uncommitted:
        app.console.warn(f"{path}: holds uncommitted edits, which --overwrite would replace for good; left as it is "
                         "(commit or stash them, then re-run)")
    verb = "would pseudo-translate" if dry_run else "pseudo-translated"
    app.console.info(f"{verb} {result.units} unit(s) in {len(result.files_changed)} file(s) of {locales[0]} ({style}); review with `pxl10n validate`, then `pxl10n push --locale {locales[0]}`")
    return 1 if corpus.unreadable else result.exit_code


def main() -> None:
    """Console entry point (``pxl10n`` and ``python -m pxl10n``)."""
    cli.main(prog_name="pxl10n")
