"""Does validation stay linear in document size, and is a DOCTYPE bomb refused cheaply?

These were wall-clock assertions in the tests (5,000 units under 3 s or 5 s, the
bomb under 1 s); here they are ratios measured in one run, so a slow or busy
machine does not change the verdict:

* per-unit cost at ``--units`` units over per-unit cost at a tenth of that, for
  XLIFF 1.2 and 2.0 (1.0 = linear; a quadratic check shows about 10);
* time to refuse a billion-laughs DOCTYPE over time to check a clean one-unit
  document (about 1 when nothing is expanded).

Everything goes through the library surface (``pxl10n.validate``), every family
on, one process. Best of ``--repeat`` runs.

    python benchmarks/large_documents.py [--units 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pxl10n

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
BOMB = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<xliff xmlns="{NS12}" version="1.2"><file original="f" source-language="en-US" target-language="fr-FR" datatype="html"><body>&lol4;</body></file></xliff>
"""


def document12(units: int) -> str:
    body = "".join(
        f'<trans-unit id="u{i}"><source>Hello <g id="1">w</g> <x id="2"/></source>'
        f'<target state="translated">Bonjour <g id="1">m</g> <x id="2"/></target><note>n</note></trans-unit>'
        for i in range(units)
    )
    return (f'<?xml version="1.0"?>\n<xliff version="1.2" xmlns="{NS12}"><file original="eng-1" source-language="en-US" '
            f'target-language="fr-FR" datatype="html"><body>{body}</body></file></xliff>')


def document20(units: int) -> str:
    body = "".join(
        f'<unit id="u{i}"><notes><note id="n">note</note></notes>'
        '<originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>'
        f'<segment id="s1" state="translated"><source>Hello <pc id="1" dataRefStart="d1" dataRefEnd="d2">bold {i}</pc> '
        '<ph id="2"/> <sc id="3"/>x<ec startRef="3"/></source>'
        f'<target>Bonjour <pc id="1" dataRefStart="d1" dataRefEnd="d2">gras {i}</pc> <ph id="2"/> <sc id="3"/>x'
        '<ec startRef="3"/></target></segment><segment id="s2"><source>Second</source><target>Deux</target></segment></unit>'
        for i in range(units)
    )
    return f'<xliff xmlns="{NS20}" version="2.0" srcLang="en-US" trgLang="fr-FR"><file id="f1">{body}</file></xliff>'


def best_time(path: Path, repeat: int) -> tuple[float, int]:
    """Fastest of ``repeat`` validations of ``path``, and the error count (the same each time)."""
    times, errors = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        report = pxl10n.validate([path], jobs=1)
        times.append(time.perf_counter() - started)
        errors = report.errors
    return min(times), errors


def scaling(folder: Path, name: str, build: Callable[[int], str], units: int, repeat: int) -> tuple[float, int]:
    small, large = folder / f"{name}-small.xlf", folder / f"{name}-large.xlf"
    small.write_text(build(units // 10), encoding="utf-8")
    large.write_text(build(units), encoding="utf-8")
    best_time(small, 1)  # warm-up: imports and compiled schemas are not the document's cost
    t_small, e_small = best_time(small, repeat)
    t_large, e_large = best_time(large, repeat)
    ratio = (t_large / units) / (t_small / (units // 10))
    print(f"  XLIFF {name}: {units // 10} units {t_small * 1000:.0f} ms, {units} units {t_large * 1000:.0f} ms; "
          f"per-unit cost ratio {ratio:.2f} (1.0 = linear)")
    return ratio, e_small + e_large


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=5000, help="units in the large document")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the fastest counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"validate, every family, one process, best of {args.repeat}")
        _, errors12 = scaling(folder, "1.2", document12, args.units, args.repeat)
        _, errors20 = scaling(folder, "2.0", document20, args.units, args.repeat)
        bomb, clean = folder / "bomb.xlf", folder / "clean.xlf"
        bomb.write_text(BOMB, encoding="utf-8")
        clean.write_text(document12(1), encoding="utf-8")
        t_bomb, bomb_errors = best_time(bomb, args.repeat)
        t_clean, _ = best_time(clean, args.repeat)
        print(f"  DOCTYPE bomb refused in {t_bomb * 1000:.1f} ms, clean one-unit file {t_clean * 1000:.1f} ms; "
              f"ratio {t_bomb / t_clean:.2f} (about 1 = nothing expanded)")
    if errors12 or errors20 or not bomb_errors:
        print(f"unexpected verdicts: {errors12} / {errors20} errors on clean documents, {bomb_errors} on the bomb", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
