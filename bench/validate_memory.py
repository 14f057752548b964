"""Memory and time to validate a data directory whose CSV file is just under the 32 MiB limit.

Run: ``.venv/bin/python bench/validate_memory.py [--case NAME ...]`` (prints figures; asserts nothing).

The files are generated first, then each case runs in a process of its own: it validates the shipped
dataset (so that imports and caches are counted out), then the copy with the generated file, and
reports the time ``validate`` took and the peak memory the file added: the process's high-water mark
(``ru_maxrss``) after minus before, and that peak as a multiple of the generated file's size.

Cases:

- ``bad-lines``: ``institutes.csv`` of 16.7 million one-cell lines, each a problem (the issue's case);
- ``bad-cells``: ``sources.csv`` rows with the right number of cells and five wrong values each;
- ``valid-sources``: ``sources.csv`` of short valid rows: the most rows a file can hold, all kept;
- ``valid-institutes``: a synthetic network (``atlas.synthetic``) filling ``institutes.csv`` with its
  ``sources.csv`` beside it: the realistic large dataset, with every geographic check.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import resource
import shutil
import subprocess
import tempfile
import time

from atlas.datafiles import MAX_CSV_BYTES

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TARGET = MAX_CSV_BYTES - 4096  # just under the limit
CASES = ("bad-lines", "bad-cells", "valid-sources", "valid-institutes")


def _fill(path: Path, header: str, row: callable) -> None:  # type: ignore[valid-type]
    """Write ``header`` then rows ``row(i)`` until the file is about :data:`TARGET` bytes."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        size = fh.write(header)
        i = 0
        while True:
            line = row(i)
            if size + len(line.encode("utf-8")) > TARGET:
                break
            size += fh.write(line)
            i += 1


def generate(case: str, out: Path) -> list[str]:
    """A copy of the shipped data with the case's file(s); returns the names of the generated files."""
    shutil.copytree(DATA, out)
    if case == "bad-lines":
        _fill(out / "institutes.csv", (DATA / "institutes.csv").read_text(encoding="utf-8").splitlines()[0] + "\n",
              lambda i: "x\n")
        return ["institutes.csv"]
    if case in ("bad-cells", "valid-sources"):
        text = (DATA / "sources.csv").read_text(encoding="utf-8")
        if case == "bad-cells":
            row = lambda i: f"X{i},jazari-fes,bogus,P,http:/x,soon,zz,other,\n"  # noqa: E731
        else:
            row = lambda i: f"X{i},jazari-fes,name,P,https://x.example/{i},2025,fr,press,\n"  # noqa: E731
        _fill(out / "sources.csv", text, row)
        return ["sources.csv"]
    from atlas import synthetic

    shutil.rmtree(out)
    sample = Path(tempfile.mkdtemp()) / "sample"
    synthetic.write_synthetic(sample, 2000, source=DATA)
    per_row = max((sample / n).stat().st_size for n in ("institutes.csv", "sources.csv")) / 2000
    shutil.rmtree(sample.parent)
    synthetic.write_synthetic(out, int(TARGET / per_row * 0.98), source=DATA)
    return ["institutes.csv", "sources.csv"]


def measure(data: str) -> dict[str, object]:
    """In this process: validate the shipped data, then ``data``; the time and the added peak."""
    from atlas import validate
    from atlas.datafiles import MAX_PROBLEMS_PER_FILE

    validate(DATA)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    ds, problems = validate(data)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    more = [p.message for p in problems if "after the first" in p.message]
    return {"seconds": seconds, "peak_added": after - before, "valid": ds is not None,
            "institutes": len(ds.institutes) if ds is not None else None,
            "problems_listed": len(problems) - len(more), "more": more, "cap": MAX_PROBLEMS_PER_FILE}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=CASES, help="run this case only (repeatable)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: measure this directory
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    print(f"{'case':<17} {'file(s)':>10} {'rows':>11} {'time':>8} {'peak added':>11} {'× size':>7}  result")
    for case in args.case or CASES:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            names = generate(case, data)
            size = sum((data / n).stat().st_size for n in names)
            lines = sum((data / n).read_bytes().count(b"\n") - 1 for n in names)
            child = subprocess.run([sys.executable, __file__, "--measure", str(data)], capture_output=True,
                                   text=True, check=True)
            r = json.loads(child.stdout.strip().splitlines()[-1])
        result = (f"valid, {r['institutes']:,} institutes" if r["valid"]
                  else f"{r['problems_listed']:,} problems listed" + (f"; {'; '.join(r['more'])}" if r["more"] else ""))
        peak = r["peak_added"]
        print(f"{case:<17} {size / 2**20:>7.1f} MiB {lines:>11,} {r['seconds']:>6.1f} s {peak / 2**20:>7.0f} MiB "
              f"{peak / size:>6.1f}×  {result}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
