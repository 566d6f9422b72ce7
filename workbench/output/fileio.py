"""Atomic file writes: write beside the target, then rename, so nobody sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workbench.errors import WorkbenchError


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path`; a path that cannot be written is a WorkbenchError naming it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        why = "a file is in the way of its folder" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise WorkbenchError(f"cannot write {path}: {why}; choose another file or folder") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; honour the user's umask like open() would
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WorkbenchError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
