"""What every area of `Store` relies on: reads, writes and the clock. `Store` provides them;
the areas (capture, directory, inbox, digests, asking, Home, review, figures, imports, graph) are
mixins that only declare them here."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.store.twins import Backend, twin

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class Plumbing:
    """The reads, writes and clock `Store` gives its areas."""

    _clock: Callable[[], float]
    _backend: Backend = "sqlite"

    def _sql(self, fn: F) -> F:
        """This store's twin of a SQLite-floor function. `_read` and `_write` apply it to the
        function they are given; a verb's own closure applies it to each function it calls."""
        return twin(fn, self._backend)

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def _write_alone(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def _read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def _write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    def _submit_write(self, fn: Callable[[Database], T]) -> Future[T]:
        raise NotImplementedError
