"""The console channel: `tandem chat`, one-shot or interactive, as any person.

Interactive commands: `/help`, `/as NAME` (switch user), `/inbox` (direct messages Tandem
sent to this user), `/faq`, `/quit`. Everything else is a message to Tandem.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from sqlmodel import Session

from bot.dispatch import Core, handle_turn
from bot.identity import IdentityError, find_by_name_or_email
from bot.render.text import render_answer
from bot.turn import Turn
from storage.inbox import mark_read, messages_for
from storage.tables import Employee
from storage.types import utcnow

logger = logging.getLogger(__name__)


class ConsoleChannel:
    """A console conversation as one person, who can be switched with `/as`."""

    def __init__(self, core: Core, user: Employee, *, out: Console | None = None) -> None:
        self.core = core
        self.user = user
        self.out = out or Console(highlight=False, soft_wrap=True)

    @property
    def user_key(self) -> str:
        """The console user id: the person's email, or their external id."""
        return self.user.email or self.user.external_id

    def send(self, text: str) -> str:
        """Send one message as the current user and return the rendered replies."""
        turn = Turn(channel="console", user_id=self.user_key, text=text, thread="console")
        replies = handle_turn(self.core, turn)
        return "\n\n".join(render_answer(reply.answer) for reply in replies)

    def switch(self, name: str) -> str:
        """Become someone else; returns a line saying who."""
        with Session(self.core.engine) as session:
            try:
                self.user = find_by_name_or_email(session, name, thresholds=self.core.thresholds)
            except IdentityError as exc:
                return self.core.library.copy("console.switch_failed", reason=str(exc))
        return self.core.library.copy("console.now_as", name=self.user.name)

    def inbox(self) -> str:
        """The current user's direct messages, newest first, marked read."""
        with Session(self.core.engine) as session:
            assert self.user.id is not None
            messages = messages_for(session, self.user.id)
            if not messages:
                return self.core.library.copy("console.inbox_empty")
            lines = [
                f"[{message.created_at:%Y-%m-%d %H:%M}] ({message.kind})\n{message.body}"
                for message in messages
            ]
            mark_read(session, messages, now=utcnow())
            session.commit()
        return "\n\n".join(lines)

    def run(self, read: Callable[[str], str] = input) -> None:
        """The interactive loop; ends on /quit, end of input or Ctrl-C."""
        _enable_history(self.core.settings.var_dir / "chat-history")
        self.out.print(self.core.library.copy("console.welcome", name=self.user.name))
        while True:
            try:
                line = read(f"{self.user.name.split()[0]}> ").strip()
            except (EOFError, KeyboardInterrupt):
                self.out.print()
                return
            if not line:
                continue
            if line in ("/quit", "/exit"):
                return
            self.out.print(self._handle_line(line))

    def _handle_line(self, line: str) -> str:
        if line == "/help":
            return self.core.library.copy("console.commands") + "\n\n" + self.send("help")
        if line.startswith("/as"):
            name = line[3:].strip()
            return self.switch(name) if name else self.core.library.copy("console.as_usage")
        if line == "/inbox":
            return self.inbox()
        if line == "/faq":
            return self.send("faq")
        if line.startswith("/"):
            return self.core.library.copy("console.unknown_command", command=line.split()[0])
        return self.send(line)


def _enable_history(path: Path) -> None:
    try:
        import readline
    except ImportError:  # not on every platform; history is a convenience
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        readline.read_history_file(path)
    import atexit

    atexit.register(readline.write_history_file, path)
