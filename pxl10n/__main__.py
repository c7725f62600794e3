"""`python -m pxl10n`."""

from pxl10n.cli import main

if __name__ == "__main__":
    main()
