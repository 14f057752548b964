"""Row schemas of the data files (pydantic) and the problems a data file can have.

Each CSV file of ``data/`` has one model here. A row that does not fit gives one
:class:`Problem` per field, reported as ``FILE:ROW: FIELD: message`` where ROW is the line
number in the file as a spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from atlas import values
from atlas.values import CHANGE_ID_RE, KEY_RE, MAX_RATIO, parse_number  # noqa: F401 - the models' patterns

FIELD_NAME = re.compile(r"^(-|[A-Za-z0-9_.-]+)$")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters that make text display as something else than it is: the bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069), the zero-width space and joiners (U+200B-U+200D) and the
# zero-width no-break space U+FEFF inside a field (a BOM at the start of a file is removed before
# parsing). Arabic text needs none of them: the browser's and fpdf2's bidi algorithm orders it. The
# left-to-right and right-to-left marks U+200E/U+200F stay allowed: they only set the direction of
# neutral characters (a digit or a bracket beside Arabic) and cannot reorder or hide letters.
INVISIBLE_CHARS = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]")
# Characters XML 1.0 cannot hold (beyond the control characters): the Atom feed would not parse.
NOT_XML_CHARS = re.compile("[\ud800-\udfff\ufffe\uffff]")
DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REGION_CODE_RE = re.compile(r"^(0[1-9]|1[0-2])$")

STATUSES = ("announced", "agreement_signed", "launched", "operational")
CONFIDENCES = ("confirmed", "medium", "weak")
KINDS = ("hub", "regional")
PRECISIONS = ("city_centre", "exact_site")
SOURCE_KINDS = ("official", "press", "trade", "blog", "commentary")
SOURCE_FIELDS = (
    "name",
    "city",
    "location",
    "specialisation_commentary",
    "focus_areas",
    "status",
    "status_date",
    "partners",
)
CAVEAT_INSTITUTE_FIELDS = ("status", "partners")
CLAIM_STATUSES = ("confirmed", "partly_confirmed", "differs", "not_found")
FIGURE_UNITS = ("people", "households", "percent", "count", "per_1000", "per_100000")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file."""

    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        field = self.field if FIELD_NAME.match(self.field) else json.dumps(self.field[:60], ensure_ascii=False)
        return f"{self.file}:{row}: {field}: {self.message}"


class DataError(Exception):
    """Raised by :func:`atlas.load` with every problem found in the data directory."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.field, p.message))
        super().__init__(f"{len(self.problems)} problem(s) in the dataset:\n" + "\n".join(map(str, self.problems)))


def parse_partial_date(value: str) -> tuple[date, str]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into (first day, precision).

    Raises ``ValueError`` for anything else, and for a date later than today.
    """
    match = DATE_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date as YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    precision = "day" if day else ("month" if month else "year")
    try:
        parsed = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    if parsed > date.today():
        raise ValueError(f"{value!r} is in the future")
    return parsed, precision


def searched_after(searched: str, newest: str) -> None:
    """Refuse a last-search date ``searched`` that ends before the newest source ``newest`` it was
    checked against (partial dates compare by the whole period: ``2026-03`` may hold ``2026-03-12``)."""
    start, precision = parse_partial_date(searched)
    if precision == "year":
        end = date(start.year, 12, 31)
    elif precision == "month":
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1) - timedelta(days=1)
    else:
        end = start
    if end < parse_partial_date(newest)[0]:
        raise ValueError(f"{searched!r} is before last_verified {newest!r}: a search finds at least the newest source")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class Row(BaseModel):
    """Base of every row model: every value arrives as text from the CSV."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_chars(cls, value: object) -> object:
        if isinstance(value, str):
            if CONTROL_CHARS.search(value):
                raise ValueError("contains a control character")
            found = INVISIBLE_CHARS.search(value)
            if found:
                raise ValueError(
                    f"contains the invisible character U+{ord(found.group()):04X} at position {found.start() + 1} "
                    "(bidi controls and zero-width characters can make text read as something else)"
                )
            found = NOT_XML_CHARS.search(value)
            if found:
                raise ValueError(f"contains U+{ord(found.group()):04X} at position {found.start() + 1}, "
                                 "a character that is not text (XML, and so the Atom feed, cannot hold it)")
        return value


def _required(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty but required")
    if value != value.strip():
        raise ValueError("has leading or trailing spaces")
    return value


def _check_searched(value: str, info: ValidationInfo) -> str:
    """``last_searched``: empty, or a date not in the future and not before the row's ``last_verified``."""
    if value:
        newest = info.data.get("last_verified")
        if newest:
            searched_after(value, newest)
        else:
            parse_partial_date(value)
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(f"{value[:80]!r} is not an http(s) URL")
    return value


