"""The map as HTML (``build_map(...).get_root().render()``): regions, markers, escaping, offline assets."""

from __future__ import annotations

import base64
import html as html_lib
import io
import json
import re
from pathlib import Path

import branca.colormap
import folium
import pytest

from atlas import assets, load, mapview
from atlas.config import Tiles, tiles_setting
from atlas.i18n import LANGS, pick, t
from atlas.view import View, apply_filters
from tests.conftest import read_rows, set_cell, write_rows
from tests.html_table import read_table
from tests.support.map_page import region_features, region_fills

JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
FEATURE_PROPS = re.compile(r'layer\.feature = \{"type": "Feature", "properties": (\{.*?\})\};')


PIN = re.compile(r'class=\\"atlas-pin[ \\"]')
"""A pin's own element (not its badge) in rendered HTML, where the class sits in a JSON string."""


def render(ds, view, **kwargs) -> str:
    return mapview.build_map(ds, view, **kwargs).get_root().render()


def js_strings(page: str) -> list[str]:
    """Every double-quoted JavaScript/JSON string literal of the page, decoded."""
    out = []
    for literal in JS_STRING.findall(page):
        try:
            out.append(json.loads(literal))
        except json.JSONDecodeError:
            continue
    return out


def marker_props(page: str) -> list[dict]:
    return [json.loads(m) for m in FEATURE_PROPS.findall(page)]


# --- Regions ---------------------------------------------------------------------------------------


def test_twelve_region_features_each_with_its_code(ds):
    features = region_features(render(ds, View()))
    assert sorted(f["properties"]["code"] for f in features) == [f"{i:02d}" for i in range(1, 13)]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


def test_region_tooltip_names_institutes_or_says_none(ds):
    features = {f["properties"]["code"]: f["properties"]["tip"] for f in region_features(render(ds, View(lang="en")))}
    covered = set(ds.institutes["region_code"])
    for code, tip in features.items():
        assert html_lib.escape(pick(ds.regions.loc[code], "name", "en")) in tip
        if code in covered:
            for _, row in ds.institutes_in(code).iterrows():
                assert html_lib.escape(pick(row, "name", "en"), quote=True) in tip
        else:
            assert t("common.no_institute", "en") in tip


def test_coverage_styles_distinguish_covered_weak_and_empty_regions(ds):
    page = render(ds, View())
    covered = set(ds.institutes["region_code"])
    weak_only = {
        code for code in covered if set(ds.institutes_in(code)["confidence"]) == {"weak"}
    }
    assert weak_only, "the shipped data has a weak-only region (Benguérir's): the legend entry must show"
    fills = region_fills(page, ds.regions.index)
    for code in ds.regions.index:
        fill = fills[code]
        expected = mapview.COVERED_WEAK if code in weak_only else mapview.COVERED if code in covered else mapview.LAND
        assert fill == expected, code
    assert t("map.legend.covered_weak", "fr") in "".join(js_strings(page))


def test_choropleth_legend_names_the_figure_and_unit(ds):
    key = "population"
    label = pick(ds.figure_defs.loc[key], "label", "en")
    texts = "".join(js_strings(render(ds, View(lang="en", figure=key))))
    assert html_lib.escape(label) in texts
    assert t("map.unit.people", "en") in texts
    assert t("map.legend.coverage_title", "en") not in texts
    # every region's tooltip gives its value
    tips = [f["properties"]["tip"] for f in region_features(render(ds, View(lang="en", figure=key)))]
    assert all(html_lib.escape(label) in tip for tip in tips)


def test_choropleth_colours_follow_the_values(ds):
    page = render(ds, View(figure="population"))
    fills = region_fills(page, ds.regions.index)
    biggest = ds.figures["population"].idxmax()
    smallest = ds.figures["population"].idxmin()
    assert fills[biggest] == mapview.CHOROPLETH[-1]
    assert fills[smallest] == mapview.CHOROPLETH[0]


def test_no_branca_colormap_so_st_folium_adds_no_d3_from_a_cdn(ds):
    m = mapview.build_map(ds, View(figure="unemployment_rate"))

    def walk(el):
        yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    assert not any(isinstance(el, branca.colormap.ColorMap) for el in walk(m))


