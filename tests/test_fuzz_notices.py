"""Fuzzing the notice parsers through ``parse_notice`` (issue #8): whatever the bytes, the result is a ``Notice`` or a
``Skipped``, or ``NoticeParseError`` (the documented error, French message) is raised — nothing else — and no call
takes more than a second (hypothesis' deadline, see ``tests/fuzz_profiles.py``).

Inputs: the real fixture notices mutated as trees (elements deleted, duplicated, moved, renamed, nested deep; odd
text and attribute values: huge numbers, odd dates and zones, unicode, long repeated phrases) and as bytes (flips,
truncation, insertion, deletion); notices generated from scratch for each format, from the element paths the
fixtures use, with the right root and namespaces; raw bytes; hostile XML (entity bombs, external entities, DOCTYPE
with an internal subset, XInclude, huge attribute values, deep nesting), in several encodings."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Lot, Notice, NoticeParseError, Skipped
from app.tenders.parsing.xml import MAX_BYTES
from tests.fuzz_profiles import FUZZ, CallClock
from tests.notice_expectations import NOTICE_FIXTURES

CLOCK = CallClock()
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FIXTURES = {path.stem: path.read_bytes() for path in sorted(NOTICE_FIXTURES.glob("*.xml"))}
# Only for building inputs from our own fixtures; the parser under test has its own hardened settings.
_BUILDER = etree.XMLParser(remove_blank_text=True, remove_comments=True)
TREES = {name: etree.fromstring(data, _BUILDER) for name, data in FIXTURES.items()}


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "notices")


def _check(label: str, data: bytes) -> Notice | Skipped | NoticeParseError:
    """The property: a Notice, a Skipped or NoticeParseError with a message; anything else fails the example."""
    with CLOCK.timed(label):
        try:
            result = parse_notice(data)
        except NoticeParseError as error:
            result = error
    if isinstance(result, NoticeParseError):
        assert str(result)
        return result
    assert isinstance(result, Notice | Skipped), type(result)
    repr(result)  # every value can be shown: an int of 5,000 digits, for one, cannot
    if isinstance(result, Notice):
        assert result.notice_id and isinstance(result.notice_id, str)
        assert all(isinstance(lot, Lot) for lot in result.lots)
    else:
        assert result.reason
    return result


# --- values --------------------------------------------------------------------------------------------------------


def _xml_safe(text: str) -> str:
    """Only the characters XML 1.0 allows (lxml refuses the others when a test builds a tree)."""
    return _NOT_XML.sub("", text)


_ZONES = st.sampled_from(["", "Z", "+01:00", "+02:00", "-05:00", "+14:00", "-23:59", "+24:00", "+99:99", "-99:00",
                          "+01", "+0100", "+ab:cd", "+٠١:٠٠", " +01:00"])  # fmt: skip
NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(1, 6000).map(lambda n: "9" * n),  # more digits than int() reads from a string (4,300)
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.builds("{}e{}".format, st.integers(-99, 99), st.integers(-(10**7), 10**7)),
    st.builds("{}E+{}".format, st.integers(1, 9), st.sampled_from([28, 4300, 99_999, 999_998, 999_999, 10**9])),
    st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999", "1E+999999999", "-0", "0", "0.0", "1,5", "12,5 %",
                     "1 000 000", "1\u00a0000,00", "١٢٣", "٣٠", "²", "½", "0x10", " 12 ", "12.5.3", "+3", "-1",
                     "4300" + "0" * 4300, "0" * 5000 + "1", "45000000-7", "99999999999999999999999999999999"]),
)  # fmt: skip
DATES = st.one_of(
    st.builds(lambda day, zone: day.isoformat() + zone, st.dates(), _ZONES),
    st.builds(lambda moment, zone: moment.isoformat() + zone, st.datetimes(), _ZONES),
    st.builds(lambda time, zone: time.isoformat() + zone, st.times(), _ZONES),
    st.from_regex(r"\d{1,5}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}(:\d{1,2})?)?([+-]\d\d:\d\d|Z)?", fullmatch=True),
    st.sampled_from(["2024-02-30", "2024-13-01", "0000-00-00", "9999-12-31+14:00", "2024-1-8", "24:00:00",
                     "23:59:60", "9:00", "12h00", "12H30", "25:61", "12:00:00.123456789+01:00", "T", "2024-01-08T",
                     "2024-01-08T25:00", "2024-01-08T12:00:00+99:00", "٢٠٢٤-٠١-٠٨", "2024-01-08+1:00", "20240108"]),
)  # fmt: skip
_PHRASES = ["chiffre d'affaires", "chiffre daffaires", "CA", "C.A.", "turnover", "revenue", "€", "EUR", "euros HT",
            "M€", "millions", "k", "mille", "Pour le lot n°", "lot", "lots", "Lot", "LOT-0001", ":", "à", "et", "-",
            ",", ";", ".", "soit", "assurance", "2 fois", "%", "1", "0", "01", "2", "4", "2023", "50", "99999",
            "406 250", "1,5", "2.000.000", "\n", "\x92", "\x9c", "Qualibat", "1552", "ISO 9001", "n°",
            "nos"]  # fmt: skip
PHRASES = st.lists(st.sampled_from(_PHRASES) | NUMBERS.filter(lambda s: len(s) < 50), max_size=40).map(" ".join)
TURNOVERS = st.builds(
    "{} {} {} {}".format,
    st.sampled_from(["Chiffre d'affaires minimum :", "CA annuel de", "turnover of", "Pour le lot n° 2 : CA"]),
    NUMBERS | st.integers(1, 40).map(lambda n: "9" * n) | st.sampled_from(["1,5", "406 250", "2.000.000"]),
    st.sampled_from(["€", "euros HT", "M€", "millions d'euros", "k€", "milliards d'euros", "EUR", "%"]),
    st.sampled_from(["", ".", "; soit 600 000 €", " Lot 1 : CA 10 €."]),
)
TEXTS = st.one_of(
    st.text(max_size=200).map(_xml_safe),
    PHRASES,
    TURNOVERS,
    st.builds(lambda text, times: text * times, st.sampled_from(_PHRASES) | PHRASES, st.integers(0, 5000)),
    st.integers(0, 300_000).map(lambda n: "x" * n),
    st.sampled_from(["", " ", "-", "---", "n/a", "none", "\u00a0", "\u202f", "\ufeff", "😀" * 10, "é" * 10]),
)  # fmt: skip
VALUES = st.one_of(NUMBERS, DATES, TEXTS)
_DATE_LIKE = re.compile(r"\d{4}-\d\d-\d\d|\d{1,2}[:hH]\d\d")
_NUMBER_LIKE = re.compile(r"[\d\s.,%+-]+")


def values_like(text: str | None) -> st.SearchStrategy[str]:
    """Odd values of the same kind as ``text`` (a date, a number) most of the time, any value otherwise."""
    text = (text or "").strip()
    if _DATE_LIKE.match(text):
        return _ODD_DATES
    if _NUMBER_LIKE.fullmatch(text):
        return _ODD_NUMBERS
    return VALUES


# hypothesis' one_of draws each distinct branch alike: weights are repetitions, drawn through sampled_from
_ODD_DATES = st.sampled_from([DATES, DATES, VALUES]).flatmap(lambda values: values)
_ODD_NUMBERS = st.sampled_from([NUMBERS, NUMBERS, VALUES]).flatmap(lambda values: values)


# --- mutations of the fixtures as trees ----------------------------------------------------------------------------

_ALL_TAGS = sorted({el.tag for tree in TREES.values() for el in tree.iter() if isinstance(el.tag, str)})
_ALL_ATTRIBUTES = sorted({name for tree in TREES.values() for el in tree.iter() for name in el.attrib})
_ALL_ATTRIBUTES += ["schemeName", "listName", "languageID", "currencyID", "unitCode", "CATEGORY", "LG", "DOC_ID"]
Draw = Callable[[st.SearchStrategy], object]


def _elements(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


def _delete(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    if element.getparent() is not None:
        element.getparent().remove(element)


def _duplicate(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    parent = element.getparent()
    if parent is not None:
        for _ in range(draw(st.integers(1, 3) | st.integers(4, 300))):
            parent.insert(parent.index(element) + 1, copy.deepcopy(element))


def _set_text(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from([el for el in _elements(root) if len(el) == 0] or [root]))  # leaves hold values
    element.text = _xml_safe(draw(values_like(element.text)))


def _set_attribute(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    name = draw(st.sampled_from(sorted(element.attrib) + _ALL_ATTRIBUTES))
    element.set(name, _xml_safe(draw(values_like(element.get(name)))))


def _drop_attribute(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    if element.attrib:
        del element.attrib[draw(st.sampled_from(sorted(element.attrib)))]


def _move(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    destinations = [el for el in _elements(root) if el is not element and element not in el.iterancestors()]
    if element.getparent() is not None and destinations:
        draw(st.sampled_from(destinations)).append(element)


def _rename(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    element.tag = draw(st.sampled_from(_ALL_TAGS) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,20}", fullmatch=True))


def _nest(draw: Draw, root: etree._Element) -> None:
    """Wraps an element in up to 300 copies of its own tag (libxml2 refuses more than 256 levels)."""
    element = draw(st.sampled_from(_elements(root)))
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for _ in range(draw(st.integers(1, 300))):
        wrapper = etree.Element(element.tag)
        wrapper.append(element)
        element = wrapper
    parent.insert(index, element)


def _empty(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    for child in list(element):
        element.remove(child)


def _comment(draw: Draw, root: etree._Element) -> None:
    element = draw(st.sampled_from(_elements(root)))
    text = re.sub("-+", "-", _xml_safe(draw(TEXTS))).rstrip("-")  # a comment holds no "--" and ends with no "-"
    element.insert(draw(st.integers(0, len(element))), etree.Comment(text))


TREE_MUTATIONS = [_delete, _duplicate, _set_text, _set_attribute, _drop_attribute, _move, _rename, _nest, _empty,
                  _comment]  # fmt: skip


@st.composite
def mutated_trees(draw: Draw) -> bytes:
    name = draw(st.sampled_from(sorted(TREES)))
    root = copy.deepcopy(TREES[name])
    for _ in range(draw(st.integers(1, 6))):
        draw(st.sampled_from(TREE_MUTATIONS))(draw, root)
    return etree.tostring(root, encoding=draw(st.sampled_from(["UTF-8", "UTF-16", "ISO-8859-1", "ASCII"])))


@FUZZ
@given(mutated_trees())
def test_fixtures_mutated_as_trees(data: bytes):
    _check("arbres", data)


# --- mutations of the fixtures as bytes ----------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw: Draw) -> bytes:
    data = bytearray(draw(st.sampled_from(sorted(FIXTURES.values()))))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "overwrite"]))
        start = draw(st.integers(0, len(data)))
        end = min(len(data), start + draw(st.integers(0, 200)))
        if kind == "flip" and start < len(data):
            data[start] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[start:]
        elif kind == "insert":
            data[start:start] = draw(st.binary(min_size=1, max_size=50) | st.sampled_from(_XML_TOKENS))
        elif kind == "delete":
            del data[start:end]
        elif kind == "duplicate":
            data[start:start] = data[start:end] * draw(st.integers(1, 100))
        elif kind == "overwrite":
            data[start:end] = draw(st.binary(max_size=end - start))
    return bytes(data)


_XML_TOKENS = [b"<", b">", b"</", b"/>", b"<a>", b"&amp;", b"&#0;", b"&#x110000;", b"&x;", b"<![CDATA[", b"]]>",
               b"<!--", b"-->", b"<?", b"?>", b'xmlns="urn:x"', b'xmlns:cbc=""', b'"', b"=", b"\x00", b"\xff\xfe",
               b"\xef\xbb\xbf", b"\xc3", b"\xe2\x82", b"<ANNONCE>", b"</ANNONCE>"]  # fmt: skip


@FUZZ
@given(mutated_bytes())
def test_fixtures_mutated_as_bytes(data: bytes):
    _check("octets", data)


# --- notices generated from scratch, from the element paths of the fixtures ----------------------------------------


@dataclass
class Grammar:
    """What a format's fixtures contain: root tags and namespaces, the path of every element (tags from the root),
    the attributes and texts seen at each path, and the paths an element repeats at (lots, CPV codes…)."""

    roots: list[str]
    nsmap: dict[str | None, str]
    paths: list[tuple[str, ...]] = field(default_factory=list)
    attributes: dict[tuple[str, ...], dict[str, list[str]]] = field(default_factory=dict)
    texts: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    repeated: set[tuple[str, ...]] = field(default_factory=set)
    key_paths: list[tuple[str, ...]] = field(default_factory=list)
    # The strategies the generator draws a leaf's text and each attribute (None: left out) from, at each path.
    text_values: dict[tuple[str, ...], st.SearchStrategy[st.SearchStrategy[str]]] = field(default_factory=dict)
    attribute_values: dict[tuple[str, ...], dict[str, st.SearchStrategy[st.SearchStrategy]]] = field(
        default_factory=dict
    )
    original: int = 0  # the paths before this index are the fixtures' own; the others use alternative tags


def _grammar(
    prefix: str,
    roots: list[str],
    key_suffixes: list[str],
    alternatives: dict[str, list[str]],
    more_texts: dict[str, list[str]] | None = None,
) -> Grammar:
    """The grammar of the fixtures whose name starts with ``prefix``.

    ``roots``: the root tags, the right one first (drawn seven times in eight); ``key_suffixes``: the paths a notice
    needs to be read past its kind (identifier, subtype, lots…), kept in most generated notices, their texts and
    attributes mostly as seen; ``alternatives``: other tags for an element (other forms, natures, statuts);
    ``more_texts``: other values for an element's text (subtypes)."""
    trees = [tree for name, tree in TREES.items() if name.startswith(prefix)]
    grammar = Grammar(roots=[roots[0]] * 7 * (len(roots) - 1) + roots[1:], nsmap=dict(trees[0].nsmap))
    for tree in trees:
        for element in _elements(tree):
            path = tuple(el.tag for el in reversed([element, *element.iterancestors()]))[1:]
            if not path:
                continue
            if path not in grammar.attributes:
                grammar.paths.append(path)
                grammar.attributes[path], grammar.texts[path] = {}, []
            for name, value in element.attrib.items():
                grammar.attributes[path].setdefault(name, []).append(value)
            if len(element) == 0 and element.text:
                grammar.texts[path].append(element.text)
                grammar.texts[path].extend((more_texts or {}).get(etree.QName(element).localname, []))
            siblings = [el for el in element.itersiblings(preceding=True) if el.tag == element.tag]
            if siblings:
                grammar.repeated.add(path)
    grammar.original = len(grammar.paths)
    for path in list(grammar.paths):  # alternative tags: other forms, natures, statuts…
        for index, tag in enumerate(path):
            for other in alternatives.get(etree.QName(tag).localname, []):
                namespace = etree.QName(tag).namespace
                new = (*path[:index], f"{{{namespace}}}{other}" if namespace else other, *path[index + 1 :])
                if new not in grammar.attributes:
                    grammar.paths.append(new)
                    grammar.attributes[new] = grammar.attributes[path]
                    grammar.texts[new] = grammar.texts[path]
    originals = grammar.paths[: grammar.original]
    grammar.key_paths = [path for path in originals if any("/".join(path).endswith(s) for s in key_suffixes)]
    for path in grammar.paths:  # hypothesis' one_of draws each distinct branch alike: weights are repetitions
        seen = grammar.texts[path]
        as_seen, odd = (st.sampled_from(seen), values_like(seen[0])) if seen else (VALUES, VALUES)
        weight = 6 if path in grammar.key_paths else 2
        grammar.text_values[path] = st.sampled_from([as_seen] * weight + [odd] * 2)
        grammar.attribute_values[path] = {
            name: st.sampled_from([st.sampled_from(values)] * weight + [st.none(), values_like(values[0])])
            for name, values in grammar.attributes[path].items()
        }
    return grammar


_UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
_TED = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
_SUBTYPES = ["10", "14", "16", "17", "20", "24", "E3", "1", "29", "E1", "T01", "99", "016"]
_NOTICE_TYPES = ["cn-standard", "cn-social", "pin-only", "can-standard", "subco", ""]
_TED_FORMS = ["F01_2014", "F03_2014", "F05_2014", "F14_2014", "F21_2014", "F24_2014", "F99_2014"]
_BOAMP_SELECTION = ["CAP_ECO", "CAP_ECO_NIVEAU_MINI", "CAP_TECH", "SITUATION_JURIDIQUE", "PRESTATION_RESERVEE_OUI"]
GRAMMARS = {
    "eforms": _grammar(
        "eforms_",
        [f"{{{_UBL}{name}-2}}{name}" for name in ("ContractNotice", "PriorInformationNotice", "ContractAwardNotice")],
        ["}ID", "}SubTypeCode", "}NoticeTypeCode", "}ItemClassificationCode", "}EndDate", "}DurationMeasure"],
        {},
        {"SubTypeCode": _SUBTYPES, "NoticeTypeCode": _NOTICE_TYPES},
    ),
    "ted": _grammar(
        "ted_",
        [f"{{{_TED}}}TED_EXPORT", "{http://publications.europa.eu/resource/schema/ted/R2.0.8/publication}TED_EXPORT"],
        ["F02_2014", "}TITLE", "}LOT_NO", "}DATE_RECEIPT_TENDERS", "}CPV_CODE", "}DURATION", "}LOT_MAX_NUMBER"],
        {
            "F02_2014": _TED_FORMS,
            "PT_OPEN": ["PT_RESTRICTED", "PT_INVOLVING_NEGOTIATION"],
            "LOT_MAX_NUMBER": ["LOT_ONE_ONLY", "LOT_ALL"],
        },
    ),  # fmt: skip
    "boamp": _grammar(
        "boamp_",
        ["ANNONCE", "{urn:boamp}ANNONCE"],
        ["IDWEB", "NATURE/APPEL_OFFRE", "STATUT/INITIAL", "LOTS/LOT/NUM", "CRITERE_SELECTION", "CAP_ECO", "DUREE_MOIS"],
        {
            "APPEL_OFFRE": ["ATTRIBUTION", "RECTIFICATIF", "PRE_INFORMATION", "DELEGATION"],
            "INITIAL": ["RECTIFICATIF", "ANNULATION"],
            "MAPA": ["JOUE", "FNS"],
            "CRITERE_SELECTION": _BOAMP_SELECTION,
        },
    ),  # fmt: skip
}


