"""``python -m atlas``: see :mod:`atlas.cli`."""

import sys

from atlas.cli import main

sys.exit(main())
