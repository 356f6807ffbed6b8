"""The bid pack: every document of a groupement rendered from one ``Pack``, zipped, stored with its SHA-256 and a
version number. An inconsistent pack is refused with the list of its problems; generating again when nothing
changed returns the stored version instead of a copy — without rendering anything: the SHA-256 of what the
documents are made from (the pack, serialised deterministically, and the templates and renderers that print it) is
kept in the ZIP's comment and compared before rendering, which takes seconds per PDF."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.consortium.documents import espd
from app.consortium.documents.build import build_pack
from app.consortium.documents.checks import problems
from app.consortium.documents.pack import Pack
from app.consortium.models import DocumentSet, Groupement
from app.consortium.workflow.audit import record
from app.errors import DomainError

RENDERER_VERSION = 1  # raise it when the documents change in a way the pack, the templates and renderers do not show
_INPUTS = b"groupement-inputs-sha256:"


class PackRefused(DomainError):
    """The pack is not fit to print; ``problems`` lists why, in French."""

    def __init__(self, found: list[str]) -> None:
        super().__init__("Documents non générés : " + " ".join(found))
        self.problems = found


def render_files(pack: Pack) -> list[tuple[str, bytes]]:
    """(file name, content) of every document, in the pack's order: PDFs, then each member's DUME."""
    from app.consortium.documents import rendering  # WeasyPrint takes a third of a second to load: not at start

    files = [(name, render()) for name, render in rendering.file_names(pack)]
    issued = datetime.combine(pack.generated_on, datetime.min.time())
    for member in pack.members:
        uuid = f"{pack.reference}-{member.party.siret}"
        files.append((espd.espd_file_name(member), espd.espd_response(pack, member, issued=issued, uuid=uuid)))
    return files


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | Decimal):
        return str(value)
    raise TypeError(f"not serialisable in a pack: {type(value).__name__}")


@cache
def _renderer_marker() -> bytes:
    """What prints a pack: the templates and the renderers' sources, with ``RENDERER_VERSION`` (read once)."""
    from app.consortium.documents import rendering  # as in render_files

    digest = hashlib.sha256(f"renderer v{RENDERER_VERSION}".encode())
    here = Path(__file__).resolve().parent
    renderers = (here / name for name in ("rendering.py", "espd.py", "espd_criteria.py"))
    for path in (*sorted(rendering.TEMPLATES.rglob("*")), *renderers):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def inputs_digest(pack: Pack) -> str:
    """The SHA-256 of what the documents are rendered from: the same digest, the same files."""
    text = json.dumps(dataclasses.asdict(pack), sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(_renderer_marker() + text.encode()).hexdigest()


def stored_inputs(document_set: DocumentSet) -> str | None:
    """The inputs digest a stored version was rendered from; None for a version stored before it was kept."""
    with zipfile.ZipFile(io.BytesIO(document_set.archive)) as bundle:
        comment = bundle.comment
    return comment.removeprefix(_INPUTS).decode("ascii", "replace") if comment.startswith(_INPUTS) else None


def archive(files: list[tuple[str, bytes]], day: date, inputs: str | None = None) -> bytes:
    """A ZIP whose bytes depend only on the files, the day and the ``inputs`` digest kept in its comment: the same
    pack gives the same SHA-256."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        if inputs is not None:
            bundle.comment = _INPUTS + inputs.encode("ascii")
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, content)
    return buffer.getvalue()


def generate(session: Session, groupement: Groupement, user: User | None, today: date) -> tuple[DocumentSet, bool]:
    """The groupement's documents as a new version, or the latest one when nothing changed (second value False):
    nothing is rendered when the pack's inputs digest is the latest version's."""
    # One generation of a groupement at a time: a second one waits, then finds this version up to date.
    session.execute(select(Groupement.id).where(Groupement.id == groupement.id).with_for_update())
    pack = build_pack(session, groupement, today)
    found = problems(pack)
    if found:
        raise PackRefused(found)
    inputs = inputs_digest(pack)
    latest = latest_set(session, groupement.id)
    if latest is not None and stored_inputs(latest) == inputs:
        return latest, False
    files = render_files(pack)
    listed = [{"name": n, "sha256": hashlib.sha256(c).hexdigest(), "size": len(c)} for n, c in files]
    if latest is not None and latest.files == listed:  # a version stored before its inputs were kept
        return latest, False
    content = archive(files, today, inputs)
    digest = hashlib.sha256(content).hexdigest()
    version = (latest.version if latest is not None else 0) + 1
    document_set = DocumentSet(
        groupement_id=groupement.id,
        version=version,
        draft=pack.draft,
        files=listed,
        sha256=digest,
        archive=content,
        created_by_id=user.id if user else None,
    )
    session.add(document_set)
    kind = "projet" if pack.draft else "définitifs"
    record(groupement, user, "documents", f"Documents ({kind}) version {version}, SHA-256 {digest[:12]}…")
    session.flush()
    return document_set, True


def latest_set(session: Session, groupement_id: int) -> DocumentSet | None:
    return session.scalar(
        select(DocumentSet).where(DocumentSet.groupement_id == groupement_id).order_by(DocumentSet.version.desc())
    )


def read_file(document_set: DocumentSet, name: str) -> bytes | None:
    """One file of a stored pack, or None when the pack has no such file."""
    if name not in {f["name"] for f in document_set.files}:
        return None
    with zipfile.ZipFile(io.BytesIO(document_set.archive)) as bundle:
        return bundle.read(name)
