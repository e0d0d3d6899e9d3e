"""`pacewise user add` and `pacewise token create`: accounts for admins and scripts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pacewise.adapters.db.unit_of_work import UnitOfWork
from pacewise.bootstrap import migrated_engine
from pacewise.cli.errors import fail
from pacewise.domain import InvalidInput
from pacewise.services.accounts import add_user, create_token

user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@user_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The new account's e-mail address.")],
    role: Annotated[str, typer.Option(help="patient, clinician or admin.")] = "patient",
    clinician: Annotated[
        str | None, typer.Option(help="For a patient: the e-mail of the clinician in charge.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (without a password it can be opened only through an invite)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    engine = migrated_engine()
    try:
        user = add_user(
            UnitOfWork(engine), email, role, clinician_email=clinician, password=password
        )
    except InvalidInput as error:
        fail(error)
    finally:
        engine.dispose()
    typer.echo(f"created {user.role} {user.email} (id {user.id})")


@token_app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="Whose token it is.")],
    name: Annotated[str, typer.Option(help="A name to recognise the token by.")],
) -> None:
    """Print a new API token (shown only now; keep it secret)."""
    engine = migrated_engine()
    try:
        token = create_token(UnitOfWork(engine), email, name)
    except InvalidInput as error:
        fail(error)
    finally:
        engine.dispose()
    typer.echo(token)
