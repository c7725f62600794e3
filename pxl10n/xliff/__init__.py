"""XLIFF 1.2 and 2.0 documents as pxl10n reads and writes them: safe parsing, one view, segments, withheld targets."""
