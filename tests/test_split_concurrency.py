"""Ten editors save the split of one groupement at once, each from the version they all read, against the real
threaded server (``tests/test_concurrency.py``'s): no 500, one save goes through, every other is refused with the
French message — never merged — and the groupement has one new version, one of those posted."""

from __future__ import annotations

from sqlalchemy import select

from app.consortium.split.models import SplitLine, SplitVersion
from tests.consortium_data import ROOF
from tests.security_expectations import SPLIT
from tests.security_world import EMAILS
from tests.test_concurrency import PARALLEL, Client, in_parallel, no_rate_limits, served, statuses

__all__ = ["no_rate_limits", "served"]  # the fixtures, shared with tests/test_concurrency.py


def test_parallel_saves_of_the_split_make_one_version(served):
    ids = served.ids
    page = f"/groupements/{ids.groupement}/repartition"
    filled = {key.format(**vars(ids)): value.format(**vars(ids)) for key, value in SPLIT.items()}
    roof, plumbing = f"ligne_{ids.lot2}_0_montant", f"ligne_{ids.lot2}_1_montant"

    def editor(n: int):
        client = Client(served.base).login(EMAILS["admin"])
        data = filled | {"csrf_token": client.token(page), roof: f"{90_000 + n}", plumbing: f"{110_000 - n}"}
        return "save", lambda: client.request(page, data)

    results = in_parallel([editor(n) for n in range(PARALLEL)])
    assert statuses(results) <= {302, 422}
    assert sum(1 for _, status, _ in results if status == 302) == 1
    refused = [body for _, status, body in results if status == 422]
    assert len(refused) == PARALLEL - 1
    assert all("modifiée entre-temps" in body for body in refused)
    query = select(SplitVersion.number, SplitLine.amount_cents).join(SplitLine, SplitLine.version_id == SplitVersion.id)
    query = query.where(SplitVersion.groupement_id == ids.groupement, SplitLine.requirement == ROOF)
    saved = served.db(lambda s: s.execute(query).all())
    assert len(saved) == 1 and saved[0][0] == 1 and 9_000_000 <= saved[0][1] < 9_000_000 + PARALLEL * 100
