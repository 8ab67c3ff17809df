"""``xinyong key``: signing keys for the people who sign what xinyong publishes (auditors' attestations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import app, out

key_app = typer.Typer(help="Signing keys (Ed25519, in Go's signed-note format) for auditors' attestations.")
app.add_typer(key_app, name="key")


@key_app.command("new", epilog="Example: xinyong key new 纪检监察组 --out ~/keys/auditor.key")
def key_new(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The key's name, shown on every signature (no spaces or '+').")
    ],
    out_file: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where the signer key goes (mode 0600; never over a file).")
    ],
) -> None:
    """Make a signer key and print its verifier key, which you hand to whoever checks your signatures."""
    from xinyong.rounds.attestations import new_key

    verifier = new_key(name, out_file)
    out.print(f"Wrote {out_file} (keep it secret: readable by you only)", markup=False, highlight=False, soft_wrap=True)
    out.print(f"Verifier key: {verifier}", markup=False, highlight=False, soft_wrap=True)
