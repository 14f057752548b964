"""Briefs: the Markdown and PDF brief of a region and of the whole country, in each language."""

from __future__ import annotations

import collections
import io
import re

import pytest
from pypdf import PdfReader

from atlas import brief, brief_pdf, tables
from atlas.brief import md_text, to_markdown_brief
from atlas.brief_pdf import FontNotFound, to_pdf_brief
from atlas.i18n import LANGS, pick, t
from atlas.present import format_exact, format_value
from atlas.view import View

ARABIC = re.compile(r"[\u0600-\u06ff]")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """Text without any kind of space (French numbers use narrow no-break spaces)."""
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def pdfs(ds):
    """The Guelmim-Oued Noun and national briefs in every language, built once."""
    out = {}
    for lang in LANGS:
        out[(lang, "10")] = to_pdf_brief(ds, View(lang=lang), "10")
    out[("fr", None)] = to_pdf_brief(ds, View(lang="fr"), None)
    out[("ar", None)] = to_pdf_brief(ds, View(lang="ar"), None)
    return out


# --- Markdown ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_region_brief_has_figures_flags_caveats_and_sources(ds, lang):
    text = to_markdown_brief(ds, View(lang=lang), "10").decode("utf-8")
    region = pick(ds.regions.loc["10"], "name", lang)
    assert md_text(region) in text.splitlines()[2 if lang == "ar" else 0]
    refs = tables.national_references(ds)
    for key, fdef in ds.figure_defs.iterrows():
        value = format_value(ds.figures.at["10", key], fdef["unit"], lang)
        assert md_text(value) in text, key
        assert md_text(format_exact(refs[key], fdef["unit"], lang)) in text, key
    for _, rule in ds.flag_rules.iterrows():
        assert md_text(pick(rule, "label", lang)) in text
    for _, caveat in ds.caveats.iterrows():
        assert md_text(pick(caveat, "title", lang)) in text
    for url in ds.sources_for("jazari-guelmim")["url"]:
        if url:
            assert f"]({brief.safe_url(url)})" in text
    assert ("dir=\"rtl\"" in text) is (lang == "ar")


def test_markdown_national_brief_lists_every_region_and_institute(ds):
    text = to_markdown_brief(ds, View(lang="en"), None).decode("utf-8")
    assert md_text(t("export.brief.title_national", "en")) in text
    for code, region in ds.regions.iterrows():
        assert md_text(region["name_en"]) in text, code
    for _, inst in ds.institutes.iterrows():
        assert md_text(inst["name_en"]) in text
    raised = tables.flag_results(ds)
    assert raised["raised"].any()


def test_markdown_brief_follows_the_filters(ds):
    text = to_markdown_brief(ds, View(lang="fr", specialisations=("industry",)), None).decode("utf-8")
    assert md_text(ds.institutes.at["jazari-fes", "name_fr"]) in text
    assert md_text(ds.institutes.at["jazari-guelmim", "name_fr"]) not in text
    text = to_markdown_brief(ds, View(lang="fr", specialisations=("industry",)), "10").decode("utf-8")
    assert md_text(t("export.none_in_view", "fr")) in text


def test_unknown_region_is_refused(ds):
    with pytest.raises(ValueError, match="unknown region code"):
        to_markdown_brief(ds, View(), "13")


def test_md_text_shows_data_literally_and_stays_readable():
    assert md_text("Guelmim-Oued Noun (2024): 9.4") == "Guelmim-Oued Noun (2024): 9.4"
    assert md_text("<b>x</b>") == "\\<b\\>x\\</b\\>"
    assert md_text("`code` *em* _em_ [a](b) | c & d $x$ ~s~") == (
        "\\`code\\` \\*em\\* \\_em\\_ \\[a\\](b) \\| c \\& d \\$x\\$ \\~s\\~"
    )
    for start, escaped in (("# t", "\\# t"), ("- t", "\\- t"), ("+ t", "\\+ t"), ("> t", "\\> t"),
                           ("1. t", "1\\. t"), ("2) t", "2\\) t"), ("=", "\\=")):
        assert md_text(start) == escaped
    assert md_text("two\nlines") == "two lines"


def test_safe_url_keeps_http_links_and_defuses_the_rest():
    assert brief.safe_url("https://example.org/a?b=1&c=(2)") == "https://example.org/a?b=1&c=%282%29"
    assert brief.safe_url("javascript:alert(1)") is None
    assert ">" not in brief.safe_url("https://example.org/<script>")


# --- PDF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ("fr", "en"))
def test_pdf_region_brief_shows_the_region_and_its_figures(ds, pdfs, lang):
    data = pdfs[(lang, "10")]
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    flat = squeeze(text)
    assert pick(ds.regions.loc["10"], "name", lang) in text
    assert pick(ds.institutes.loc["jazari-guelmim"], "name", lang) in text
    for key, fdef in ds.figure_defs.iterrows():
        assert squeeze(format_value(ds.figures.at["10", key], fdef["unit"], lang)) in flat, key
    for _, rule in ds.flag_rules.iterrows():
        assert squeeze(pick(rule, "label", lang)) in flat
    assert squeeze(t("export.brief.national_median", lang)) in flat
    for _, caveat in ds.caveats.iterrows():
        assert squeeze(pick(caveat, "title", lang)) in flat


