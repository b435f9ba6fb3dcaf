"""Transcript segments to and from WebVTT and SubRip (SRT) files.

Times are whole milliseconds. The speaker travels as a voice span in WebVTT
(``<v Officer Diaz>text``) and as a ``Speaker: text`` prefix in SRT. A file
that cannot be read raises :class:`SubtitleError` naming the line, never a
traceback. No Qt here: the CLI and the viewers share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput

FORMATS = ("vtt", "srt")


@dataclass(frozen=True)
class Segment:
    """One transcript line: from ``start_ms`` to ``end_ms``, who spoke, what was said."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str = ""


class SubtitleError(BadInput):
    """A subtitle file that does not follow its format; says where."""

    def __init__(self, message: str, line: int | None = None, name: str = "") -> None:
        where = f"{name}: " if name else ""
        where += f"line {line}: " if line is not None else ""
        super().__init__(where + message)
        self.line = line


# --- times ---------------------------------------------------------------------

_VTT_TIME = re.compile(r"^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_SRT_TIME = re.compile(r"^(\d+):([0-5]\d):([0-5]\d),(\d{3})$")
_ARROW = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(.*)$")


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def vtt_time(ms: int) -> str:
    """``00:01:02.345``."""
    hours, rest = divmod(max(0, int(ms)), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def srt_time(ms: int) -> str:
    """``00:01:02,345``."""
    return vtt_time(ms).replace(".", ",")


def _parse_time(text: str, pattern: re.Pattern[str], example: str, line: int, name: str) -> int:
    found = pattern.match(text)
    if found is None:
        raise SubtitleError(f"{text!r} is not a time like {example}", line, name)
    return _ms(*found.groups())


def _timing(text: str, fmt: str, line: int, name: str) -> tuple[int, int]:
    found = _ARROW.match(text)
    if found is None:
        raise SubtitleError(f"expected a timing line 'start --> end', found {text[:60]!r}", line, name)
    pattern, example = (_VTT_TIME, "00:01:02.345") if fmt == "vtt" else (_SRT_TIME, "00:01:02,345")
    start = _parse_time(found.group(1), pattern, example, line, name)
    end = _parse_time(found.group(2), pattern, example, line, name)
    if end < start:
        raise SubtitleError(f"the cue ends ({found.group(2)}) before it starts ({found.group(1)})", line, name)
    return start, end


# --- reading -------------------------------------------------------------------

def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks of (line number, line)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            current.append((number, line.rstrip()))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+([^>]*)>(.*?)(?:</v>)?$", re.DOTALL)
_TAG = re.compile(r"</?(?:c|i|b|u|lang|ruby|rt|v)(?:[.\s][^>]*)?>")


def _vtt_unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0")
            .replace("&lrm;", "\u200e").replace("&rlm;", "\u200f").replace("&amp;", "&"))


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_vtt(text: str, name: str = "") -> list[Segment]:
    """The cues of a WebVTT file, with the speaker of a leading ``<v …>`` span."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not lines or not (lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        raise SubtitleError("a WebVTT file starts with the line 'WEBVTT'", 1, name)
    blocks = _blocks(text)
    if len(blocks[0]) > 1 and "-->" in blocks[0][1][1]:
        raise SubtitleError("a blank line must follow the WEBVTT header", blocks[0][1][0], name)
    segments = []
    for block in blocks[1:]:  # the first is the header
        first_line, first = block[0]
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        timing_at = 0 if "-->" in first else 1
        if timing_at >= len(block) or "-->" not in block[timing_at][1]:
            # neither the first line nor the one after an identifier is a timing line
            raise SubtitleError(f"expected a timing line 'start --> end', found {first[:60]!r}",
                                first_line, name)
        number, timing = block[timing_at]
        start, end = _timing(timing, "vtt", number, name)
        payload = "\n".join(line for _, line in block[timing_at + 1:])
        speaker = ""
        voice = _VOICE.match(payload)
        if voice is not None:
            speaker, payload = voice.group(1).strip(), voice.group(2)
        payload = _TAG.sub("", payload)
        segments.append(Segment(start, end, _vtt_unescape(payload), _vtt_unescape(speaker)))
    return segments


_SRT_SPEAKER = re.compile(r"^([^:\n]{1,60}):\s(.*)$", re.DOTALL)


def parse_srt(text: str, name: str = "") -> list[Segment]:
    """The cues of a SubRip file; a ``Speaker: `` before the text is taken as the speaker."""
    text = text.removeprefix("\ufeff")
    segments = []
    for block in _blocks(text):
        number, first = block[0]
        if not first.strip().isdigit():
            raise SubtitleError(f"expected a cue number, found {first[:60]!r}", number, name)
        if len(block) < 2:
            raise SubtitleError(f"cue {first.strip()} has no timing line", number, name)
        start, end = _timing(block[1][1], "srt", block[1][0], name)
        payload = "\n".join(line for _, line in block[2:])
        speaker = ""
        said = _SRT_SPEAKER.match(payload)
        if said is not None and "-->" not in said.group(1):
            speaker, payload = said.group(1).strip(), said.group(2)
        segments.append(Segment(start, end, payload, speaker))
    return segments


def parse(text: str, fmt: str, name: str = "") -> list[Segment]:
    if fmt not in FORMATS:
        raise BadInput(f"unknown subtitle format {fmt!r} (use one of: {', '.join(FORMATS)})")
    return parse_vtt(text, name) if fmt == "vtt" else parse_srt(text, name)


# --- writing -------------------------------------------------------------------

def _one_line(text: str) -> str:
    # A blank line would end the cue early: keep the line breaks, drop empty lines.
    return "\n".join(line for line in text.splitlines() if line.strip()) or " "


def write_vtt(segments: Iterable[Segment]) -> str:
    out = ["WEBVTT", ""]
    for s in segments:
        body = _vtt_escape(_one_line(s.text))
        if s.speaker:
            body = f"<v {_vtt_escape(s.speaker).replace(chr(10), ' ')}>{body}"
        out += [f"{vtt_time(s.start_ms)} --> {vtt_time(s.end_ms)}", body, ""]
    return "\n".join(out)


def write_srt(segments: Iterable[Segment]) -> str:
    out = []
    for number, s in enumerate(segments, start=1):
        body = _one_line(s.text)
        if s.speaker:
            body = f"{s.speaker.replace(chr(10), ' ').replace(':', '')}: {body}"
        out += [str(number), f"{srt_time(s.start_ms)} --> {srt_time(s.end_ms)}", body, ""]
    return "\n".join(out)


def write(segments: Iterable[Segment], fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadInput(f"unknown subtitle format {fmt!r} (use one of: {', '.join(FORMATS)})")
    return write_vtt(segments) if fmt == "vtt" else write_srt(segments)


# --- files -----------------------------------------------------------------------

def format_of(path: Path | str) -> str:
    """``vtt`` or ``srt`` from the file's suffix."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "webvtt":
        suffix = "vtt"
    if suffix not in FORMATS:
        raise BadInput(f"{Path(path).name}: say .vtt or .srt (the suffix decides the format)")
    return suffix


def read_file(path: Path | str) -> list[Segment]:
    """The segments of a .vtt or .srt file (UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    fmt = format_of(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SubtitleError(f"not UTF-8 text (byte {exc.start:,})", line, path.name) from None
    return parse(text, fmt, path.name)


def write_file(path: Path | str, segments: Iterable[Segment]) -> None:
    path = Path(path)
    Path(path).write_text(write(segments, format_of(path)), "utf-8", newline="\n")


def segments_of(annotations: Iterable[object]) -> list[Segment]:
    """Transcript segments from ``audio_segment`` annotations, in time order."""
    found = [a for a in annotations if getattr(a, "kind", "") == "audio_segment"]
    found.sort(key=lambda a: (a.start_s or 0, a.id))  # type: ignore[attr-defined]
    return [Segment(round((a.start_s or 0) * 1000), round((a.end_s or 0) * 1000),  # type: ignore[attr-defined]
                    a.text, a.speaker) for a in found]  # type: ignore[attr-defined]
