"""Allows ``python -m searchapp``, the same as the ``searchapp`` command."""

import sys

from searchapp.cli import main

sys.exit(main())
