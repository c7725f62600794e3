"""What pull, push and status share: the selection from the command line, the
client built from settings, and running many calls
concurrently with progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TypeVar

from pxl10n.config import Settings
from pxl10n.console import Console
from pxl10n.errors import ConfigError
from pxl10n.px.client import PXClient

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Selection:
    """What the command line narrowed the work to (empty = everything configured)."""

    kinds: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()

    def resolve(self, settings: Settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The kinds and locales to work on; ConfigError for a locale not configured."""
        for locale in self.locales:
            if locale not in settings.locales:
                raise ConfigError(f"--locale {locale} is not one of project.locales in {settings.path} ({', '.join(settings.locales)})")
        kinds = tuple(k for k in settings.kinds if not self.kinds or k in self.kinds) or self.kinds
        return kinds, (self.locales or settings.locales)


def open_client(settings: Settings) -> PXClient:
    """A client configured from settings, with the key from the environment."""
    return PXClient.from_settings(settings)


def run_concurrently(
    tasks: Iterable[T],
    work: Callable[[T], R],
    *,
    workers: int,
    console: Console,
    label: str,
    already_done: int = 0,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """Run ``work`` over ``tasks`` in a thread pool, showing progress; results in task order.

    ``work`` must not raise for expected failures: it returns a result that says so,
    so one failing item never stops the others. ``already_done`` counts work done
    before this call, so progress reads against the whole job. ``on_result`` sees
    each result in the calling thread as it completes, while the rest still run.
    """
    task_list = list(tasks)
    results: list[R | None] = [None] * len(task_list)
    if not task_list:
        return []
    done, total = already_done, already_done + len(task_list)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(task_list)))) as pool:
        futures = {pool.submit(work, task): index for index, task in enumerate(task_list)}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_result is not None:
                    on_result(results[futures[future]])  # type: ignore[arg-type]
                done += 1
                console.progress(done, total, label)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [r for r in results if r is not None]
