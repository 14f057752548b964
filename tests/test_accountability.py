"""data/accountability.csv: every answer a sourced fact or "not published", checked by the loader."""

from __future__ import annotations

from pathlib import Path

from atlas import validate
from tests.conftest import read_rows, write_rows


def _problems(data_copy: Path) -> list[str]:
    ds, problems = validate(data_copy)
    assert ds is None
    return [str(p) for p in problems]


def test_the_real_file_has_seven_answers_per_institute_and_few_published(ds):
    acc = ds.accountability.reset_index(drop=True)
    assert len(acc) == 7 * len(ds.institutes)
    assert acc.groupby("institute_id").size().eq(7).all()
    published = acc[acc["state"] == "published"]
    assert 0 < len(published) < len(acc) / 4  # nearly every answer is "not published": that is the point
    assert published["source_url"].str.startswith("https://").all()


def test_published_answer_without_source_is_a_problem(data_copy: Path):
    path = data_copy / "accountability.csv"
    header, rows = read_rows(path)
    index = next(i for i, r in enumerate(rows) if r["state"] == "published")
    rows[index]["source_url"] = ""
    write_rows(path, header, rows)
    assert f"accountability.csv:{index + 2}: source_url: is empty but required for a published answer" in "\n".join(
        _problems(data_copy)
    )


def test_blank_or_partial_scorecards_are_problems(data_copy: Path):
    path = data_copy / "accountability.csv"
    header, rows = read_rows(path)
    rows[0]["state"] = ""
    rows = [r for r in rows if not (r["institute_id"] == "jazari-fes" and r["question"] == "budget")]
    rows.append(dict(rows[1], institute_id="jazari-nowhere"))
    write_rows(path, header, rows)
    text = "\n".join(_problems(data_copy))
    assert "accountability.csv:2: state: '' is not one of the allowed values" in text
    assert "institute 'jazari-fes'" in text and "has no row for budget" in text
    assert "institute_id: unknown institute 'jazari-nowhere'" in text
