"""The checks of issue 15 in their order, on one XML file:

1. size, 2. safe parsing, 3. message type — each stops the checks when it fails;
4. XSD, 5. header, 6. duplicates, 7. in-message rules — all run and are reported together.

The checks that need an organisation (header, duplicates) run only with one; the command line
(`validate_message`) runs the rest.
"""

from __future__ import annotations

from .base import Context, Report, Subject
from .checks import duplicates, header, message_type, parsing, size, xsd
from .registry import rules


def check_file(data: bytes, filename: str, context: Context | None = None) -> Report:
    context = context or Context()
    report = Report(filename)
    found = size.check(len(data))
    if found:
        report.findings = found
        return report
    subject = Subject(data=data, filename=filename)
    report.subject = subject
    subject.tree, found = parsing.parse(data)
    if found:
        report.findings = found
        return report
    found = message_type.check(subject, context.product)
    if found:
        report.findings = found
        return report
    report.findings.extend(xsd.check(subject))
    if context.with_organisation:
        report.findings.extend(header.check(subject, context))
        report.findings.extend(duplicates.check(subject, context))
    for rule in rules():
        report.findings.extend(rule.run(subject))
    return report
