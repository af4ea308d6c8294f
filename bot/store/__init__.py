"""The store: the only code that speaks SQL. See `Store`."""

from bot.store.store import Store

__all__ = ["Store"]
