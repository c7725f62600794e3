"""The version of pxl10n, in a module of its own below everything.

The HTTP client (User-Agent), the TMX writer and the CLI read it from here, so
none of them imports the package's ``__init__`` (which re-exports the commands
and so sits above them all). ``pyproject.toml`` reads the same constant.
"""

__version__ = "0.1.0"
