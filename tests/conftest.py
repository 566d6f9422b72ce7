"""Shared helpers: write design files into a temporary workspace and build a Config for it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workbench.config import Config


def _write_design(tmp_path: Path, name: str, source: str) -> Path:
    """Write `source` (dedented) to tmp_path/designs/<name>[.py]; return the file's path."""
    if not name.endswith(".py"):
        name += ".py"
    path = Path(tmp_path) / "designs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def write_design():
    """`write_design(tmp_path, name, source) -> Path` of tmp_path/designs/<name>.py."""
    return _write_design


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace folder that is the current directory (empty; test modules override it to add designs)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    """A workspace rooted at tmp_path: designs/, out/, templates/, png+svg, 60 s limit, 2 jobs."""
    return Config(root=tmp_path, designs=tmp_path / "designs", out=tmp_path / "out",
                  templates=tmp_path / "templates", formats=("png", "svg"), timeout=60.0, jobs=2)


def _png_bytes(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def write_png():
    """`write_png(path, rgb=(r, g, b)) -> path`: a small, valid PNG file (for `Custom` icons)."""
    def write(path: Path, rgb: tuple[int, int, int] = (200, 30, 30)) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_png_bytes(rgb=rgb))
        return path

    return write
