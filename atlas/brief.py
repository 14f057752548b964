"""Briefs: one region, or the whole country, on a few pages, in Markdown and PDF.

Both renderers read the same :class:`Brief`, built by :func:`build_brief` from the dataset and the
view (language, filters): the region's (or country's) map, institutes, census figures beside their
national reference, the critical-mass flags with their rules, the caveats, the sources and the
credits.

The PDF is drawn with fpdf2 alone (no browser, no network): text is shaped by HarfBuzz so Arabic is
joined and laid out right to left, with a TrueType font that has Arabic glyphs (DejaVu Sans, from
Debian's ``fonts-dejavu-core``; see :func:`find_font`), and the map is drawn from ``ds.shapes`` with
fpdf2's drawing primitives.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from atlas import tables
from atlas.i18n import fmt_date, pick, t
from atlas.present import format_exact, format_value, spec_line
from atlas.scorecard import scorecard
from atlas.view import View, apply_filters

if TYPE_CHECKING:
    from fpdf import FPDF

    from atlas.dataset import Dataset

FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)


class FontNotFound(RuntimeError):
    """No TrueType font with Arabic glyphs was found for the PDF."""


# --- The brief, language-resolved --------------------------------------------------------------


@dataclass
class InstituteItem:
    number: int
    name: str
    region: str
    lines: list[tuple[str, str]]  # (label, value)
    lat: float
    lon: float


@dataclass
class Brief:
    lang: str
    code: str | None
    title: str
    subtitle: str
    meta: list[tuple[str, str]]
    intro: str
    institutes: list[InstituteItem]
    no_institute: str
    figure_headers: list[str]
    figure_rows: list[list[str]]
    region_table: tuple[list[str], list[list[str]]] | None
    flags: list[tuple[str, str, str]]  # (label, status line, rule)
    caveats: list[tuple[str, str]]
    sources: list[tuple[str, str, str]]  # (publisher + details, url, institute)
    credits: list[tuple[str, str]]
    footer: str
    extra: dict[str, Any] = field(default_factory=dict)
    # (institute, count text, [(question, answer)]) per institute shown
    scorecards: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)


def _date(value: str, lang: str) -> str:
    try:
        return fmt_date(value, lang)
    except (ValueError, TypeError):
        return str(value)


PUBLIC_URL_ENV = "ATLAS_PUBLIC_URL"


def public_base_url() -> str | None:
    """The public address of the app (``ATLAS_PUBLIC_URL``, http(s) only), or None when unset."""
    value = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not value or not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        return None
    return value if value.endswith("/") else value + "/"


def public_view_url(view: View) -> str:
    """The link that reproduces ``view`` at the public address, or a note that none is set (never a
    local address such as 127.0.0.1)."""
    base = public_base_url()
    if base is None:
        return t("export.brief.no_public_url", view.lang, env=PUBLIC_URL_ENV)
    return tables.view_url(view, base)


def build_brief(ds: Dataset, view: View, code: str | None = None, base_url: str | None = None,
                now: datetime | None = None) -> Brief:
    """Everything a brief says, in ``view.lang``. ``code`` is a region code, or ``None`` for the
    whole country (limited to the view's region filter, if any)."""
    lang = view.lang
    if code is not None and code not in ds.regions.index:
        raise ValueError(f"unknown region code {code!r}")
    scope = view.with_(regions=(code,)) if code else view
    meta = tables.metadata(ds, scope, base_url, now)
    shown = apply_filters(ds, scope)
    summary = tables.summary_table(ds, scope)
    results = tables.flag_results(ds)
    refs = tables.national_references(ds)
    defs = ds.figure_defs

    if code:
        region = ds.regions.loc[code]
        name = pick(region, "name", lang)
        title = t("export.brief.title_region", lang, region=name)
        subtitle = t("export.brief.subtitle_region", lang, code=code)
    else:
        title = t("export.brief.title_national", lang)
        subtitle = t("export.brief.subtitle_national", lang)

    meta_lines = [
        (t("export.meta.version", lang), meta["dataset_version"]),
        (t("export.meta.exported_at", lang), meta["exported_at"]),
        (t("export.meta.filters", lang), meta["filters_text"]),
        (t("export.meta.view_url", lang), public_view_url(scope)),
    ]

    # Institutes.
    institutes = []
    for number, (_, r) in enumerate(shown.iterrows(), start=1):
        rcode = str(r["region_code"])
        rname = pick(ds.regions.loc[rcode], "name", lang) if rcode in ds.regions.index else rcode
        precision = t(f"precision.{r['location_precision']}", lang)
        status = t(f"status.{r['status']}", lang)
        lines = [
            (t("export.col.kind", lang), t(f"kind.{r['kind']}", lang)),
            (t("export.col.region", lang), f"{rcode} · {rname}"),
            (t("export.col.city", lang),
             f"{pick(r, 'city', lang)} ({precision})"),
            (t("export.col.status", lang),
             f"{status} · {_date(str(r['status_date']), lang)}"),
            (t("export.col.confidence", lang), t(f"confidence.{r['confidence']}", lang)),
            # One line, following the lens chosen, that names the other source where they differ.
            (t(f"lens.legend_title.{view.lens}", lang), spec_line(ds, r, view.lens, lang)),
            (t("export.col.partners", lang), pick(r, "partners", lang) or t("common.not_announced", lang)),
        ]
        notes = pick(r, "notes", lang)
        if notes:
            lines.append((t("export.col.notes", lang), notes))
        lines.append((t("export.col.last_verified", lang), _date(str(r["last_verified"]), lang)))
        institutes.append(InstituteItem(number, pick(r, "name", lang), rname, lines, float(r["lat"]), float(r["lon"])))
    if code and ds.institutes_in(code).empty:
        no_institute = t("common.no_institute", lang)
    elif not institutes:
        no_institute = t("export.none_in_view", lang)
    else:
        no_institute = ""

    # Figures.
    figure_rows: list[list[str]] = []
    region_table = None
    if code:
        figure_headers = [
            t("export.brief.figure", lang), t("export.brief.region_value", lang), t("export.brief.national_value", lang)
        ]
        for key, fdef in defs.iterrows():
            unit = str(fdef["unit"])
            kind = t(f"export.brief.national_{fdef['national']}", lang)
            figure_rows.append([
                tables.figure_header(ds, str(key), lang),
                format_value(ds.figures.at[code, key], unit, lang),
                f"{format_exact(refs.get(str(key)), unit, lang)} ({kind})",
            ])
    else:
        figure_headers = [t("export.brief.figure", lang), t("export.brief.national_value", lang)]
        for key, fdef in defs.iterrows():
            kind = t(f"export.brief.national_{fdef['national']}", lang)
            figure_rows.append([
                tables.figure_header(ds, str(key), lang),
                f"{format_exact(refs.get(str(key)), str(fdef['unit']), lang)} ({kind})",
            ])
        headers = [t("export.col.code", lang), t("export.col.region", lang), t("export.col.institutes", lang)]
        headers += [tables.figure_header(ds, str(k), lang) for k in defs.index]
        headers.append(t("export.col.flags", lang))
        rows = []
        for row in summary.rows:
            rcode = row["code"]
            cells = [rcode, pick(ds.regions.loc[rcode], "name", lang)]
            count = int((shown["region_code"] == rcode).sum())
            cells.append(str(count) if count else "–")
            cells += [format_value(row[str(k)], str(defs.at[k, "unit"]), lang) for k in defs.index]
            cells.append(row["flags"])
            rows.append(cells)
        region_table = (headers, rows)

    # Flags.
    flags = []
    flag_raised: list[bool] = []
    scope_codes = tables.region_rows(scope, ds)
    for key, rule in ds.flag_rules.iterrows():
        label = pick(rule, "label", lang)
        unit = str(defs.at[rule["figure"], "unit"]) if rule["figure"] in defs.index else "count"
        res = results[results["flag"] == key]
        if code:
            one = res[res["code"] == code].iloc[0]
            state = t("export.brief.flag_raised" if one["raised"] else "export.brief.flag_not_raised", lang)
            flag_raised.append(bool(one["raised"]))
            status = t(
                "export.brief.flag_values", lang, state=state, value=format_value(one["value"], unit, lang),
                threshold=format_exact(one["threshold_value"], unit, lang),
                median=format_exact(one["national_median"], unit, lang),
            )
        else:
            raised = [c for c in res[res["raised"]]["code"] if c in scope_codes]
            names = ", ".join(pick(ds.regions.loc[c], "name", lang) for c in raised)
            threshold = format_exact(res["threshold_value"].iloc[0], unit, lang) if len(res) else "–"
            status = t(
                "export.brief.flag_regions", lang, count=len(raised), regions=names or "–", threshold=threshold,
            )
        flags.append((label, status, pick(rule, "rule", lang)))

    # Caveats.
    caveats = [(pick(c, "title", lang), pick(c, "body", lang)) for _, c in ds.caveats.iterrows()]

    # Sources.
    sources = []
    for row in tables.sources_table_data(ds, scope).rows:
        details = f"{row['publisher']} · {row['kind']} · {row['published']} · {row['language']}"
        sources.append((details, str(row["url"] or ""), str(row["institute"])))

    credits = []
    for c in meta["credits"]:
        value = f"{c['by']} — {c['licence']}"
        if c["urls"]:
            value += " — " + " ".join(c["urls"])
        credits.append((c["what"], value))

    count = len(shown)
    covered = len({str(c) for c in shown["region_code"]})
    if code:
        intro = t("export.brief.intro_region", lang, count=count)
    else:
        intro = t("export.brief.intro_national", lang, count=count, regions=covered, total=len(scope_codes))
    footer = f"{t('app.title', lang)} · {t('export.meta.version', lang)} {ds.version} · {meta['exported_at']}"
    scorecards = []
    for iid in shown.index:
        sc = scorecard(ds, str(iid), lang)
        if sc is not None:
            answers = []
            for line in sc.lines:
                answer = line.answer
                if line.source is not None:
                    answer += " — " + t("panel.acc.source", lang, source=line.source.publisher,
                                        date=line.source.date_text)
                answers.append((("✓ " if line.published else "– ") + line.label, answer))
            scorecards.append((sc.institute, sc.count_text, answers))

    return Brief(
        scorecards=scorecards,
        lang=lang, code=code, title=title, subtitle=subtitle, meta=meta_lines, intro=intro,
        institutes=institutes, no_institute=no_institute, figure_headers=figure_headers, figure_rows=figure_rows,
        region_table=region_table, flags=flags, caveats=caveats, sources=sources, credits=credits, footer=footer,
        extra={"note": meta["note"], "flag_raised": flag_raised},
    )


# --- Markdown ----------------------------------------------------------------------------------


_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~$&])")
_MD_LINE_MARK = re.compile(r"^(\s*)([#+\-=>])")
_MD_LINE_NUMBER = re.compile(r"^(\s*\d+)([.)])")


