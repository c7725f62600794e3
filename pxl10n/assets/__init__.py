"""Translation assets built from the XLIFF files: word counts, memory, leverage, terminology."""