def _build(grammar: Grammar, root_tag: str, paths: list[tuple[str, ...]], pick: Callable) -> etree._Element:
    """The tree holding every path. ``pick(kind, path, name)`` chooses: "group", which of the repeated siblings a
    path goes through; "attribute", the value of attribute ``name`` (None: left out); "text", a leaf's text."""
    root = etree.Element(root_tag, nsmap=grammar.nsmap)
    for path in paths:
        parent = root
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            same = [child for child in parent if child.tag == prefix[-1]]
            group = pick("group", prefix, None) if prefix in grammar.repeated else 0
            if group < len(same):
                parent = same[group]
                continue
            parent = etree.SubElement(parent, prefix[-1])
            for name in grammar.attributes[prefix]:
                if (value := pick("attribute", prefix, name)) is not None:
                    parent.set(name, _xml_safe(value))
        if len(parent) == 0:
            parent.text = _xml_safe(pick("text", path, None))
    return root


_GROUPS = st.integers(0, 3)
_KEEP_KEY_PATH = st.sampled_from([True, True, True, False])


@st.composite
def generated_notices(draw: Draw, format_name: str) -> bytes:
    grammar = GRAMMARS[format_name]

    def pick(kind: str, path: tuple[str, ...], name: str | None) -> object:
        if kind == "group":
            return draw(_GROUPS)
        if kind == "attribute":
            return draw(draw(grammar.attribute_values[path][name]))
        return draw(draw(grammar.text_values[path]))

    paths = [path for path in grammar.key_paths if draw(_KEEP_KEY_PATH)]
    paths += draw(st.lists(st.sampled_from(grammar.paths), max_size=30))
    root = _build(grammar, draw(st.sampled_from(grammar.roots)), paths, pick)
    if format_name == "ted":
        root.set("DOC_ID", _xml_safe(draw(draw(st.sampled_from([st.just("512345-2020")] * 3 + [TEXTS])))))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=draw(st.booleans()))


