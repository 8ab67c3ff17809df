"""The ``xinyong`` command line: parse arguments, call one library function, report errors in one line.

One module per command group; each registers its commands on :data:`xinyong.cli.app.app` when imported.
"""

# Importing each module registers its commands.
from xinyong.cli import data, demo, estimate, keys, model, publish, results, rounds, tiers, workspace  # noqa: F401
from xinyong.cli.app import app, main

__all__ = ["app", "main"]