def md_text(text: object) -> str:
    """Data text shown literally in a Markdown file, yet readable raw: every character that could open
    emphasis, code, a link, an image, HTML, an entity, a table cell or maths is backslash-escaped, and
    so is a line start that would make a heading, list, quote or rule. Newlines become spaces."""
    flat = " ".join(str(text).splitlines())
    escaped = _MD_INLINE.sub(r"\\\1", flat)
    escaped = _MD_LINE_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return _MD_LINE_NUMBER.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def safe_url(url: str) -> str | None:
    """``url`` ready for a Markdown link target (http/https only; characters that could end the link or
    open HTML are percent-encoded), or ``None`` if it is not an http(s) URL."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    return quote(url, safe=":/?#@!$&*+,;=%-._~[]")


def _md_link(text: str, url: str) -> str:
    target = safe_url(url)
    return f"[{md_text(text)}]({target})" if target else md_text(text)


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(md_text(x) for x in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md_text(x) for x in row) + " |" for row in rows]
    return out


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown; every piece of data text is escaped (no links but the sources', no HTML)."""
    lang = brief.lang
    out: list[str] = []
    rtl = lang == "ar"
    if rtl:
        out += ['<div dir="rtl" lang="ar">', ""]
    out += [f"# {md_text(brief.title)}", "", f"*{md_text(brief.subtitle)}*", ""]
    for label, value in brief.meta:
        shown = _md_link(value, value) if value.startswith("http") else md_text(value)
        out.append(f"- **{md_text(label)}**: {shown}")
    out += ["", md_text(brief.intro), ""]

    out += [f"## {md_text(t('export.brief.institutes', lang))}", ""]
    if brief.no_institute:
        out += [md_text(brief.no_institute), ""]
    for item in brief.institutes:
        out += [f"### {item.number}\\. {md_text(item.name)}", ""]
        out += [f"- **{md_text(label)}**: {md_text(value)}" for label, value in item.lines]
        out.append("")

    if brief.scorecards:
        out += [f"## {md_text(t('panel.acc.title', lang))}", "", md_text(t("panel.acc.intro", lang)), ""]
        for institute, count, answers in brief.scorecards:
            out += [f"### {md_text(institute)} · {md_text(count)}", ""]
            out += _md_table([t("export.brief.question", lang), t("export.brief.answer", lang)],
                             [[q, a] for q, a in answers])
            out.append("")

    out += [f"## {md_text(t('export.brief.figures', lang))}", ""]
    out += _md_table(brief.figure_headers, brief.figure_rows)
    out.append("")
    if brief.region_table:
        out += [f"## {md_text(t('export.brief.by_region', lang))}", ""]
        out += _md_table(*brief.region_table)
        out.append("")

    out += [f"## {md_text(t('export.brief.flags', lang))}", ""]
    for label, status, rule in brief.flags:
        out += [f"### {md_text(label)}", "", f"**{md_text(status)}**", "", md_text(rule), ""]

    out += [f"## {md_text(t('export.brief.caveats', lang))}", ""]
    for title, body in brief.caveats:
        out += [f"### {md_text(title)}", "", md_text(body), ""]

    out += [f"## {md_text(t('export.brief.sources', lang))}", ""]
    if not brief.sources:
        out.append(md_text(t("export.brief.no_source", lang)))
    for details, url, institute in brief.sources:
        link = _md_link(url, url) if url else md_text(t("export.brief.no_url", lang))
        out.append(f"- {md_text(institute)}: {md_text(details)}: {link}")
    out.append("")

    out += [f"## {md_text(t('export.brief.credits', lang))}", ""]
    out += [f"- **{md_text(what)}**: {md_text(value)}" for what, value in brief.credits]
    out += ["", f"*{md_text(brief.extra.get('note', ''))}*", "", md_text(brief.footer), ""]
    if rtl:
        out += ["</div>", ""]
    return "\n".join(out)


