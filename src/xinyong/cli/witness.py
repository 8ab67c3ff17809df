"""``xinyong witness``: an independent body's witness of the transparency log (init, cosign)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli.app import app, out
from xinyong.workspace.layout import LOG_CHECKPOINT, WITNESS_KEY

witness_app = typer.Typer(
    help="Witness a transparency log for an independent body (纪检监察, 上级局, 公证处): cosign its checkpoints, "
    "refuse a fork or a rollback.",
    no_args_is_help=True,
)
app.add_typer(witness_app, name="witness")

_STATE = Annotated[
    Path,
    typer.Argument(metavar="STATE", help="The witness's own state folder (its key and the logs it cosigned)."),
]


@witness_app.command("init", epilog="Example: xinyong witness init 纪检监察-witness --name jijian.quzhou.example/w1")
def witness_init(
    state: _STATE,
    name: Annotated[
        str, typer.Option(help="The witness's key name, a schema-less URL without spaces or '+', e.g. example.org/w1.")
    ],
) -> None:
    """Make a witness's state folder and key (mode 0600); print its verifier key to hand to the log's readers."""
    from xinyong.publish.witness import init_witness

    vkey = init_witness(state, name)
    out.print(
        f"Witness {vkey.name}: its key is {state / WITNESS_KEY} (keep it private; it is the witness). Its verifier "
        "key, for the office and for everyone who verifies the log (xinyong log verify --witness):",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
    out.print(str(vkey), soft_wrap=True, markup=False, highlight=False)


@witness_app.command(
    "cosign",
    epilog='Example: xinyong witness cosign 纪检监察-witness --log out/demo/public --log-key "$(cat log.vkey)"',
)
def witness_cosign(
    state: _STATE,
    log: Annotated[Path, typer.Option(help="The log's public site folder (with log/).")],
    log_key: Annotated[
        str | None,
        typer.Option(
            metavar="VKEY",
            help="The log's verifier key, as the office announced it: needed the first time, then pinned.",
        ),
    ] = None,
) -> None:
    """Check the log's latest checkpoint against the last one this witness cosigned (its signature, and a
    consistency proof), refuse a fork or a rollback, and add a timestamped cosignature to the checkpoint."""
    from xinyong.publish.witness import cosign

    done = cosign(state, log, now=dt.datetime.now(dt.UTC), log_key=log_key)
    when = dt.datetime.fromtimestamp(done.timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    what = "Cosigned" if done.new else "Already cosigned"
    out.print(
        f"{what} {done.origin} at size {done.size:,} as {done.witness.name} ({when}); the cosignature is on "
        f"{log / LOG_CHECKPOINT}",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
