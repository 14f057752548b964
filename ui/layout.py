"""Shared Streamlit layout: the cached dataset, the sidebar controls and the view in the URL.

Called by ``app.py`` on every run before the current page; pages read the result with
:func:`context`. Only layout and widgets here: logic lives in the ``atlas`` package.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from atlas import config
from atlas.dataset import Dataset, validate
from atlas.i18n import LANG_NAMES, LANGS, direction, pick, t
from atlas.present import status_definitions
from atlas.schema import CONFIDENCES, STATUSES, Problem
from atlas.text import md_escape
from atlas.view import LENSES, View, parse_query, to_query
from ui.streamlit_mode import leave_legacy_pages_mode

A11Y_CSS = Path(__file__).with_name("a11y.css")

@dataclass(frozen=True)
class Widget:
    """A sidebar widget that holds one field of the :class:`~atlas.view.View` (session state ``key``).
    ``translated``: its option labels are translated, so a language switch must relabel it."""

    field: str
    key: str
    translated: bool = True
    toolbar: bool = False
    """Drawn above the map on the map page (:func:`map_toolbar`), in the sidebar on the other pages."""
    hidden: bool = False
    """In the sidebar behind its toggle button (:data:`MORE_KEY`), drawn only while it is pressed."""


WIDGETS = (
    Widget("lang", "w_lang", translated=False),
    Widget("specialisations", "w_spec", toolbar=True),
    Widget("lens", "w_lens", toolbar=True),
    Widget("regions", "w_region", hidden=True),
    Widget("statuses", "w_status", hidden=True),
    Widget("confidences", "w_conf", hidden=True),
    Widget("query", "w_q", translated=False, hidden=True),
    Widget("figure", "w_fig", hidden=True),
)
"""The one table of the view's widgets: their state is set from a view (:func:`_init_widgets`) and a
view is read back from it (:func:`_view_from_widgets`) through this table only."""

# Choice widgets whose option labels are translated (keys, or key prefixes, across the pages).
TRANSLATED_CHOICES = (*(w.key for w in WIDGETS if w.translated), "panel_pick", "export_region_")


def _relabel_choices() -> None:
    """On a language change, set every translated choice widget's value again.

    Streamlit identifies a keyed selectbox or multiselect by its key alone and the browser keeps
    the *labels* of the selected options; unless the value is set from the script, the chips and
    the selected value stay in the old language. Setting the (same) value makes Streamlit send it
    again, formatted in the new language.
    """
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(TRANSLATED_CHOICES):
            st.session_state[key] = st.session_state[key]


@dataclass(frozen=True)
class Context:
    ds: Dataset
    view: View
    lang: str


def _stamp(data_dir: Path) -> tuple[tuple[str, float, int], ...]:
    try:  # an unreadable directory is validate's to report, in the error panel
        return tuple(
            (p.name, p.stat().st_mtime, p.stat().st_size) for p in sorted(data_dir.iterdir()) if p.is_file()
        )
    except OSError:
        return ()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(data_dir: str, stamp: tuple) -> tuple[Dataset | None, list[Problem]]:
    # serve.py freezes what its start-up loaded (gc.freeze): frozen objects are never collected as
    # cycles. A new load means the data changed; the old dataset and the map parts built from it may
    # then go, so everything is handed back to the collector.
    if gc.get_freeze_count():
        gc.unfreeze()
    return validate(Path(data_dir))


def load_dataset() -> tuple[Dataset | None, list[Problem], Path]:
    data_dir = config.data_dir()
    ds, problems = _load(str(data_dir), _stamp(data_dir))
    return ds, problems, data_dir


def _lang_from_url() -> str:
    lang = st.query_params.get("lang", "fr")
    return lang if lang in LANGS else "fr"


def current_lang() -> str:
    """The language of this run, before :func:`bootstrap` draws the language menu (the menu's value
    once it exists, else the URL's ``lang``): for the titles of the navigation."""
    lang = st.session_state.get("w_lang") or _lang_from_url()
    return lang if lang in LANGS else "fr"


def show_problems(problems: list[Problem], data_dir: Path, lang: str) -> None:
    """The error panel for a broken data directory: every problem, no traceback."""
    st.error(t("data.invalid", lang, count=len(problems), path=md_escape(data_dir)))
    st.caption(t("data.invalid_help", lang))
    st.code("\n".join(str(p) for p in problems), language=None)


def _init_widgets(view: View) -> None:
    for widget in WIDGETS:
        value = getattr(view, widget.field)
        st.session_state[widget.key] = list(value) if isinstance(value, tuple) else ("" if value is None else value)
    st.session_state["selected"] = view.selected
    st.session_state["notices"] = list(view.notices)


def _rtl_css() -> str:
    """Right to left: the page's scrolling area (``main``) and the sidebar (the ``section`` that holds
    its keyed content), their text aligned right, in an Arabic font but for the headings. Maps, tables
    and charts draw left to right (pages/regions.py keys its charts)."""
    ours = ":is(.st-key-page, .st-key-sidebar)"
    return f"""
<style>
main, section:has(.st-key-sidebar) {{ direction: rtl; }}
{ours} :is(h1, h2, h3, h4, h5, h6, p, li, label, summary) {{ text-align: right; }}
{ours} :is(p, li, label, summary) {{
  font-family: "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", "Arial", sans-serif;
}}
{ours} :is(iframe, canvas) {{ direction: ltr; }}
</style>
"""


def bootstrap(page: str = "") -> Context:
    """Load data, draw the sidebar, keep the URL in step. Stops the script on a broken dataset.

    ``page``: the page this run draws (its URL path); on the map page (:data:`MAP_PAGE`) the
    toolbar widgets are left out of the sidebar, since the page draws them above the map."""
    ds, problems, data_dir = load_dataset()
    if ds is None:
        lang = _lang_from_url()
        show_problems(problems, data_dir, lang)
        st.stop()
    if "view_ready" not in st.session_state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}  # to_dict keeps one value
        _init_widgets(parse_query(params, ds))
        st.session_state["view_ready"] = True
    _carry_toolbar(page)
    _remember_toolbar()

    lang = current_lang()  # the menu's value: _init_widgets has set it from the URL on the first run
    # One style block: visible focus and phone layout (issue 15), the table under the map, and right
    # to left for Arabic. Style-only st.html takes no room and needs no Markdown: as st.markdown it
    # made the browser fetch the HTML-in-Markdown code before the title (docs/performance.md).
    rtl = _rtl_css() if direction(lang) == "rtl" else ""
    st.html(f"<style>{A11Y_CSS.read_text(encoding='utf-8')}</style>{rtl}")

    with st.sidebar, st.container(key="sidebar"):  # the key: ui/a11y.css styles the sidebar through it
        # Three pills, not a menu: one click to switch, and no menu widget on the first screen
        # (a menu's code is the heaviest a first visit loads before the map; docs/performance.md).
        st.pills(
            t("sidebar.language", lang), LANGS, key="w_lang", format_func=LANG_NAMES.get, required=True,
            on_change=_relabel_choices,
        )
        lang = st.session_state["w_lang"]
        if page != MAP_PAGE:  # the map page draws these two above the map
            _specialisation_widget(ds, lang, pills=False)
            _lens_widget(lang)
        # The other filters behind a toggle button, drawn by the script only when it is pressed: their
        # menus' code is the heaviest a first visit would load before the map (docs/performance.md).
        # Not a popover: the widgets follow the button in the page, so Tab reaches them next. A pill
        # (a button with aria-pressed), not st.toggle: the pills' code is loaded anyway, a switch's
        # is five more files for the browser to fetch before the map's.
        more = t("sidebar.filters_menu", lang)
        shown = st.pills(more, [MORE_ON], key=MORE_KEY, selection_mode="multi", label_visibility="collapsed",
                         format_func=lambda _: f":material/filter_list: {md_escape(more)}", wrap=True)
        if shown:
            _filter_widgets(ds, lang)
        else:
            _keep_filters()
        view = _view_from_widgets(lang)
        if not shown and (count := _filters_in_use(view)):  # a narrowed view is never a surprise
            st.caption(t("sidebar.filters_in_use", lang, count=count))
        st.caption(t("sidebar.data_version", lang, version=ds.version))

    sync_url(view)
    notices = st.session_state.get("notices") or []
    if notices:
        lines = [t(f"notice.{n.reason}", lang, param=md_escape(n.param), value=md_escape(n.value)) for n in notices]
        st.warning(t("notice.title", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines))
    return Context(ds=ds, view=view, lang=lang)