def _date_or_nd(value: str) -> str:
    if value and value != "n.d.":
        parse_partial_date(value)
    return value


class SpecialisationRow(Row):
    key: str
    label_fr: str
    label_ar: str
    label_en: str
    colour: str
    icon: str
    note: str = ""

    _req = field_validator("key", "label_fr", "label_ar", "label_en", "icon")(_required)
    _key = field_validator("key")(values.key)
    _icon = field_validator("icon")(values.icon)

    @field_validator("colour")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise ValueError(f"{value!r} is not a colour as #RRGGBB")
        return value


class RegionRow(Row):
    code: str
    name_fr: str
    name_ar: str
    name_en: str

    _req = field_validator("name_fr", "name_ar", "name_en")(_required)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not REGION_CODE_RE.match(value):
            raise ValueError(f"{value!r} is not an HCP region code 01 to 12")
        return value


class FigureDefRow(Row):
    key: str
    label_fr: str
    label_ar: str
    label_en: str
    definition_fr: str
    definition_ar: str
    definition_en: str
    unit: Literal["people", "households", "percent", "count", "per_1000", "per_100000"]
    national: Literal["median", "total"]
    source_field: str
    source_publisher: str
    source_url: str
    source_date: str
    licence: str

    _req = field_validator(
        "key", "label_fr", "label_ar", "label_en", "definition_fr", "definition_ar", "definition_en",
        "source_field", "source_publisher", "licence",
    )(_required)
    _url = field_validator("source_url")(_check_url)
    _key = field_validator("key")(values.key)

    @field_validator("source_date")
    @classmethod
    def _date(cls, value: str) -> str:
        parse_partial_date(_required(value))
        return value


class FlagRow(Row):
    key: str
    figure: str
    operator: Literal["lt", "le", "gt", "ge"]
    threshold_kind: Literal["median_ratio", "absolute"]
    threshold: float
    label_fr: str
    label_ar: str
    label_en: str
    rule_fr: str
    rule_ar: str
    rule_en: str
    reading_fr: str = ""  # why we look at this figure: the atlas's own reasoning, shown apart from the rule
    reading_ar: str = ""
    reading_en: str = ""

    _req = field_validator(
        "key", "figure", "label_fr", "label_ar", "label_en", "rule_fr", "rule_ar", "rule_en"
    )(_required)
    _key = field_validator("key")(values.key)

    _amount = field_validator("threshold", mode="before")(values.amount)

    @field_validator("threshold")
    @classmethod
    def _ratio(cls, value: float, info: ValidationInfo) -> float:
        if info.data.get("threshold_kind") == "median_ratio" and value > MAX_RATIO:
            raise ValueError(f"{value:g} is too large for a multiple of the median (at most {MAX_RATIO:g})")
        return value


class OrderedRow(Row):
    """A row of a list shown in a set order: its ``key`` (an identifier) and its place, ``order``."""

    key: str
    order: int

    _key = field_validator("key")(values.key)
    _order = field_validator("order", mode="before")(values.order)


