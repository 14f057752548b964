"""Briefs: one region, or the whole country, on a few pages, in Markdown and PDF.

Both renderers read the same :class:`Brief`, built by :func:`build_brief` from the dataset and the
view (language, filters): the region's (or country's) map, institutes, census figures beside their
national reference, the critical-mass flags with their rules, the caveats, the sources and the
credits. This module builds the brief and writes it as Markdown; :mod:`atlas.brief_pdf` draws the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from atlas import config, tables
from atlas.caveats import BriefCaveat, brief_caveats
from atlas.checked import later_search
from atlas.i18n import fmt_date, pick, t
from atlas.present import format_exact, format_value, spec_line
from atlas.province_exports import BriefProvinces, brief_provinces
from atlas.scorecard import scorecard
from atlas.view import View, apply_filters

if TYPE_CHECKING:
    import pandas as pd

    from atlas.dataset import Dataset

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
    flags: list[tuple[str, str, str, str]]  # (label, status line, rule, our reading behind the rule)
    caveats: list[BriefCaveat]  # what the commentary says, the flags, our reading: each labelled
    sources: list[tuple[str, str, str]]  # (publisher + details, url, institute)
    credits: list[tuple[str, str]]
    footer: str
    extra: dict[str, Any] = field(default_factory=dict)
    # (institute, count text, [(question, answer)]) per institute shown
    scorecards: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    # where the region's talent lives, or (the country) every institute's within-reach figures
    provinces: BriefProvinces | None = None


def _date(value: str, lang: str) -> str:
    try:
        return fmt_date(value, lang)
    except (ValueError, TypeError):
        return str(value)


PUBLIC_URL_ENV = "ATLAS_PUBLIC_URL"


def public_view_url(view: View) -> str:
    """The link that reproduces ``view`` at the public address, or a note that none is set (never a
    local address such as 127.0.0.1)."""
    base = config.public_base_url()
    if base is None:
        return t("export.brief.no_public_url", view.lang, env=PUBLIC_URL_ENV)
    return tables.view_url(view, base)


@dataclass(frozen=True)
class _Scope:
    """What every step of a brief reads: the dataset, the view limited to the region (if any), the
    institutes it shows and the export metadata."""
    ds: Dataset
    view: View
    code: str | None
    scope: View
    shown: pd.DataFrame  # the institutes the scope shows
    meta: dict[str, Any]

    @property
    def lang(self) -> str:
        return self.view.lang


def build_brief(ds: Dataset, view: View, code: str | None = None, base_url: str | None = None,
                now: datetime | None = None) -> Brief:
    """Everything a brief says, in ``view.lang``. ``code`` is a region code, or ``None`` for the
    whole country (limited to the view's region filter, if any)."""
    if code is not None and code not in ds.regions.index:
        raise ValueError(f"unknown region code {code!r}")
    scope = view.with_(regions=(code,)) if code else view
    s = _Scope(ds, view, code, scope, apply_filters(ds, scope), tables.metadata(ds, scope, base_url, now))
    title, subtitle = _titles(s)
    institutes = _institute_items(s)
    figure_headers, figure_rows = _figure_rows(s)
    flags, flag_raised = _flags(s)
    return Brief(
        provinces=brief_provinces(ds, scope, code),
        scorecards=_scorecards(s),
        lang=s.lang, code=code, title=title, subtitle=subtitle, meta=_meta_lines(s), intro=_intro(s),
        institutes=institutes, no_institute=_no_institute(s, institutes), figure_headers=figure_headers,
        figure_rows=figure_rows, region_table=_region_table(s), flags=flags, caveats=_caveats(s),
        sources=_sources(s), credits=_credits(s), footer=_footer(s),
        extra={"note": s.meta["note"], "flag_raised": flag_raised},
    )


def _titles(s: _Scope) -> tuple[str, str]:
    """The brief's title and subtitle: the region's, or the country's."""
    if s.code:
        name = pick(s.ds.regions.loc[s.code], "name", s.lang)
        return (t("export.brief.title_region", s.lang, region=name),
                t("export.brief.subtitle_region", s.lang, code=s.code))
    return t("export.brief.title_national", s.lang), t("export.brief.subtitle_national", s.lang)


def _meta_lines(s: _Scope) -> list[tuple[str, str]]:
    """Data version, export date, filters and the link to the view."""
    lang = s.lang
    return [
        (t("export.meta.version", lang), s.meta["dataset_version"]),
        (t("export.meta.exported_at", lang), s.meta["exported_at"]),
        (t("export.meta.filters", lang), s.meta["filters_text"]),
        (t("export.meta.view_url", lang), public_view_url(s.scope)),
    ]


def _intro(s: _Scope) -> str:
    """How many institutes the brief shows (and, for the country, in how many regions)."""
    count = len(s.shown)
    if s.code:
        return t("export.brief.intro_region", s.lang, count=count)
    covered = len({str(c) for c in s.shown["region_code"]})
    return t("export.brief.intro_national", s.lang, count=count, regions=covered,
             total=len(tables.region_rows(s.scope, s.ds)))


def _institute_items(s: _Scope) -> list[InstituteItem]:
    """One item per institute shown, each fact a (label, value) line."""
    ds, lang = s.ds, s.lang
    institutes = []
    for number, (_, r) in enumerate(s.shown.iterrows(), start=1):
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
            (t(f"lens.legend_title.{s.view.lens}", lang), spec_line(ds, r, s.view.lens, lang)),
            (t("export.col.partners", lang), pick(r, "partners", lang) or t("common.not_announced", lang)),
        ]
        notes = pick(r, "notes", lang)
        if notes:
            lines.append((t("export.col.notes", lang), notes))
        newest = _date(str(r["last_verified"]), lang)
        searched = later_search(str(r["last_verified"]), str(r["last_searched"]))
        if searched:
            newest = t("export.brief.checked", lang, newest=newest, searched=_date(searched, lang))
        lines.append((t("export.col.last_verified", lang), newest))
        institutes.append(InstituteItem(number, pick(r, "name", lang), rname, lines, float(r["lat"]), float(r["lon"])))
    return institutes


