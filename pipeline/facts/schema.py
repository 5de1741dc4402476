"""The FACTS.md output record, declared once: every list, its fields, their types and allowed values.

The extractor's hits, the warehouse's tables and Arrow schemas, and the scorer
all speak this record. They are checked against this declaration
(tests/test_schema.py) rather than each keeping its own idea of what a `mod`
or a `per` may be, and the scorer takes the fields it compares from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a fact item."""

    name: str
    kind: type  # str, int, float or bool
    nullable: bool = False
    allowed: tuple[str, ...] | None = None  # the only values a non-null str may take
    pattern: str | None = None  # a regex a non-null str must match in full
    scored: bool = False  # part of the key FACTS.md scores the list on
    optional: bool = False  # an extractor may leave it out (it then reads as null/False)

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot stand in this field, or None if it can."""
        if value is None:
            return None if self.nullable or self.optional else f"{self.name} may not be null"
        kinds = (int, float) if self.kind is float else (self.kind,)
        if isinstance(value, bool) and self.kind is not bool or not isinstance(value, kinds):
            return f"{self.name}: {value!r} is not {self.kind.__name__}"
        if self.allowed is not None and value not in self.allowed:
            return f"{self.name}: {value!r} is not one of {list(self.allowed)}"
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return f"{self.name}: {value!r} does not match {self.pattern}"
        return None


@dataclass(frozen=True, slots=True)
class FactList:
    """One of the four output lists."""

    name: str
    fields: tuple[Field, ...]
    set_of: str | None = None  # scored per article as a set of this field's values

    @property
    def scored(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.scored)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# Every item carries its surface form and offsets into the original text.
SPAN_FIELDS = (Field("text", str), Field("start", int), Field("end", int))

_CURRENCY = Field("currency", str, pattern="[A-Z]{3}", scored=True)  # ISO 4217
_LOW = Field("low", float, scored=True)
_HIGH = Field("high", float, scored=True)
GRANULARITIES = ("year", "half", "quarter", "month", "day")
DATE_VALUE_PATTERNS = {
    "year": r"[0-9]{4}",
    "half": r"[0-9]{4}-H[12]",
    "quarter": r"[0-9]{4}-Q[1-4]",
    "month": r"[0-9]{4}-(0[1-9]|1[0-2])",
    "day": r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
}

FACT_LISTS: dict[str, FactList] = {
    "chips": FactList(
        "chips",
        (Field("vendor", str), Field("model", str, scored=True)),
        set_of="model",
    ),
    "money": FactList(
        "money",
        (
            _CURRENCY,
            _LOW,
            _HIGH,
            Field(
                "qualifier", str, nullable=True, optional=True, allowed=("approx", "over", "under")
            ),
        ),
    ),
    "prices": FactList(
        "prices",
        (
            Field("chip", str, scored=True),
            Field("item", str, nullable=True, optional=True, allowed=("card", "server")),
            Field("kind", str, allowed=("sale", "rental"), scored=True),
            Field("per", str, nullable=True, allowed=("hour", "month", "year"), scored=True),
            _CURRENCY,
            _LOW,
            _HIGH,
        ),
    ),
    "dates": FactList(
        "dates",
        (
            Field(
                "value",
                str,
                nullable=True,
                pattern="|".join(f"(?:{p})" for p in DATE_VALUE_PATTERNS.values()),
                scored=True,
            ),
            Field("granularity", str, allowed=GRANULARITIES, scored=True),
            Field("mod", str, nullable=True, optional=True, allowed=("start", "mid", "end")),
            Field("fiscal", bool, optional=True),
        ),
    ),
}
LISTS = tuple(FACT_LISTS)


def item_problems(list_name: str, item: dict[str, Any]) -> list[str]:
    """Every way `item` breaks the schema of `list_name` (empty when it is a valid item)."""
    fact_list = FACT_LISTS[list_name]
    problems = []
    for field in SPAN_FIELDS + fact_list.fields:
        if field.name not in item:
            if not field.optional:
                problems.append(f"{list_name}: missing {field.name}")
            continue
        problem = field.problem(item[field.name])
        if problem:
            problems.append(f"{list_name}: {problem}")
    known = {f.name for f in SPAN_FIELDS + fact_list.fields} | {"doubt"}
    problems += [f"{list_name}: unknown field {name!r}" for name in sorted(set(item) - known)]
    value, granularity = item.get("value"), item.get("granularity")
    if (
        list_name == "dates"
        and isinstance(value, str)
        and granularity in GRANULARITIES
        and not re.fullmatch(DATE_VALUE_PATTERNS[granularity], value)
    ):
        problems.append(f"dates: value {value!r} is not a {granularity}")
    return problems
