"""Malformed evidence for the fuzzer, made the same way every time from one seed.

Valid seed files (audio, video, images, PDF, text, JSON, archives) are made
here in Python, or read from ``seeds/`` (a FLAC of espeak-ng speech and an Ogg
Vorbis tone, made once with sox: their encoders are not deterministic), and
each is damaged many ways: truncated, bit-flipped, block-overwritten,
header fields set to extremes. Then decompression bombs (a PNG declaring
60000 x 60000, zip and gzip bombs, an image just under Qt's allocation
limit), texts that are costly to lay out, hostile file names (newlines, bidi
controls, very long, not UTF-8, leading dashes) and files that are not files
(a FIFO, a link to /dev/zero, a link loop).

    python tests/fuzz/generate.py OUT [--seed N] [--reduced]

:func:`generate` returns what it wrote as :class:`Case` rows; the runner
(``run.py``) puts each through intake and every viewer that accepts it.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SEED = 10
SEEDS_DIR = Path(__file__).with_name("seeds")
#: Files in the reduced set run by the normal test suite.
REDUCED_COUNT = 60


@dataclass(frozen=True)
class Case:
    """One generated input: where it is, what it was made from and how it was damaged."""

    path: Path  # may hold non-UTF-8 bytes (surrogate-escaped), a newline, bidi controls...
    seed: str
    mutation: str


# --- seed files -------------------------------------------------------------------------------

def _wav(seconds: float, rate: int, channels: int, width: int) -> bytes:
    import wave

    frames = bytearray()
    peak = (1 << (8 * width - 1)) - 1
    for n in range(int(seconds * rate)):
        value = int(peak * 0.6 * math.sin(2 * math.pi * 440 * n / rate))
        sample = struct.pack("<h", value) if width == 2 else bytes([(value + 128) & 0xFF])
        frames += sample * channels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buffer.getvalue()


def _au(seconds: float = 0.5, rate: int = 8000) -> bytes:
    samples = b"".join(struct.pack(">h", int(9000 * math.sin(2 * math.pi * 330 * n / rate)))
                       for n in range(int(seconds * rate)))
    return struct.pack(">4sIIIII", b".snd", 24, len(samples), 3, rate, 1) + samples


def _mp3(frames: int = 40) -> bytes:
    """Silent MPEG-1 Layer III frames, 128 kbit/s at 44.1 kHz: an all-zero side info decodes as silence."""
    frame = b"\xff\xfb\x90\x00" + bytes(417 - 4)
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"TIT2\x00\x00\x00\x00\x00\x00"  # a 10-byte ID3v2 tag
    return tag + frame * frames


def _jpeg(image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _avi(frames: int = 6, fps: int = 5, size: tuple[int, int] = (64, 48)) -> bytes:
    """A Motion-JPEG AVI written by hand (as tests/gui/test_viewers.py does)."""
    from PIL import Image, ImageDraw

    width, height = size
    jpegs = []
    for n in range(frames):
        image = Image.new("RGB", size, (40 * n % 255, 80, 160))
        ImageDraw.Draw(image).text((4, 4), str(n), fill="white")
        jpegs.append(_jpeg(image, quality=60))

    def chunk(fourcc: bytes, data: bytes) -> bytes:
        return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")

    biggest = max(map(len, jpegs))
    avih = struct.pack("<IIIIIIIIII4I", 1_000_000 // fps, biggest * fps, 0, 0x10, frames, 0, 1, biggest,
                       width, height, 0, 0, 0, 0)
    strh = struct.pack("<4s4sIHHIIIIIIIIhhhh", b"vids", b"MJPG", 0, 0, 0, 0, 1, fps, 0, frames, biggest,
                       0xFFFFFFFF, 0, 0, 0, width, height)
    strf = struct.pack("<IiiHH4sIiiII", 40, width, height, 1, 24, b"MJPG", width * height * 3, 0, 0, 0, 0)
    hdrl = chunk(b"LIST", b"hdrl" + chunk(b"avih", avih) +
                 chunk(b"LIST", b"strl" + chunk(b"strh", strh) + chunk(b"strf", strf)))
    movi, index, offset = b"", b"", 4
    for jpeg in jpegs:
        frame = chunk(b"00dc", jpeg)
        index += b"00dc" + struct.pack("<III", 0x10, offset, len(jpeg))
        movi += frame
        offset += len(frame)
    body = b"AVI " + hdrl + chunk(b"LIST", b"movi" + movi) + chunk(b"idx1", index)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mp4(brand: bytes = b"isom") -> bytes:
    """An ISO media file's skeleton: ftyp, a movie header with a duration, one empty track, mdat."""
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 512) + b"isomiso2mp41")
    mvhd = _box(b"mvhd", struct.pack(">IIIII", 0, 0, 0, 1000, 2000) + struct.pack(">IH", 0x00010000, 0x0100)
                + bytes(10) + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
                + bytes(24) + struct.pack(">I", 2))
    tkhd = _box(b"tkhd", struct.pack(">IIIIII", 3, 0, 0, 1, 0, 2000) + bytes(52) + struct.pack(">II", 64 << 16, 48 << 16))
    mdhd = _box(b"mdhd", struct.pack(">IIIII", 0, 0, 0, 1000, 2000) + struct.pack(">HH", 0x55C4, 0))
    hdlr = _box(b"hdlr", struct.pack(">I", 0) + b"\0\0\0\0vide" + bytes(12) + b"video\0")
    stbl = _box(b"stbl", _box(b"stsd", struct.pack(">II", 0, 0)) + _box(b"stts", struct.pack(">II", 0, 0))
                + _box(b"stsc", struct.pack(">II", 0, 0)) + _box(b"stsz", struct.pack(">III", 0, 0, 0))
                + _box(b"stco", struct.pack(">II", 0, 0)))
    minf = _box(b"minf", _box(b"vmhd", struct.pack(">IHHHH", 1, 0, 0, 0, 0)) + stbl)
    trak = _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr + minf))
    return ftyp + _box(b"moov", mvhd + trak) + _box(b"mdat", bytes(256))


