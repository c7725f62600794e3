"""Many PX calls at once, with progress: the thread pool pull and push share.

PX calls wait on the network, so threads overlap them; the results come back in
task order whatever order they finish in, and the caller may record each one as
it arrives (pull writes its files batch by batch while the next exports run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

from pxl10n.console import Console

T = TypeVar("T")
R = TypeVar("R")


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
                result = future.result()
                results[futures[future]] = result
                if on_result is not None:
                    on_result(result)
                done += 1
                console.progress(done, total, label)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [r for r in results if r is not None]
