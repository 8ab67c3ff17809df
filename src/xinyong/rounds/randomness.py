"""The description of a round's public randomness, as ``round commit`` fixes it (pure).

Rule (issue 12, deliverable 7): the description (``--randomness``: how and when the public random
value will be obtained) is published inside the commitment, so it is committed in one normal form —
Unicode NFC, with every invisible character removed (the format characters of Unicode category Cf —
zero-width spaces and joiners, direction marks, the soft hyphen, the byte-order mark … — the combining
grapheme joiner U+034F and control characters other than white space) and the white space at either
end trimmed — so that two people who type the same words commit the same bytes, and nothing invisible
is committed.  An empty or blank description commits to nothing and is refused.
This is a rule of the committing side: the draw contract (docs/draw-spec.md §4) hashes the
commitment's bytes whatever they hold.
"""

from __future__ import annotations

import unicodedata

from xinyong.errors import UsageError


def invisible(char: str) -> bool:
    """A character that shows nothing where it stands, so it is never committed."""
    category = unicodedata.category(char)
    return category == "Cf" or char == "\u034f" or (category == "Cc" and not char.isspace())


def normal_description(text: str) -> str:
    """The description as committed; a :class:`UsageError` about ``--randomness`` when nothing is left."""
    normal = unicodedata.normalize("NFC", "".join(c for c in text if not invisible(c))).strip()
    if not normal:
        raise UsageError(
            "--randomness: the description of the public random value is empty; say how and when it will be "
            "obtained, e.g. '福利彩票双色球 2026-12-01 开奖号码'"
        )
    return normal