def _to_unicode_pairs(data: bytes) -> list[tuple[str, str]]:
    reader = PdfReader(io.BytesIO(data))
    pairs = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" in font:
                cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
                pairs += re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap)
    return pairs


def test_pdf_arabic_is_shaped_with_an_embedded_arabic_font(ds, pdfs):
    data = pdfs[("ar", "10")]
    reader = PdfReader(io.BytesIO(data))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    embedded = [
        f for f in fonts
        if "DejaVu" in str(f["/BaseFont"])
        and "/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    ]
    assert embedded, "DejaVu Sans must be embedded"
    text = pdf_text(data)
    assert len(ARABIC.findall(text)) > 500
    assert "كلميم-واد نون" in text
    # Shaping ran: Arabic letters appear as several contextual glyphs (initial, medial, final) that map
    # back to the same character, and lam-alef is one ligature glyph. Unshaped text has one glyph each.
    per_char = collections.Counter(u for _, u in _to_unicode_pairs(data) if ARABIC.match(chr(int(u[:4], 16))))
    assert sum(1 for n in per_char.values() if n > 1) >= 5
    assert any(u.upper() == "06440627" for u in per_char)


def test_pdf_arabic_reads_right_to_left(ds, pdfs):
    """The first words of the title come first in logical order: the bidi algorithm ran."""
    first_line = pdf_text(pdfs[("ar", "10")]).splitlines()[0]
    assert first_line.startswith(t("export.brief.title_region", "ar", region="").strip().rstrip(":"))


def test_pdf_national_brief_has_every_region_and_institute(ds, pdfs):
    for lang in ("fr", "ar"):
        text = pdf_text(pdfs[(lang, None)])
        flat = squeeze(text)
        assert squeeze(t("export.brief.title_national", lang)) in flat
        assert squeeze(t("export.brief.by_region", lang)) in flat
        for _, inst in ds.institutes.iterrows():
            # Extraction reorders Latin runs inside Arabic lines: compare the first words only.
            assert squeeze(" ".join(pick(inst, "name", lang).split()[:3])) in flat
        for _, region in ds.regions.iterrows():
            short = pick(region, "name", lang).split("-")[0]
            assert squeeze(short) in flat, short
        assert squeeze(format_exact(ds.figures["population"].sum(), "people", lang)) in flat


def test_pdf_needs_a_font_and_says_which(ds, monkeypatch):
    monkeypatch.setattr(brief_pdf, "FONT_CANDIDATES", ("/nonexistent/DejaVuSans.ttf",))
    monkeypatch.setattr(brief_pdf.shutil, "which", lambda name: None)
    with pytest.raises(FontNotFound, match="fonts-dejavu-core"):
        to_pdf_brief(ds, View(), "10")


# --- issue 13: scorecard, new figures, public link, two pages ------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_region_pdf_brief_has_the_scorecard_and_new_figures_within_two_a4_pages(ds, lang):
    import io

    from pypdf import PdfReader

    from atlas.brief_pdf import to_pdf_brief
    from atlas.i18n import t
    from atlas.view import View

    for code in ds.regions.index:
        reader = PdfReader(io.BytesIO(to_pdf_brief(ds, View(lang=lang), code)))
        assert len(reader.pages) <= 2, (lang, code, len(reader.pages))
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    if lang != "ar":  # Arabic text comes out of the PDF reshaped, not comparable as a string
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(to_pdf_brief(ds, View(lang=lang), "10"))).pages)
        text = " ".join(text.split())
        assert t("panel.acc.title", lang) in text and t("panel.acc.count", lang, published=0, total=7) in text
        assert "Établissements de 50 salariés" in text if lang == "fr" else "Establishments with 50+" in text


def test_markdown_brief_link_uses_atlas_public_url(ds, monkeypatch):
    from atlas.brief import to_markdown_brief
    from atlas.view import View

    monkeypatch.delenv("ATLAS_PUBLIC_URL", raising=False)
    text = to_markdown_brief(ds, View(lang="en"), "10", base_url="http://127.0.0.1:8501/").decode()
    assert "127.0.0.1" not in text and "localhost" not in text
    assert "not given: the atlas's public address is not configured (ATLAS\\_PUBLIC\\_URL)" in text
    monkeypatch.setenv("ATLAS_PUBLIC_URL", "https://atlas.example.org/jazari")
    text = to_markdown_brief(ds, View(lang="en"), "10", base_url="http://127.0.0.1:8501/").decode()
    assert "https://atlas.example.org/jazari/?" in text and "127.0.0.1" not in text
    assert "## Accountability scorecard" in text and "published answers: 0 of 7" in text
