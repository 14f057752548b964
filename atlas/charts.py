"""Altair charts of the regions page (no Streamlit here).

Each chart carries its sources in its subtitle, as Our World in Data's grapher does, and its
title, axes, legends and tooltips in the page's language. Data is inline (no URL), so nothing is
fetched when the chart renders; Streamlit bundles Vega itself.

- :func:`talent_pool_chart`: estimated people who reached higher education, by region (bars),
  coloured by the region's institute status (regions with none included), with the median;
- :func:`population_scatter`: population vs share who reached higher education, by status;
- :func:`rollout_chart`: when each region's institute reached its status, each date drawn at its
  precision (a day, a month or a year), regions with none listed as such;
- :func:`reach_chart`: people with higher education and aged 20-34 within 100 and 200 km of each
  institute (straight lines).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol

from atlas import reachview
from atlas.checked import dataset_checked_text
from atlas.i18n import LOCALES, direction, fmt_date, normalise_lang, pick, t
from atlas.network import COVERAGE_KEYS, NONE_STATUS, partial_date_span, region_status
from atlas.present import format_exact, format_value, region_name
from atlas.regionview import national_reference

if TYPE_CHECKING:
    from atlas.dataset import Dataset

STATUS_COLOURS: dict[str, str] = {  # Paul Tol's colour-blind-safe palette; grey for "none"
    "announced": "#CCBB44",
    "agreement_signed": "#4477AA",
    "launched": "#228833",
    "operational": "#AA3377",
    NONE_STATUS: "#BBBBBB",
}
WIDTH = 640
# The plot area is WIDTH x height; title, subtitle, axes and legend add to it. (Streamlit's theme
# defaults to "fit", which squeezes a many-line subtitle and a bottom legend into the plot area.)
PAD = alt.AutoSizeParams(type="pad")
FONT = "Noto Sans Arabic, Noto Sans, DejaVu Sans, Arial, sans-serif"


RLM = "\u200f"


def bidi(text: str, lang: str) -> str:
    """Text for an SVG label of a right-to-left chart: Vega draws with a left-to-right base
    direction, so a final full stop or bracket of an Arabic sentence would jump to its start.
    Right-to-left marks around the text keep such punctuation where Arabic puts it."""
    return f"{RLM}{text}{RLM}" if direction(lang) == "rtl" else text


def status_label(status: str, lang: str) -> str:
    return t("common.no_institute", lang) if status == NONE_STATUS else t(f"status.{status}", lang)


def number_label_expr(lang: str, decimals: int = 0) -> str:
    """A Vega expression formatting axis numbers with the language's separators (fr: ``1 000,5``)."""
    locale = LOCALES[normalise_lang(lang)]
    group, dec = get_group_symbol(locale), get_decimal_symbol(locale)
    fmt = f",.{decimals}f"
    expr = f"format(datum.value, '{fmt}')"
    if (group, dec) == (",", "."):
        return expr
    return (
        f"replace(replace(replace({expr}, regexp(',', 'g'), '#'), regexp('[.]', 'g'), '{dec}'), "
        f"regexp('#', 'g'), '{group}')"
    )


def census_source(ds: Dataset, keys: list[str], lang: str) -> str:
    """The source line of census figures ``keys`` (publisher and licence as in figures.csv)."""
    seen: list[str] = []
    for key in keys:
        row = ds.figure_defs.loc[key]
        text = f"{row['source_publisher']} ({row['licence']})"
        if text not in seen:
            seen.append(text)
    return t("chart.source_census", lang, sources="; ".join(seen))


def institutes_source(ds: Dataset, lang: str) -> str:
    return t("chart.source_institutes", lang, checked=dataset_checked_text(ds, lang))


def _title(title: str, subtitle: list[str], lang: str) -> alt.TitleParams:
    anchor = "end" if direction(lang) == "rtl" else "start"
    return alt.TitleParams(
        text=bidi(title, lang), subtitle=[bidi(s, lang) for s in subtitle], anchor=anchor, font=FONT,
        subtitleFont=FONT, subtitleColor="#555555", fontSize=15, subtitleFontSize=11,
    )