def _no_institute(s: _Scope, institutes: list[InstituteItem]) -> str:
    """What the brief says where it lists no institute: none in the region, or none in the view."""
    if s.code and s.ds.institutes_in(s.code).empty:
        return t("common.no_institute", s.lang)
    if not institutes:
        return t("export.none_in_view", s.lang)
    return ""


def _figure_rows(s: _Scope) -> tuple[list[str], list[list[str]]]:
    """The census figures: the region's beside the national reference, or the national reference alone."""
    ds, lang = s.ds, s.lang
    refs = tables.national_references(ds)
    rows: list[list[str]] = []
    if s.code:
        headers = [
            t("export.brief.figure", lang), t("export.brief.region_value", lang), t("export.brief.national_value", lang)
        ]
        for key, fdef in ds.figure_defs.iterrows():
            unit = str(fdef["unit"])
            kind = t(f"export.brief.national_{fdef['national']}", lang)
            rows.append([
                tables.figure_header(ds, str(key), lang),
                format_value(ds.figures.at[s.code, key], unit, lang),
                f"{format_exact(refs.get(str(key)), unit, lang)} ({kind})",
            ])
        return headers, rows
    headers = [t("export.brief.figure", lang), t("export.brief.national_value", lang)]
    for key, fdef in ds.figure_defs.iterrows():
        kind = t(f"export.brief.national_{fdef['national']}", lang)
        rows.append([
            tables.figure_header(ds, str(key), lang),
            f"{format_exact(refs.get(str(key)), str(fdef['unit']), lang)} ({kind})",
        ])
    return headers, rows


def _region_table(s: _Scope) -> tuple[list[str], list[list[str]]] | None:
    """The country brief's table of regions (institutes shown, figures, flags); ``None`` for a region."""
    if s.code:
        return None
    ds, lang, defs = s.ds, s.lang, s.ds.figure_defs
    headers = [t("export.col.code", lang), t("export.col.region", lang), t("export.col.institutes", lang)]
    headers += [tables.figure_header(ds, str(k), lang) for k in defs.index]
    headers.append(t("export.col.flags", lang))
    rows = []
    for row in tables.summary_table(ds, s.scope).rows:
        rcode = row["code"]
        cells = [rcode, pick(ds.regions.loc[rcode], "name", lang)]
        count = int((s.shown["region_code"] == rcode).sum())
        cells.append(str(count) if count else "–")
        cells += [format_value(row[str(k)], str(defs.at[k, "unit"]), lang) for k in defs.index]
        cells.append(row["flags"])
        rows.append(cells)
    return headers, rows


