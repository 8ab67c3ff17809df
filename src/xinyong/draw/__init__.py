"""The public draw ``xinyong-draw-v1``, stated in full in docs/draw-spec.md.

The rules are pure functions: stratum sample sizes (:mod:`.allocation`), the seed and the keys
(:mod:`.keys`), the selection (:mod:`.selection`) and the inspector teams (:mod:`.teams`), over the
canonical bytes and hashes of :mod:`xinyong.core.canonical`.  :mod:`.verify` re-derives a round from
its files on disk.
"""

SPEC = "xinyong-draw-v1"