def to_markdown_brief(ds: Dataset, view: View, code: str | None = None, *, base_url: str | None = None,
                      now: datetime | None = None) -> bytes:
    """The brief of region ``code`` (or of the whole country) as UTF-8 Markdown."""
    return render_markdown(build_brief(ds, view, code, base_url, now)).encode("utf-8")


# --- PDF ---------------------------------------------------------------------------------------


def find_font() -> tuple[Path, Path | None]:
    """(regular, bold or None) DejaVu Sans TrueType files. Raises :class:`FontNotFound` with what to
    install when there is none."""
    for candidate in FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            bold = path.with_name("DejaVuSans-Bold.ttf")
            return path, bold if bold.is_file() else None
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", "DejaVu Sans:lang=ar"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found.endswith(".ttf") and "DejaVuSans" in found and Path(found).is_file():
            path = Path(found)
            bold = path.with_name("DejaVuSans-Bold.ttf")
            return path, bold if bold.is_file() else None
    raise FontNotFound(
        "the PDF needs the DejaVu Sans font (it has Arabic glyphs), looked for in "
        + ", ".join(FONT_CANDIDATES)
        + "; install it with `apt-get install fonts-dejavu-core` (Debian/Ubuntu) or run scripts/setup.sh"
    )


INK = (33, 37, 41)
MUTED = (100, 106, 112)
ACCENT = (31, 78, 121)
LAND = (236, 238, 240)
LAND_EDGE = (170, 176, 182)
FOCUS = (166, 206, 227)
FOCUS_EDGE = (31, 78, 121)
POINT = (192, 57, 43)


