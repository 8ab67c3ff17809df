"""The public draw contracts ``xinyong-draw-v2`` and ``xinyong-draw-v1``, stated in full in docs/draw-spec.md.

The rules are pure functions: stratum sample sizes (:mod:`.allocation`), the seed and the keys of both
versions (:mod:`.keys`), the randomness sources (:mod:`.sources`), the selection (:mod:`.selection`), the
inspector teams (:mod:`.teams`) and reassignment (:mod:`.reassign`), over the canonical bytes and hashes of
:mod:`xinyong.core.canonical`.  :mod:`.verify` re-derives a round from its files on disk, under the contract its
commitment names, and :mod:`.attest` signs and checks auditors' attestations.
"""

SPEC = "xinyong-draw-v1"