MAP_PAGE = ""
"""The URL path of the map page (the default page of ``app.py``'s navigation)."""


TOOLBAR_KEY = "_toolbar"
"""Session key of the toolbar widgets' last values (:func:`_remember_toolbar`)."""


def _remember_toolbar() -> None:
    """Keep a copy of the toolbar widgets' values, taken on every run of every page (and on the map
    page's fragment runs), for :func:`_carry_toolbar`."""
    st.session_state[TOOLBAR_KEY] = {
        w.key: list(v) if isinstance(v := st.session_state.get(w.key), list) else v for w in WIDGETS if w.toolbar
    }


def _carry_toolbar(page: str) -> None:
    """Give the toolbar widgets their values back when the page changes.

    The map page draws them as other widgets (pills, not a menu) than the sidebar of the
    other pages, and Streamlit ties a value to its widget: in the browser, a page change drops the
    value a visitor chose on the other page. The copy :func:`_remember_toolbar` took is set again
    through the keys, and the widgets drawn on the new page start from it."""
    saved = st.session_state.get(TOOLBAR_KEY)
    if st.session_state.get("_page") != page and saved:
        for key, value in saved.items():
            if value is not None:
                st.session_state[key] = value
    st.session_state["_page"] = page


MORE_KEY = "w_more"
"""Session key of the sidebar's toggle button that shows the ``hidden`` widgets of :data:`WIDGETS`."""
MORE_ON = "on"
"""The toggle button's one option: pressed, its value is ``[MORE_ON]``."""