# --- Markers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "view",
    [
        View(),
        View(specialisations=("energy",)),
        View(specialisations=("water",)),  # matches the commentary's specialisation only
        View(regions=("10", "12")),
        View(statuses=("launched",)),
        View(confidences=("weak",)),
        View(query="fes"),
        View(specialisations=("tourism",), confidences=("confirmed",)),  # nothing
    ],
    ids=["all", "energy", "water", "regions", "launched", "weak", "query", "none"],
)
def test_exactly_one_marker_per_institute_passing_the_filters(ds, view):
    expected = list(apply_filters(ds, view).index)
    page = render(ds, view)
    props = marker_props(page)
    assert [p["id"] for p in props] == expected
    assert len(PIN.findall(page)) == len(expected)
    for p in props:
        assert p["code"] == ds.institutes.loc[p["id"], "region_code"]
    assert mapview.marker_ids(mapview.build_map(ds, view)) == expected


def test_marker_colour_and_icon_come_from_the_lead_focus_area_under_the_conventions_lens(ds):
    page = render(ds, View(lens="conventions"))
    pins = [s for s in js_strings(page) if 'class="atlas-pin' in s]
    assert len(pins) == len(ds.institutes)
    for (iid, row), pin in zip(ds.institutes.iterrows(), pins, strict=True):
        lead = row["focus_list"][0]
        spec = ds.specialisations.loc[lead]
        assert f"background:{spec['colour']}" in pin, iid
        assert f"fa-solid fa-{spec['icon']}" in pin, iid
        assert ("atlas-pin--weak" in pin) == (row["confidence"] == "weak")
        assert "atlas-pin--hollow" not in pin


def test_commentary_lens_colours_by_the_commentary_and_marks_disagreement(ds):
    page = render(ds, View(lens="commentary"))
    pins = [s for s in js_strings(page) if 'class="atlas-pin' in s]
    for (iid, row), pin in zip(ds.institutes.iterrows(), pins, strict=True):
        commentary = [k for k in str(row["specialisation_commentary"]).split(";") if k]
        key = commentary[0] if commentary else row["focus_list"][0]
        spec = ds.specialisations.loc[key]
        assert f"fa-solid fa-{spec['icon']}" in pin, iid
        assert f"--pin:{spec['colour']}" in pin, iid
        assert ("atlas-pin--hollow" in pin) == (not commentary), iid  # conventions' area, drawn hollow
        disagree = bool(commentary) and not set(commentary) <= set(row["focus_list"])
        assert ("atlas-pin-badge" in pin) == disagree, iid
    badges = {iid for (iid, _), pin in zip(ds.institutes.iterrows(), pins, strict=True) if "atlas-pin-badge" in pin}
    assert badges == {"jazari-guelmim", "jazari-nador"}


def test_legend_lists_only_the_lead_areas_shown(ds):
    view = View(lang="en", specialisations=("industry",), lens="conventions")
    texts = "".join(js_strings(render(ds, view)))
    shown = apply_filters(ds, view)
    leads = {row["focus_list"][0] for _, row in shown.iterrows()}
    for key in ds.specialisations.index:
        label = html_lib.escape(pick(ds.specialisations.loc[key], "label", "en"))
        legend_row = f"</i></span>{label}</div>"
        assert (legend_row in texts) == (key in leads), key


def test_popup_card_content(ds):
    page = render(ds, View(lang="fr"))
    cards = {re.search(r'data-id="([^"]+)"', s).group(1): s for s in js_strings(page) if 'class="atlas-card"' in s}
    assert set(cards) == set(ds.institutes.index)
    card = cards["jazari-benguerir"]  # status date 2025-04: month precision, no invented day
    assert "avril 2025" in card and "1 avril 2025" not in card
    assert t("map.popup.commentary", "fr") in card and t("map.popup.conventions", "fr") in card
    assert t("common.not_announced", "fr") in card  # the commentary names no specialisation for it
    guelmim = cards["jazari-guelmim"]
    assert t("map.source_kind.commentary", "fr") in guelmim  # the commentary column shows its source kind
    for _, src in ds.sources_for("jazari-guelmim").iterrows():
        if src["url"]:
            assert f'<a href="{html_lib.escape(src["url"])}" rel="noopener noreferrer" target="_blank">' in guelmim
    assert t(f"confidence.{ds.institutes.loc['jazari-guelmim', 'confidence']}", "fr") in guelmim