def _make_pdf(lang: str, footer: str) -> FPDF:
    from fpdf import FPDF

    regular, bold = find_font()

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("atlas", size=7)
            self.set_text_color(*MUTED)
            align = "R" if lang == "ar" else "L"
            self.cell(0, 5, f"{footer} · {self.page_no()}/{{nb}}", align=align)

    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("atlas", "", str(regular))
    pdf.add_font("atlas", "B", str(bold or regular))
    pdf.set_text_shaping(True)
    pdf.set_lang(lang)
    pdf.alias_nb_pages()
    return pdf


MAX_CELL_LINES = 24
"""A table cell is cut (with an ellipsis) to about this many lines: fpdf2 cannot split a table row
across pages, so a very long note would otherwise make the PDF fail."""


def _cell_budget(width_mm: float, size: float) -> int:
    """Characters that fit in about :data:`MAX_CELL_LINES` lines of a cell ``width_mm`` wide (a
    character counted as wide as 0.6 em, so that wide glyphs still fit)."""
    per_line = max(1, int(width_mm / (size * 0.3528 * 0.6)))
    return per_line * MAX_CELL_LINES


def _cut(value: str, budget: int) -> str:
    return value if len(value) <= budget else value[: budget - 1].rstrip() + "…"


class _Writer:
    """Small helpers over fpdf2 that know the reading direction."""

    def __init__(self, pdf: FPDF, lang: str):
        self.pdf = pdf
        self.lang = lang
        self.align = "R" if lang == "ar" else "L"

    def text(self, value: str, size: float = 9.5, bold: bool = False, colour: tuple[int, int, int] = INK,
             height: float | None = None, align: str | None = None) -> None:
        pdf = self.pdf
        pdf.set_font("atlas", "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, height or size * 0.5, value, align=align or self.align, new_x="LMARGIN", new_y="NEXT")

    def heading(self, value: str, level: int = 1) -> None:
        pdf = self.pdf
        size = {0: 17, 1: 13, 2: 10.5}[level]
        if level == 1:
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            pdf.ln(3)
            pdf.start_section(value, level=0, strict=False)
        elif pdf.get_y() > pdf.h - 35:
            pdf.add_page()
        self.text(value, size=size, bold=True, colour=ACCENT if level < 2 else INK)
        if level == 1:
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(0.3)
            y = pdf.get_y() + 0.5
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            pdf.ln(2)
        else:
            pdf.ln(0.5)

    def pairs(self, items: list[tuple[str, str]], size: float = 8.5) -> None:
        rows = [[label, value] for label, value in items]
        self.table([], rows, widths=[40, 140], size=size, borders=False, first_bold=True)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float] | None = None,
              size: float = 8, borders: bool = True, first_bold: bool = False,
              numeric: frozenset[int] = frozenset(), link_col: int | None = None) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font("atlas", "", size)
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*LAND_EDGE)
        pdf.set_fill_color(255, 255, 255)
        pdf.set_line_width(0.2)
        rtl = self.lang == "ar"
        ncols = len(headers or rows[0])
        widths = list(widths or [1] * ncols)

        def order(cells: list[str]) -> list[str]:
            return list(reversed(cells)) if rtl else cells

        full = pdf.w - pdf.l_margin - pdf.r_margin
        budgets = [_cell_budget(full * w / sum(widths), size) for w in widths]
        all_rows = [
            [_cut(str(v), b) for v, b in zip(r, budgets, strict=False)] for r in ([headers] if headers else []) + rows
        ]
        with pdf.table(
            col_widths=order(widths),  # type: ignore[arg-type]
            width=pdf.w - pdf.l_margin - pdf.r_margin,
            first_row_as_headings=bool(headers),
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 244)),
            borders_layout="SINGLE_TOP_LINE" if not borders else "MINIMAL",
            text_align=self.align,
            line_height=size * 0.48,
            padding=(0.8, 1.2),
            v_align="TOP",
        ) as table:
            for index, cells in enumerate(all_rows):
                row = table.row()
                logical = list(cells)
                for col_logical, value in zip(order(list(range(len(logical)))), order(logical), strict=True):
                    is_head = bool(headers) and index == 0
                    align = self.align
                    if col_logical in numeric and not is_head:
                        align = "L" if rtl else "R"
                    style = FontFace(emphasis="BOLD") if first_bold and col_logical == 0 else None
                    link = safe_url(str(value)) if col_logical == link_col and not is_head else None
                    row.cell(str(value), align=align, style=style, link=link)
        pdf.ln(2)


