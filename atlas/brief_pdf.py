"""The brief (:class:`atlas.brief.Brief`) as a PDF.

The PDF is drawn with fpdf2 alone (no browser, no network): text is shaped by HarfBuzz so Arabic is
joined and laid out right to left, with a TrueType font that has Arabic glyphs (DejaVu Sans, from
Debian's ``fonts-dejavu-core``; see :func:`find_font`), and the map is drawn from ``ds.shapes`` with
fpdf2's drawing primitives.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atlas.brief import Brief, build_brief, safe_url
from atlas.i18n import t
from atlas.view import View

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
    from fpdf import FPDF  # fpdf2 loads when a PDF is drawn, not with every export or page

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
             height: float | None = None, align: str | None = None, x: float | None = None, w: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("atlas", "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_x(pdf.l_margin if x is None else x)
        pdf.multi_cell(w, height or size * 0.5, value, align=align or self.align, new_x="LMARGIN", new_y="NEXT")

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
              numeric: frozenset[int] = frozenset(), link_col: int | None = None,
              padding: tuple[float, float] = (0.8, 1.2), width: float | None = None, side: str = "CENTER") -> None:
        from fpdf.fonts import FontFace  # fpdf2 loads when a PDF is drawn (see _make_pdf)

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

        full = width or pdf.w - pdf.l_margin - pdf.r_margin
        budgets = [_cell_budget(full * w / sum(widths), size) for w in widths]
        all_rows = [
            [_cut(str(v), b) for v, b in zip(r, budgets, strict=False)] for r in ([headers] if headers else []) + rows
        ]
        with pdf.table(
            col_widths=order(widths),  # type: ignore[arg-type]
            width=full,
            align=side,
            first_row_as_headings=bool(headers),
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 244)),
            borders_layout="SINGLE_TOP_LINE" if not borders else "MINIMAL",
            text_align=self.align,
            line_height=size * 0.48,
            padding=padding,
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
        _province_fills(pdf, ds, brief, proj)
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


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _province_fills(pdf: FPDF, ds: Dataset, brief: Brief, proj: Any) -> None:
    """A region brief's provinces on its map, coloured as the atlas's map colours them, the
    institute's province outlined."""
    section = brief.provinces
    if not brief.code or section is None or not section.fills or ds.provinces is None:
        return
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.2)
    for code, colour in section.fills.items():
        pdf.set_fill_color(*_rgb(colour))
        for ring in _rings(ds.provinces.shapes[code]):
            pdf.polygon([proj(lon, lat) for lon, lat in ring], style="DF")
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.7)
    for code in section.outlined:
        for ring in _rings(ds.provinces.shapes[code]):
            pdf.polygon([proj(lon, lat) for lon, lat in ring], style="D")


PROVINCE_MAP_W = 56.0
"""Width (mm) of a region brief's map when its province table stands beside it."""


def _province_column(out: _Writer, brief: Brief, top: float) -> tuple[float, float, float]:
    """A region brief's province table, summary and short note beside its map (a region's brief stays
    within two pages). Returns the map's x and width, and the bottom of what was drawn."""
    pdf = out.pdf
    full = pdf.w - pdf.l_margin - pdf.r_margin
    section = brief.provinces
    if not brief.code or section is None or not section.rows:
        return pdf.l_margin, full, top
    rtl = out.lang == "ar"
    width = full - PROVINCE_MAP_W - 4
    x = pdf.l_margin if rtl else pdf.l_margin + PROVINCE_MAP_W + 4
    pdf.set_y(top)
    widths = [2.0, 1.05, 1.2, 1.0, 0.95, 1.4, 1.1, 1.1][:len(section.headers)]
    out.table(section.headers, section.rows, widths=widths, size=5.6,
              numeric=frozenset(range(1, len(section.headers))), padding=(0.3, 0.8), width=width,
              side="LEFT" if rtl else "RIGHT")
    pdf.set_y(pdf.get_y() - 1.5)
    out.text(section.summary, size=6.5, height=2.9, x=x, w=width)
    out.text(section.short_note, size=5.2, colour=MUTED, height=2.35, x=x, w=width)
    return (pdf.l_margin + width + 4 if rtl else pdf.l_margin), PROVINCE_MAP_W, pdf.get_y()


