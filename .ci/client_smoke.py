"""Calls the demo city through a client generated from api-spec/openapi.json:
JSON comes back as models, CSV and files as bytes (the generator's
configuration reads CSV as bytes, so that the CSV imports can be sent), not
None and not an exception. Usage: client_smoke.py BASE_URL (epatrol_client on sys.path)."""

import datetime
import sys

from epatrol_client import AuthenticatedClient, Client
from epatrol_client.api.auth import login
from epatrol_client.api.org import vendor_statement_csv, vendor_statement_pdf, list_vendors
from epatrol_client.api.patrol import box_qr, coverage_csv, coverage_pdf, coverage_report, list_boxes
from epatrol_client.api.quality import (
    enforcement_csv,
    enforcement_report,
    error_rate_csv,
    error_rate_report,
    near_miss_csv,
    turnaround_csv,
)
from epatrol_client import models
from epatrol_client.models import LoginRequest, Problem
from epatrol_client.types import File

base = sys.argv[1]


def token(badge: str) -> AuthenticatedClient:
    answer = login.sync(client=Client(base_url=base), body=LoginRequest(badge=badge, password="epatrol-demo"))
    assert answer is not None and hasattr(answer, "access_token"), answer
    return AuthenticatedClient(base_url=base, token=answer.access_token, raise_on_unexpected_status=True)


def expect(value, kind, what: str):
    assert not isinstance(value, Problem), f"{what}: {value!r:.300}"
    assert isinstance(value, kind), f"{what}: {type(value).__name__} {value!r:.200}"
    return value


hq = token("A0001")
today = datetime.date.today()
month = today.strftime("%Y-%m")
year = today.year

expect(error_rate_report.sync(client=hq, from_=month, to=month, by=models.ErrorRateReportBy("unit")), object, "error rate")
csv = expect(error_rate_csv.sync(client=hq, from_=month, to=month, by=models.ErrorRateCsvBy("unit")), bytes, "error rate CSV")
assert csv.decode("utf-8-sig").startswith("key,issued"), csv[:80]
expect(near_miss_csv.sync(client=hq, from_=month, to=month, by=models.NearMissCsvBy("caught_by")), bytes, "near misses CSV")
expect(turnaround_csv.sync(client=hq, from_=month, to=month, by=models.TurnaroundCsvBy("source")), bytes, "turnaround CSV")
report = expect(enforcement_report.sync(client=hq, year=year), object, "enforcement")
assert len(report.by_violation) == 7, report
expect(enforcement_csv.sync(client=hq, year=year), bytes, "enforcement CSV")

boxes = list_boxes.sync(client=hq)
first = boxes.items[0]
qr = expect(box_qr.sync(first.id, client=hq, format_=models.BoxQrFormat("png")), File, "QR")
assert qr.payload.read(8).startswith(b"\x89PNG"), "QR is a PNG"
unit = first.unit.id
period = dict(unit_id=unit, from_=today - datetime.timedelta(days=6), to=today)
expect(coverage_report.sync(client=hq, **period), object, "coverage")
expect(coverage_csv.sync(client=hq, **period), bytes, "coverage CSV")
pdf = expect(coverage_pdf.sync(client=hq, **period), File, "coverage PDF")
assert pdf.payload.read(5) == b"%PDF-", "coverage PDF"

vendor = list_vendors.sync(client=hq)[0]
expect(vendor_statement_csv.sync(vendor.id, month, client=hq), bytes, "statement CSV")
pdf = expect(vendor_statement_pdf.sync(vendor.id, month, client=hq), File, "statement PDF")
assert pdf.payload.read(5) == b"%PDF-", "statement PDF"
print("generated client: every answer came back as its type")
