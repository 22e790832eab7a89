"""Run every benchmark case (or those named on the command line) and write the report.

A case is a module in bench/cases with `run() -> tuple[list[Figure], str]`: the figures and a
Markdown section explaining how they were measured. Running some cases replaces their figures
and sections in docs/benchmarks.*, and keeps the latest of the others.
"""

import importlib
import pkgutil
import sys
from datetime import UTC, datetime

from bench import cases
from bench.report import table, write


def main(argv: list[str]) -> int:
    names = argv or [m.name for m in pkgutil.iter_modules(cases.__path__)]
    figures, sections, origin, finished = [], {}, {}, {}
    for name in names:
        module = importlib.import_module(f"bench.cases.{name}")
        print(f"== {name}", flush=True)
        case_figures, section = module.run()
        title = getattr(module, "TITLE", name)
        figures += case_figures
        sections[title] = section
        origin.update({f.name: (name, title) for f in case_figures})
        finished[title] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        # After each case: a later case's failure loses none of the figures measured before it.
        write(figures, sections, origin, finished)
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
