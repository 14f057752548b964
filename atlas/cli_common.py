"""What the commands of ``python -m atlas`` share: the dataset, or every problem printed as
``FILE:ROW: FIELD: message`` (never a traceback).

Its own module so that the commands defined elsewhere (:mod:`atlas.exports_cli`, :mod:`atlas.publish`)
and :mod:`atlas.cli`, which registers them, do not import one another.
"""

from __future__ import annotations

import sys
from pathlib import Path

from atlas import config
from atlas.dataset import Dataset, validate


def load_or_report(data_dir_arg: str | None, consequence: str = "") -> Dataset | None:
    """The dataset of ``data_dir_arg`` (or the configured one), or None after printing every problem."""
    data_dir = Path(data_dir_arg) if data_dir_arg else config.data_dir()
    ds, problems = validate(data_dir)
    if problems or ds is None:
        for p in problems:
            print(p)
        sys.stdout.flush()
        print(f"{len(problems)} problem(s) in {data_dir}{consequence}", file=sys.stderr)
        return None
    return ds
