"""What reading one feed or sitemap gives: its candidates, and the entries it had to skip.

Every entry of a listing stands alone: one absurd date or unusable link costs
that entry (or only its date), never the other entries. Skipped entries are
kept with their position and cause, so the run can record them by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from pipeline.candidate import Candidate
from pipeline.links import listed_url

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Skipped:
    listing: str  # the feed or sitemap URL
    entry: int  # 1-based position of the entry in it
    reason: str

    def __str__(self) -> str:
        return f"{self.listing}: entry {self.entry} skipped: {self.reason}"


@dataclass(slots=True)
class Listing:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def add(
        self,
        entry: int,
        link: str | None,
        base_url: str,
        local_root: Path | None,
        *,
        source: str,
        title: str | None = None,
        published: str | None = None,
    ) -> None:
        """Keep the entry's candidate if its link is usable, else record why not."""
        if not link:
            self.skipped.append(Skipped(base_url, entry, "no link"))
            return
        try:
            url = listed_url(link, base_url, local_root)
        except ValueError as exc:
            self.skipped.append(Skipped(base_url, entry, str(exc)))
            return
        self.candidates.append(Candidate(url, source, title=title, published=published))


_REFUSED = "XML entity declarations are refused (entity expansion / XXE)"


class _RootReached(Exception):
    """The prolog is over: any entity declarations would have come before the root."""


class _EntityDeclared(Exception):
    """The prolog declares an entity."""


def refuse_entity_declarations(body: bytes) -> None:
    """ValueError when the XML declares entities (billion laughs, XXE); real listings never do.

    Expat reads the prolog in whatever encoding it declares and stops at the
    root element; for encodings expat does not know (GBK, Big5), the ASCII
    bytes of `<!ENTITY` still show, as in every ASCII-compatible encoding.
    """

    def entity(*_args: object) -> None:
        raise _EntityDeclared

    def root(*_args: object) -> None:
        raise _RootReached

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = root
    try:
        parser.Parse(body, True)
    except _RootReached:
        return
    except _EntityDeclared:
        raise ValueError(_REFUSED) from None
    except (expat.ExpatError, ValueError, LookupError):  # LookupError: unknown encoding
        if _ENTITY_DECLARATION.search(body[:65536]):
            raise ValueError(_REFUSED) from None


def skipped_by_listing(skipped: list[Skipped], shown: int = 20) -> dict[str, str]:
    """One line per listing naming its skipped entries, for the run's record of failures."""
    reasons: dict[str, list[str]] = {}
    for item in skipped:
        reasons.setdefault(item.listing, []).append(f"entry {item.entry}: {item.reason}")
    return {
        listing: f"{len(lines)} entries skipped: "
        + "; ".join(lines[:shown])
        + (f"; and {len(lines) - shown} more" if len(lines) > shown else "")
        for listing, lines in reasons.items()
    }