def _project(bounds: tuple[float, float, float, float], x: float, y: float, w: float, h: float):
    lon0, lat0, lon1, lat1 = bounds
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lon1 - lon0) * kx, 1e-6)
    span_y = max(lat1 - lat0, 1e-6)
    scale = min(w / span_x, h / span_y)
    ox = x + (w - span_x * scale) / 2
    oy = y + (h - span_y * scale) / 2

    def proj(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon - lon0) * kx * scale, oy + (lat1 - lat) * scale

    return proj


def _rings(geom: Any) -> list[list[tuple[float, float]]]:
    polys = list(getattr(geom, "geoms", [geom]))
    return [list(p.exterior.coords) for p in polys if not p.is_empty]


def draw_map(pdf: FPDF, ds: Dataset, brief: Brief, x: float, y: float, w: float, h: float) -> None:
    """The regions (the brief's region highlighted and framed) and the institutes as numbered dots,
    drawn with fpdf2 primitives from ``ds.shapes``."""
    shapes = ds.shapes
    if not shapes:
        return
    if brief.code and brief.code in shapes:
        lon0, lat0, lon1, lat1 = shapes[brief.code].bounds
        pad = max(lon1 - lon0, lat1 - lat0) * 0.12 + 0.2
        bounds = (lon0 - pad, lat0 - pad, lon1 + pad, lat1 + pad)
    else:
        all_bounds = [s.bounds for s in shapes.values()]
        bounds = (
            min(b[0] for b in all_bounds), min(b[1] for b in all_bounds),
            max(b[2] for b in all_bounds), max(b[3] for b in all_bounds),
        )
    proj = _project(bounds, x + 2, y + 2, w - 4, h - 4)
    pdf.set_fill_color(248, 250, 252)
    pdf.set_draw_color(*LAND_EDGE)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h, style="DF")
    with pdf.rect_clip(x, y, w, h):
        pdf.set_line_width(0.25)
        for code, shape in shapes.items():
            focus = code == brief.code
            pdf.set_fill_color(*(FOCUS if focus else LAND))
            pdf.set_draw_color(*(LAND_EDGE))
            for ring in _rings(shape):
                pdf.polygon([proj(lon, lat) for lon, lat in ring], style="DF")
        if brief.code and brief.code in shapes:
            pdf.set_draw_color(*FOCUS_EDGE)
            pdf.set_line_width(0.6)
            for ring in _rings(shapes[brief.code]):
                pdf.polygon([proj(lon, lat) for lon, lat in ring], style="D")
        else:
            pdf.set_font("atlas", "", 6.5)
            pdf.set_text_color(*MUTED)
            for code, shape in shapes.items():
                px, py = proj(*shape.representative_point().coords[0])
                pdf.text(px - 1.8, py + 1, code)
        pdf.set_line_width(0.3)
        for item in brief.institutes:
            px, py = proj(item.lon, item.lat)
            pdf.set_fill_color(*POINT)
            pdf.set_draw_color(255, 255, 255)
            pdf.circle(px, py, 2.2, style="DF")
            pdf.set_font("atlas", "B", 6.5)
            pdf.set_text_color(255, 255, 255)
            label = str(item.number)
            pdf.text(px - pdf.get_string_width(label) / 2, py + 0.8, label)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*LAND_EDGE)
    pdf.set_text_color(*INK)


