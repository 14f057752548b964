"""The commentary's caveats as an exported table (no Streamlit): the ``caveats`` table of
:data:`atlas.tables.TABLES` (a CSV of the export page, an Excel sheet, a JSON key, and so the static
edition's Excel and JSON downloads).

One row per caveat, in the caveats' order: its key and anchor, title, what the commentary says and the
paragraphs it comes from, the atlas's own reading in a column of its own, and the evidence as text
(:func:`atlas.caveats.caveat_evidence`): the flags, the census figures with their credit, the
scorecard answers and where each institute stands.

The scope is the view's: the selected region (``view.selected``) when there is one, else each region
the region filter keeps (several regions: each line of evidence starts with the region's name), else the
whole country. The other filters (specialisation, status, confidence, search) choose institutes, not
caveats, and leave this table as it is. A cell holding several items puts one per line. Numbers are
text here; formula neutralising happens where the table is written (:mod:`atlas.exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from atlas.caveats import CaveatEvidence, InstituteStanding, caveat_evidence, caveat_texts
from atlas.i18n import t
from atlas.present import list_sep, region_name
from atlas.view import View

if TYPE_CHECKING:
    from atlas.dataset import Dataset

TableParts = tuple[list[str], list[str], list[str], list[dict[str, Any]]]
"""(keys, headers, kinds, rows): what :class:`atlas.tables.Table` is made of."""
KEYS = ("order", "key", "anchor", "scope", "title", "commentary", "paragraphs", "reading", "flags",
        "flag_reading", "figures", "figures_credit", "scorecard", "institutes")
LINE = "\n"


def caveat_scope(ds: Dataset, view: View) -> list[str | None]:
    """The regions whose evidence the table gives: ``[view.selected]``, else the region filter's codes
    in code order, else ``[None]`` (the whole country)."""
    if view.selected and view.selected in ds.regions.index:
        return [view.selected]
    codes = [str(c) for c in ds.regions.index if c in view.regions]
    return list(codes) if codes else [None]


def _scope_text(ds: Dataset, scope: list[str | None], lang: str) -> str:
    if scope == [None]:
        return t("export.cv.scope_national", lang, total=len(ds.regions))
    names = list_sep(lang).join(f"{c} {region_name(ds, c, lang)}" for c in scope if c)
    return t("export.cv.scope_regions" if len(scope) > 1 else "export.cv.scope_region", lang, regions=names)


def _flag_lines(item: CaveatEvidence, code: str | None, lang: str) -> list[str]:
    colon = t("cv.colon", lang)
    # Nationally the detail gives the threshold and the lowest and highest values; for a region the
    # summary already gives its value and the threshold, and the rule says how the flag is raised.
    return [f"{f.line.label}{colon}{f.summary}. {f.detail if code is None else f.line.rule}" for f in item.flags]


def _answer_line(name: str, label: str, answer: str, source: Any, lang: str) -> str:
    colon = t("cv.colon", lang)
    text = f"{name}{colon}{label}{colon}{answer}"
    if source is not None:
        where = list_sep(lang).join(p for p in (source.publisher, source.date_text, source.url) if p)
        text += f" ({t('cv.source', lang)} {where})"
    return text


def _scorecard_lines(item: CaveatEvidence, lang: str) -> list[str]:
    colon = t("cv.colon", lang)
    if item.questions:
        counts = list_sep(lang).join(q.text for q in item.questions)
        return [f"{t('cv.answers_national', lang, total=item.questions[0].total)}{colon}{counts}"]
    if not item.show_answers:
        return []
    if not item.institutes:
        return [t("common.no_institute", lang)]
    return [_answer_line(s.name, a.label, a.answer, a.source, lang) for s in item.institutes for a in s.answers]


def _standing_line(s: InstituteStanding, lang: str) -> str:
    values = {"name": s.name, "region": s.region, "status": s.status_label, "date": s.date_text, "step": s.step_text}
    if s.published_text:
        return t("export.cv.standing_answers", lang, published=s.published_text, **values)
    return t("export.cv.standing", lang, **values)


def _institute_lines(item: CaveatEvidence, lang: str) -> list[str]:
    colon = t("cv.colon", lang)
    lines = [_standing_line(s, lang) for s in item.institutes] if item.show_status else []
    if item.show_partners:
        for s in item.institutes:
            partners = list_sep(lang).join(s.partners) if s.partners else t("common.not_announced", lang)
            lines.append(f"{s.name}{colon}{t('cv.partners', lang)}{colon}{partners}")
    if (item.show_status or item.show_partners) and not item.institutes:
        lines.append(t("common.no_institute", lang))
    return lines


def caveats_table(ds: Dataset, view: View) -> TableParts:
    """The ``caveats`` table for ``view`` (see the module's docstring)."""
    lang = view.lang
    scope = caveat_scope(ds, view)
    evidence = {code: caveat_evidence(ds, code, lang) for code in scope}
    colon = t("cv.colon", lang)
    keys = list(KEYS)
    headers = [t(f"export.col.cv.{k}", lang) for k in keys]
    kinds = ["int"] + ["text"] * (len(keys) - 1)
    rows: list[dict[str, Any]] = []
    for i, text in enumerate(caveat_texts(ds, lang)):
        cells: dict[str, list[str]] = {"flags": [], "flag_reading": [], "figures": [], "scorecard": [],
                                       "institutes": []}
        for code, items in evidence.items():
            item = items[i]
            prefix = f"{region_name(ds, code, lang)}{colon}" if code is not None and len(scope) > 1 else ""
            parts = {
                "flags": _flag_lines(item, code, lang),
                "figures": list(item.figure_texts),
                "scorecard": _scorecard_lines(item, lang),
                "institutes": _institute_lines(item, lang),
            }
            for name, lines in parts.items():
                cells[name] += [prefix + line for line in lines]
            if not cells["flag_reading"]:  # the same reasoning whatever the region: once
                cells["flag_reading"] = [f"{f.line.label}{colon}{f.line.reading}" for f in item.flags
                                         if f.line.reading]
        rows.append({
            "order": text.order,
            "key": text.key,
            "anchor": f"#{text.anchor}",
            "scope": _scope_text(ds, scope, lang),
            "title": text.title,
            "commentary": text.commentary,
            "paragraphs": list_sep(lang).join(str(p) for p in text.paragraphs),
            "reading": text.reading,
            **{name: LINE.join(lines) for name, lines in cells.items()},
            "figures_credit": t("cv.credit", lang) if cells["flags"] or cells["figures"] else "",
        })
    return keys, headers, kinds, rows
