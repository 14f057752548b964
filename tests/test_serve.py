"""``serve.py``'s start-up, run as the server runs it (``lifespan``), in a process of its own: after it,
Python's garbage collector no longer walks the pre-loaded dataset and map parts, so a full collection
no longer holds every page for about 0.2 s (``bench/gc_pause.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

START_UP = """
import asyncio, gc, json
import serve

async def main():
    async with serve.lifespan(serve.app) as state:
        from ui import layout
        ds = layout.load_dataset()[0]
        walked = gc.get_objects()
        print(json.dumps({"preload_s": state["preload_s"], "frozen": state["frozen"], "walked": len(walked),
                          "dataset_walked": any(o is ds for o in walked), "dataset_tracked": gc.is_tracked(ds)}))

asyncio.run(main())
"""


def test_after_the_start_up_the_collector_skips_what_was_pre_loaded():
    done = subprocess.run([sys.executable, "-c", START_UP], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["dataset_tracked"]  # the dataset is an object the collector knows of...
    assert not state["dataset_walked"]  # ...and no longer walks
    assert state["frozen"] > 10 * max(state["walked"], 1), state  # nearly all of the process is frozen
