"""The pieces' files: checked, then kept outside the web root.

A file is accepted when it is not empty, not larger than ``WORKSPACE_UPLOAD_MAX_BYTES`` (10 Mo by default), has
a plain name (no path: a name with ``/``, ``\\``, ``..`` or a control character is refused), and its first bytes
say PDF (``%PDF-``), JPEG or PNG — whatever its extension says (a renamed ``.exe`` is refused). Each refusal is one
French sentence, and nothing is written.

Kept in ``WORKSPACE_UPLOAD_DIR`` (by default ``pieces/`` in the application's instance folder, which is not
served), named by the SHA-256 of its content under a folder of its first two digits: never by the name the person
gave. The same content uploaded twice is kept once. A file is written before the transaction that records it
commits; should that transaction fail, the file stays unreferenced (harmless, never served)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.errors import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
FIELD = "piece"
MISSING = "Choisissez un fichier à déposer."
EMPTY = "Le fichier est vide."
WRONG_TYPE = "Seuls les fichiers PDF, JPEG et PNG sont acceptés : ce fichier n'en est pas un (d'après son contenu)."
BAD_NAME = "Nom de fichier refusé : donnez au fichier un nom simple, sans chemin ni caractère spécial."
NOT_WRITTEN = "Le fichier n'a pas pu être enregistré sur le serveur ; réessayez dans un instant."
_SHA256 = re.compile(r"[0-9a-f]{64}")


def too_large(max_bytes: int) -> str:
    return f"Le fichier dépasse la taille autorisée ({megabytes(max_bytes)} Mo au plus)."


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


@dataclass(frozen=True)
class Checked:
    """A file that may be kept."""

    content: bytes
    content_type: str
    sha256: str
    file_name: str  # the person's name for it, for the list only

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def sniff(content: bytes) -> str | None:
    """The type the first bytes say, among those accepted; None for anything else."""
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def plain_name(name: str) -> str | None:
    """The name when it is a plain file name, else None."""
    name = name.strip()
    if not name or len(name) > 255 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return None
    if "/" in name or "\\" in name or ".." in name or name.startswith(".") or ":" in name:
        return None
    return name


def check(content: bytes | None, name: str | None, max_bytes: int) -> Checked:
    """The file if it may be kept, else a ``DomainError`` on the ``piece`` field. ``content`` is what was read of
    the upload, at most ``max_bytes + 1`` bytes (more says it is too large)."""
    if content is None or not (name or "").strip():
        raise DomainError(MISSING, field=FIELD)
    clean = plain_name(name or "")
    if clean is None:
        raise DomainError(BAD_NAME, field=FIELD)
    if not content:
        raise DomainError(EMPTY, field=FIELD)
    if len(content) > max_bytes:
        raise DomainError(too_large(max_bytes), field=FIELD)
    content_type = sniff(content)
    if content_type is None:
        raise DomainError(WRONG_TYPE, field=FIELD)
    return Checked(content, content_type, hashlib.sha256(content).hexdigest(), clean[-120:])


def max_bytes() -> int:
    return int(current_app.config.get("WORKSPACE_UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def directory() -> Path:
    configured = current_app.config.get("WORKSPACE_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "pieces"


def _path(folder: Path, sha256: str) -> Path:
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return folder / sha256[:2] / sha256


def save(checked: Checked, folder: Path | None = None) -> Path:
    """Write the file (atomically: a temporary file renamed) unless the same content is already kept."""
    path = _path(folder or directory(), checked.sha256)
    if path.is_file():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(checked.content)
        os.replace(temporary, path)
    except OSError as error:
        raise DomainError(NOT_WRITTEN, field=FIELD) from error
    return path


def stored(sha256: str, folder: Path | None = None) -> Path | None:
    """The kept file of that SHA-256, or None when it is not (or no longer) there."""
    try:
        path = _path(folder or directory(), sha256)
    except ValueError:
        return None
    return path if path.is_file() else None


def kept_files(folder: Path | None = None) -> list[Path]:
    """Every kept file (for the tests and the operator)."""
    root = folder or directory()
    return sorted(p for p in root.glob("??/*") if p.is_file() and _SHA256.fullmatch(p.name))
