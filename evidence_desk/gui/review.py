"""Review mode: open a sealed review packet read-only, as oversight staff do.

The packet is verified first (signature, every hash, the custody chain) and
opened from a cache as a read-only case; the reviewer's own notes are kept
beside the packet, never inside it, and can be exported signed with the
reviewer's key. The core work is in :mod:`evidence_desk.core.packet.review`.
"""

from __future__ import annotations

from pathlib import Path

from ..core.packet import format as packet_format
from ..core.records import JournalNote
from .plain import esc


def review_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("Evidence Desk", "Evidence Desk")) / "review packets"


def packet_path_from_choice(chosen: str) -> Path:
    """A chosen ``bagit.txt`` stands for its folder; a zip is the packet itself."""
    path = Path(chosen)
    return path.parent if path.name == packet_format.BAGIT else path


def notes_for_pane(session) -> list[JournalNote]:  # noqa: ANN001 - ReviewSession, imported lazily
    """The case's journal and the reviewer's notes, in time order, for the journal pane."""
    from ..core.packet.review import review_notes

    notes = list(session.case.journal.list())
    notes += [JournalNote(id=0, at=n.at, author=f"{n.reviewer} (review note)", text=n.text,
                          event_id=n.event_id, item_id=n.item_id) for n in review_notes(session)]
    return sorted(notes, key=lambda n: n.at)


def banner_text(session) -> str:  # noqa: ANN001
    r = session.report
    return (f"<b>Review mode:</b> packet <i>{esc(session.packet.name)}</i> verified — signature valid "
            f"(case key {esc(r.fingerprint)}), {r.files_hashed} files rehashed, {r.custody_entries} custody entries "
            f"chained. Nothing in it can be changed; your notes are kept beside the packet "
            f"({esc(session.notes_path.name)}) and can be exported signed (File ▸ Export Review Notes).")
