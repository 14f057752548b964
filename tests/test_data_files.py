"""Issue 32, point 4: every file of the data directory that is read again after ``validate`` (the
edition's data package) passes the same rules: a regular file inside the directory, within its size.
Files ``validate`` does not read do not change the data version."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from atlas import datapackage, load, validate


def test_files_validate_does_not_read_leave_the_version_alone(data_copy: Path, tmp_path: Path):
    before = load(data_copy).version
    (data_copy / "notes.geojson").write_text("{}", encoding="utf-8")
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: 3 GB that are never read
    (data_copy / "elsewhere.csv").symlink_to(big)
    ds, problems = validate(data_copy)
    assert problems == [] and ds.version == before


@pytest.mark.parametrize("kind", ["symlink_out", "fifo", "too_big"])
def test_the_data_package_reads_a_csv_only_under_validates_rules(data_copy: Path, tmp_path: Path, kind: str):
    ds = load(data_copy)
    extra = data_copy / "extra.csv"
    if kind == "symlink_out":
        secret = tmp_path / "secret.csv"
        secret.write_text("SECRET,x\n1,2\n", encoding="utf-8")
        extra.symlink_to(secret)
        words = "leads out of the data directory"
    elif kind == "fifo":
        os.mkfifo(extra)
        words = "not a regular file"
    else:
        with extra.open("wb") as fh:
            fh.truncate(33 * 1024**2)
        words = "over the limit"
    with pytest.raises(OSError, match=words):
        datapackage.package_files(ds)


def test_a_readme_that_is_a_fifo_does_not_hang_the_data_package(data_copy: Path):
    ds = load(data_copy)
    (data_copy / "README.md").unlink()
    os.mkfifo(data_copy / "README.md")
    done: list[dict] = []
    worker = threading.Thread(target=lambda: done.append(datapackage.descriptor(ds)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert done, "reading the data package hung on a FIFO"
    assert {r["path"] for r in done[0]["resources"]} >= {"institutes.csv", "regions.geojson"}