def _webm() -> bytes:
    """An EBML header (webm doctype) and an empty Segment: enough to be taken for a WebM."""
    ebml = bytes.fromhex("1a45dfa3 9f 4286 81 01 42f7 81 01 42f2 81 04 42f3 81 08 4282 84") + b"webm" + \
        bytes.fromhex("4287 81 02 4285 81 02")
    segment = bytes.fromhex("18538067 01ffffffffffffff") + bytes.fromhex("1549a966 8e 2ad7b1 83 0f4240") + \
        bytes.fromhex("4d80 84") + b"fuzz"
    return ebml + segment


def _pdf() -> bytes:
    """A one-page PDF with a text stream and a correct cross-reference table."""
    stream = b"BT /F1 18 Tf 72 720 Td (Dispatch order relayed 12:34) Tj ET"
    objects = [b"<</Type/Catalog/Pages 2 0 R>>",
               b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
               b"/Resources<</Font<</F1 5 0 R>>>>>>",
               b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 10, 4, 12, 34, 44))
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


TEXT = ("Per chief of patrol: clear everybody out.\n"
        "Диспетчер передав наказ о 12:34. Ο αστυνομικός είπε «όχι».\n"
        "قال الضابط إن الأمر صدر الساعة ١٢:٣٤\n"
        "指令于十二点三十四分下达。 지휘관이 명령했다. 🚓🚨\n"
        "<b>not bold</b> <script>alert('x')</script> &amp; \u202eevil\u202c\n")


