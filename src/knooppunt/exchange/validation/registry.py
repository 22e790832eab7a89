"""The in-message rules: a small registry, one entry per rule with its iStandaarden code, the
retourcode where one applies and the Dutch text. A rule module in `checks/` registers itself:

    @message_rule("TR018", retourcode="0001", text=..., hint=...)
    def einddatum_na_begindatum(subject) -> Iterable[Finding]: ...

Every registered rule runs on every message whose type it applies to (all, by default).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .base import Finding, Subject

RuleFunc = Callable[[Subject, "MessageRule"], Iterable[Finding]]


@dataclass(frozen=True)
class MessageRule:
    code: str
    retourcode: str
    text: str
    hint: str
    func: RuleFunc
    # The message numbers ("301", "323") it applies to; empty: every message.
    applies_to: tuple[str, ...] = ()

    def finding(self, location: str, text: str = "") -> Finding:
        return Finding(
            code=self.code,
            retourcode=self.retourcode,
            text=text or self.text,
            hint=self.hint,
            location=location,
        )

    def run(self, subject: Subject) -> list[Finding]:
        if self.applies_to and (
            subject.message_type is None or subject.message_type.kind.number not in self.applies_to
        ):
            return []
        return list(self.func(subject, self))


_RULES: dict[str, MessageRule] = {}


def message_rule(
    code: str, *, text: str, hint: str, retourcode: str = "", applies_to: tuple[str, ...] = ()
) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        rule = MessageRule(code, retourcode, text, hint, func, applies_to)
        known = _RULES.get(code)
        if known is not None and known.func is not func:
            raise ValueError(f"Message rule {code!r} is registered twice")
        _RULES[code] = rule
        return func

    return register


def rules() -> list[MessageRule]:
    from . import checks  # noqa: F401  (the rule modules register themselves)

    return sorted(_RULES.values(), key=lambda r: r.code)
