"""From the bytes of an uploaded file to text: which encoding, and refusing what is not text at all.

Excel on a Korean Windows saves CP949, on a Western one Windows-1252; some tools write UTF-16. A
workbook or an image uploaded by mistake is refused with what to do instead. Windows-1252 reads any bytes, so a file
that falls back to it while parts of it are UTF-8 or CP949 text (two files pasted together, a stray byte) is read,
and the reader warns that its names may be unreadable (``mixed_encodings``): no other encoding is guessed silently.
"""

from __future__ import annotations

import codecs
import re

from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, said, sentences

SAVE_AS_CSV = N_("In Excel or LibreOffice choose File → Save As → CSV (UTF-8) and upload that file.")
# Control characters that never appear in a text table (tab, CR and LF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
FALLBACK = "Windows-1252"  # the single-byte encoding tried last: it reads almost any bytes
# Byte sequences that a Windows-1252 text rarely holds and UTF-8 or CP949 text is made of: a UTF-8 character of two to
# four bytes; a CP949 Hangul syllable of the KS X 1001 block (lead 0xB0-0xC8, trail 0xA1-0xFE), whose pairs read as
# two accented capitals or signs in a row in Windows-1252 ("°Ç").
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP949_HANGUL = re.compile(rb"[\xb0-\xc8][\xa1-\xfe]")
_ASCII = bytes(range(128))
_SAMPLE = 1 << 20  # bytes looked at for mixed encodings


def decode_text(raw: bytes) -> tuple[str, str]:
    """Bytes → text, and the name of the encoding used (in English, marked for the catalogue: ``_(name)`` shows it).

    Order matters: UTF-8 is strict (random bytes rarely pass), CP949 next because Korean bytes
    would also "decode" as Windows-1252 but into gibberish; Windows-1252 last, as it accepts
    almost anything.
    """
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(_refused(N_("This looks like an Excel workbook, not a CSV text file.")))
    candidates: list[tuple[str, str]]
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", N_("UTF-8 (with a byte-order mark)"))]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    elif _looks_like_utf16_without_bom(raw):
        candidates = [("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be", "UTF-16")]
    elif b"\x00" in raw:
        raise InputError(_refused(N_("This file holds binary data (for example an image or a program), not text.")))
    else:
        candidates = [("utf-8", "UTF-8"), ("cp949", N_("CP949 / EUC-KR (Korean)")), ("cp1252", FALLBACK)]
    for codec, label in candidates:
        try:
            text = raw.decode(codec)
        except (UnicodeDecodeError, UnicodeError):
            continue
        sample = text[:65536]
        if sample and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
            raise InputError(_refused(N_("This file holds binary data, not text.")))
        return text.lstrip("\ufeff"), label
    raise InputError(
        _refused(
            N_("The text encoding of this file could not be recognised (tried UTF-8, UTF-16, CP949 and Windows-1252).")
        )
    )


def _refused(why: str) -> Message:
    """Why the file is not read (an ``N_()`` source), then how to save it as a CSV file."""
    return sentences(said(why), said(SAVE_AS_CSV))


def mixed_encodings(raw: bytes, label: str) -> bool:
    """True when ``raw`` was read with the single-byte fallback (``label`` is ``decode_text``'s) but most of its bytes
    above 0x7F are UTF-8 characters or CP949 Hangul: its Korean (or accented) text then shows as mojibake.

    A real Windows-1252 file ("café", "25°C", "naïve") has its accented letters between plain ones, so few of its
    bytes pair up that way and it is not flagged. Regular expressions over the bytes, on 16 pieces spread over a file
    longer than a megabyte (a share is what is asked, and a sample tells it: milliseconds, where 50 MB took a second).
    """
    if label != FALLBACK:
        return False
    if len(raw) > _SAMPLE:
        step, piece = len(raw) // 16, _SAMPLE // 16
        raw = b"".join(raw[start : start + piece] for start in range(0, 16 * step, step))
    high = len(raw.translate(None, _ASCII))  # bytes above 0x7F
    if not high:
        return False
    rest = _UTF8_CHARACTER.sub(b"", raw)
    rest = _CP949_HANGUL.sub(b"", rest)
    unexplained = len(rest.translate(None, _ASCII))
    return unexplained <= 0.5 * high


def _looks_like_utf16_without_bom(raw: bytes) -> bool:
    """ASCII text saved as UTF-16 has a NUL byte in every other position."""
    sample = raw[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even)) or (
        even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd)
    )
