"""Reading the files of a data directory, within bounds (for :mod:`atlas.dataset`).

Every file read (and hashed into the data version) passes the same rules:

- only the files the schema names are read; a file must be a regular file, or a symbolic link to
  one inside the data directory; a directory, FIFO, socket or device is refused before it is opened;
- each CSV file is at most :data:`MAX_CSV_BYTES` (the GeoJSON has its own budget), refused unread
  when larger;
- a CSV file is parsed one row at a time and its rows are checked as they come, so the memory it
  needs is its text plus the rows kept (``bench/validate_memory.py`` measures it);
- at most :data:`MAX_PROBLEMS_PER_FILE` problems are listed per file; after that many the file's
  remaining rows are counted, not checked, and one more line says how many problems and rows that is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from atlas.schema import Problem

MAX_CSV_BYTES = 32 * 1024 * 1024
"""Largest CSV file read (32 MiB: room for synthetic scale datasets of 10,000 institutes)."""
MAX_PROBLEMS_PER_FILE = 1000
"""Problems listed per file; the rest are counted in one line."""
Rows = Iterator[tuple[int, dict[str, str]]]
"""(line number, row) pairs of a CSV file, read one at a time."""
_PIECE = 1 << 20


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends (as ``open(newline="")`` gives them), read from pieces of
    about a MiB cut after a line feed: no second copy of the whole text is made."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + _PIECE)
        end = len(text) if end < 0 else end + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


@dataclass
class Reader:
    data_dir: Path
    problems: list[Problem] = field(default_factory=list)
    # Every key seen in a file, valid row or not: references to a row that has its own problem
    # are not reported a second time as "unknown". A file absent here was not read.
    keys_seen: dict[str, set[str]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256 of the bytes read
    counts: Counter[str] = field(default_factory=Counter)  # problems found per file
    unchecked: Counter[str] = field(default_factory=Counter)  # rows not checked, once a file is full

    def add(self, file: str, row: int | None, fld: str, message: str) -> None:
        self.counts[file] += 1
        if self.counts[file] <= MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(file, row, fld, message))

    def full(self, file: str) -> bool:
        """Whether ``file`` has its :data:`MAX_PROBLEMS_PER_FILE` problems: its other rows are not checked."""
        return self.counts[file] >= MAX_PROBLEMS_PER_FILE

    def all_problems(self) -> list[Problem]:
        """The problems listed, and for each file over the limit a line saying what was left out."""
        more = []
        for name in sorted(set(self.counts) | set(self.unchecked)):
            left = [f"{n:,} more problems not listed" for n in [self.counts[name] - MAX_PROBLEMS_PER_FILE] if n > 0]
            left += [f"{n:,} more rows not checked" for n in [self.unchecked[name]] if n > 0]
            if left:
                more.append(Problem(name, None, "-", "; ".join(left) + f" (after the first {MAX_PROBLEMS_PER_FILE:,} "
                                    "problems of this file)"))
        return self.problems + more

    def version(self) -> str:
        """A hash of the files read: the data version."""
        digest = hashlib.sha256()
        for name, file_digest in sorted(self.digests.items()):
            digest.update(f"{name}\0{file_digest}\n".encode())
        return digest.hexdigest()[:12]

    def check_directory(self) -> bool:
        """Whether the data directory exists and can be read; else records why not."""
        where = str(self.data_dir)
        try:
            info = os.stat(self.data_dir)
            if not stat.S_ISDIR(info.st_mode):
                self.add(where, None, "-", "data directory is not a directory")
                return False
            os.listdir(self.data_dir)
        except (FileNotFoundError, NotADirectoryError):
            self.add(where, None, "-", "data directory does not exist")
            return False
        except OSError as exc:
            self.add(where, None, "-", f"cannot read the data directory: {exc.strerror or exc}")
            return False
        return True

    def read_bytes(self, name: str, required: bool = True, limit: int = MAX_CSV_BYTES) -> bytes | None:
        """The bytes of a regular file of the data directory, or None after recording the problem.

        Only regular files are read: a directory, FIFO, socket or device is refused before it is
        opened (a FIFO would block, ``/dev/zero`` would never end), a symbolic link must stay inside
        the data directory, and a file larger than ``limit`` is refused without being read.
        """
        path = self.data_dir / name
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            if required:
                self.add(name, None, "-", f"file is missing from {self.data_dir}")
            return None
        except OSError as exc:
            self.add(name, None, "-", f"cannot read the file: {exc.strerror or exc}")
            return None
        if stat.S_ISLNK(info.st_mode):
            try:
                target = path.resolve(strict=True)
                inside = target.is_relative_to(self.data_dir.resolve(strict=True))
            except (OSError, RuntimeError):
                self.add(name, None, "-", "is a broken symbolic link")
                return None
            if not inside:
                self.add(name, None, "-", "is a symbolic link that leads out of the data directory; copy the file in")
                return None
            path = target
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (device, FIFO or socket)"
            self.add(name, None, "-", f"is {kind}: expected a regular file")
            return None
        if info.st_size > limit:
            self.add(name, None, "-", f"file is {info.st_size:,} bytes, over the limit of {limit:,} bytes")
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            self.add(name, None, "-", f"cannot read the file: {exc.strerror or exc}")
            return None
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # replaced between the checks
                self.add(name, None, "-", "is not a regular file")
                return None
            raw = fh.read(limit + 1)
        if len(raw) > limit:
            self.add(name, None, "-", f"file is over the limit of {limit:,} bytes")
            return None
        self.digests[name] = hashlib.sha256(raw).hexdigest()
        return raw

    def read_text(self, name: str, required: bool = True, limit: int = MAX_CSV_BYTES) -> str | None:
        raw = self.read_bytes(name, required, limit)
        if raw is None:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.add(name, line, "-", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
            return None
        return text.removeprefix("\ufeff")

    def read_csv(self, name: str, required: bool = True) -> tuple[list[str], Rows] | None:
        """Header and the (line number, row) pairs, read one at a time; None after recording the problem."""
        text = self.read_text(name, required)
        if text is None:
            return None
        if "\x00" in text:
            self.add(name, None, "-", "file is not a CSV text file (it contains NUL bytes)")
            return None
        reader = csv.reader(_lines(text), strict=True)
        try:
            first = next(reader, [])
        except csv.Error as exc:
            self.add(name, reader.line_num, "-", f"file is not valid CSV: {exc}")
            return None
        if not any(cell.strip() for cell in first):
            self.add(name, 1, "-", "file is empty: expected a header row")
            return None
        header = [h.strip() or f"column_{i}" for i, h in enumerate(first, 1)]
        for d in sorted({h for h in header if header.count(h) > 1}):
            self.add(name, 1, d, "column appears more than once")
        return header, self._rows(name, header, reader)

    def _rows(self, name: str, header: list[str], reader: Any) -> Rows:
        line = 1  # the row as a spreadsheet numbers it: a cell may hold a line break
        same: dict[str, str] = {}  # one object per distinct text: rows kept share their repeated values
        try:
            for record in reader:
                line += 1
                if not "".join(record).strip():  # a blank line
                    continue
                if len(record) != len(header):
                    if self.full(name):
                        self.unchecked[name] += 1
                    else:
                        self.add(name, line, "-", f"row has {len(record)} cells but the header has {len(header)}")
                    continue
                yield line, dict(zip(header, map(same.setdefault, record, record), strict=True))
        except csv.Error as exc:
            self.add(name, reader.line_num, "-", f"file is not valid CSV: {exc}")

    def check_columns(self, name: str, header: list[str], expected: list[str], optional: set[str]) -> bool:
        ok = True
        for col in expected:
            if col not in header and col not in optional:
                self.add(name, 1, col, "required column is missing")
                ok = False
        for col in header:
            if col not in expected:
                self.add(name, 1, col, f"unknown column (expected: {', '.join(expected)})")
                ok = False
        return ok

    def models(self, name: str, model: type[BaseModel], key: str, required: bool,
               unique: bool = True) -> list[tuple[int, Any]]:
        """The valid rows of ``name`` as (line, ``model``); every other row gives its problems. ``key``
        values are collected in :attr:`keys_seen`, and refused when repeated if ``unique``."""
        parsed = self.read_csv(name, required)
        if parsed is None:
            return []
        header, rows = parsed
        fields = list(model.model_fields)
        optional = {f for f, info in model.model_fields.items() if not info.is_required()}
        if not self.check_columns(name, header, fields, optional):
            for _ in rows:  # still read to the end: a file that is not CSV says so
                pass
            return []
        out: list[tuple[int, Any]] = []
        seen: dict[str, int] = {}
        keys = self.keys_seen[name] = set()
        for line, row in rows:
            if row.get(key):
                keys.add(row[key])
            if self.full(name):  # enough listed: the rest is counted (and its keys known), not checked
                self.unchecked[name] += 1
                continue
            try:
                obj = model(**row)
            except ValidationError as exc:
                for err in exc.errors():
                    fld = str(err["loc"][0]) if err["loc"] else "-"
                    self.add(name, line, fld, _message(err, row.get(fld)))
                continue
            k = getattr(obj, key)
            if unique and k in seen:
                self.add(name, line, key, f"duplicate id {k!r} (first on row {seen[k]})")
                continue
            seen[k] = line
            out.append((line, obj))
        return out


def read_file(data_dir: Path, name: str, limit: int = MAX_CSV_BYTES) -> bytes:
    """The bytes of ``data_dir/name`` under the rules ``validate`` reads by, for code that reads a data
    file after loading (the edition's data package); ``OSError`` saying what is wrong otherwise."""
    reader = Reader(Path(data_dir))
    raw = reader.read_bytes(name, limit=limit)
    if raw is None:
        raise OSError(str(reader.problems[0]) if reader.problems else f"{name} is missing from {data_dir}")
    return raw


def _message(err: Any, value: object) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid"))
    msg = msg.removeprefix("Value error, ")
    shown = repr(value)[:60]
    if kind == "literal_error":
        return f"{shown} is not one of the allowed values ({msg.removeprefix('Input should be ')})"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return f"{shown} is not a number"
    return msg