def _status_scale(lang: str, present: list[str]) -> tuple[alt.Scale, alt.Legend]:
    keys = [s for s in COVERAGE_KEYS if s in present]
    scale = alt.Scale(
        domain=[status_label(s, lang) for s in keys], range=[STATUS_COLOURS[s] for s in keys]
    )
    legend = alt.Legend(
        title=bidi(t("chart.legend_status", lang), lang), orient="bottom", labelFont=FONT, titleFont=FONT,
        labelLimit=260,
    )
    return scale, legend


def regions_frame(ds: Dataset, lang: str, highlight: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per region: names, status, institute names and every figure, with display texts."""
    status = region_status(ds)
    sep = t("panel.list_sep", lang)
    rows = []
    for code in ds.regions.index:
        inst = ds.institutes_in(code)
        row: dict[str, object] = {
            "code": code,
            "region": region_name(ds, code, lang),
            "status": status[code],
            "status_label": status_label(status[code], lang),
            "institutes": sep.join(pick(r, "name", lang) for _, r in inst.iterrows())
            or t("common.no_institute", lang),
            "has_institute": not inst.empty,
            "marker": "◆" if not inst.empty else "",
            "highlight": (not highlight) or code in highlight,
        }
        for key in ds.figure_defs.index:
            value = float(ds.figures.loc[code, key])
            row[str(key)] = value
            row[f"{key}_text"] = format_value(value, str(ds.figure_defs.loc[key, "unit"]), lang)
        rows.append(row)
    return pd.DataFrame(rows)


def _axis(title: str, lang: str, decimals: int | None = 0, **kw: object) -> alt.Axis:
    extra = {"labelExpr": number_label_expr(lang, decimals)} if decimals is not None else {}
    return alt.Axis(title=bidi(title, lang), titleFont=FONT, labelFont=FONT, **extra, **kw)  # type: ignore[arg-type]


def talent_pool_chart(ds: Dataset, lang: str, highlight: list[str] | tuple[str, ...] = ()) -> alt.LayerChart:
    """Estimated people who reached higher education, by region, bars coloured by institute status."""
    key = "higher_education_people"
    df = regions_frame(ds, lang, highlight).sort_values(key, ascending=False)
    median = national_reference(ds).get(key) if ds.figure_defs.loc[key, "national"] == "median" else None
    if median is None:
        median = float(df[key].median())
    label = pick(ds.figure_defs.loc[key], "label", lang)
    scale, legend = _status_scale(lang, list(df["status"]))
    order = list(df["region"])
    y = alt.Y("region:N", sort=order, title=None, axis=alt.Axis(labelFont=FONT, labelLimit=220))
    tooltip = [
        alt.Tooltip("region:N", title=t("chart.region", lang)),
        alt.Tooltip(f"{key}_text:N", title=label),
        alt.Tooltip(
            "higher_education_share_text:N", title=pick(ds.figure_defs.loc["higher_education_share"], "label", lang)
        ),
        alt.Tooltip("status_label:N", title=t("chart.legend_status", lang)),
        alt.Tooltip("institutes:N", title=t("chart.institutes", lang)),
    ]
    base = alt.Chart(df)
    bars = base.mark_bar().encode(
        x=alt.X(f"{key}:Q", axis=_axis(label, lang)),
        y=y,
        color=alt.Color("status_label:N", scale=scale, legend=legend),
        opacity=alt.condition(alt.datum.highlight, alt.value(1.0), alt.value(0.3)),
        tooltip=tooltip,
    )
    markers = base.transform_filter(alt.datum.has_institute).mark_text(
        align="left", dx=4, fontSize=12, font=FONT
    ).encode(x=alt.X(f"{key}:Q"), y=y, text="marker:N", tooltip=tooltip)
    median_text = bidi(t("chart.median_line", lang, value=format_exact(median, "people", lang)), lang)
    median_df = pd.DataFrame({"median": [median], "median_text": [median_text]})
    rule = alt.Chart(median_df).mark_rule(strokeDash=[4, 3], color="#333333").encode(
        x="median:Q", tooltip=alt.Tooltip("median_text:N", title=t("chart.median", lang))
    )
    rule_text = alt.Chart(median_df).mark_text(
        align="left", baseline="bottom", dx=3, dy=-2, fontSize=10, font=FONT, color="#333333"
    ).encode(x="median:Q", y=alt.value(0), text="median_text:N")
    subtitle = [
        t("chart.talent_subtitle", lang),
        census_source(ds, [key], lang),
        institutes_source(ds, lang),
    ]
    return (bars + markers + rule + rule_text).properties(
        title=_title(t("chart.talent_title", lang), subtitle, lang), width=WIDTH, height=28 * len(df), autosize=PAD
    )


LABEL_SLOTS = (  # (name, align, dx, dy): where a point's label may go, in order of preference
    ("above_right", "left", 9, -7),
    ("below_right", "left", 9, 11),
    ("above_left", "right", -9, -7),
    ("below_left", "right", -9, 11),
)
SCATTER_X_DOMAIN = (150_000, 10_000_000)
SCATTER_HEIGHT = 380


def _label_slots(xs: list[float], ys: list[float], labels: list[str], y_domain: tuple[float, float]) -> list[str]:
    """A slot per point label so that labels overlap neither each other nor another point (greedy,
    in pixel space; text about 6 px per character, 12 px high)."""
    import math

    lo, hi = (math.log10(v) for v in SCATTER_X_DOMAIN)
    y0, y1 = y_domain
    px = [WIDTH * (math.log10(x) - lo) / (hi - lo) for x in xs]
    py = [SCATTER_HEIGHT * (1 - (y - y0) / ((y1 - y0) or 1)) for y in ys]
    boxes: list[tuple[float, float, float, float]] = [(x - 7, y - 7, x + 7, y + 7) for x, y in zip(px, py, strict=True)]
    chosen = [""] * len(xs)

    def clash(box: tuple[float, float, float, float], skip: int) -> float:
        total = 0.0
        for i, other in enumerate(boxes):
            if i == skip:
                continue
            w = min(box[2], other[2]) - max(box[0], other[0])
            h = min(box[3], other[3]) - max(box[1], other[1])
            if w > 0 and h > 0:
                total += w * h
        return total

    for i in sorted(range(len(xs)), key=lambda k: -ys[k]):
        width = 6.0 * len(labels[i])
        best, best_cost, best_box = LABEL_SLOTS[0][0], float("inf"), None
        for name, align, dx, dy in LABEL_SLOTS:
            x0 = px[i] + dx if align == "left" else px[i] + dx - width
            top = py[i] + dy - 10
            box = (x0, top, x0 + width, top + 12)
            cost = clash(box, i) + (1000.0 if box[0] < 0 or box[2] > WIDTH else 0.0)
            if cost < best_cost:
                best, best_cost, best_box = name, cost, box
        chosen[i] = best
        boxes.append(best_box)  # type: ignore[arg-type]
    return chosen


def population_scatter(ds: Dataset, lang: str, highlight: list[str] | tuple[str, ...] = ()) -> alt.LayerChart:
    """Population (log scale) against the share who reached higher education, coloured by status."""
    x_key, y_key = "population", "higher_education_share"
    df = regions_frame(ds, lang, highlight)
    x_label = pick(ds.figure_defs.loc[x_key], "label", lang)
    y_label = pick(ds.figure_defs.loc[y_key], "label", lang) + " (%)"
    scale, legend = _status_scale(lang, list(df["status"]))
    tooltip = [
        alt.Tooltip("region:N", title=t("chart.region", lang)),
        alt.Tooltip(f"{x_key}_text:N", title=x_label),
        alt.Tooltip(f"{y_key}_text:N", title=pick(ds.figure_defs.loc[y_key], "label", lang)),
        alt.Tooltip("status_label:N", title=t("chart.legend_status", lang)),
        alt.Tooltip("institutes:N", title=t("chart.institutes", lang)),
    ]
    span = float(df[y_key].max() - df[y_key].min()) or 1.0
    y_domain = (float(df[y_key].min()) - 0.08 * span, float(df[y_key].max()) + 0.08 * span)
    df["slot"] = _label_slots(list(df[x_key]), list(df[y_key]), list(df["region"]), y_domain)
    x = alt.X(
        f"{x_key}:Q",
        scale=alt.Scale(type="log", domain=list(SCATTER_X_DOMAIN)),
        axis=_axis(t("chart.log_scale", lang, label=x_label), lang, values=[200_000, 500_000, 1_000_000,
                                                                            2_000_000, 5_000_000, 10_000_000]),
    )
    y = alt.Y(f"{y_key}:Q", scale=alt.Scale(domain=list(y_domain), nice=False), axis=_axis(y_label, lang, decimals=1))
    base = alt.Chart(df)
    points = base.mark_point(filled=True, size=160, stroke="#333333", strokeWidth=0.6).encode(
        x=x, y=y,
        color=alt.Color("status_label:N", scale=scale, legend=legend),
        shape=alt.Shape(
            "has_institute:N",
            scale=alt.Scale(domain=[True, False], range=["diamond", "circle"]),
            legend=None,
        ),
        opacity=alt.condition(alt.datum.highlight, alt.value(1.0), alt.value(0.3)),
        tooltip=tooltip,
    )
    labels = [
        base.transform_filter(alt.datum.slot == name).mark_text(
            align=align, dx=dx, dy=dy, fontSize=10, font=FONT, color="#333333"
        ).encode(x=x, y=y, text="region:N", opacity=alt.condition(alt.datum.highlight, alt.value(1.0), alt.value(0.3)))
        for name, align, dx, dy in LABEL_SLOTS
    ]
    subtitle = [
        t("chart.scatter_subtitle", lang),
        census_source(ds, [x_key, y_key], lang),
        institutes_source(ds, lang),
    ]
    return alt.layer(points, *labels).properties(
        title=_title(t("chart.scatter_title", lang), subtitle, lang), width=WIDTH, height=SCATTER_HEIGHT,
        autosize=PAD,
    )


def rollout_frame(ds: Dataset, lang: str, highlight: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per institute (start/end of its status date at its precision) plus one per region
    with none (no dates)."""
    rows = []
    for code in ds.regions.index:
        inst = ds.institutes_in(code)
        base = {
            "code": code,
            "region": region_name(ds, code, lang),
            "highlight": (not highlight) or code in highlight,
        }
        if inst.empty:
            rows.append({
                **base, "institute": t("common.no_institute", lang), "status": NONE_STATUS,
                "status_label": status_label(NONE_STATUS, lang), "start": pd.NaT, "end": pd.NaT,
                "date_text": t("common.not_announced", lang), "precision": "", "precision_label": "",
            })
            continue
        for _, row in inst.iterrows():
            start, end, precision = partial_date_span(str(row["status_date"]))
            rows.append({
                **base, "institute": pick(row, "name", lang), "status": str(row["status"]),
                "status_label": status_label(str(row["status"]), lang), "start": start, "end": end,
                "date_text": fmt_date(str(row["status_date"]), lang), "precision": precision,
                "precision_label": t(f"chart.precision_{precision}", lang),
            })
    df = pd.DataFrame(rows)
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    return df.sort_values(["start", "code"], na_position="last").reset_index(drop=True)


def rollout_chart(ds: Dataset, lang: str, highlight: list[str] | tuple[str, ...] = ()) -> alt.LayerChart:
    """Each region's institute status by date (bar over the date's precision, dot at its start)."""
    df = rollout_frame(ds, lang, highlight)
    dated = df.dropna(subset=["start"])
    lo = (dated["start"].min() if not dated.empty else pd.Timestamp("2025-01-01")) - pd.DateOffset(months=1)
    hi = (dated["end"].max() if not dated.empty else pd.Timestamp("2026-01-01")) + pd.DateOffset(months=1)
    df = df.assign(
        start=df["start"].dt.strftime("%Y-%m-%d"),
        end=df["end"].dt.strftime("%Y-%m-%d"),
        left=lo.strftime("%Y-%m-%d"),
    )
    scale, legend = _status_scale(lang, list(df["status"]))
    order = list(dict.fromkeys(df["region"]))
    y = alt.Y("region:N", sort=order, title=None, axis=alt.Axis(labelFont=FONT, labelLimit=220))
    x_scale = alt.Scale(domain=[lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")])
    x_axis = alt.Axis(title=bidi(t("chart.rollout_axis", lang), lang), format="%Y-%m", titleFont=FONT, labelFont=FONT,
                      labelAngle=0)
    tooltip = [
        alt.Tooltip("region:N", title=t("chart.region", lang)),
        alt.Tooltip("institute:N", title=t("chart.institutes", lang)),
        alt.Tooltip("status_label:N", title=t("chart.legend_status", lang)),
        alt.Tooltip("date_text:N", title=t("chart.date", lang)),
        alt.Tooltip("precision_label:N", title=t("chart.precision", lang)),
    ]
    base = alt.Chart(df)
    opacity = alt.condition(alt.datum.highlight, alt.value(1.0), alt.value(0.3))
    has_date = alt.datum.start != None  # noqa: E711 - a Vega expression, not Python
    spans = base.transform_filter(has_date).mark_bar(height=12, cornerRadius=2).encode(
        x=alt.X("start:T", scale=x_scale, axis=x_axis), x2="end:T", y=y,
        color=alt.Color("status_label:N", scale=scale, legend=legend), opacity=opacity, tooltip=tooltip,
    )
    dots = base.transform_filter(has_date).mark_point(filled=True, size=90, stroke="#333333", strokeWidth=0.6).encode(
        x=alt.X("start:T", scale=x_scale), y=y,
        color=alt.Color("status_label:N", scale=scale, legend=legend), opacity=opacity, tooltip=tooltip,
    )
    none_text = base.transform_filter(~has_date).mark_text(
        align="left", dx=4, fontSize=11, font=FONT, color="#666666", fontStyle="italic"
    ).encode(x=alt.X("left:T", scale=x_scale), y=y, text="institute:N", opacity=opacity, tooltip=tooltip)
    subtitle = [t("chart.rollout_subtitle", lang), institutes_source(ds, lang)]
    return (spans + dots + none_text).properties(
        title=_title(t("chart.rollout_title", lang), subtitle, lang), width=WIDTH, height=30 * len(order), autosize=PAD
    )


REACH_COLOURS = ("#88CCEE", "#332288")  # Paul Tol: light for the nearer radius, dark for the farther


def reach_chart(ds: Dataset, lang: str) -> alt.HConcatChart:
    """People with higher education (left) and aged 20-34 (right) living in the provinces whose centre
    lies within each radius of each institute's city, in a straight line (:mod:`atlas.reachview`)."""
    df = reachview.chart_frame(ds, lang)
    radii = list(dict.fromkeys(df["radius"]))
    far = df[(df["radius"] == radii[-1]) & (df["measure_key"] == "higher")]
    order = list(far.sort_values("value", ascending=False)["institute"])
    colour = alt.Color("radius:N", sort=radii, scale=alt.Scale(domain=radii, range=list(REACH_COLOURS)),
                       legend=alt.Legend(title=bidi(t("reach.legend", lang), lang), orient="bottom", labelFont=FONT,
                                         titleFont=FONT))

    def panel(short: str) -> alt.Chart:
        sub = df[df["measure_key"] == short]
        measure = str(sub["measure"].iloc[0]) if len(sub) else short
        return alt.Chart(sub).mark_bar().encode(
            y=alt.Y("institute:N", sort=order, title=None, axis=alt.Axis(labelFont=FONT, labelLimit=190)),
            yOffset=alt.YOffset("radius:N", sort=radii),
            x=alt.X("value:Q", axis=_axis(measure, lang, tickCount=4)),
            color=colour,
            tooltip=[alt.Tooltip("institute:N", title=t("reach.col.institute", lang)),
                     alt.Tooltip("radius:N", title=t("reach.legend", lang)),
                     alt.Tooltip("value_text:N", title=measure),
                     alt.Tooltip("provinces:Q", title=t("reach.provinces_tip", lang))],
        ).properties(width=WIDTH // 2 - 60, height=34 * max(len(order), 1))

    subtitle = [t("reach.chart_subtitle", lang),
                census_source(ds, [k for k in ("higher_education_people", "age_20_34_people")
                                   if k in ds.figure_defs.index], lang)]
    return alt.hconcat(panel("higher"), panel("young"), spacing=40).properties(
        title=_title(t("reach.chart_title", lang), subtitle, lang), autosize=PAD)
