"""The checks of issue 15 in their order, on one XML file:

1. size, 2. safe parsing, 3. message type — each stops the checks when it fails;
4. XSD, 5. header, 6. duplicates, 7. in-message rules — all run and are reported together.

The checks that need an organisation (header, duplicates) run only with one; the command line
(`validate_message`) runs the rest.

lxml releases the GIL while it validates against a schema, so for a large file the XSD runs in a
thread of its own while the header, duplicate and in-message checks read the same (unchanged)
tree: on two cores the whole pipeline takes about as long as the bare validation.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

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
    pending = _validator().submit(xsd.check, subject) if len(data) > PARALLEL_FROM else None
    later = []
    if pending is None:
        report.findings.extend(xsd.check(subject))
    if context.with_organisation:
        later.extend(header.check(subject, context))
        later.extend(duplicates.check(subject, context))
    for rule in rules():
        later.extend(rule.run(subject))
    if pending is not None:
        report.findings.extend(pending.result())
    report.findings.extend(later)
    return report


# Below this size a thread costs more than it saves.
PARALLEL_FROM = 1024 * 1024


@cache
def _validator() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="xsd")
