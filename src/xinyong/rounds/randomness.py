"""The description of a round's public randomness, as ``round commit`` fixes it (pure).

Rule (issue 12, deliverable 7): the description (``--randomness``: how and when the public random
value will be obtained) is published inside the commitment, so it is committed in one normal form —
Unicode NFC, with the zero-width characters U+200B–U+200D, U+2060 and U+FEFF removed and the white
space at either end trimmed — so that two people who type the same words commit the same bytes, and
nothing invisible is committed.  An empty or blank description commits to nothing and is refused.
This is a rule of the committing side: the draw contract (docs/draw-spec.md §4) hashes the
commitment's bytes whatever they hold.
"""

from __future__ import annotations

import unicodedata

from xinyong.errors import UsageError

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_REMOVE = dict.fromkeys(map(ord, ZERO_WIDTH))


def normal_description(text: str) -> str:
    """The description as committed; a :class:`UsageError` about ``--randomness`` when nothing is left."""
    normal = unicodedata.normalize("NFC", text.translate(_REMOVE)).strip()
    if not normal:
        raise UsageError(
            "--randomness: the description of the public random value is empty; say how and when it will be "
            "obtained, e.g. '福利彩票双色球 2026-12-01 开奖号码'"
        )
    return normal