def render_pdf(ds: Dataset, brief: Brief, created: datetime | None = None) -> bytes:
    """The brief as PDF bytes; ``created`` (default: now) is the file's creation date, so that a
    fixed date gives byte-identical files (``python -m atlas publish``)."""
    lang = brief.lang
    pdf = _make_pdf(lang, brief.footer)
    if created is not None:
        pdf.set_creation_date(created)
    pdf.set_title(brief.title)
    pdf.set_creator(t("app.title", lang))
    pdf.set_subject(brief.subtitle)
    pdf.add_page()
    out = _Writer(pdf, lang)
    out.text(brief.title, size=17, bold=True, colour=ACCENT, height=8)
    out.text(brief.subtitle, size=10, colour=MUTED, height=5.5)
    pdf.ln(1)
    out.pairs(brief.meta, size=7.5)

    map_h = 45 if brief.code else 120
    top = pdf.get_y() + 1
    draw_map(pdf, ds, brief, pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, map_h)
    pdf.set_y(top + map_h + 2)
    out.text(t("export.brief.map_caption", lang), size=7, colour=MUTED, height=3.5)
    pdf.ln(1)
    out.text(brief.intro, size=8.5 if brief.code else 9.5, height=4.2 if brief.code else 5)

    out.heading(t("export.brief.institutes", lang))
    if brief.no_institute:
        out.text(brief.no_institute)
    for item in brief.institutes:
        out.heading(f"{item.number}. {item.name}", level=2)
        out.pairs(item.lines, size=7.5 if brief.code else 8.5)

    if brief.scorecards:
        # compact: the published answers one per row, the unanswered questions on one line
        out.heading(t("panel.acc.title", lang))
        for institute, count, answers in brief.scorecards:
            out.text(f"{institute} · {count}", size=8, bold=True, height=4)
            published = [[q, a] for q, a in answers if q.startswith("✓")]
            if published:
                out.table([t("export.brief.question", lang), t("export.brief.answer", lang)], published,
                          widths=[1.4, 4], size=7)
            missing = [q.removeprefix("– ") for q, _ in answers if not q.startswith("✓")]
            if missing:
                date = next(a for q, a in answers if not q.startswith("✓"))
                out.text(f"{date} : " + t("panel.list_sep", lang).join(missing), size=7, height=3.5)

    out.heading(t("export.brief.figures", lang))
    out.table(brief.figure_headers, brief.figure_rows, widths=[3, 1.3, 2] if brief.code else [3, 2], size=6.8,
              numeric=frozenset({1, 2}))

    if brief.region_table:
        headers, rows = brief.region_table
        pdf.add_page(orientation="L")
        out.heading(t("export.brief.by_region", lang))
        nfig = len(headers) - 4
        widths = [0.8, 2.1, 0.9] + [1.3] * nfig + [2.8]
        out.table(headers, rows, widths=widths, size=6.8, numeric=frozenset(range(2, 3 + nfig)))
        pdf.add_page(orientation="P")

    out.heading(t("export.brief.flags", lang))
    raised = brief.extra.get("flag_raised") or [True] * len(brief.flags)
    for (label, status, rule), up in zip(brief.flags, raised, strict=True):
        if brief.code and not up:
            continue  # a region's clear flags go on one line below
        out.text(label, size=8, bold=True, height=3.8)
        out.text(status, size=7.5, height=3.6)
        out.text(rule, size=6.5, colour=MUTED, height=3.1)
        pdf.ln(0.8)
    clear = [label for (label, _, _), up in zip(brief.flags, raised, strict=True) if not up]
    if brief.code and clear:
        out.text(t("export.brief.flags_clear", lang, flags=t("panel.list_sep", lang).join(clear)), size=7.5,
                 height=3.6)

    out.heading(t("export.brief.caveats", lang))
    if brief.code:
        # a region's PDF names the caveats on one paragraph (the Markdown brief and the atlas have the text)
        titles = t("panel.list_sep", lang).join(f"{i}. {title}" for i, (title, _) in enumerate(brief.caveats, 1))
        out.text(t("export.brief.caveats_short", lang, caveats=titles), size=7, height=3.4)
    for title, body in [] if brief.code else brief.caveats:
        out.text(title, size=8, bold=True, height=3.8)
        out.text(body, size=7, height=3.4)
        pdf.ln(0.5)

    out.heading(t("export.brief.sources", lang))
    if not brief.sources:
        out.text(t("export.brief.no_source", lang), size=8.5)
    rows = [[institute, details, url or t("export.brief.no_url", lang)] for details, url, institute in brief.sources]
    if rows and brief.code:
        # a region's sources as compact lines (a URL column would wrap every long address)
        for _, details, url in rows:
            out.text(f"{details}: {url}", size=6.2, height=3)
        rows = []
    if rows:
        out.table(
            [t("export.col.institute", lang), t("export.col.publisher", lang), t("export.col.url", lang)],
            rows, widths=[1.6, 2.4, 3.2], size=6.5, link_col=2,
        )

    out.heading(t("export.brief.credits", lang))
    if brief.code:
        # the census and the shapes with their licences; the press and the commentary are the sources
        # listed just above, with the terms they are used on
        out.pairs(brief.credits[:2], size=6.5)
        out.text(f"{t('export.brief.sources', lang)}: {t('export.credit.press_licence', lang)}", size=6.5, height=3)
    else:
        out.pairs(brief.credits, size=8)
    out.text(brief.extra.get("note", ""), size=8, colour=MUTED, height=4)
    return bytes(pdf.output())


def to_pdf_brief(ds: Dataset, view: View, code: str | None = None, *, base_url: str | None = None,
                 now: datetime | None = None) -> bytes:
    """The brief of region ``code`` (or of the whole country) as a PDF in ``view.lang``; Arabic is
    shaped and right to left. Raises :class:`FontNotFound` when no Arabic-capable font is installed."""
    return render_pdf(ds, build_brief(ds, view, code, base_url, now), created=now)
