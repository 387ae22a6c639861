"""Reading the files an import names: only regular files, and never more than a limit.

A FIFO, a device or a /proc file named by mistake must neither hang validation nor fill its
memory. So the type and size are checked before reading, the file is opened so that opening
cannot wait, and at most one byte past the limit is ever read.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path, PurePath


class NotAFile(Exception):
    """A folder, FIFO, device or socket where a file was expected."""


class Outside(Exception):
    """A path that leaves the YAML file's folder: absolute, with '..', or through a link."""

    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how  # "absolute", "parent" or "link"


class TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size  # None: more than the limit, by how much is not known


def read_limited(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.
    Raises NotAFile, TooLarge, or OSError when the file cannot be opened."""
    _check(os.stat(path, follow_symlinks=follow_links), limit)
    # O_NONBLOCK: a FIFO put in its place since the check cannot make open() wait for a writer
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    with open(os.open(path, flags), "rb") as file:
        _check(os.fstat(file.fileno()), limit)  # the file opened is a file checked
        data = file.read(limit + 1)  # files in /proc say they are empty: read no more than this
    if len(data) > limit:
        raise TooLarge(None)
    return data


def read_beside(yaml_path: Path, relative: str, limit: int) -> bytes:
    """The bytes of a file a YAML file names, in its folder or one below. A YAML file may not
    reach any other file the process can read, nor make validation wait on a FIFO or read a
    device forever. Raises Outside, NotAFile, TooLarge, or OSError (also for no such file),
    RuntimeError (a link loop) or ValueError (a NUL character in the name)."""
    written = PurePath(relative)
    if written.is_absolute():
        raise Outside("absolute")
    if ".." in written.parts:
        raise Outside("parent")
    folder = yaml_path.parent.resolve()
    path = (folder / written).resolve(strict=True)  # links followed, to see where they go
    if not path.is_relative_to(folder):
        raise Outside("link")
    return read_limited(path, limit, follow_links=False)


def too_large(size: int | None, limit: int) -> str:
    """'too large: at most 2 MB; this file is 2.1 MB'. The size is rounded up, so a file just
    past the limit never reads as within it."""
    found = f"{math.ceil(size / 100_000) / 10:g} MB" if size is not None else "larger"
    return f"too large: at most {limit / 1_000_000:g} MB; this file is {found}"


def _check(status: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise NotAFile
    if status.st_size > limit:
        raise TooLarge(status.st_size)
