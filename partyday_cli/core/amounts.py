"""Sane bounds for money read from a user's file (a roster's 月收入, a 党费台账 cell).

A typo such as 9999999999999999999999999999 is a valid Decimal but no branch's money:
kept, it overflows the ledger's integer cents and every later dues computation. Readers
refuse it at import, naming the row, with the line `amount_problem` gives.
"""

from __future__ import annotations

from decimal import Decimal

# 1亿元: far above any monthly income, pension or dues payment, far below int64 cents.
AMOUNT_LIMIT = Decimal("100000000")


def amount_problem(amount: Decimal, label: str, text: str) -> str | None:
    """None for an amount within bounds, else the Chinese reason to show for the cell."""
    if amount.is_finite() and abs(amount) < AMOUNT_LIMIT:
        return None
    return (f"{label}“{text[:30]}{'…' if len(text) > 30 else ''}”超过1亿元，不像真实金额。"
            "请核对这一格（多打了数字？）")
