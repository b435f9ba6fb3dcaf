"""Sources: who or what evidence and statements come from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from .errors import BadInput, UnknownRecord
from .records import Source
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class Sources:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, name: str, kind: str = "other", description: str = "") -> Source:
        name = name.strip()
        if not name:
            raise BadInput("a source needs a name")
        q.check_choice("source kind", kind, store.SOURCE_KINDS)
        with self.case.change():
            if self.case.scalar("SELECT id FROM source WHERE name = ?", name) is not None:
                raise BadInput(f"a source named {name!r} already exists")
            source_id = self.case.insert("source", {"name": name, "kind": kind, "description": description,
                                                  "created_at": now_text(),
                                                  "created_by": self.case.examiner})
            self.case.log("source_added", target_type="source", target_id=source_id,
                      details={"name": name, "kind": kind, "description": description})
        return self.get(source_id)

    def id_for(self, name: str | None) -> int | None:
        """The id of the source called ``name``, adding it if new; None for no name."""
        if name is None or not name.strip():
            return None
        with self.case.lock:
            found = self.case.scalar("SELECT id FROM source WHERE name = ?", name.strip())
            return found if found is not None else self.add(name).id

    def get(self, source_id: int) -> Source:
        rows = self._rows("WHERE source.id = ?", [source_id])
        if not rows:
            raise UnknownRecord(f"no source with id {source_id}")
        return rows[0]

    def list(self) -> list[Source]:
        return self._rows("ORDER BY source.name COLLATE NOCASE", [])

    def _rows(self, tail: str, params: list[Any]) -> list[Source]:
        rows = self.case.rows(f"""SELECT source.*, (SELECT reliability FROM grade WHERE target_type = 'source'
                    AND target_id = source.id AND reliability IS NOT NULL ORDER BY id DESC LIMIT 1)
                    AS reliability FROM source {tail}""", params)
        return [Source(id=r["id"], name=r["name"], kind=r["kind"], description=r["description"],
                       reliability=r["reliability"], created_at=r["created_at"],
                       created_by=r["created_by"]) for r in rows]
