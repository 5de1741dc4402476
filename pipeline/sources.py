"""Where articles come from: the sources file and command-line arguments.

A source is only a pointer (feed, sitemap, single page or local path). Its
optional region matters downstream: a bare 元 means RMB in a mainland article,
NT$ in a Taiwanese one and is ambiguous in Hong Kong, and the domain alone does
not tell (cnbeta.com.tw is a mainland outlet), so it is never guessed here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args
from urllib.parse import urlsplit

from pipeline.assets import config_dir

SourceKind = Literal["feed", "sitemap", "page", "path", "warc"]
KINDS: tuple[str, ...] = get_args(SourceKind)
REGIONS = ("CN", "TW", "HK")
_ENTRY_KEYS = {"name", "kind", "url", "path", "region"}
_SITEMAP_NAME = re.compile(r"sitemap[^/]*\.xml(\.gz)?$", re.IGNORECASE)
_FEED_ENDINGS = (".xml", "rss", "atom", "feed")


class SourceError(ValueError):
    """A sources file or argument that cannot be used; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: SourceKind
    location: str  # an http(s) URL, or an absolute local path (or glob, for "warc")
    region: str | None = None


def load_sources(path: Path) -> list[Source]:
    """Read a sources TOML file; `path` entries are resolved against its folder.

    Every problem is reported with the file and the entry so a hand-edited file
    can be fixed without reading code.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the sources file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML ({exc}); fix the syntax there") from exc
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise SourceError(
            f"{path}: unknown top-level key(s) {', '.join(unknown)}; "
            "each source goes in its own [[source]] table"
        )
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourceError(f"{path}: no sources; add at least one [[source]] table")
    sources = [_entry_to_source(entry, n, path) for n, entry in enumerate(entries, start=1)]
    _reject_duplicate_names(sources, path)
    return sources


def source_from_arg(arg: str) -> Source:
    """Turn one `chipwire ingest` argument into a source, guessing the kind from its shape."""
    if arg.lower().startswith(("http://", "https://")):
        parts = urlsplit(arg)
        if not parts.hostname:
            raise SourceError(f"{arg!r}: URL has no host; give a full http(s) URL")
        return Source(name=parts.hostname, kind=_kind_of_url(arg), location=arg)
    local = Path(arg).expanduser()
    if arg.lower().endswith((".warc", ".warc.gz")):  # a WARC file or a glob of them
        return Source(name=local.name, kind="warc", location=str(local.resolve()))
    if local.exists():
        resolved = local.resolve()
        return Source(name=resolved.name or str(resolved), kind="path", location=str(resolved))
    raise SourceError(f"{arg!r}: not an http(s) URL and no such file or folder")


def _kind_of_url(url: str) -> SourceKind:
    parts = urlsplit(url)
    path = parts.path.rstrip("/").lower()
    if _SITEMAP_NAME.search(path):
        return "sitemap"
    if path.endswith(_FEED_ENDINGS) or "feed=" in parts.query.lower():
        return "feed"
    return "page"


def _entry_to_source(entry: object, n: int, path: Path) -> Source:
    if not isinstance(entry, dict):
        raise SourceError(f"{path}: [[source]] #{n} is not a table; write it as [[source]]")
    label = f"{path}: [[source]] #{n}" + (f" ({entry['name']!r})" if "name" in entry else "")
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise SourceError(
            f"{label}: unknown key(s) {', '.join(unknown)}; "
            f"allowed keys are {', '.join(sorted(_ENTRY_KEYS))}"
        )
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourceError(f'{label}: missing name; add name = "..." (unique in the file)')
    kind = entry.get("kind")
    if kind not in KINDS:
        raise SourceError(f"{label}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    region = entry.get("region")
    if region is not None and region not in REGIONS:
        raise SourceError(
            f"{label}: unknown region {region!r}; use one of {', '.join(REGIONS)} or leave it out"
        )
    return Source(
        name=name.strip(),
        kind=cast(SourceKind, kind),
        location=_location(entry, cast(SourceKind, kind), label, path),
        region=region,
    )


def _location(entry: dict, kind: SourceKind, label: str, path: Path) -> str:
    wanted, other = ("path", "url") if kind in ("path", "warc") else ("url", "path")
    if other in entry:
        raise SourceError(f'{label}: kind {kind!r} takes {wanted} = "...", not {other}')
    value = entry.get(wanted)
    if not isinstance(value, str) or not value.strip():
        raise SourceError(f'{label}: missing {wanted}; add {wanted} = "..."')
    if kind in ("path", "warc"):
        return str((path.parent / value).resolve())
    if not value.lower().startswith(("http://", "https://")) or not urlsplit(value).hostname:
        raise SourceError(
            f'{label}: url {value!r} is not an http(s) URL; use kind "path" for local files'
        )
    return value


def _reject_duplicate_names(sources: list[Source], path: Path) -> None:
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise SourceError(
                f"{path}: two sources are named {source.name!r}; names must be unique"
            )
        seen.add(source.name)


def local_root(source: Source) -> Path | None:
    """The folder a `kind = "path"` source may read files from: the folder given, or the
    given file's folder. Other kinds read no local file at all (the trust boundary)."""
    if source.kind != "path":
        return None
    location = Path(source.location)
    return location if location.is_dir() else location.parent


def local_roots(sources: list[Source]) -> list[Path]:
    """Every folder the fetcher may read `file:` URLs from for these sources."""
    return [root for source in sources if (root := local_root(source)) is not None]


DEFAULT_SOURCES = config_dir() / "sources.toml"


def resolve_sources(args: list[str] | None) -> list[Source]:
    """What `chipwire ingest ARGS...` means: TOML files expand to their entries,
    anything else is one source; nothing at all means the shipped default list."""
    if not args:
        return load_sources(DEFAULT_SOURCES)
    sources: list[Source] = []
    for arg in args:
        if arg.endswith(".toml"):
            sources.extend(load_sources(Path(arg)))
        else:
            sources.append(source_from_arg(arg))
    return sources