@pytest.mark.parametrize("format_name", sorted(GRAMMARS))
@FUZZ
@given(data=st.data())
def test_notices_generated_from_scratch(format_name: str, data: st.DataObject):
    _check(f"générés-{format_name}", data.draw(generated_notices(format_name), label="notice"))


@pytest.mark.parametrize("format_name", sorted(GRAMMARS))
def test_the_generator_can_build_a_call_for_competition(format_name: str):
    """The grammars are rich enough to reach the parsers' depths: every path of the fixture, with the first text and
    the last attribute value seen there (the TED fixture's ORIGINAL form comes after its translation), parses as a
    Notice."""
    grammar = GRAMMARS[format_name]

    def last_seen(kind: str, path: tuple[str, ...], name: str | None) -> object:
        if kind == "group":
            return 0
        return grammar.attributes[path][name][-1] if kind == "attribute" else (grammar.texts[path] or [""])[0]

    root = _build(grammar, grammar.roots[0], grammar.paths[: grammar.original], last_seen)
    if format_name == "ted":
        root.set("DOC_ID", "512345-2020")
    assert isinstance(parse_notice(etree.tostring(root)), Notice)


# --- raw bytes -----------------------------------------------------------------------------------------------------

_PREFIXES = [b"", b"<?xml version='1.0'?>", b'<?xml version="1.0" encoding="UTF-16"?>', b"\xef\xbb\xbf",
             b"\xff\xfe", b"\xfe\xff", b"<ANNONCE>", f'<TED_EXPORT xmlns="{_TED}" DOC_ID="1">'.encode(),
             f'<cn:ContractNotice xmlns:cn="{_UBL}ContractNotice-2">'.encode(), b"<!DOCTYPE", b"<!ENTITY"]  # fmt: skip


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4000),
        st.builds(bytes.__add__, st.sampled_from(_PREFIXES), st.binary(max_size=4000)),
        st.lists(st.sampled_from(_XML_TOKENS) | st.binary(max_size=8), max_size=100).map(b"".join),
        st.builds(bytes.__add__, st.sampled_from(_PREFIXES), st.lists(st.sampled_from(_XML_TOKENS)).map(b"".join)),
    )
)
def test_raw_bytes(data: bytes):
    _check("brut", data)


