"""The privacy statement and the toegankelijkheidsverklaring: the operator's own text from a
plain-text file (KNOOPPUNT_PRIVACY_STATEMENT_FILE, KNOOPPUNT_ACCESSIBILITY_STATEMENT_FILE), or
the portal's default. A file's paragraphs are separated by an empty line; a line starting with
"# " is a heading. The text is escaped: no HTML from the file reaches the page."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" or "paragraph"
    text: str


def read(path: str) -> list[Block] | None:
    """The blocks of the configured file, or None when none is configured or it is unreadable
    (the default text is shown then; a missing file should not take the page down)."""
    if not path:
        return None
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    blocks = []
    for chunk in raw.replace("\r\n", "\n").split("\n\n"):
        text = " ".join(line.strip() for line in chunk.strip().splitlines())
        if not text:
            continue
        if text.startswith("# "):
            blocks.append(Block("heading", text[2:].strip()))
        else:
            blocks.append(Block("paragraph", text))
    return blocks or None