def _keep_filters() -> None:
    """Keep the hidden filters' values: Streamlit forgets a keyed widget's value after a run that
    did not draw it, unless the script sets it again (its documented way to keep it)."""
    for widget in WIDGETS:
        if widget.hidden and widget.key in st.session_state:
            st.session_state[widget.key] = st.session_state[widget.key]


def _filters_in_use(view: View) -> int:
    """How many of the hidden filters set ``view`` apart from the default one (a colour figure counts:
    it changes the map); read from the view, so a blank search counts as no search, as it filters."""
    default = View()
    return sum(1 for w in WIDGETS if w.hidden and getattr(view, w.field) != getattr(default, w.field))


def _filter_widgets(ds: Dataset, lang: str) -> None:
    """The widgets behind the sidebar's toggle button."""
    st.multiselect(
        t("filter.region", lang), list(ds.regions.index), key="w_region",
        format_func=lambda c: f"{c} · {pick(ds.regions.loc[c], 'name', lang)}",
        placeholder=t("filter.all", lang),
    )
    st.multiselect(
        t("filter.status", lang), list(STATUSES), key="w_status",
        format_func=lambda s: t(f"status.{s}", lang), placeholder=t("filter.all", lang),
        help="  \n".join(md_escape(line) for line in status_definitions(lang)),
    )
    st.multiselect(
        t("filter.confidence", lang), list(CONFIDENCES), key="w_conf",
        format_func=lambda s: t(f"confidence.{s}", lang), placeholder=t("filter.all", lang),
    )
    st.text_input(t("filter.search", lang), key="w_q", max_chars=100, placeholder=t("filter.search_hint", lang))
    st.selectbox(
        t("filter.figure", lang), ["", *ds.figure_defs.index], key="w_fig",
        format_func=lambda k: pick(ds.figure_defs.loc[k], "label", lang) if k else t("filter.figure_none", lang),
    )


def _specialisation_widget(ds: Dataset, lang: str, *, pills: bool) -> None:
    specs = ds.specialisations
    label = t("filter.specialisation", lang)
    options = list(specs.index)

    def fmt(k: str) -> str:
        return pick(specs.loc[k], "label", lang)

    if pills:  # one click per choice, and the change goes to the server at once (a menu waits to close)
        # A pill shows its text as Markdown (a menu's options are plain text): escape the data's label.
        st.pills(label, options, key="w_spec", selection_mode="multi", format_func=lambda k: md_escape(fmt(k)),
                 wrap=True, help=t("filter.specialisation_help", lang))
    else:
        st.multiselect(label, options, key="w_spec", format_func=fmt, placeholder=t("filter.all", lang))


def _lens_widget(lang: str) -> None:
    # Two pills, one always chosen (``required``): the same code as the specialisation's pills.
    st.pills(
        t("lens.label", lang), list(LENSES), key="w_lens", help=t("lens.help", lang), required=True,
        format_func=lambda k: t(f"lens.{k}", lang), wrap=True,
    )


def map_toolbar_slot():  # type: ignore[no-untyped-def]
    """The place of the toolbar above the map, filled by :func:`map_toolbar` once the map is drawn
    (ui/a11y.css keeps it short on a phone)."""
    return st.container(key="map_toolbar")


def map_toolbar(ds: Dataset, lang: str) -> None:
    """The lens and the specialisation filter (the map page's fragment draws them, so a change reruns
    the map and what follows it, not the sidebar). Their values are in the session before they are
    drawn (:func:`toolbar_view`)."""
    left, right = st.columns([1, 3], gap="medium")
    with left:
        _lens_widget(lang)
    with right:
        _specialisation_widget(ds, lang, pills=True)


def toolbar_view(lang: str) -> View:
    """The view the widgets hold, read before the toolbar is drawn: Streamlit has put a widget's
    new value in the session before the run starts (and :func:`bootstrap` set them from the URL on
    the first run), so the page can draw the map first and the toolbar above it afterwards."""
    _remember_toolbar()
    return _view_from_widgets(lang)


def _view_from_widgets(lang: str) -> View:
    """The view the widgets hold (through :data:`WIDGETS`), in ``lang``, with the selected region."""
    default = View()
    values: dict[str, object] = {}
    for widget in WIDGETS:
        value = st.session_state.get(widget.key)
        blank = getattr(default, widget.field)
        if isinstance(blank, tuple):
            value = tuple(value or ())
        elif isinstance(value, str):
            value = value.strip() or blank
        values[widget.field] = blank if value is None else value
    return View(**{**values, "lang": lang}, selected=st.session_state.get("selected"))


def sync_url(view: View) -> None:
    wanted = to_query(view)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def select_region(code: str | None) -> None:
    """Select a region (map click, region picker); the URL follows."""
    st.session_state["selected"] = code


def context() -> Context:
    """The context ``app.py`` built for this run.

    A page file that runs alone (Streamlit's legacy pages-folder mode) reruns through ``app.py``.
    """
    leave_legacy_pages_mode()
    ctx = st.session_state.get("_ctx")
    if ctx is None:
        st.rerun()
    return ctx
