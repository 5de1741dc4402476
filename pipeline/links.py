"""The trust boundary for URLs: which links a listing may hand on, which files may be read.

Anything fetched from the web is hostile input. A feed or sitemap served over
http(s) may only lead to other http(s) URLs; `file:` URLs exist for the user's
own `kind = "path"` sources and are read only inside the folder the user gave.
Discovery and the fetcher both apply these rules, so neither can be the one
that forgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

WEB_SCHEMES = ("http", "https")


def listed_url(link: str, base_url: str, local_root: Path | None = None) -> str:
    """Absolute form of a link a listing gave, or ValueError saying why it is no article.

    Fragments are dropped because `page#comments` and `page` are one article.
    `local_root` is the folder of the `kind = "path"` source the listing came
    from; without one, only http(s) links pass.
    """
    try:
        url, _fragment = urldefrag(urljoin(base_url, link.strip()))
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise ValueError(f"link {link!r} is not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES:
        if not host:
            raise ValueError(f"link {link!r} has no host")
        return url
    if scheme == "file" and local_root is not None and urlsplit(base_url).scheme == "file":
        local_file(url, [local_root])
        return url
    if scheme == "file":
        raise ValueError(
            f'link {link!r} is a local file; only a local kind="path" source may list files'
        )
    raise ValueError(f"link {link!r} is not an http(s) URL")


def local_file(url: str, roots: Sequence[Path]) -> Path:
    """The file a `file:` URL names, if it lies inside one of `roots`; else ValueError.

    Symbolic links and `..` are resolved first, so a link inside the folder
    cannot lead out of it.
    """
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"file URL names a remote host {parts.netloc!r}")
    path = Path(url2pathname(parts.path)).resolve()
    for root in roots:
        if path.is_relative_to(root.resolve()):
            return path
    allowed = ", ".join(str(root) for root in roots) or "none: no local source was given"
    raise ValueError(f"file {path} is outside the source folders (allowed: {allowed})")
