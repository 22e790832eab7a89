"""TR101: no line occurs twice within one message. A line is an element that may repeat
(`maxOccurs="unbounded"` in the message's schema: a ToegewezenProduct, a Client, a Prestatie);
two lines under the same parent are the same when everything in them is the same.

A 25 MB declaratie has tens of thousands of lines, and serialising each through lxml costs
more than the XSD validation itself. So the lines are found in the file's own bytes (the slices
between `<prefix:Prestatie>` and its end tag, per parent element), which is fast, and only a
line found twice there is confirmed on the parsed tree before it is reported.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from knooppunt.exchange.standards import schemas

from ..base import location
from ..registry import message_rule

XS = "{http://www.w3.org/2001/XMLSchema}"


@cache
def line_pairs(path: Path) -> tuple[tuple[str, str], ...]:
    """(container, line) element names of a message schema: Prestaties/Prestatie, ..."""
    document = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    repeated: dict[str, list[str]] = {}
    for complex_type in document.iter(f"{XS}complexType"):
        name = complex_type.get("name")
        if not name:
            continue
        for element in complex_type.iter(f"{XS}element"):
            if element.get("maxOccurs") == "unbounded" and element.get("name"):
                repeated.setdefault(name, []).append(element.get("name"))
    pairs: list[tuple[str, str]] = []
    for element in document.iter(f"{XS}element"):
        type_name = (element.get("type") or "").rpartition(":")[2]
        if element.get("name") and type_name in repeated:
            pairs.extend((element.get("name"), line) for line in repeated[type_name])
    return tuple(sorted(set(pairs)))


def _tag(prefix: str | None, name: str) -> tuple[bytes, bytes]:
    qualified = f"{prefix}:{name}" if prefix else name
    return f"<{qualified}>".encode(), f"</{qualified}>".encode()


def _candidates(data: bytes, prefix: str | None, container: str, line: str):
    """(byte offset, ...) of every line whose bytes occur earlier under the same container."""
    open_c, close_c = _tag(prefix, container)
    open_l, close_l = _tag(prefix, line)
    position = 0
    while True:
        start = data.find(open_c, position)
        if start < 0:
            return
        end = data.find(close_c, start)
        if end < 0:
            return
        seen: set[bytes] = set()
        cursor = start
        while True:
            begin = data.find(open_l, cursor, end)
            if begin < 0:
                break
            finish = data.find(close_l, begin, end)
            if finish < 0:
                break
            body = data[begin + len(open_l) : finish]
            if body in seen:
                yield begin
            else:
                seen.add(body)
            cursor = finish + len(close_l)
        position = end + len(close_c)


@message_rule(
    "TR101",
    # As TR018: no retourcode of its own in the 3.2 list, so 0001.
    retourcode="0001",
    text="Deze regel komt twee keer voor in het bericht.",
    hint="Verwijder de dubbele regel, of maak het verschil tussen de regels zichtbaar.",
)
def geen_dubbele_regels(subject, rule):
    message_type = subject.message_type
    path = schemas.schema_file(message_type) if message_type is not None else None
    if path is None:
        return
    root, data = subject.tree, subject.data
    prefix = root.prefix
    namespace = message_type.namespace
    for container, line in line_pairs(path):
        for offset in _candidates(data, prefix, container, line):
            number = data.count(b"\n", 0, offset) + 1
            element = _confirmed(root, f"{{{namespace}}}{line}", number)
            if element is not None:
                yield rule.finding(location(element))


def _confirmed(root, tag: str, line_number: int):
    """The element that starts on that line, if it equals an earlier sibling of its tag."""
    for element in root.iter(tag):
        if element.sourceline != line_number:
            continue
        own = etree.tostring(element, with_tail=False)
        sibling = element.getprevious()
        while sibling is not None:
            if sibling.tag == tag and etree.tostring(sibling, with_tail=False) == own:
                return element
            sibling = sibling.getprevious()
    return None
