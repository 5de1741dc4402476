"""Rule-based fact extraction (FACTS.md): chips, money, prices, dates."""
