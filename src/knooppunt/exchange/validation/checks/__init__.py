"""One module per check or rule (issue 15, item 3). The in-message rules register themselves in
`validation.registry`; the file checks are called by `validation.pipeline` in their order."""

from . import bsn, dates, lines  # noqa: F401  (in-message rules)
