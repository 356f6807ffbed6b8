"""Fuzzing the notice parsers with notices generated from scratch for each format (eForms, TED, BOAMP), from the
element paths the fixture notices use, with the right root and namespaces, so that the generated notices reach the
parsers' depths; same property as ``test_fuzz_notices.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Notice
from tests.fuzz_notice_inputs import TED, TEXTS, TREES, UBL, VALUES, Draw, check, elements, values_like, xml_safe
from tests.fuzz_profiles import FUZZ, CallClock

CLOCK = CallClock()


@pytest.fixture(scope="module", autouse=True)
def _report_durations(request):
    yield
    CLOCK.report(request.config, "notices-générés")


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
        for element in elements(tree):
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


_SUBTYPES = ["10", "14", "16", "17", "20", "24", "E3", "1", "29", "E1", "T01", "99", "016"]
_NOTICE_TYPES = ["cn-standard", "cn-social", "pin-only", "can-standard", "subco", ""]
_TED_FORMS = ["F01_2014", "F03_2014", "F05_2014", "F14_2014", "F21_2014", "F24_2014", "F99_2014"]
_BOAMP_SELECTION = ["CAP_ECO", "CAP_ECO_NIVEAU_MINI", "CAP_TECH", "SITUATION_JURIDIQUE", "PRESTATION_RESERVEE_OUI"]
GRAMMARS = {
    "eforms": _grammar(
        "eforms_",
        [f"{{{UBL}{name}-2}}{name}" for name in ("ContractNotice", "PriorInformationNotice", "ContractAwardNotice")],
        ["}ID", "}SubTypeCode", "}NoticeTypeCode", "}ItemClassificationCode", "}EndDate", "}DurationMeasure"],
        {},
        {"SubTypeCode": _SUBTYPES, "NoticeTypeCode": _NOTICE_TYPES},
    ),
    "ted": _grammar(
        "ted_",
        [f"{{{TED}}}TED_EXPORT", "{http://publications.europa.eu/resource/schema/ted/R2.0.8/publication}TED_EXPORT"],
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
                    parent.set(name, xml_safe(value))
        if len(parent) == 0:
            parent.text = xml_safe(pick("text", path, None))
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
        root.set("DOC_ID", xml_safe(draw(draw(st.sampled_from([st.just("512345-2020")] * 3 + [TEXTS])))))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=draw(st.booleans()))


@pytest.mark.parametrize("format_name", sorted(GRAMMARS))
@FUZZ
@given(data=st.data())
def test_notices_generated_from_scratch(format_name: str, data: st.DataObject):
    check(CLOCK, format_name, data.draw(generated_notices(format_name), label="notice"))


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
