"""Render the command line (:data:`xinyong.cli.app`) as the Markdown of ``docs/cli.md``.

The document is generated, never edited by hand: ``scripts/render_docs.py`` rewrites it and
``tests/cli/test_doc.py`` fails when it is out of step with the commands.  It is read from the
command objects Typer builds (``typer.main.get_command``) — names, help, parameters, defaults and
epilogs — never from the formatted ``--help`` output, so it does not depend on the terminal's width
or colours.  Commands come in the order of their full names, so the order does not depend on which
module registered them first.  The exit codes are read from the exception tree in
:mod:`xinyong.errors`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath

import typer
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from xinyong import errors
from xinyong.cli.app import app  # importing the package has registered every command on it

EXAMPLE_LABELS = ("Example:", "Examples:")

HEADER = """# Command-line reference (`xinyong`)

*Generated from the commands in `src/xinyong/cli/` by `scripts/render_docs.py`; do not edit.*

Every command prints its own part of this page with `--help`. In a usage line, `[OPTIONS]` stands for the
options of the table below it, `{name}` for a required argument and `[name]` for an optional one.
"""


@dataclass(frozen=True)
class Parameter:
    """One option or argument as the reference shows it."""

    names: str
    kind: str
    default: str
    help: str


@dataclass(frozen=True)
class Command:
    """One command or command group, with the full name a user types (``xinyong round frame``)."""

    path: str
    help: tuple[str, ...]
    usage: str
    parameters: tuple[Parameter, ...]
    subcommands: tuple[str, ...]
    runnable: bool
    examples: tuple[str, ...]
    epilog: tuple[str, ...]


def commands() -> list[Command]:
    """Every visible command and group of the app, the root first, then by full name."""
    root = _typer_command(typer.main.get_command(app), "xinyong")
    found = list(_walk(root, typer.Context(root, info_name="xinyong", resilient_parsing=True)))
    return sorted(found, key=lambda c: c.path.split())


def render() -> str:
    """The whole of ``docs/cli.md``."""
    found = commands()
    parts = [HEADER, _exit_codes(), _index(found), *(_command(c) for c in found)]
    return "\n".join(parts)


def _walk(command: TyperCommand | TyperGroup, ctx: typer.Context) -> Iterator[Command]:
    subcommands: list[str] = []
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = _typer_command(command.get_command(ctx, name), f"{ctx.command_path} {name}")
            if sub.hidden:
                continue
            subcommands.append(name)
            yield from _walk(sub, typer.Context(sub, info_name=name, parent=ctx, resilient_parsing=True))
    paragraphs = _paragraphs(command.epilog or "", command.rich_markup_mode)
    examples = _examples(paragraphs)
    deprecated = ("**Deprecated.**",) if command.deprecated else ()
    yield Command(
        path=ctx.command_path,
        help=deprecated + _paragraphs(command.help or "", command.rich_markup_mode),
        usage=" ".join([ctx.command_path, *command.collect_usage_pieces(ctx)]),
        parameters=tuple(_parameter(p, ctx, command.rich_markup_mode) for p in command.params if not _hidden(p)),
        subcommands=tuple(sorted(subcommands)),
        # A group runs on its own when its callback does more than hold subcommands (``xinyong tiers``);
        # the root's only prints the version.
        runnable=not isinstance(command, TyperGroup) or (command.invoke_without_command and ctx.parent is not None),
        examples=examples,
        epilog=() if examples else paragraphs,
    )


def _typer_command(command: object, path: str) -> TyperCommand | TyperGroup:
    if not isinstance(command, TyperCommand | TyperGroup):
        raise TypeError(f"{path}: not a Typer command: {command!r}")
    return command


def _hidden(param: object) -> bool:
    return isinstance(param, TyperOption) and param.hidden


def _parameter(param: object, ctx: typer.Context, markup: str | None) -> Parameter:
    if not isinstance(param, TyperOption | TyperArgument):
        raise TypeError(f"{ctx.command_path}: not a Typer parameter: {param!r}")
    if isinstance(param, TyperArgument):
        names = f"`{param.name}` (argument)"
    else:
        names = " / ".join(f"`{opt}`" for opt in (*param.opts, *param.secondary_opts))
    text = " ".join(_paragraphs(param.help or "", markup))
    if param.envvar:
        variables = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
        text += " (environment: " + ", ".join(f"`{v}`" for v in variables) + ")"
    kind = param.display_type(ctx).removeprefix("<").removesuffix(">")
    if param.multiple:
        kind += ", repeatable"
    return Parameter(names, kind, _default(param, ctx), text)


def _default(param: TyperOption | TyperArgument, ctx: typer.Context) -> str:
    if param.required:
        return "required"
    if isinstance(param.show_default, str):
        return param.show_default
    if param.show_default is False:
        return "—"
    value = param.get_default(ctx, call=False)
    if isinstance(param, TyperOption) and param.is_bool_flag:
        if param.secondary_opts:
            return f"`{(param.opts if value else param.secondary_opts)[0]}`"
        return "off" if not value else "on"
    return _value(value)


def _value(value: object) -> str:
    if value is None or value in ((), []):
        return "—"
    if callable(value):
        return "(computed when run)"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, PurePath):
        value = value.as_posix()
    return f"`{value}`" if str(value) else '`""`'


def _paragraphs(text: str, markup: str | None) -> tuple[str, ...]:
    """Help or epilog text as Typer prints it: paragraphs, single line breaks joined, markup resolved."""
    body = inspect.cleandoc(text).partition("\f")[0]
    paragraphs = []
    for paragraph in body.split("\n\n"):
        kept = paragraph.removeprefix("\b\n") if paragraph.startswith("\b") else paragraph.replace("\n", " ")
        plain = Text.from_markup(kept).plain if markup == "rich" else kept
        if plain.strip():
            paragraphs.append(plain.strip())
    return tuple(paragraphs)


def _examples(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """The command lines of an epilog that starts ``Example:`` (or ``Examples:``), one per paragraph."""
    if not paragraphs or not paragraphs[0].startswith(EXAMPLE_LABELS):
        return ()
    first = paragraphs[0].split(":", 1)[1].strip()
    return (first, *paragraphs[1:])


def _exit_codes() -> str:
    lines = [
        "## Errors and exit codes",
        "",
        "A mistake in the input is reported on stderr as one line, `Error: <file or option>: <what is wrong>`,",
        "without a traceback, and the command ends with the exit code of its kind (0 means success):",
        "",
        "| exit code | error | when |",
        "|---|---|---|",
    ]
    kinds = sorted(
        _subclasses(errors.XinyongError), key=lambda k: (k.exit_code, k is not errors.XinyongError, k.__name__)
    )
    for kind in kinds:
        summary = inspect.cleandoc(kind.__doc__ or "").split("\n\n")[0].replace("\n", " ")
        lines.append(f"| {kind.exit_code} | `{kind.__name__}` | {_cell(summary)} |")
    return "\n".join(lines) + "\n"


def _subclasses(kind: type[errors.XinyongError]) -> Iterator[type[errors.XinyongError]]:
    yield kind
    for sub in kind.__subclasses__():
        yield from _subclasses(sub)


def _index(found: list[Command]) -> str:
    lines = ["## Commands", "", "| command | what it does |", "|---|---|"]
    for command in found:
        summary = command.help[0] if command.help else ""
        lines.append(f"| [`{command.path}`](#{_anchor(command.path)}) | {_cell(summary)} |")
    return "\n".join(lines) + "\n"


def _anchor(path: str) -> str:
    """GitHub's anchor of the heading ``## `<path>` ``."""
    return path.lower().replace(" ", "-")


def _command(command: Command) -> str:
    lines = [f"## `{command.path}`", "", *(p + "\n" for p in command.help), "```", command.usage, "```", ""]
    if command.parameters:
        lines += ["| parameter | type | default | meaning |", "|---|---|---|---|"]
        lines += [f"| {p.names} | {_cell(p.kind)} | {_cell(p.default)} | {_cell(p.help)} |" for p in command.parameters]
        lines.append("")
    if command.subcommands:
        names = ", ".join(f"[`{name}`](#{_anchor(command.path + ' ' + name)})" for name in command.subcommands)
        lines += [f"Commands: {names}.", ""]
    if command.examples:
        lines += ["Example:" if len(command.examples) == 1 else "Examples:", "", "```", *command.examples, "```", ""]
    lines += [p + "\n" for p in command.epilog]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