def _reach_pairs(brief: Brief, institute: str) -> list[tuple[str, str]]:
    """An institute's within-reach figures as one (label, value) line of its block."""
    section = brief.provinces
    if section is None:
        return []
    label = t("prov.reach.pdf_label", brief.lang)
    return [(label, compact) for name, _, compact in section.reach if name == institute]


def _provinces(out: _Writer, brief: Brief) -> None:
    """The country brief's section: every institute's within-reach figures, in a table."""
    section = brief.provinces
    if section is None or brief.code:
        return
    out.heading(section.title)
    out.text(section.summary, size=8, height=3.8)
    if section.rows:
        out.table(section.headers, section.rows, widths=[3, 1.4] + [1.3] * (len(section.headers) - 2), size=6.8,
                  numeric=frozenset(range(2, len(section.headers))))
    out.text(section.reach_note, size=6.5, colour=MUTED, height=3.1)


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
    map_x, map_w, bottom = _province_column(out, brief, top)
    draw_map(pdf, ds, brief, map_x, top, map_w, map_h)
    pdf.set_y(max(top + map_h, bottom) + 2)
    out.text(t("export.brief.map_caption", lang), size=7, colour=MUTED, height=3.5)
    pdf.ln(1)
    out.text(brief.intro, size=8.5 if brief.code else 9.5, height=4.2 if brief.code else 5)

    out.heading(t("export.brief.institutes", lang))
    if brief.no_institute:
        out.text(brief.no_institute)
    for item in brief.institutes:
        out.heading(f"{item.number}. {item.name}", level=2)
        out.pairs(item.lines + _reach_pairs(brief, item.name), size=7.5 if brief.code else 8.5)

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
    # a region's: rows a little tighter, so that its provinces fit on its two pages
    out.table(brief.figure_headers, brief.figure_rows, widths=[3, 1.3, 2] if brief.code else [3, 2], size=6.8,
              numeric=frozenset({1, 2}), padding=(0.45, 1.2) if brief.code else (0.8, 1.2))

    if brief.region_table:
        headers, rows = brief.region_table
        pdf.add_page(orientation="L")
        out.heading(t("export.brief.by_region", lang))
        nfig = len(headers) - 4
        widths = [0.8, 2.1, 0.9] + [1.3] * nfig + [2.8]
        out.table(headers, rows, widths=widths, size=6.8, numeric=frozenset(range(2, 3 + nfig)))
        pdf.add_page(orientation="P")

    _provinces(out, brief)

    out.heading(t("export.brief.flags", lang))
    raised = brief.extra.get("flag_raised") or [True] * len(brief.flags)
    for (label, status, rule, reading), up in zip(brief.flags, raised, strict=True):
        if brief.code and not up:
            continue  # a region's clear flags go on one line below
        out.text(label, size=8, bold=True, height=3.8)
        out.text(status, size=7.5, height=3.6)
        out.text(rule, size=6.5, colour=MUTED, height=3.1)
        if reading and not brief.code:  # a region's two pages hold the rules; its Markdown brief has the reading
            out.text(f"{t('cv.flag_reading', lang)}{t('cv.colon', lang)}{reading}", size=6.5, colour=MUTED, height=3.1)
        pdf.ln(0.8)
    clear = [flag[0] for flag, up in zip(brief.flags, raised, strict=True) if not up]
    if brief.code and clear:
        out.text(t("export.brief.flags_clear", lang, flags=t("panel.list_sep", lang).join(clear)), size=7.5,
                 height=3.6)

    out.heading(t("export.brief.caveats", lang))
    if brief.code:
        # a region's PDF names the caveats on one paragraph (the Markdown brief and the atlas have the text)
        titles = t("panel.list_sep", lang).join(c.title for c in brief.caveats)
        out.text(t("export.brief.caveats_short", lang, caveats=titles), size=7, height=3.4)
    else:
        out.text(t("cv.brief_intro", lang), size=7, colour=MUTED, height=3.4)
    for c in [] if brief.code else brief.caveats:
        out.text(c.title, size=8, bold=True, height=3.8)
        out.text(f"{c.said_label} {c.commentary}", size=7, height=3.4)
        if c.flags_text:
            out.text(f"{c.flags_label} {c.flags_text}", size=7, height=3.4)
        if c.reading:
            out.text(f"{c.reading_label} {c.reading}", size=6.8, colour=MUTED, height=3.3)
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