def test_arabic_popup_is_right_to_left(ds):
    page = render(ds, View(lang="ar"))
    cards = [s for s in js_strings(page) if 'class="atlas-card"' in s]
    assert cards and all('dir="rtl"' in c for c in cards)
    assert all(pick(row, "name", "ar") in page for _, row in ds.institutes.iterrows())


# --- Hostile text --------------------------------------------------------------------------------------

HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`\\</script><script>alert(3)</script>'\"&amp;"


@pytest.fixture
def hostile_ds(data_copy: Path):
    set_cell(data_copy / "institutes.csv", "id", "jazari-guelmim", "name_fr", HOSTILE)
    set_cell(data_copy / "institutes.csv", "id", "jazari-guelmim", "city_fr", "Guelmim " + HOSTILE)
    set_cell(data_copy / "institutes.csv", "id", "jazari-guelmim", "partners_fr", HOSTILE + "; MTNRA")
    set_cell(data_copy / "institutes.csv", "id", "jazari-guelmim", "notes_fr", HOSTILE)
    set_cell(data_copy / "specialisations.csv", "key", "agriculture", "label_fr", "Agri " + HOSTILE)
    set_cell(data_copy / "regions.csv", "code", "10", "name_fr", "Guelmim-Oued Noun " + HOSTILE)
    header, rows = read_rows(data_copy / "sources.csv")
    for row in rows:
        if row["institute_id"] == "jazari-guelmim":
            row["publisher"] = HOSTILE
    write_rows(data_copy / "sources.csv", header, rows)
    return load(data_copy)


@pytest.mark.parametrize(
    "view", [View(), View(figure="population"), View(query="alert")], ids=["coverage", "figure", "q"]
)
def test_hostile_text_is_escaped_everywhere(hostile_ds, view):
    page = render(hostile_ds, view)
    # Nothing of the payload survives outside a string literal: it could not run as code or markup.
    outside = JS_STRING.sub('""', page)
    for needle in ("alert(1)", "alert(2)", "alert(3)", "onerror", "<img"):
        assert needle not in outside
    # Inside string literals it only ever appears HTML-escaped.
    texts = [s for s in js_strings(page) if "alert(" in s]
    assert texts, "the hostile name must be on the map"
    for s in texts:
        assert "<img" not in s and "<script" not in s and "</script" not in s
        assert "&lt;img src=x onerror=alert(1)&gt;" in s
    assert "</script><script>alert(3)" not in page


def test_hostile_text_in_the_table_stays_text(hostile_ds):
    frame = mapview.table_frame(hostile_ds, apply_filters(hostile_ds, View()), "fr")
    assert HOSTILE in frame.iloc[:, 0].tolist()
    markup = mapview.table_html(frame, "fr", total=len(hostile_ds.institutes))
    assert "<img" not in markup and "<script" not in markup and "&lt;img src=x onerror=alert(1)&gt;" in markup
    back, _attrs, _caption = read_table(markup)  # what a reader sees: the name as text, unchanged
    assert HOSTILE in back.iloc[:, 0].tolist()


# --- Offline ----------------------------------------------------------------------------------------

URL = re.compile(r"https?://[^\s\"'\\<>)]+")


@pytest.mark.parametrize("tiles", [None, Tiles(None, ""), tiles_setting("openstreetmap")], ids=["none", "off", "osm"])
def test_no_internet_url_other_than_sources_and_configured_tiles(ds, tiles):
    page = render(ds, View(), tiles=tiles)
    allowed = {u for u in ds.sources["url"] if u}
    if tiles is not None and tiles.url:
        allowed.add(tiles.url)
    decoded = page + "\n".join(js_strings(page))
    found = {html_lib.unescape(u) for u in URL.findall(decoded)}
    assert found - allowed == set()
    for attr in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not attr.startswith(("http://", "https://", "//")), attr
    for css_url in re.findall(r"url\(([^)]*)\)", page):
        assert not css_url.strip("'\" ").startswith(("http", "//")), css_url
    assert ("L.tileLayer" in page) == bool(tiles is not None and tiles.url)


def test_assets_st_folium_loads_are_all_local(ds):
    """st_folium loads every element's default_js/default_css: none may be a CDN URL."""
    m = mapview.base_map(ds, "fr")
    for layer in mapview.map_layers(ds, View(figure="population")):
        layer.add_to(m)

    def walk(el):
        yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    links = [url for el in walk(m) for attr in ("default_js", "default_css") for _, url in getattr(el, attr, [])]
    assert links and all(u.startswith("/app/static/vendor/") for u in links), links
    assert not any(isinstance(el, (folium.Icon, folium.Popup, folium.Tooltip)) for el in walk(m))


def test_tiles_only_when_configured_with_attribution(ds):
    page = render(ds, View(), tiles=tiles_setting("openstreetmap"))
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in page
    assert "OpenStreetMap contributors" in page
    assert "tile.openstreetmap.org" not in render(ds, View(), tiles=tiles_setting("none"))


def test_static_asset_urls_point_at_copied_files(tmp_path):
    copied = assets.ensure_static_assets(tmp_path / "static")
    assert copied, "a fresh folder gets the files"
    js, css = assets.map_assets("static")
    for _, url in js + css:
        rel = url.removeprefix(assets.STATIC_URL + "/")
        assert (tmp_path / "static" / rel).is_file(), url
    css_text = (tmp_path / "static/vendor/fontawesome/css/solid.min.css").read_text()
    for font in re.findall(r"url\(([^)]+)\)", css_text):
        assert (tmp_path / "static/vendor/fontawesome/css" / font).resolve().is_file(), font
    # Idempotent: nothing is copied again, even by a fresh process (the in-process memo cleared).
    assets._done.discard((tmp_path / "static").resolve())
    assert assets.ensure_static_assets(tmp_path / "static") == []
    # A changed file is refreshed.
    target = tmp_path / "static/vendor/leaflet/leaflet.js"
    target.write_text("broken")
    assets._done.discard((tmp_path / "static").resolve())
    assert target in assets.ensure_static_assets(tmp_path / "static")
    assert target.stat().st_size > 100_000


@pytest.mark.parametrize("base, want", [(None, "/app/static"), ("", "/app/static"), ("atlas", "/atlas/app/static"),
                                        ("/atlas/", "/atlas/app/static"), ("a/b", "/a/b/app/static")])
def test_static_urls_under_the_base_url_path(base, want):
    """The map's files are found when the app is served under ``server.baseUrlPath``."""
    assert assets.under_base(base, assets.STATIC_URL) == want


def test_inline_mode_is_standalone_and_small(ds):
    page = render(ds, View(), asset_mode="inline")
    srcs = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
    assert srcs and all(s.startswith("data:") for s in srcs)
    assert len(page.encode()) < 600_000
    # The icon font subset holds a glyph for every specialisation icon.
    from fontTools.ttLib import TTFont

    css = next(
        base64.b64decode(s.split(",", 1)[1]).decode() for s in srcs if s.startswith("data:text/css") and b"fa-" in
        base64.b64decode(s.split(",", 1)[1])
    )
    font_b64 = re.search(r"url\(data:font/ttf;base64,([^)]+)\)", css).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(font_b64))).getBestCmap()
    for icon in ds.specialisations["icon"]:
        code = assets.icon_codepoint(icon)
        assert code and int(code, 16) in cmap, icon
        assert f".fa-{icon}:before" in css


# --- Clicks and table ---------------------------------------------------------------------------------


def test_clicked_institute_is_a_markers_feature_only():
    marker = {"last_active_drawing": {"properties": {"code": "10", "id": "jazari-guelmim", "kind": "institute"}}}
    assert mapview.clicked_institute(marker) == "jazari-guelmim"
    assert mapview.clicked_institute({"last_active_drawing": {"properties": {"code": "10"}}}) is None  # a region
    assert mapview.clicked_institute({"last_active_drawing": None}) is None
    assert mapview.clicked_institute(None) is None
    assert mapview.clicked_institute({"last_active_drawing": {"properties": {"kind": "institute", "id": 3}}}) is None


def test_region_from_click_prefers_the_clicked_feature(ds):
    # A marker click: its feature says region 12 even if the point were placed elsewhere.
    result = {"last_object_clicked": {"lat": 23.7, "lng": -15.9},
              "last_active_drawing": {"type": "Feature", "properties": {"code": "12", "id": "jazari-dakhla"}}}
    code, token = mapview.region_from_click(result, ds)
    assert code == "12"
    # A click on a region without feature properties: the point decides (Marrakech).
    code2, token2 = mapview.region_from_click({"last_object_clicked": {"lat": 31.63, "lng": -8.0}}, ds)
    assert code2 == "07" and token2 != token
    # Nothing clicked, forged or far away: no selection.
    assert mapview.region_from_click(None, ds) is None
    assert mapview.region_from_click({"last_object_clicked": None}, ds) is None
    assert mapview.region_from_click({"last_object_clicked": {"lat": "x", "lng": 1}}, ds) is None
    assert mapview.region_from_click({"last_object_clicked": {"lat": 48.85, "lng": 2.35}}, ds) is None
    forged = {"last_object_clicked": {"lat": 31.63, "lng": -8.0}, "last_active_drawing": {"properties": {"code": "99"}}}
    assert mapview.region_from_click(forged, ds)[0] == "07"


def test_table_mirrors_the_markers(ds):
    view = View(lang="en", specialisations=("energy",))
    shown = apply_filters(ds, view)
    frame = mapview.table_frame(ds, shown, "en")
    assert list(frame.index) == mapview.marker_ids(mapview.map_layers(ds, view, shown))
    assert list(frame.columns) == [t(key, "en") for _, key in mapview.TABLE_COLUMNS]
    assert frame[t("table.name", "en")].tolist() == [pick(r, "name", "en") for _, r in shown.iterrows()]
    root = mapview.table_frame(ds, ds.institutes.loc[["jazari-root"]], "en").iloc[0]
    assert root[t("map.table.spec_commentary", "en")] == t("common.not_announced", "en")
    benguerir = mapview.table_frame(ds, ds.institutes.loc[["jazari-benguerir"]], "en").iloc[0]
    assert benguerir[t("map.table.date", "en")] == "April 2025"


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_table_is_the_frame_as_an_html_table(ds, lang):
    frame = mapview.table_frame(ds, apply_filters(ds, View()), lang)
    back, attrs, caption = read_table(mapview.table_html(frame, lang, total=len(ds.institutes)))
    assert back.equals(frame.reset_index(drop=True).astype(str))
    assert attrs["dir"] == ("rtl" if lang == "ar" else "ltr") and attrs["lang"] == lang
    assert caption == t("a11y.table_alternative", lang, shown=len(frame), total=len(ds.institutes))


def test_a_long_table_draws_its_first_rows_and_says_how_many_more(ds):
    frame = mapview.table_frame(ds, apply_filters(ds, View()), "en")
    markup = mapview.table_html(frame, "en", total=len(ds.institutes), max_rows=3)
    back, _attrs, _caption = read_table(markup)
    assert back.equals(frame.head(3).reset_index(drop=True).astype(str))
    assert t("map.table.more", "en", drawn=3, shown=len(frame)) in markup
    assert "atlas-table-more" not in mapview.table_html(frame, "en", total=len(ds.institutes))


def test_institute_without_focus_area_gets_a_neutral_marker_and_legend_entry(data_copy):
    set_cell(data_copy / "institutes.csv", "id", "jazari-fes", "focus_areas", "")
    header, rows = read_rows(data_copy / "sources.csv")
    for row in rows:  # no source may still claim focus areas for it
        row["fields"] = ";".join(f for f in row["fields"].split(";") if not (
            row["institute_id"] == "jazari-fes" and f == "focus_areas")) or "status"
    write_rows(data_copy / "sources.csv", header, rows)
    ds = load(data_copy)
    page = render(ds, View(lang="en"))
    pin = next(s for s in js_strings(page) if 'class="atlas-pin' in s and "Industry" in s)
    assert f"background:{mapview.FALLBACK_COLOUR}" in pin and f"fa-{mapview.FALLBACK_ICON}" in pin
    assert t("map.legend.no_area", "en") in "".join(js_strings(page))
    card = next(s for s in js_strings(page) if 'data-id="jazari-fes"' in s and "atlas-card" in s)
    assert t("common.not_announced", "en") in card
