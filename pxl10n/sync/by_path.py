"""File and directory paths on the command line, as a :class:`Selection`.

``pxl10n push l10n/fr-FR/article/a1.xlf`` is how ``tx push RESOURCE`` users ask
for one file. The layout (``{directory}/{locale}/{kind}/{id}.xlf``) makes a path
say which locale, kind and item it is about; a directory says less (``l10n/fr-FR``
is one locale, every kind and item). Several paths become one selection only when
they are exactly the product of their locales, kinds and ids, because a
:class:`Selection` is such a product: anything else would quietly pull or push
files nobody named, so it is refused with the way out.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from pathlib import Path

from pxl10n.config import Settings
from pxl10n.errors import ConfigError
from pxl10n.layout import SUFFIX, decode_id
from pxl10n.px.kinds import KIND_NAMES
from pxl10n.sync.session import Selection

#: a dimension a path leaves open (a directory names no id, ``l10n`` names nothing)
ANY = "*"


def _triple(settings: Settings, path: Path) -> tuple[str, str, str]:
    """(locale, kind, id) named by one path, ANY where it names none."""
    directory = settings.directory.resolve()
    try:
        parts = path.resolve().relative_to(directory).parts
    except ValueError:
        raise ConfigError(f"{path} is not inside project.directory ({directory}); name files pxl10n laid out there") from None
    where = f"{path}: expected {directory.name}/<locale>/<kind>/<id>{SUFFIX} (or a locale or kind directory)"
    if len(parts) > 3 or (len(parts) == 3 and not parts[2].endswith(SUFFIX)):
        raise ConfigError(where)
    locale = parts[0] if parts else ANY
    if locale != ANY and locale not in settings.locales:
        raise ConfigError(f"{path}: {locale} is not one of project.locales ({', '.join(settings.locales)})")
    kind = parts[1] if len(parts) > 1 else ANY
    if kind != ANY and kind not in KIND_NAMES:
        raise ConfigError(f"{where}; {kind!r} is not a kind ({', '.join(KIND_NAMES)})")
    item_id = decode_id(parts[2][: -len(SUFFIX)]) if len(parts) == 3 else ANY
    return locale, kind, item_id


def _covers(wide: tuple[str, ...], narrow: tuple[str, ...]) -> bool:
    return all(w in (ANY, n) for w, n in zip(wide, narrow, strict=True))


def selection_from_paths(settings: Settings, paths: Iterable[Path]) -> Selection:
    """The one selection the paths name exactly; ConfigError (exit 2) when they cannot be one."""
    triples = {_triple(settings, Path(p)) for p in paths}
    kept = {t for t in triples if not any(o != t and _covers(o, t) for o in triples)}
    axes = [sorted({t[i] for t in kept}) for i in range(3)]
    for axis in axes:
        if ANY in axis and len(axis) > 1:
            raise ConfigError("these paths mix a whole directory with single files of another; run once per directory, or use --kind/--id/--locale")
    if set(product(*axes)) != kept:
        raise ConfigError("these paths are not one selection (every locale x kind x id they name); run once per locale or kind, or use --kind/--id/--locale")
    locales, kinds, ids = ((() if axis == [ANY] else tuple(axis)) for axis in axes)
    return Selection(kinds=kinds, ids=ids, locales=locales)
