"""Text summaries of the regions page's charts (issue 15): what a screen-reader user, or anyone who
cannot read the chart, needs from it, with its key numbers. Shown as a caption under each chart and
set as the chart's Vega-Lite ``description`` (the SVG's accessible name). Built from the same frames
as the charts (:mod:`atlas.charts`), so the numbers always match what is drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas import charts
from atlas.i18n import t

if TYPE_CHECKING:
    from atlas.dataset import Dataset


def _talent(ds: Dataset, lang: str) -> str:
    key = "higher_education_people"
    df = charts.regions_frame(ds, lang).sort_values(key, ascending=False)
    top, low = df.iloc[0], df.iloc[-1]
    with_inst = df[df["has_institute"]]
    return t("a11y.chart.talent", lang, top=top["region"], top_value=top[f"{key}_text"], low=low["region"],
             low_value=low[f"{key}_text"], covered=len(with_inst), total=len(df))


def _scatter(ds: Dataset, lang: str) -> str:
    df = charts.regions_frame(ds, lang)
    big = df.sort_values("population", ascending=False).iloc[0]
    share = df.sort_values("higher_education_share", ascending=False).iloc[0]
    return t("a11y.chart.scatter", lang, big=big["region"], big_value=big["population_text"],
             share=share["region"], share_value=share["higher_education_share_text"], total=len(df))


def _rollout(ds: Dataset, lang: str) -> str:
    df = charts.rollout_frame(ds, lang)
    dated = df[df["start"].notna()]
    none = int((df["status"] == charts.NONE_STATUS).sum())
    if dated.empty:
        return t("a11y.chart.rollout_none", lang, none=none)
    first, last = dated.iloc[0], dated.iloc[-1]
    return t("a11y.chart.rollout", lang, dated=len(dated), first=first["institute"], first_date=first["date_text"],
             last=last["institute"], last_date=last["date_text"], none=none)


SUMMARIES = {"talent": _talent, "scatter": _scatter, "rollout": _rollout}


def chart_summary(ds: Dataset, name: str, lang: str) -> str:
    """The text summary of the regions page's chart ``name`` (``talent``, ``scatter``, ``rollout``)."""
    return SUMMARIES[name](ds, lang)
