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


def write(
    figures: list[Figure],
    sections: dict[str, str],
    origin: dict[str, tuple[str, str]],
    finished: dict[str, str] | None = None,
) -> None:
    """Write the report; `origin` names each figure's case and section title, `finished` when
    each section's case ended (default: now).

    A run of some cases (`python -m bench login`) replaces only their figures and sections: the
    others stay as their own run wrote them, each section saying when it was measured, so the
    files always hold the latest figure of every case."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    ran = {case for case, _ in origin.values()}
    ended = finished or {}
    kept, kept_sections = _previous(ran)
    fresh = {
        f.name: {
            **{k: v for k, v in asdict(f).items() if k != "name"},
            "ratio": f.ratio,
            "met": f.met,
            "case": origin[f.name][0],
            "section": origin[f.name][1],
            "measured": ended.get(origin[f.name][1], now),  # when its case ended
        }
        for f in figures
    }
    # By case name (a full run's order: pkgutil lists the cases so), whichever run measured them.
    data = dict(sorted({**kept, **fresh}.items(), key=lambda item: item[1]["case"]))
    order = [e["section"] for e in data.values()]
    stamped = {
        title: f"Measured {ended.get(title, now)} ({machine}).\n\n{text}"
        for title, text in sections.items()
    }
    all_sections = {**kept_sections, **stamped}
    place = {title: n for n, title in enumerate(dict.fromkeys(order))}  # a section may have none
    all_sections = dict(
        sorted(all_sections.items(), key=lambda item: place.get(item[0], len(place)))
    )
    rows = [Figure(name, **_fields(entry)) for name, entry in data.items()]
    head = f"# Benchmarks\n\nLatest run (`make bench` or one case): {now} ({machine}).\n"
    body = [head, table(rows), ""]
    for title, text in all_sections.items():
        body += [f"## {title}\n", text, ""]
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.md").write_text("\n".join(body), encoding="utf-8")
    (DOCS / "benchmarks.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _fields(entry: dict) -> dict:
    return {k: entry[k] for k in ("value", "unit", "baseline", "target", "note")}


def _previous(ran: set[str]) -> tuple[dict, dict[str, str]]:
    """The figures and sections of the cases that did not run this time."""
    try:
        data = json.loads((DOCS / "benchmarks.json").read_text(encoding="utf-8"))
        text = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}, {}
    kept = {name: e for name, e in data.items() if e.get("case") and e["case"] not in ran}
    titles = {e.get("section") for e in kept.values()} - {None}
    sections = {}
    for chunk in text.split("\n## ")[1:]:
        title, _, rest = chunk.partition("\n")
        if title.strip() in titles:
            sections[title.strip()] = rest.strip("\n")
    return kept, sections
