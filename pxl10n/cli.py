"""The command line: click only.

Each command parses its options, resolves :class:`~pxl10n.config.Settings`, makes
one library call and turns the result into an exit code. All user-facing errors
are :class:`~pxl10n.errors.Pxl10nError`; they are caught once, in :func:`main`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click

from pxl10n import __version__
from pxl10n.config import Settings, load, starter_text
from pxl10n.console import Console, redact, setup_logging
from pxl10n.errors import ConfigError, Pxl10nError
from pxl10n.ghactions import write_outputs

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


class Pxl10nGroup(click.Group):
    """Turns Pxl10nError into a one-line message and its exit code, and int results into exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except Pxl10nError as exc:
            click.echo(redact(f"error: {exc}"), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; re-run the same command to finish", err=True)
            ctx.exit(130)
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
    setup_logging(0 if quiet else verbose)
    ctx.obj = AppContext(config_path, Console(verbose, quiet))


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


def _emit_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@cli.command()
@click.option("--kind", "kinds", multiple=True, type=KIND_CHOICE, help="Only this kind (repeat).")
@click.option("--id", "ids", multiple=True, help="Only this item id (repeat).")
@click.option("--locale", "locales", multiple=True, help="Only this target locale (repeat).")
@click.option("--no-commit", is_flag=True, help="Write files but do not commit.")
@click.option("--dry-run", is_flag=True, help="Export and compare, but write and commit nothing.")
@click.option("--branch", help="Commit on this branch (created from HEAD when new).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Summary format on stdout.")
@pass_app
def pull(app: AppContext, kinds: tuple[str, ...], ids: tuple[str, ...], locales: tuple[str, ...], no_commit: bool, dry_run: bool, branch: str | None, fmt: str) -> int:
    """Export every item x target locale from PX into the l10n directory and commit."""
    from pxl10n.sync.pull import Selection, pull as run_pull

    result = run_pull(app.settings(), Selection(kinds, ids, locales), console=app.console, dry_run=dry_run, commit=not no_commit, branch=branch)
    summary = result.as_dict()
    if fmt == "json":
        _emit_json(summary)
    write_outputs({"files-changed": len(result.changed), "failed": summary["files"]["failed"] + len(result.failures), "commit": result.commit or ""})
    return result.exit_code


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


def main() -> None:
    """Console entry point (``pxl10n`` and ``python -m pxl10n``)."""
    cli.main(prog_name="pxl10n")
