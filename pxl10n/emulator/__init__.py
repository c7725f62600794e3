"""A local Gainsight PX: the REST endpoints pxl10n uses, served over real HTTP.

Tests, the demo and benchmarks run against it because the real PX API is out of
reach. ``EmulatorServer`` runs it in a thread; ``serve`` blocks (``pxl10n
emulator``); ``Store`` holds the subscription; ``Faults`` breaks things on purpose.
"""

from .faults import EXPORT_FAULTS, Faults, Stats
from .server import EmulatorServer, serve
from .store import ImportRecord, Item, Store

__all__ = ["EXPORT_FAULTS", "EmulatorServer", "Faults", "ImportRecord", "Item", "Stats", "Store", "serve"]
