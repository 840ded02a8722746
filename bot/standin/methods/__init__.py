"""The Bot API methods, by kind; importing this package registers them all (see
:mod:`bot.standin.registry`)."""

from . import account, chats, commands, edits, files, messages

__all__ = ["account", "chats", "commands", "edits", "files", "messages"]