class CaveatRow(OrderedRow):
    """One point of the commentary: what it says (``commentary_*``, paraphrased), the atlas's own
    reading (``reading_*``), the paragraphs it comes from and the evidence that speaks to it."""

    title_fr: str
    title_ar: str
    title_en: str
    commentary_fr: str
    commentary_ar: str
    commentary_en: str
    reading_fr: str = ""
    reading_ar: str = ""
    reading_en: str = ""
    paragraphs: str
    cues: str
    figures: str = ""
    flags: str = ""
    questions: str = ""
    institute_fields: str = ""

    _req = field_validator(
        "key", "title_fr", "title_ar", "title_en", "commentary_fr", "commentary_ar", "commentary_en"
    )(_required)

    @field_validator("paragraphs")
    @classmethod
    def _paragraphs(cls, value: str) -> str:
        for number in _split(_required(value)):
            if not re.fullmatch(r"[1-9][0-9]{0,5}", number):
                raise ValueError(f"{number!r} is not a paragraph number (1, 2, ...)")
        return value

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: str) -> str:
        for cue in _split(_required(value)):
            if len(cue.split()) > CUE_MAX_WORDS:
                raise ValueError(f"{cue[:60]!r} has more than {CUE_MAX_WORDS} words (a cue locates the passage; "
                                 "it does not quote it)")
        return value

    @field_validator("questions", "institute_fields")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        what, known = (("scorecard question", ACCOUNTABILITY_QUESTIONS) if info.field_name == "questions"
                       else ("institute field", CAVEAT_INSTITUTE_FIELDS))
        for name in _split(value):
            if name not in known:
                raise ValueError(f"unknown {what} {name!r} (one of {', '.join(known)})")
        return value


CUE_MAX_WORDS = 5
"""A caveat's cue is at most this many words of the commentary: enough to find the passage, too few to copy it."""


class ClaimRow(OrderedRow):
    """One claim about the network checked against the sources: the claim, its status, the finding."""

    claim_fr: str
    claim_ar: str
    claim_en: str
    status: Literal["confirmed", "partly_confirmed", "differs", "not_found"]
    finding_fr: str
    finding_ar: str
    finding_en: str
    source_urls: str = ""
    source_publishers: str = ""

    _req = field_validator(
        "key", "claim_fr", "claim_ar", "claim_en", "finding_fr", "finding_ar", "finding_en"
    )(_required)

    @field_validator("source_urls")
    @classmethod
    def _urls(cls, value: str) -> str:
        for url in _split(value):
            _check_url(url)
        return value


class InstituteRow(Row):
    id: str
    kind: Literal["hub", "regional"]
    name_fr: str
    name_ar: str
    name_en: str
    region_code: str
    city_fr: str
    city_ar: str
    city_en: str
    lat: float
    lon: float
    location_precision: Literal["city_centre", "exact_site"]
    specialisation_commentary: str = ""
    focus_areas: str = ""
    status: Literal["announced", "agreement_signed", "launched", "operational"]
    status_date: str
    partners_fr: str = ""
    partners_ar: str = ""
    partners_en: str = ""
    confidence: Literal["confirmed", "medium", "weak"]
    last_verified: str
    last_searched: str = ""
    notes_fr: str = ""
    notes_ar: str = ""
    notes_en: str = ""

    _req = field_validator("name_fr", "name_ar", "name_en", "city_fr", "city_ar", "city_en")(_required)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"{value!r} is not a stable id (lower-case letters, digits and dashes)")
        return value

    @field_validator("region_code")
    @classmethod
    def _code(cls, value: str) -> str:
        return RegionRow._code(value)

    @field_validator("status_date", "last_verified")
    @classmethod
    def _date(cls, value: str) -> str:
        parse_partial_date(_required(value))
        return value

    @field_validator("last_searched")
    @classmethod
    def _searched(cls, value: str, info: ValidationInfo) -> str:
        return _check_searched(value, info)

    _number = field_validator("lat", "lon", mode="before")(values.number)

    @property
    def focus_list(self) -> list[str]:
        return _split(self.focus_areas)


class SourceRow(Row):
    source_id: str
    institute_id: str
    fields: str
    publisher: str
    url: str = ""
    published: str = ""
    language: str
    kind: Literal["official", "press", "trade", "blog", "commentary"]
    note: str = ""

    _req = field_validator("source_id", "institute_id", "fields", "publisher", "language")(_required)
    _source_id = field_validator("source_id")(values.source_id)
    _language = field_validator("language")(values.language)

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: str) -> str:
        unknown = [f for f in _split(value) if f not in SOURCE_FIELDS]
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; expected some of {', '.join(SOURCE_FIELDS)}")
        return value

    @field_validator("published")
    @classmethod
    def _published(cls, value: str) -> str:
        if value:
            parse_partial_date(value)
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value) if value else value


