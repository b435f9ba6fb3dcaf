"""Render the statements page of a report whose statements are in many scripts.

    PYTHONPATH=. python docs/screenshots/make_report_multilingual.py

Builds a small case in a temporary folder through the Case API, writes its PDF
report, and saves the page that starts section 4 (Statements) as
``report-multilingual.png`` (``pdftoppm -r 80``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# (speaker, affiliation, text): the first six fill the first statements page, so the page shows every
# script (Ukrainian, Greek and Spanish in the affiliations); the rest follow on the next page.
STATEMENTS = [
    ("سارة الحسيني", "Policía Municipal — señora Muñoz", "لا أحد يغادر المبنى قبل وصول الشرطة. قالت إن الأوامر وصلت عبر الراديو."),
    ("דוד כהן", "Національна поліція України", "השוטרים הגיעו למקום האירוע מיד, לפי עדותו."),
    ("राहुल शर्मा", "Ελληνική Αστυνομία", "पुलिस तुरंत घटनास्थल पर पहुँची और जाँच शुरू की।"),
    ("王芳", "", "警察立即赶到现场，开始调查。"),
    ("山田花子", "", "警察はすぐに現場に到着しました。"),
    ("김민준", "", "경찰이 즉시 현장에 도착했습니다 🚓 📻 👮"),
    ("Олена Ковальчук", "", "Ґрунтовна перевірка: їхні свідчення збігаються."),
    ("Νίκος Παπαδόπουλος", "", "Οι αστυνομικοί έφτασαν αμέσως στο σημείο."),
    ("Dispatcher 🎧", "", "Radio message 📻 sent 🚓 units 👮 on scene 🔥"),
    ("José Ñúñez", "", "El señor Muñoz declaró: «¿Quién ordenó la retirada?»"),
]


def main() -> int:
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Demo Investigator")
    from evidence_desk.core import report
    from evidence_desk.core.case import Case

    work = Path(tempfile.mkdtemp(prefix="ed-multilingual-"))
    try:
        case = Case.create(work / "case", "Témoignages — شهادات — 証言", "Demo Investigator", tz="UTC")
        event = case.events.add("Сцена події — מקום האירוע", when="2025-10-04 12:34", place="東京 · 서울")
        for speaker, affiliation, text in STATEMENTS:
            case.statements.add(speaker, "interview", text, affiliation=affiliation, event_ids=[event.id])
        pdf = report.write_report(case, work / "report.pdf")
        case.close()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        pages = text.split("\f")
        page = next(k for k, body in enumerate(pages, 1) if "4. Statements" in body)
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                        str(OUT / "report-multilingual")], check=True)
        print(OUT / "report-multilingual.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