# --- hostile XML ---------------------------------------------------------------------------------------------------

# Each attack is set in a notice that parses without it (the BOAMP one, or the eForms one), so that a refusal
# comes from the attack and not from a missing element.
_BOAMP = FIXTURES["boamp_ao_sans_lots"].decode().split("-->", 1)[1]
_EFORMS = FIXTURES["eforms_cn_marseille_travaux"].decode().split("?>", 1)[1]
_BUYER = "Commune de Saint-Zacharie"
_LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))


def _boamp(doctype: str = "", buyer: str = _BUYER, old: str = _BUYER) -> str:
    return doctype + _BOAMP.replace(old, buyer)


HOSTILE = {
    "billion laughs": _boamp(f'<!DOCTYPE ANNONCE [<!ENTITY l0 "lol">{_LAUGHS}]>', "&l9;"),
    "quadratic blowup": _boamp(f'<!DOCTYPE ANNONCE [<!ENTITY a "{"A" * 50_000}">]>', "&a;" * 50_000),
    "external entity file": _boamp('<!DOCTYPE ANNONCE [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
    "external entity http": _boamp('<!DOCTYPE ANNONCE [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>', "&x;"),
    "external parameter entity": _boamp('<!DOCTYPE ANNONCE [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'),
    "external DTD": _boamp('<!DOCTYPE ANNONCE SYSTEM "file:///etc/passwd">'),
    "internal subset": _boamp('<!DOCTYPE ANNONCE [<!ATTLIST VALEUR_TOTALE DEVISE CDATA "XXX">]>'),
    "doctype without subset": _boamp("<!DOCTYPE ANNONCE>"),
    "deep nesting": _boamp(buyer="<a>" * 100_000 + "</a>" * 100_000),
    "huge attribute": _boamp(buyer="x" * (11 * 1024 * 1024), old="EUR"),
    "entity in an eForms notice": '<!DOCTYPE cn:ContractNotice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + _EFORMS.replace("Ville de Marseille", "&x;"),
}


def _encoded(xml: str, encoding: str, padding: int) -> bytes:
    """``xml`` after a declaration of ``encoding`` and a comment of ``padding`` characters, in that encoding."""
    text = f'<?xml version="1.0" encoding="{encoding}"?>' + (f"<!--{'x' * padding}-->" if padding else "") + xml
    return text.encode(encoding, errors="xmlcharrefreplace")


@FUZZ
@given(
    name=st.sampled_from(sorted(HOSTILE)),
    encoding=st.sampled_from(["UTF-8", "UTF-16", "UTF-16LE", "UTF-32", "ISO-8859-1"]),
    padding=st.sampled_from([0, 5000]) | st.integers(0, 20_000),
)
def test_hostile_xml_is_refused(name: str, encoding: str, padding: int):
    """Entity declarations and DOCTYPEs are refused whatever the encoding and wherever they stand; libxml2's own
    limits refuse the rest (more than 256 levels, text or attribute values over 10 MB)."""
    result = _check("hostile", _encoded(HOSTILE[name], encoding, padding))
    assert isinstance(result, NoticeParseError), f"{name} accepted: {result!r}"[:300]


@FUZZ
@given(encoding=st.sampled_from(["UTF-8", "UTF-16"]), padding=st.integers(0, 5000))
def test_xinclude_is_never_processed(encoding: str, padding: int):
    """XInclude is not refused but inert: the parser never processes it, so no file is read into a notice."""
    include = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>'
    result = _check("hostile", _encoded(_boamp(buyer=include), encoding, padding))
    assert isinstance(result, Notice)
    assert result.buyer.name == "" and "root:" not in repr(result)


@FUZZ
@given(size=st.integers(0, 9 * 1024 * 1024), where=st.sampled_from(["DOC_ID", "CODE", "CURRENCY", "LG"]))
def test_large_attribute_values_within_the_limits_are_read_quickly(size: int, where: str):
    """Attributes under libxml2's 10 MB limit are read, within the deadline, in the TED notice the parser reads
    them from."""
    text = FIXTURES["ted_f02_aix_travaux"].decode()
    start = text.index(f' {where}="') + len(where) + 3
    _check("hostile", (text[:start] + "9" * size + text[text.index('"', start) :]).encode())


def test_the_notices_holding_the_attacks_are_read_without_them():
    assert isinstance(parse_notice(_encoded(_boamp(), "UTF-16", 5000)), Notice)
    assert isinstance(parse_notice(_encoded(_EFORMS, "UTF-16", 5000)), Notice)


def test_files_over_the_size_limit_are_refused():
    with pytest.raises(NoticeParseError, match="trop volumineux"):
        parse_notice(b"<ANNONCE>" + b" " * MAX_BYTES + b"</ANNONCE>")
