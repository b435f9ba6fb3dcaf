"""Copy the app's screenshots into the user guide, smaller: resources/help/images/.

The guide (resources/help/*.html) shows the screenshots of docs/screenshots/.
Each is scaled to at most WIDTH pixels and stored with a 256-colour palette (no dithering),
which keeps the bundled guide small while the text in it stays legible.

    QT_QPA_PLATFORM=offscreen python tools/make_help_images.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"
IMAGES = ROOT / "resources" / "help" / "images"
WIDTH = 760  # the guide's pages show them at this size: no scaling when shown
#: the screenshots the guide's pages show
USED = ("main-window", "intake-dialog", "inspector-custody", "claims", "viewer-audio", "viewer-scan",
        "verify-result", "report-page-1", "review-mode", "reviewer-judgement", "feedback-received")


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name in USED:
        source = SCREENSHOTS / f"{name}.png"
        image = QImage(str(source))
        if image.isNull():
            print(f"missing {source}", file=sys.stderr)
            return 1
        if image.width() > WIDTH:
            image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
        # a palette without dithering: flat UI colours stay flat, and the text stays crisp
        flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
        image = image.convertToFormat(QImage.Format.Format_Indexed8, flags)
        out = IMAGES / f"{name}.png"
        image.save(str(out), "PNG", 9)
        print(f"{out.relative_to(ROOT)}: {image.width()}x{image.height()}, {out.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
