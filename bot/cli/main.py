"""The `tandem` entry point: registers every command group."""

from __future__ import annotations

import typer

from bot.cli import (
    admin,
    audit,
    chat,
    content,
    demo,
    disputes,
    importing,
    index,
    retention,
)

app = typer.Typer(
    name="tandem",
    help="Tandem: a coaching assistant for managers, employees and HR.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: Rich's help renderer imports a Markdown parser and doubles start-up.
    rich_markup_mode=None,
)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.keys_app, name="keys")
app.add_typer(content.content_app, name="content")
app.add_typer(demo.demo_app, name="demo")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(disputes.disputes_app, name="disputes")
app.add_typer(index.index_app, name="index")
app.add_typer(retention.retention_app, name="retention")
app.command("chat")(chat.chat_command)
app.command("org")(chat.org_command)
app.command("import")(importing.import_command)


if __name__ == "__main__":
    app()
