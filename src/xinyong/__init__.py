"""xinyong (信用): credit-risk tiers, the verifiable 双随机 sampler and 一公开 disclosures.

See README.md for who uses it and how the parts fit; docs/ for the domain rules (docs/draw-spec.md,
docs/disclosure.md, docs/tiers.md).
"""

__version__ = "0.1.0"
