"""Uploaded files: Slack's external upload flow, and the file objects it answers with.

files.getUploadURLExternal issues a single-use upload URL on the local Slack itself; the client
POSTs the bytes there (raw, or as a multipart form) and gets `OK - <bytes>` as text/plain, as
slack_sdk expects; files.completeUploadExternal then shares the file into channels.
"""

from __future__ import annotations

import mimetypes
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import BodyPartReader, web

from .types import JSON
from .util import new_id

MAX_FILE = 1024**3  # Slack's own limit per file, 1 GB
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


@dataclass
class StoredFile:
    """One file from its upload URL on: what was declared, received and shared."""

    id: str
    name: str
    length: int
    user: str
    ticket: str
    alt_txt: str | None = None
    title: str | None = None
    data: bytes | None = None
    completed: bool = False
    created: int = field(default_factory=lambda: int(time.time()))
    shares: dict[str, list[str]] = field(default_factory=dict)  # channel id -> message ts


class Uploads:
    """Every file of the workspace, by id and by the ticket of its upload URL."""

    def __init__(self) -> None:
        """Start with no files; uploads up to Slack's 1 GB limit."""
        self.files: dict[str, StoredFile] = {}
        self._tickets: dict[str, str] = {}
        self.max_bytes = MAX_FILE

    def issue(self, name: str, length: int, user: str, alt_txt: str | None) -> StoredFile:
        """A new file waiting for its bytes at a fresh upload ticket."""
        stored = StoredFile(
            new_id("F", 10), name, length, user, secrets.token_urlsafe(24), alt_txt=alt_txt
        )
        self.files[stored.id] = stored
        self._tickets[stored.ticket] = stored.id
        return stored

    def waiting(self, ticket: str) -> StoredFile | None:
        """The file an upload ticket is for, while the upload is still open."""
        stored = self.files.get(self._tickets.get(ticket, ""))
        return stored if stored is not None and not stored.completed else None

    def complete(self, stored: StoredFile, title: str | None) -> None:
        """The upload is finished: its URL is spent and the file can be shared."""
        stored.completed = True
        stored.title = title or stored.name
        self._tickets.pop(stored.ticket, None)


async def read_upload(request: web.Request, limit: int) -> bytes | None:
    """The uploaded bytes (raw body or a multipart form's file), or None past `limit` bytes."""
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.filename is not None:
                return await _bounded(part.read_chunk, limit)
        return b""
    return await _bounded(request.content.read, limit)


async def _bounded(read: Callable[[int], Awaitable[bytes]], limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None  # stop reading: the rest of a too-large upload is never buffered
        chunks.append(chunk)


async def handle_upload(uploads: Uploads, request: web.Request) -> web.Response:
    """POST to an upload URL: 200 `OK - <bytes>`, or an error status with a text reason."""
    stored = uploads.waiting(request.match_info["ticket"])
    if stored is None:
        return web.Response(status=404, text="upload url not found or already used")
    data = await read_upload(request, stored.length)
    if data is None:
        return web.Response(status=413, text=f"more than the {stored.length} bytes declared")
    if not data:
        return web.Response(status=400, text="empty upload")
    stored.data = data
    return web.Response(text=f"OK - {len(data)}", content_type="text/plain")


def _png_size(data: bytes | None) -> tuple[int, int] | None:
    if data is None or not data.startswith(PNG_HEAD) or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _shares(stored: StoredFile, private: set[str]) -> JSON:
    shares: JSON = {}
    for channel, stamps in stored.shares.items():
        kind = "private" if channel in private else "public"
        shares.setdefault(kind, {})[channel] = [{"ts": ts} for ts in stamps]
    return shares


def file_object(base_url: str, team_id: str, stored: StoredFile, private: set[str]) -> JSON:
    """A file as the Web API shows it (`private`: which sharing channels are private)."""
    ext = stored.name.rsplit(".", 1)[-1].lower() if "." in stored.name else "binary"
    mime = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    path = f"{team_id}-{stored.id}/{stored.name}"
    obj: JSON = {
        "id": stored.id,
        "created": stored.created,
        "timestamp": stored.created,
        "name": stored.name,
        "title": stored.title or stored.name,
        "mimetype": mime,
        "filetype": ext,
        "pretty_type": ext.upper(),
        "user": stored.user,
        "user_team": team_id,
        "editable": False,
        "size": len(stored.data or b""),
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": bool(set(stored.shares) - private),
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": f"{base_url}files-pri/{path}",
        "url_private_download": f"{base_url}files-pri/{path}?download=1",
        "permalink": f"{base_url}files/{stored.user}/{stored.id}/{stored.name}",
        "channels": sorted(c for c in stored.shares if c not in private),
        "groups": sorted(c for c in stored.shares if c in private),
        "ims": [],
        "shares": _shares(stored, private),
        "file_access": "visible",
    }
    if stored.alt_txt:
        obj["alt_txt"] = stored.alt_txt
    size = _png_size(stored.data)
    if size is not None:
        obj["original_w"], obj["original_h"] = size
    return obj
