"""Reading a Slack export, a zip or an unpacked folder, one file at a time.

Nothing is unpacked to disk and no more than one file is held in memory: a zip member is
decompressed as it is read, which keeps memory flat whatever the size of the export.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

# A day file is one channel's day; one bigger than this is not a Slack export's.
MAX_FILE = 256 * 1024 * 1024


class ExportError(Exception):
    """The export as a whole cannot be imported; the message says why, in one line."""


class MalformedFile(Exception):
    """One file of the export cannot be read as what it should be."""


@dataclass(frozen=True)
class Member:
    """One JSON file of the export."""

    path: str  # inside the export, `/`-separated: `general/2024-01-31.json`
    size: int
    fingerprint: str  # changes when the file does: size with CRC (zip) or mtime (folder)

    @property
    def folder(self) -> str:
        """The channel folder of a day file ("" for the top-level files)."""
        return self.path.rpartition("/")[0]


class ExportSource(Protocol):
    """A zip or a folder, read file by file."""

    def members(self) -> list[Member]:
        """Every JSON file, sorted by path."""
        ...

    def read(self, member: Member) -> bytes:
        """The bytes of one file (MalformedFile if they cannot be had)."""
        ...

    def close(self) -> None:
        """Let go of the file."""
        ...


class ZipExport:
    """An export as Slack hands it out: one zip."""

    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
            raise ExportError(
                f"{path} is not a complete zip file (truncated or damaged); nothing was imported"
            ) from None
        names = [i.filename for i in self.zip.infolist() if not i.is_dir()]
        # Some tools wrap the export in one more folder: its root is where users.json is.
        tops = sorted((n for n in names if n.rpartition("/")[2] == "users.json"), key=len)
        self.prefix = tops[0][: -len("users.json")] if tops else ""

    def members(self) -> list[Member]:
        """Every JSON file under the export's root, sorted by path."""
        found = [
            Member(
                info.filename[len(self.prefix) :],
                info.file_size,
                f"zip:{info.CRC:08x}:{info.file_size}",
            )
            for info in self.zip.infolist()
            if not info.is_dir()
            and info.filename.startswith(self.prefix)
            and info.filename.endswith(".json")
        ]
        return sorted(found, key=lambda m: m.path)

    def read(self, member: Member) -> bytes:
        """One member, decompressed; a damaged one is MalformedFile."""
        if member.size > MAX_FILE:
            raise MalformedFile(f"{member.path}: larger than {MAX_FILE >> 20} MB")
        try:
            with self.zip.open(self.prefix + member.path) as handle:
                return handle.read()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise MalformedFile(f"{member.path}: damaged in the zip ({exc})") from None

    def close(self) -> None:
        """Close the zip."""
        self.zip.close()


class FolderExport:
    """An export someone unpacked."""

    def __init__(self, path: Path) -> None:
        self.root = path

    def members(self) -> list[Member]:
        """Every JSON file under the folder, sorted by path."""
        found = []
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                if name.endswith(".json"):
                    full = Path(folder, name)
                    stat = full.stat()
                    path = full.relative_to(self.root).as_posix()
                    found.append(
                        Member(path, stat.st_size, f"file:{stat.st_size}:{stat.st_mtime_ns}")
                    )
        return sorted(found, key=lambda m: m.path)

    def read(self, member: Member) -> bytes:
        """One file's bytes; an unreadable one is MalformedFile."""
        if member.size > MAX_FILE:
            raise MalformedFile(f"{member.path}: larger than {MAX_FILE >> 20} MB")
        try:
            return (self.root / member.path).read_bytes()
        except OSError as exc:
            raise MalformedFile(f"{member.path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        """Nothing to close."""


def open_export(path: str) -> ExportSource:
    """The export at `path`: a zip file or an unpacked folder."""
    where = Path(path)
    if where.is_dir():
        return FolderExport(where)
    if where.is_file():
        return ZipExport(where)
    raise ExportError(f"no export at {path} (give a Slack export's zip file or its folder)")


def load_json(source: ExportSource, member: Member) -> Any:
    """One file's JSON; MalformedFile, with the path and what is wrong, if it is not JSON."""
    data = source.read(member)
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise MalformedFile(
            f"{member.path}: not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    except UnicodeDecodeError:
        raise MalformedFile(f"{member.path}: not UTF-8 text") from None
