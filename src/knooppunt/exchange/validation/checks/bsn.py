"""CS002: every BSN in the message passes the 11-proef (python-stdnum's nl.bsn). CS002 is the
iStandaarden constraint on LDT_BurgerServicenummer ("De waarde moet voldoen aan de 11-proef");
a constraint has no retourcode of its own."""

from __future__ import annotations

from stdnum.nl import bsn as stdnum_bsn

from ..base import location
from ..registry import message_rule


@message_rule(
    "CS002",
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
