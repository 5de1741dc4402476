"""Mutated feeds and sitemaps through the listing parsers: nothing undeclared escapes.

A fixed seed keeps CI repeatable; `scripts/fuzz_parsers.py` runs the large
version (10,000 of each) and prints the figures.
"""

from scripts.fuzz_parsers import run


def test_mutated_feeds_and_sitemaps_raise_only_value_error_and_leak_no_local_link():
    tallies = run(cases=300, seed=2026)
    for kind, tally in tallies.items():
        assert tally.cases == 300, kind
        assert sum(tally.undeclared.values()) == 0, (kind, tally.examples)
        assert tally.leaked == 0, kind
        assert tally.parsed > 0 and tally.declared > 0, kind  # both paths were exercised
