"""``serve.py``'s start-up, run as the server runs it (``lifespan``), in a process of its own: after it,
Python's garbage collector no longer walks the pre-loaded dataset and map parts, so a full collection
no longer holds every page while it walks them (``bench/gc_pause.py``); when the data changes, what was
frozen is handed back to the collector, so that the old dataset can go."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

START_UP = """
import asyncio, gc, json
import serve

async def main():
    async with serve.lifespan(serve.app) as state:
        from ui import layout
        ds, _problems, data_dir = layout.load_dataset()
        walked = gc.get_objects()
        out = {"frozen": state["frozen"], "walked": len(walked),
               "dataset_walked": any(o is ds for o in walked), "dataset_tracked": gc.is_tracked(ds)}
        layout._load(str(data_dir), ("the files changed",))  # what a changed data file's stamp leads to
        out["frozen_after_a_reload"] = gc.get_freeze_count()
        print(json.dumps(out))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def start_up() -> dict:
    done = subprocess.run([sys.executable, "-c", START_UP], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_after_the_start_up_the_collector_skips_what_was_pre_loaded(start_up):
    assert start_up["dataset_tracked"]  # the dataset is an object the collector knows of...
    assert not start_up["dataset_walked"]  # ...and no longer walks
    assert start_up["frozen"] > 10 * max(start_up["walked"], 1), start_up  # nearly all of the process is frozen


def test_a_data_reload_hands_the_frozen_objects_back_to_the_collector(start_up):
    assert start_up["frozen"] > 0
    assert start_up["frozen_after_a_reload"] == 0
