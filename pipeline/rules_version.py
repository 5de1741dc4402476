"""Which rules made a fact: the package version plus a digest of every file in `models/`.

Kept apart from the extractor so the flow process, which stamps loaded facts
but never extracts, does not import spaCy and the rules to learn it.
"""

from __future__ import annotations

import hashlib
from functools import cache

from pipeline import __version__
from pipeline.assets import models_dir


@cache
def extractor_version() -> str:
    """Changes whenever any rule asset changes, so `reextract` knows what is stale."""
    root = models_dir()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"
