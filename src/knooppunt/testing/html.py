"""Reading the portal's HTML in tests without tying them to its CSS classes."""

import re


def field_errors(html: str, field: str, prefix: str = "id_") -> list[str]:
    """The error messages shown for a field (the element its aria-describedby names)."""
    match = re.search(rf'id="{prefix}{field}_error">(.*?)</div>', html, re.S)
    return re.findall(r"<p>(.*?)</p>", match.group(1), re.S) if match else []


def has_field_error(html: str) -> bool:
    return "utrecht-form-field-error-message" in html and 'id="foutmelding-kop"' in html


def label(html: str, field_id: str) -> str:
    """The text of the label of `field_id`, without the required marker."""
    match = re.search(rf'<label[^>]*\bfor="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    if not match:
        return ""
    return re.sub(r"<span aria-hidden=\"true\">\*</span>", "", match.group(1)).strip()


def cells(html: str, text: str) -> int:
    """How many table cells hold exactly `text`."""
    return len(re.findall(rf"<td\b[^>]*>{re.escape(text)}</td>", html))


def summary(html: str, term: str) -> str | None:
    """The value after `<dt>term</dt>` in a summary list."""
    match = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    return match.group(1).strip() if match else None


def body_rows(html: str) -> str:
    """The HTML of the (first) table body."""
    start = re.search(r"<tbody\b[^>]*>", html)
    return html[start.end() : html.index("</tbody>", start.end())] if start else ""


def link_texts(html: str, href_pattern: str) -> list[str]:
    """The texts of the links whose href matches `href_pattern` (a regular expression)."""
    return re.findall(rf'<a\b[^>]*\bhref="{href_pattern}"[^>]*>([^<]+)</a>', html)
