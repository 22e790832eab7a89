"""Every BSN in the message passes the 11-proef (python-stdnum's nl.bsn)."""

from __future__ import annotations

from stdnum.nl import bsn as stdnum_bsn

from ..base import location
from ..registry import message_rule


@message_rule(
    "BSN",
    text="Een burgerservicenummer voldoet niet aan de 11-proef.",
    hint="Controleer het BSN van de cliënt (of relatie) op deze plaats.",
)
def elfproef(subject, rule):
    message_type = subject.message_type
    tags = {f"{{{message_type.namespace}}}Bsn", f"{{{message_type.basis_namespace}}}Bsn"}
    for element in subject.tree.iter(*tags):
        value = (element.text or "").strip()
        # A value that is not nine digits is refused by the XSD already.
        if len(value) == 9 and value.isdigit() and not stdnum_bsn.is_valid(value):
            yield rule.finding(location(element))
