"""TR101: no line occurs twice within one message. A line is an element that repeats under its
parent (a ToegewezenProduct, a Prestatie, a Relatie); two are the same when everything in them
is the same."""

from __future__ import annotations

import hashlib

from lxml import etree

from ..base import location
from ..registry import message_rule


@message_rule(
    "TR101",
    retourcode="9101",
    text="Deze regel komt twee keer voor in het bericht.",
    hint="Verwijder de dubbele regel, of maak het verschil tussen de regels zichtbaar.",
)
def geen_dubbele_regels(subject, rule):
    for parent in subject.tree.iter(etree.Element):
        if len(parent) < 2:
            continue
        first = parent[0].tag
        # Lines are repeated elements of one tag under a container (ToegewezenProducten).
        if parent[1].tag != first:
            continue
        seen: dict[bytes, int] = {}
        for child in parent:
            if child.tag != first:
                continue
            key = hashlib.blake2b(etree.tostring(child, with_tail=False), digest_size=16).digest()
            if key in seen:
                yield rule.finding(location(child))
            else:
                seen[key] = 1