def seed_files() -> dict[str, bytes]:
    """Valid files, one per format, named with the extension a careful user would give them."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (64, 48), (235, 235, 235))
    ImageDraw.Draw(picture).rectangle((8, 8, 56, 40), outline=(0, 0, 0), width=2)
    images = {}
    for name, fmt, image, options in [
            ("photo.png", "PNG", picture, {}),
            ("palette.png", "PNG", picture.convert("P"), {}),
            ("deep.png", "PNG", picture.convert("I;16"), {}),
            ("photo.jpg", "JPEG", picture, {"quality": 70}),
            ("progressive.jpg", "JPEG", picture, {"quality": 70, "progressive": True}),
            ("scan.gif", "GIF", picture.convert("P"), {}),
            ("scan.bmp", "BMP", picture, {}),
            ("scan.tif", "TIFF", picture, {"compression": "tiff_deflate"}),
            ("photo.webp", "WEBP", picture, {"quality": 60})]:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        images[name] = buffer.getvalue()
    frames = [picture.rotate(angle).convert("P") for angle in (0, 90, 180)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    images["animated.gif"] = buffer.getvalue()

    files = {
        "call.wav": _wav(1.0, 8000, 1, 2),
        "stereo8.wav": _wav(0.5, 8000, 2, 1),
        "tone.au": _au(),
        "silence.mp3": _mp3(),
        "bodycam.avi": _avi(),
        "clip.mp4": _mp4(),
        "clip.mov": _mp4(b"qt  "),
        "voice.m4a": _mp4(b"M4A "),
        "clip.webm": _webm(),
        **images,
        "report.pdf": _pdf(),
        "statement.txt": TEXT.encode("utf-8"),
        "statement-utf16.txt": TEXT.encode("utf-16"),
        "crlf.txt": TEXT.replace("\n", "\r\n").encode("utf-8"),
        "latin1.txt": "Café au lait, reçu à 12h30 — déposé\n".encode("cp1252"),
        "page.html": b"<html><body><h1>Memo</h1><p onclick=alert(1)>clear everybody out</p></body></html>\n",
        "log.csv": b"time,officer,note\n12:34:44,Smith,\"clear, out\"\n12:35:02,Jones,ok\n",
        "packet.json": (b'{"case": {"title": "Stand-down", "items": [{"id": 1, "sha256": "00ff", "size": 1024}],'
                        b' "events": [{"when": "2025-10-04T12:34:44Z", "place": "OEMC"}]}}\n'),
        "mail.eml": b"From: a@example.org\r\nSubject: order\r\n\r\nClear everybody out.\r\n",
        "letter.rtf": b"{\\rtf1\\ansi{\\fonttbl\\f0 Times;}\\f0 Clear everybody out.\\par}",
        "bundle.zip": _zip({"memo.txt": TEXT.encode("utf-8"), "call.wav": _wav(0.2, 8000, 1, 2)}),
    }
    for seed in sorted(SEEDS_DIR.glob("*")):
        files[seed.name] = seed.read_bytes()
    return files


# --- damage -----------------------------------------------------------------------------------

def _flip(rng: random.Random, data: bytes, bits: int, within: int | None = None) -> bytes:
    out = bytearray(data)
    span = min(len(out), within or len(out))
    for _ in range(bits):
        position = rng.randrange(span)
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def _overwrite(rng: random.Random, data: bytes, size: int, fill: str) -> bytes:
    size = max(1, min(size, len(data)))
    start = rng.randrange(len(data) - size + 1)
    block = {"zero": bytes(size), "ff": b"\xff" * size}.get(fill) or rng.randbytes(size)
    return data[:start] + block + data[start + size:]


def _smash_int(rng: random.Random, data: bytes, value: int, little: bool) -> bytes:
    """A 32-bit field in the header (the first 256 bytes) set to ``value``."""
    span = min(len(data), 256) - 4
    if span <= 0:
        return data
    start = rng.randrange(0, span + 1)
    return data[:start] + struct.pack("<I" if little else ">I", value) + data[start + 4:]


def mutations(rng: random.Random, data: bytes) -> Iterator[tuple[str, bytes]]:
    """About forty damaged versions of ``data``: each a (label, bytes)."""
    n = len(data)
    for cut in (1, 4, 8, 12, 16, 44, 100):
        if cut < n:
            yield f"trunc{cut}", data[:cut]
    for percent in (10, 25, 50, 75, 90):
        yield f"trunc{percent}pct", data[:n * percent // 100]
    yield "trunc-last", data[:-1]
    for bits, copies in ((1, 4), (8, 3), (64, 2), (512, 1)):
        for copy in range(copies):
            yield f"flip{bits}-{copy}", _flip(rng, data, bits)
    for copy in range(4):
        yield f"flip-head-{copy}", _flip(rng, data, 3, within=64)
    for fill, size in (("zero", 16), ("ff", 64), ("random", 256), ("zero", 4096), ("random", 16)):
        yield f"block-{fill}{size}", _overwrite(rng, data, size, fill)
    start = rng.randrange(n)
    yield "insert-random", data[:start] + rng.randbytes(rng.randrange(1, 512)) + data[start:]
    start = rng.randrange(n)
    yield "delete-block", data[:start] + data[start + rng.randrange(1, 512):]
    start, length = rng.randrange(n), rng.randrange(1, 512)
    yield "duplicate-block", data[:start] + data[start:start + length] * 8 + data[start:]
    for value in (0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000):
        yield f"int-{value:x}-le", _smash_int(rng, data, value, little=True)
        yield f"int-{value:x}-be", _smash_int(rng, data, value, little=False)
    yield "doubled", data + data
    yield "tail-garbage", data + rng.randbytes(1024)


def _set(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png(width: int, height: int, colour: int, depth: int, idat: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def _zeros_deflated(total: int, level: int = 9, wrap: Callable[[], object] | None = None) -> bytes:
    """``total`` zero bytes deflated, compressed in pieces so memory stays small."""
    compressor = wrap() if wrap else zlib.compressobj(level)
    block = bytes(1 << 20)
    out = []
    left = total
    while left > 0:
        out.append(compressor.compress(block[:min(left, len(block))]))
        left -= len(block)
    out.append(compressor.flush())
    return b"".join(out)


def header_attacks(seeds: dict[str, bytes]) -> Iterator[tuple[str, str, bytes]]:
    """Fields a parser trusts, set to what no real file says: (seed, label, bytes)."""
    wav = seeds["call.wav"]
    data_at = wav.index(b"data")
    yield "call.wav", "data-size-max", _set(wav, data_at + 4, "<I", 0xFFFFFFFF)
    yield "call.wav", "riff-size-small", _set(wav, 4, "<I", 4)
    yield "call.wav", "channels-0", _set(wav, 22, "<H", 0)
    yield "call.wav", "channels-max", _set(wav, 22, "<H", 0xFFFF)
    yield "call.wav", "rate-0", _set(wav, 24, "<I", 0)
    yield "call.wav", "rate-max", _set(wav, 24, "<I", 0xFFFFFFFF)
    yield "call.wav", "bits-0", _set(wav, 34, "<H", 0)
    yield "call.wav", "bits-max", _set(wav, 34, "<H", 0xFFFF)
    yield "call.wav", "block-align-0", _set(wav, 32, "<H", 0)
    yield "call.wav", "fmt-size-max", _set(wav, 16, "<I", 0xFFFFFFF0)

    avi = seeds["bodycam.avi"]
    strh = avi.index(b"strh") + 8
    avih = avi.index(b"avih") + 8
    yield "bodycam.avi", "stream-length-68-years", _set(_set(avi, strh + 20, "<III", 1, 1, 0), strh + 32, "<I",
                                                        0x7FFFFFFF)
    yield "bodycam.avi", "stream-length-max", _set(avi, strh + 32, "<I", 0xFFFFFFFF)
    yield "bodycam.avi", "rate-0", _set(avi, strh + 24, "<I", 0)
    yield "bodycam.avi", "scale-0", _set(avi, strh + 20, "<I", 0)
    yield "bodycam.avi", "us-per-frame-0", _set(avi, avih, "<I", 0)
    yield "bodycam.avi", "us-per-frame-max", _set(avi, avih, "<I", 0xFFFFFFFF)
    yield "bodycam.avi", "total-frames-max", _set(avi, avih + 16, "<I", 0xFFFFFFFF)
    yield "bodycam.avi", "size-max", _set(avi, avih + 32, "<II", 0x7FFFFFFF, 0x7FFFFFFF)
    yield "bodycam.avi", "riff-size-max", _set(avi, 4, "<I", 0xFFFFFFFF)

    mp4 = seeds["clip.mp4"]
    mvhd = mp4.index(b"mvhd") + 4
    yield "clip.mp4", "duration-max", _set(mp4, mvhd + 16, ">I", 0xFFFFFFFF)
    yield "clip.mp4", "timescale-0", _set(mp4, mvhd + 12, ">I", 0)
    yield "clip.mp4", "timescale-1-duration-max", _set(_set(mp4, mvhd + 12, ">I", 1), mvhd + 16, ">I", 0xFFFFFFFF)
    yield "clip.mp4", "moov-size-0", _set(mp4, mp4.index(b"moov") - 4, ">I", 0)
    yield "clip.mp4", "moov-size-huge", _set(mp4, mp4.index(b"moov") - 4, ">I", 0xFFFFFFFF)
    moov = mp4.index(b"moov") - 4
    yield "clip.mp4", "moov-largesize-2-63", (mp4[:moov] + struct.pack(">I4sQ", 1, b"moov", 1 << 63)
                                              + mp4[moov + 8:])
    yield "clip.mp4", "box-size-7", _set(mp4, mp4.index(b"trak") - 4, ">I", 7)
    nested = b"".join(struct.pack(">I", 8 * (2000 - depth)) + b"moov" for depth in range(2000))
    yield "clip.mp4", "moov-nested-2000", mp4[:mp4.index(b"moov") - 4] + nested

    png = seeds["photo.png"]
    yield "photo.png", "width-0", png[:8] + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 48, 8, 2, 0, 0, 0)) + png[33:]
    yield "photo.png", "width-2-31", png[:8] + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0x7FFFFFFF, 48, 8, 2,
                                                                                0, 0, 0)) + png[33:]
    yield "photo.png", "depth-3", png[:8] + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 3, 2, 0, 0, 0)) + png[33:]
    yield "photo.png", "colour-7", png[:8] + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 7, 0, 0, 0)) + png[33:]
    yield "photo.png", "idat-crc-wrong", png[:-20] + b"\0\0\0\0" + png[-16:]

    jpeg = seeds["photo.jpg"]
    sof = jpeg.index(b"\xff\xc0") + 5
    yield "photo.jpg", "sof-65535", _set(jpeg, sof, ">HH", 0xFFFF, 0xFFFF)
    yield "photo.jpg", "sof-0", _set(jpeg, sof, ">HH", 0, 0)
    yield "photo.jpg", "no-eoi", jpeg[:-2]
    yield "photo.jpg", "segment-length-0", _set(jpeg, jpeg.index(b"\xff\xdb") + 2, ">H", 0)

    gif = seeds["scan.gif"]
    yield "scan.gif", "screen-65535", _set(gif, 6, "<HH", 0xFFFF, 0xFFFF)
    yield "animated.gif", "frames-65535", _set(seeds["animated.gif"], 6, "<HH", 0xFFFF, 0xFFFF)

    bmp = seeds["scan.bmp"]
    yield "scan.bmp", "size-2-31", _set(bmp, 18, "<ii", 0x7FFFFFFF, 0x7FFFFFFF)
    yield "scan.bmp", "height-negative-max", _set(bmp, 18, "<ii", 64, -0x7FFFFFFF)
    yield "scan.bmp", "offset-max", _set(bmp, 10, "<I", 0xFFFFFFFF)
    yield "scan.bmp", "bits-0", _set(bmp, 28, "<H", 0)

    pdf = seeds["report.pdf"]
    yield "report.pdf", "count-billion", pdf.replace(b"/Count 1", b"/Count 1000000000")
    yield "report.pdf", "xref-garbage", pdf[:pdf.index(b"xref")] + b"xref\n0 99999999\n" + bytes(64)
    yield "report.pdf", "self-parent", pdf.replace(b"/Parent 2 0 R", b"/Parent 3 0 R")
    yield "report.pdf", "length-max", pdf.replace(b"<</Length ", b"<</Length 99999999999 % ")
    yield "report.pdf", "header-only", b"%PDF-1.7\n"

    zipped = seeds["bundle.zip"]
    end = zipped.rindex(b"PK\x05\x06")
    yield "bundle.zip", "entries-65535", _set(zipped, end + 8, "<HH", 0xFFFF, 0xFFFF)
    yield "bundle.zip", "central-offset-max", _set(zipped, end + 16, "<I", 0xFFFFFFFF)


def costly_texts(full: bool) -> Iterator[tuple[str, str, bytes]]:
    """Texts that are hard to decode or lay out: (name, label, bytes)."""
    many = 4_000_000 if full else 400_000
    yield "one-line.txt", "single-line", b"0123456789" * (many // 10)
    yield "words.txt", "single-line-words", b"word " * (many // 5)
    yield "combining.txt", "combining-marks", ("e" + "\u0301" * 60).encode("utf-8") * (many // 122)
    yield "bidi.txt", "bidi-controls", ("\u202e\u2067abc\u2069\u202c" * (many // 18)).encode("utf-8")
    yield "arabic.txt", "arabic-line", ("قال الضابط " * (many // 20)).encode("utf-8")
    yield "emoji.txt", "emoji-zwj", ("👩\u200d👩\u200d👧\u200d👦" * (many // 25)).encode("utf-8")
    yield "tabs.txt", "tabs", b"\t" * many
    yield "cr.txt", "cr-only", b"x\r" * (many // 2)
    yield "newlines.txt", "newlines", b"\n" * many
    yield "nul.txt", "nul-bytes", b"a\x00" * (many // 2)
    yield "surrogates.txt", "utf8-surrogates", b"ok \xed\xa0\x80 \xed\xbf\xbf " * (many // 16)
    yield "odd-utf16.txt", "utf16-odd-length", b"\xff\xfe" + "abc".encode("utf-16-le") + b"x"
    yield "bom-invalid.txt", "bom-then-invalid", b"\xef\xbb\xbf" + b"\xff\xfe\xfd" * 100
    yield "utf16-lone.txt", "utf16-lone-surrogate", b"\xff\xfe" + b"\x00\xd8a\x00" * 1000
    yield "deep.json", "json-nesting-100k", b"[" * 100_000 + b"]" * 100_000
    yield "huge-number.json", "json-number", b'{"size": 1' + b"0" * 100_000 + b"}"
    yield "empty.txt", "empty", b""
    yield "one-byte", "one-byte", b"\n"


def bombs(full: bool) -> Iterator[tuple[str, str, bytes]]:
    """Files small on disk that claim or unpack to enormous sizes: (name, label, bytes)."""
    rows = zlib.compress(bytes(60001 * 3) * 8, 9)  # eight rows of 60000 RGB pixels; the rest never comes
    yield "bomb-60000.png", "png-60000x60000", _png(60000, 60000, 2, 8, rows)
    yield "bomb-16000.png", "png-16000x16000-gray", _png(16000, 16000, 0, 8, _zeros_deflated(16001 * 16000))
    yield "bomb-wide.png", "png-1000000x1", _png(1_000_000, 1, 2, 8, zlib.compress(bytes(3_000_001), 9))
    yield "bomb-tall.png", "png-1x5000000", _png(1, 5_000_000, 0, 8, _zeros_deflated(2 * 5_000_000))
    from PIL import Image

    jpeg = _jpeg(Image.new("L", (16, 16), 0), quality=50)
    sof = jpeg.index(b"\xff\xc0") + 5
    yield "bomb-65000.jpg", "jpeg-65000x65000", _set(jpeg, sof, ">HH", 65000, 65000)
    webp = bytearray(seed_files()["photo.webp"])
    frame = webp.find(b"\x9d\x01\x2a")  # a lossy VP8 key frame: 14-bit width and height follow
    if frame > 0:
        struct.pack_into("<HH", webp, frame + 3, 0x3FFF, 0x3FFF)
        yield "bomb.webp", "webp-16383x16383", bytes(webp)
    total = (1 << 30) if full else (64 << 20)
    zeros = _zeros_deflated(total, wrap=lambda: zlib.compressobj(9, zlib.DEFLATED, -15))
    yield "bomb.zip", f"zip-{total >> 20}MiB", _zip_raw("zeros.bin", zeros, total)
    yield "bomb.gz", f"gzip-{total >> 20}MiB", _gzip(zeros, total)
    yield "bomb.txt.gz", "gzip-named-text", _gzip(zeros, total)
    yield "nested.zip", "zip-in-zip", _zip({f"layer{n}.zip": _zip_raw("zeros.bin", zeros, total)
                                           for n in range(4)}, zipfile.ZIP_STORED)
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "AAAAAAAAAA">' +
           b"".join(b'<!ENTITY %c "%s">' % (98 + n, b"".join(b"&%c;" % (97 + n) for _ in range(10)))
                    for n in range(9)) +
           b']><svg xmlns="http://www.w3.org/2000/svg"><text>&j;</text></svg>')
    yield "laughs.svg", "billion-laughs", svg
    yield "laughs.xml", "billion-laughs-xml", svg


def _zip_raw(name: str, deflated: bytes, size: int) -> bytes:
    """A zip with one member whose raw deflate stream is ``deflated`` (``size`` bytes unpacked)."""
    crc = zlib.crc32(bytes(0))  # wrong on purpose for big members: a bomb need not be honest
    encoded = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size & 0xFFFFFFFF,
                        len(encoded), 0) + encoded
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(deflated),
                          size & 0xFFFFFFFF, len(encoded), 0, 0, 0, 0, 0, 0) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(deflated), 0)
    return local + deflated + central + end


def _gzip(deflated: bytes, size: int) -> bytes:
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    return header + deflated + struct.pack("<II", 0, size & 0xFFFFFFFF)


# --- hostile names ---------------------------------------------------------------------------

def hostile_names() -> list[bytes]:
    """File names as raw bytes: what a careless or hostile hand may give a file."""
    names = [
        "rtl\u202egnp.exe", "report\u202e\u2066fdp.exe\u2069", "isolate\u2067txt.exe", "zero\u200bwidth.txt",
        "\u200f\u200e.txt", "line1\nline2.txt", "carriage\rreturn.txt", "tab\there.txt", "\x1b[31mred\x1b[0m.txt",
        "bell\x07.txt", "del\x7f.txt", "-rf", "--help", "-", "--", "-n.txt", " leading space.txt",
        "trailing space.txt ", "trailing dot.", "*", "?.txt", "$(reboot).txt", "`id`.txt", "; rm -rf ~.txt",
        "<b>bold<b>.txt", "<img src=x onerror=alert(1)>.png", "%s%n%x.txt", "{0}{1}.txt", "'\"quotes\".txt",
        "back\\slash.txt", "CON", "nul.txt", ".hidden.txt", "....txt", ".txt", "file.tar.gz.exe",
        "قال الضابط.txt", "Ünïcødé.txt", "ｆｕｌｌｗｉｄｔｈ.txt", "cafe\u0301.txt", "caf\u00e9.txt",
        "line\u2028separator.txt", "next\u0085line.txt", "\ufeffbom.txt", "tag\U000e0041.txt", "📎🔥.txt",
        "e" + "\u0301" * 80 + ".txt", "\u202e" * 60 + "many.txt", "x" * 251 + ".txt", "€" * 83 + ".txt",
        "a" * 250 + ".png",
    ]
    raw = [name.encode("utf-8") for name in names]
    raw += [b"caf\xe9.txt", b"\xff\xfe.txt", b"\x80", b"\xc3(.txt", b"\xed\xa0\x80.txt", b"\xc0\xaf.txt",
            b"latin1-\xe0\xe9\xef.png"]
    return raw


def _content_for(name: bytes, seeds: dict[str, bytes]) -> bytes:
    if name.endswith(b".png"):
        return seeds["photo.png"]
    if name.endswith(b".exe"):
        return seeds["photo.png"]  # a picture dressed as a program, or the reverse
    return seeds["statement.txt"]


# --- the whole set ----------------------------------------------------------------------------

def _plan(seed: int, full: bool) -> Iterator[tuple[str, str, str, bytes | None]]:
    """(file name, seed name, mutation, bytes or None for a special file), in a fixed order."""
    rng = random.Random(seed)
    seeds = seed_files()
    number = 0

    def name_for(seed_name: str, label: str) -> str:
        nonlocal number
        number += 1
        stem, dot, ext = seed_name.rpartition(".")
        return f"{number:04d}-{stem or ext}-{label}{dot}{ext if stem else ''}"

    for seed_name, data in seeds.items():
        yield name_for(seed_name, "valid"), seed_name, "valid", data
        for label, damaged in mutations(rng, data):
            yield name_for(seed_name, label), seed_name, label, damaged
    for seed_name, label, data in header_attacks(seeds):
        yield name_for(seed_name, label), seed_name, label, data
    for seed_name, label, data in costly_texts(full):
        yield name_for(seed_name, label), seed_name, label, data
    for seed_name, label, data in bombs(full):
        yield name_for(seed_name, label), seed_name, label, data
    for raw in hostile_names():
        yield os.fsdecode(raw), "names", "hostile-name", _content_for(raw, seeds)
    for special in ("fifo", "link-to-dev-zero", "dangling-link", "link-loop", "deep-folder"):
        yield special, "special", special, None


def _write_special(folder: Path, kind: str) -> Path:
    path = folder / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        path.symlink_to(folder / "no such file")
    elif kind == "link-loop":
        path.mkdir()
        (path / "self").symlink_to(".")
        (path / "memo.txt").write_bytes(b"inside a folder that links to itself\n")
    elif kind == "deep-folder":
        deep = path
        for level in range(60):
            deep = deep / f"level{level:02d}"
        deep.mkdir(parents=True)
        (deep / "memo.txt").write_bytes(b"sixty folders down\n")
    return path


def reduced_indexes(total: int, count: int = REDUCED_COUNT) -> set[int]:
    """A spread of ``count`` positions among ``total``: every kind of seed and damage is sampled."""
    step = total / count
    return {int(i * step + step / 2) for i in range(count)}


def generate(out: Path, seed: int = SEED, *, reduced: bool = False) -> list[Case]:
    """Write the set into ``out`` (created; hostile names in a folder of their own) and list it."""
    out.mkdir(parents=True, exist_ok=True)
    plan = list(_plan(seed, full=not reduced))
    keep = reduced_indexes(len(plan)) if reduced else set(range(len(plan)))
    if reduced:  # always some hostile names, bombs and specials: they are what fails most
        keep |= {i for i, (_n, seed_name, label, _d) in enumerate(plan)
                 if label in ("png-60000x60000", "png-16000x16000-gray", "zip-64MiB", "stream-length-68-years",
                              "fifo", "link-loop") or (seed_name == "names" and i % 9 == 0)}
    names_dir = out / "names"
    names_dir.mkdir(exist_ok=True)
    cases = []
    for index, (name, seed_name, label, data) in enumerate(plan):
        if index not in keep:
            continue
        if data is None:
            path = _write_special(out, name)
        else:
            folder = names_dir / f"{index:04d}" if seed_name == "names" else out
            folder.mkdir(exist_ok=True)
            path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
            with open(os.fsencode(path), "wb") as f:
                f.write(data)
        cases.append(Case(path, seed_name, label))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--reduced", action="store_true", help=f"about {REDUCED_COUNT} files, for the test suite")
    args = parser.parse_args(argv)
    cases = generate(args.out, args.seed, reduced=args.reduced)
    print(f"{len(cases)} files in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
