"""The shipped defaults, package data read through :data:`xinyong.workspace.layout.SHIPPED`.

``policy.toml`` (the tier policy of docs/tiers.md), ``plans/<division>-default.toml`` (the default
round plans of a division: 330802, the default region's) and ``models/`` (the champion model,
exported by ``xinyong model promote``).  ``xinyong init`` copies the policy and the plans into a new
workspace for the office to edit; the champion is used wherever a workspace has none of its own.
"""
