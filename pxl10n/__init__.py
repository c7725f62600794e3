"""pxl10n: a git workflow for Gainsight PX localization (pull, validate, push XLIFF)."""

__version__ = "0.1.0"
