"""The public draw ``xinyong-draw-v1`` (../shared/spec/draw-v1.md; restated in docs/draw-spec.md).

Pure functions only: canonical bytes and hashes (:mod:`.canonical`), stratum sample sizes
(:mod:`.allocation`), the seed and the keys (:mod:`.keys`), and the selection (:mod:`.selection`).
"""

SPEC = "xinyong-draw-v1"
