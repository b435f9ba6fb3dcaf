"""Transcript segments of a recording in and out of subtitle files:
``segments import`` and ``segments export`` (WebVTT ``.vtt`` or SubRip ``.srt``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import EXIT_OK, add_command, add_group, open_case


def _recording(case: Any, item_id: int) -> Any:
    from ..core.errors import BadInput

    item = case.items.get(item_id)
    if not (item.media_type.startswith(("audio/", "video/")) or item.kind in ("audio", "video")):
        raise BadInput(f"item {item_id} is {item.kind} ({item.media_type}): transcript segments "
                       "belong to audio or video")
    return item


def cmd_segments_import(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core import subtitles

    segments = subtitles.read_file(args.file)  # a malformed file is refused before the case is opened
    with open_case(args) as case:
        _recording(case, args.item_id)
        reason = args.reason or f"imported transcript {Path(args.file).name}"
        added = ops.import_segments(case, args.item_id, segments, reason).value
        print(f"{len(added)} segments added to item {args.item_id}")
    return EXIT_OK


def cmd_segments_export(args: argparse.Namespace) -> int:
    from ..core import subtitles

    fmt = subtitles.format_of(args.file)
    with open_case(args, read_only=True) as case:
        _recording(case, args.item_id)
        segments = subtitles.segments_of(case.annotations.list(args.item_id))
    text = subtitles.write(segments, fmt)
    if str(args.file) == "-":
        print(text, end="")
    else:
        Path(args.file).write_text(text, "utf-8", newline="\n")
        print(f"{len(segments)} segments written to {args.file}")
    return EXIT_OK


def register(sub: Any) -> None:
    segments = add_group(sub, "segments", "transcript segments of a recording, in and out of WebVTT/SRT")
    p = add_command(segments, "import", cmd_segments_import,
                    "add the cues of a .vtt or .srt file as transcript segments of ITEM_ID")
    p.add_argument("item_id", type=int, metavar="ITEM_ID")
    p.add_argument("file", type=Path, metavar="FILE", help="a .vtt or .srt file (UTF-8)")
    p.add_argument("--reason", default="", help="why (default: 'imported transcript FILE')")
    p = add_command(segments, "export", cmd_segments_export,
                    "write the transcript segments of ITEM_ID to a .vtt or .srt file", examiner=False,
                    writes=False)
    p.add_argument("item_id", type=int, metavar="ITEM_ID")
    p.add_argument("file", type=Path, metavar="FILE", help="ends in .vtt or .srt")
