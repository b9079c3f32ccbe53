"""Allows ``python -m searchapp``, the same as the ``searchapp`` command."""

import sys

from searchapp.cli import main

# Guarded: indexing worker processes import this module again and must not rerun the app.
if __name__ == "__main__":
    sys.exit(main())
