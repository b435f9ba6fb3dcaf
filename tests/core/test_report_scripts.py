"""Every script in the report: statements in Arabic, Hebrew, Ukrainian, Greek, Hindi, Chinese,
Japanese, Korean, emoji and accented Spanish are drawn with glyphs of embedded fonts and come back
out of the PDF as they went in.

What is compared: ``pdftotext -enc UTF-8`` output, with the directional embedding marks poppler
adds around right-to-left stretches (U+202A-U+202E) taken out and runs of white space made one
space. Right-to-left statements are pure right-to-left text (no digits or Latin inside), so the
logical order pdftotext gives back is the order they were written in.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from evidence_desk.core import report
from evidence_desk.core.case import Case
from evidence_desk.core.report import fonts, textruns

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")

STATEMENTS = {
    "Arabic": "لا أحد يغادر المبنى قبل وصول الشرطة",
    "Hebrew": "השוטרים הגיעו למקום האירוע מיד",
    "Ukrainian": "Ґрунтовна перевірка: їхні свідчення збігаються",
    "Greek": "Οι αστυνομικοί έφτασαν αμέσως στο σημείο",
    "Hindi": "पुलिस तुरंत घटनास्थल पर पहुँची और जाँच शुरू की",
    "Chinese": "警察立即赶到现场，开始调查。",
    "Japanese": "警察はすぐに現場に到着しました",
    "Korean": "경찰이 즉시 현장에 도착했습니다",
    "Emoji": "Radio message 📻 sent 🚓 units 👮 on scene 🔥",
    "Spanish": "El señor Muñoz declaró: «¿Quién ordenó la retirada?» — acción inmediata",
}
SPEAKERS = {
    "Arabic": "سارة الحسيني", "Hebrew": "דוד כהן", "Ukrainian": "Олена Ковальчук", "Greek": "Νίκος Παπαδόπουλος",
    "Hindi": "राहुल शर्मा", "Chinese": "王芳", "Japanese": "山田花子", "Korean": "김민준", "Emoji": "Dispatcher 🎧",
    "Spanish": "José Ñúñez",
}
_POPPLER_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e"))


def _extracted(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", " ", out.translate(_POPPLER_MARKS))


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("scripts")
    files = root / "files"
    files.mkdir()
    case = Case.create(root / "case", "Témoignages — شهادات — 証言", "Ada Examiner", tz="UTC")
    event = case.events.add("Сцена події — מקום האירוע", when="2025-10-04 12:34", place="東京 · 서울")
    for script, text in STATEMENTS.items():
        case.statements.add(SPEAKERS[script], "interview", text, event_ids=[event.id])
    (files / "تقرير.txt").write_text("نص", "utf-8")
    case.items.import_file(files / "تقرير.txt", event_ids=[event.id], description=STATEMENTS["Hindi"])
    yield case
    case.close()


@pytest.fixture(scope="module")
def editions(multilingual, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("out")
    pdf, html = out / "report.pdf", out / "report.html"
    report.write_reports(multilingual, [pdf, html])
    return pdf, html


@pytest.mark.parametrize("script", list(STATEMENTS))
def test_each_statement_extracts_from_the_pdf_as_written(editions, script) -> None:
    text = _extracted(editions[0])
    assert STATEMENTS[script] in text, f"{script} statement not extracted whole"
    assert SPEAKERS[script] in text


def test_names_in_other_scripts_survive_in_headings_tables_and_titles(editions) -> None:
    text = _extracted(editions[0])
    assert "تقرير.txt" in text  # an item's name, in the summary table
    assert "Сцена події — מקום האירוע" in text  # an event title, in a paragraph cell
    assert "東京 · 서울" in text


def test_the_pdf_embeds_a_face_for_each_script(editions) -> None:
    out = subprocess.run(["pdffonts", str(editions[0])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out  # the "emb" column
    for face in ("NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "DroidSansFallback", "NotoEmoji",
                 "DejaVuSans"):
        assert face in out, f"{face} not embedded"


def test_no_character_is_left_without_a_glyph() -> None:
    for script, text in STATEMENTS.items():
        for ch in text:
            if unicodedata.category(ch) in ("Zs", "Mn", "Mc", "Cf"):
                continue
            face = fonts.face_for(ord(ch), fonts.SANS)
            assert ord(ch) in fonts.coverage(face), f"{script}: no bundled face draws {ch!r} (U+{ord(ch):04X})"


def test_arabic_is_shaped_and_laid_out_right_to_left() -> None:
    fonts.register()
    word = "سلام"
    (piece,) = textruns.layout(word, fonts.SANS)
    assert piece.font == fonts.ARABIC
    glyphs = [fonts.face(piece.font).face.charToGlyph[ord(c)] for c in piece.text]
    plain = [fonts.face(piece.font).face.charToGlyph[ord(c)] for c in word]
    assert glyphs != plain and glyphs != plain[::-1]  # joining forms, not the isolated letters
    first = textruns.layout("אב", fonts.SANS)[0].text  # Hebrew: letters drawn right to left
    assert first == "בא"


def test_bidi_controls_in_case_text_steer_nothing_and_stay_visible() -> None:
    fonts.register()
    spoof = "invoice\u202etxt.exe"
    pieces = textruns.layout(spoof, fonts.SANS)
    glyph_of = fonts.face(fonts.SANS).face.charToGlyph
    drawn = [glyph_of[ord(c)] for p in pieces for c in p.text]
    expected = [glyph_of[ord(c)] for c in "invoice"] + [0] + [glyph_of[ord(c)] for c in "txt.exe"]
    assert drawn == expected  # in the order written, the RLO drawn as the missing-glyph box


def test_html_isolates_case_strings_and_embeds_faces_for_their_scripts(editions) -> None:
    html = editions[1].read_text("utf-8")
    assert '<html lang="en" dir="ltr">' in html
    for script, text in STATEMENTS.items():
        assert f'<p class="quote" dir="auto">{text}</p>' in html, script
        assert f"<bdi>{SPEAKERS[script]}</bdi>" in html, script
    faces = re.findall(r'font-family: "([^"]+)"; src: url\(data:font/', html)
    assert {"ED Arabic", "ED Hebrew", "ED Devanagari", "ED CJK", "ED Emoji"} <= set(faces)
