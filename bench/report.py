"""Collect figures, print them as a table and write docs/benchmarks.md and docs/benchmarks.json."""

import json
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None  # measured in the same run; the ratio is value / baseline
    target: str = ""  # e.g. ">= 0.6" or "<= 25"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        if not self.target:
            return None
        op, _, number = self.target.partition(" ")
        limit = float(number)
        return self.value >= limit if op == ">=" else self.value <= limit


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    rows = [
        "| figure | value | unit | baseline | ratio | target | met | note |",
        "| --- | ---: | --- | ---: | ---: | --- | --- | --- |",
    ]
    for f in figures:
        met = {None: "—", True: "yes", False: "**no**"}[f.met]
        rows.append(
            f"| {f.name} | {_fmt(f.value)} | {f.unit} | {_fmt(f.baseline)} | {_fmt(f.ratio)} "
            f"| {f.target or '—'} | {met} | {f.note} |"
        )
    return "\n".join(rows)


def write(figures: list[Figure], sections: dict[str, str]) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    body = [f"# Benchmarks\n\nLatest `make bench`: {now} ({machine}).\n", table(figures), ""]
    for title, text in sections.items():
        body += [f"## {title}\n", text, ""]
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.md").write_text("\n".join(body), encoding="utf-8")
    data = {
        f.name: {
            **{k: v for k, v in asdict(f).items() if k != "name"},
            "ratio": f.ratio,
            "met": f.met,
        }
        for f in figures
    }
    (DOCS / "benchmarks.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