class AreaRow(Row):
    code: str
    official_area_km2: str = ""
    source_publisher: str = ""
    source_url: str = ""
    source_date: str = ""
    note: str = ""

    _date = field_validator("source_date")(_date_or_nd)

    @field_validator("official_area_km2")
    @classmethod
    def _area(cls, value: str) -> str:
        if value and not parse_number(value) > 0:
            raise ValueError("must be a positive number of km²")
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value) if value else value


def split_list(value: str) -> list[str]:
    """Split a semicolon-separated cell."""
    return _split(value)


# --- Accountability scorecard (data/accountability.csv) ---------------------------------------

ACCOUNTABILITY_QUESTIONS = (
    "legal_form",
    "budget",
    "staff",
    "targets",
    "indicators",
    "host_university",
    "operating_since",
)
ACCOUNTABILITY_STATES = ("published", "not_published")


class AccountabilityRow(Row):
    """One question of one institute's accountability scorecard.

    ``published``: the answer is a fact, in ``answer_*``, with its source (publisher, URL, date).
    ``not_published``: nothing public answers it in the sources up to ``last_verified`` (nor in the later
    search of ``last_searched``, when recorded); ``answer_*`` and the source stay empty (the app writes "not
    published (sources up to <last_verified>; last searched: <last_searched>)"), ``note_*`` may say what
    was looked for. Either way the row is never blank.
    """

    institute_id: str
    question: Literal[
        "legal_form", "budget", "staff", "targets", "indicators", "host_university", "operating_since"
    ]
    state: Literal["published", "not_published"]
    answer_fr: str = ""
    answer_ar: str = ""
    answer_en: str = ""
    source_publisher: str = ""
    source_url: str = ""
    source_date: str = ""
    last_verified: str
    last_searched: str = ""
    note_fr: str = ""
    note_ar: str = ""
    note_en: str = ""

    _req = field_validator("institute_id")(_required)

    @field_validator("last_verified")
    @classmethod
    def _verified(cls, value: str) -> str:
        parse_partial_date(_required(value))
        return value

    @field_validator("last_searched")
    @classmethod
    def _searched(cls, value: str, info: ValidationInfo) -> str:
        return _check_searched(value, info)

    @field_validator("source_date")
    @classmethod
    def _source_date(cls, value: str) -> str:
        if value:
            parse_partial_date(value)
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value) if value else value

    @property
    def key(self) -> str:
        return f"{self.institute_id}/{self.question}"

    def problems(self) -> list[tuple[str, str]]:
        """(field, message) for the rules that tie the state to the answer and its source."""
        out: list[tuple[str, str]] = []
        if self.state == "published":
            for fld in ("answer_fr", "answer_ar", "answer_en", "source_publisher", "source_url", "source_date"):
                if not getattr(self, fld).strip():
                    out.append((fld, "is empty but required for a published answer (a fact needs its source)"))
        else:
            for fld in ("answer_fr", "answer_ar", "answer_en", "source_url"):
                if getattr(self, fld).strip():
                    out.append((fld, "must be empty when state is not_published (use note_* for what was looked for)"))
        return out
# --- changes.csv: what changed in the network (read by ``atlas.dataset._read_changes``) --------


class ChangeRow(Row):
    """One change in the network: when, about which institute (id) or region (code ``01``..``12``), and
    what changed in French, Arabic (may be empty: French shown with a marker) and English. The sources
    that report it are rows of ``change_sources.csv`` (:class:`ChangeSourceRow`)."""

    id: str
    date: str
    subject: str
    what_fr: str
    what_ar: str = ""
    what_en: str

    _req = field_validator("subject", "what_fr", "what_en")(_required)
    _id = field_validator("id")(values.change_id)

    @field_validator("date")
    @classmethod
    def _change_date(cls, value: str) -> str:
        parse_partial_date(_required(value))
        return value


class ChangeSourceRow(Row):
    """One source (a ``sources.csv`` row) that reports one change of ``changes.csv``."""

    change_id: str
    source_id: str

    _change_id = field_validator("change_id")(values.change_id)
    _source_id = field_validator("source_id")(values.source_id)
