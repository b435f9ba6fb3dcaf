"""Keyset pages (continue after the last row seen) concatenate to exactly the full sorted list."""

from __future__ import annotations

import pytest

from evidence_desk.core.case import Case
from evidence_desk.core.errors import BadInput
from evidence_desk.core.items import KEYSET_SORTS, keyset_after


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    root = tmp_path_factory.mktemp("keyset")
    c = Case.create(root / "case", "Keyset paging", "Test Examiner")
    event = c.events.add("Stand-down order", when="2025-10-04 12:34")
    # ties in every sort key: repeated names (differing only in case too), kinds, sizes, examiners
    names = ["memo.txt", "Memo.txt", "audio.flac", "memo.txt", "zeta.txt", "alpha.txt", "MEMO.TXT"]
    for n in range(40):
        folder = root / f"f{n}"
        folder.mkdir()
        path = folder / names[n % len(names)]
        path.write_bytes(b"x" * (n % 5) + bytes([n]))
        c.items.import_file(path, kind=("document", "scan")[n % 2], event_ids=[event.id] if n % 4 == 0 else [],
                      description=f"copy {n}" + (" dispatcher" if n % 3 == 0 else ""),
                      acquired_at=f"2025-10-0{n % 3 + 1}T12:00:00Z")
    yield c
    c.close()


FILTERS = [{}, {"text": "dispatcher"}, {"kind": "scan"}, {"event_id": 1}]


@pytest.mark.parametrize("sort", sorted(KEYSET_SORTS))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("filters", FILTERS, ids=["all", "text", "kind", "event"])
def test_keyset_pages_equal_one_full_query(case: Case, sort: str, descending: bool, filters: dict) -> None:
    full = [i.id for i in case.items.list(sort=sort, descending=descending, **filters)]
    assert full, "the filter must leave rows to page through"
    for page_size in (1, 3, 7):
        seen: list[int] = []
        after = None
        while True:
            page = case.items.list(sort=sort, descending=descending, limit=page_size, after=after, **filters)
            if not page:
                break
            seen.extend(i.id for i in page)
            after = keyset_after(page[-1], sort)
        assert seen == full, (sort, descending, filters, page_size)


def test_keyset_needs_a_single_column_sort(case: Case) -> None:
    item = case.items.list(limit=1)[0]
    assert keyset_after(item, "grade") is None and keyset_after(item, "source") is None
    with pytest.raises(BadInput):
        case.items.list(sort="grade", after=(None, item.id), limit=5)
    with pytest.raises(BadInput):
        case.items.list(sort="name", after=("memo.txt", item.id), offset=5, limit=5)