def _flags(s: _Scope) -> tuple[list[tuple[str, str, str, str]], list[bool]]:
    """Each critical-mass flag: (label, status line, rule, our reasoning behind it), and for a region
    whether each is raised."""
    ds, lang, defs = s.ds, s.lang, s.ds.figure_defs
    results = tables.flag_results(ds)
    scope_codes = tables.region_rows(s.scope, ds)
    flags = []
    flag_raised: list[bool] = []
    for key, rule in ds.flag_rules.iterrows():
        label = pick(rule, "label", lang)
        unit = str(defs.at[rule["figure"], "unit"]) if rule["figure"] in defs.index else "count"
        res = results[results["flag"] == key]
        if s.code:
            one = res[res["code"] == s.code].iloc[0]
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
        flags.append((label, status, pick(rule, "rule", lang), pick(rule, "reading", lang)))
    return flags, flag_raised


def _caveats(s: _Scope) -> list[BriefCaveat]:
    """The commentary's caveats: what it says, the flags that bear on each, and our reading apart."""
    return brief_caveats(s.ds, s.lang, s.code)


def _sources(s: _Scope) -> list[tuple[str, str, str]]:
    """The sources of the institutes shown: (publisher and details, URL, institute)."""
    sources = []
    for row in tables.sources_table_data(s.ds, s.scope).rows:
        details = f"{row['publisher']} · {row['kind']} · {row['published']} · {row['language']}"
        sources.append((details, str(row["url"] or ""), str(row["institute"])))
    return sources


def _credits(s: _Scope) -> list[tuple[str, str]]:
    """(what, by whom — licence — links) for each credit."""
    credits = []
    for c in s.meta["credits"]:
        value = f"{c['by']} — {c['licence']}"
        if c["urls"]:
            value += " — " + " ".join(c["urls"])
        credits.append((c["what"], value))
    return credits


def _footer(s: _Scope) -> str:
    return f"{t('app.title', s.lang)} · {t('export.meta.version', s.lang)} {s.ds.version} · {s.meta['exported_at']}"


def _scorecards(s: _Scope) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The accountability scorecard of each institute shown: (institute, count text, [(question, answer)])."""
    lang = s.lang
    scorecards = []
    for iid in s.shown.index:
        sc = scorecard(s.ds, str(iid), lang)
        if sc is None:
            continue
        answers = []
        for line in sc.lines:
            answer = line.answer
            if line.source is not None:
                answer += " — " + t("panel.acc.source", lang, source=line.source.publisher,
                                    date=line.source.date_text)
            answers.append((("✓ " if line.published else "– ") + line.label, answer))
        scorecards.append((sc.institute, sc.count_text, answers))
    return scorecards


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
    out += provinces_markdown(brief.provinces)

    out += [f"## {md_text(t('export.brief.flags', lang))}", ""]
    for label, status, rule, reading in brief.flags:
        out += [f"### {md_text(label)}", "", f"**{md_text(status)}**", "", md_text(rule), ""]
        if reading:
            out += [f"> *{md_text(t('cv.flag_reading', lang))}{md_text(t('cv.colon', lang))}* {md_text(reading)}", ""]

    out += [f"## {md_text(t('export.brief.caveats', lang))}", "", md_text(t("cv.brief_intro", lang)), ""]
    for c in brief.caveats:
        out += [f"### {md_text(c.title)}", "", f"**{md_text(c.said_label)}** {md_text(c.commentary)}", ""]
        if c.flags_text:
            out += [f"**{md_text(c.flags_label)}** {md_text(c.flags_text)}", ""]
        if c.reading:
            out += [f"> *{md_text(c.reading_label)}* {md_text(c.reading)}", ""]

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


def provinces_markdown(section: BriefProvinces | None) -> list[str]:
    """The brief's province section as Markdown lines (none without a section)."""
    if section is None:
        return []
    out = [f"## {md_text(section.title)}", "", md_text(section.summary), ""]
    if section.rows:
        out += [*_md_table(section.headers, section.rows), ""]
    if section.note:
        out += [f"*{md_text(section.note)}*", ""]
    for institute, sentences, _ in section.reach:
        out += [f"### {md_text(section.reach_title)} · {md_text(institute)}", ""]
        out += [f"- {md_text(x)}" for x in sentences] + [""]
    if section.reach_note:
        out += [f"*{md_text(section.reach_note)}*", ""]
    return out


def to_markdown_brief(ds: Dataset, view: View, code: str | None = None, *, base_url: str | None = None,
                      now: datetime | None = None) -> bytes:
    """The brief of region ``code`` (or of the whole country) as UTF-8 Markdown."""
    return render_markdown(build_brief(ds, view, code, base_url, now)).encode("utf-8")
