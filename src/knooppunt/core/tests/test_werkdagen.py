"""The one werkdagen calendar (core.werkdagen): weekends and the feestdagen of the Algemene
termijnenwet, as both Berichtenverkeer and Wlz-aanvragen count their deadlines."""

import datetime

import pytest

from knooppunt.core import werkdagen

D = datetime.date


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 1),  # Nieuwjaarsdag
        D(2026, 4, 6),  # Tweede Paasdag
        D(2026, 4, 27),  # Koningsdag
        D(2026, 5, 5),  # Bevrijdingsdag, also outside a lustrum year
        D(2026, 5, 14),  # Hemelvaartsdag
        D(2026, 5, 25),  # Tweede Pinksterdag
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2031, 4, 26),  # Koningsdag on a Saturday: 27 April 2031 is a Sunday
    ],
)
def test_the_feestdagen_of_the_law(day):
    assert day in werkdagen.feestdagen(day.year)


def test_goede_vrijdag_and_the_27th_before_a_sunday_koningsdag_are_werkdagen():
    assert werkdagen.is_werkdag(D(2026, 4, 3))  # Goede Vrijdag
    assert D(2031, 4, 27) not in werkdagen.feestdagen(2031)
    assert not werkdagen.is_werkdag(D(2026, 4, 4))  # a Saturday


def test_add_werkdagen_skips_weekends_and_feestdagen():
    # Thursday 23 April 2026 + 3: Friday 24, (Monday 27 Koningsdag), Tuesday 28, Wednesday 29.
    assert werkdagen.add_werkdagen(D(2026, 4, 23), 3) == D(2026, 4, 29)
    # Thursday 2 April 2026 + 3: Goede Vrijdag 3 counts, (Monday 6 Tweede Paasdag), 7, 8.
    assert werkdagen.add_werkdagen(D(2026, 4, 2), 3) == D(2026, 4, 8)
    # Monday 4 May 2026 + 1: Tuesday 5 May is Bevrijdingsdag, so Wednesday 6.
    assert werkdagen.add_werkdagen(D(2026, 5, 4), 1) == D(2026, 5, 6)
    assert werkdagen.add_werkdagen(D(2026, 6, 1), 10) == D(2026, 6, 15)
    assert werkdagen.add_werkdagen(D(2026, 6, 1), 0) == D(2026, 6, 1)
