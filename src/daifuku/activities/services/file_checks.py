"""What an attached file may be beyond its type: bounded work to open it, and no content
that acts by itself when someone opens it.

* **Images** — at most ``DAIFUKU_ATTACHMENT_MAX_PIXELS`` pixels (50 megapixels: a
  200-megapixel phone photo is refused, ordinary ones pass). The size is read from the
  header before anything is decoded, so an 87 KB PNG that claims 90 megapixels costs
  nothing (decoding it for the thumbnail took 360 MB and a second of CPU). Pillow's own
  decompression-bomb limit is set to the same value for every other use of Pillow.
* **Office files** (xlsx, docx, pptx are zip archives) — at most
  ``DAIFUKU_ATTACHMENT_MAX_UNZIPPED_BYTES`` (100 MB) once expanded, at most 100 times
  their compressed size and 5,000 parts; the parts are really decompressed (counted,
  not kept) so an archive that lies about its sizes is caught too.
* **PDFs** — refused when they carry anything a reader runs or opens by itself:
  ``/JavaScript`` or ``/JS`` (also in an ``/OpenAction`` or ``/AA``), ``/Launch``,
  ``/EmbeddedFile`` (attached files), ``/RichMedia``. The names are also looked for
  inside compressed object streams and with ``#xx`` escapes. Such a PDF is refused
  rather than stored: nobody needs to send a customer's ledger a PDF that runs code.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from daifuku.core.errors import ValidationFailed

MAX_RATIO = 100
MAX_PARTS = 5000
# PDF names are case-sensitive: /JS is a script, a link to ".../js/app" is not
PDF_ACTIVE_NAMES = {
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
}
PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
PDF_STREAM = re.compile(rb"stream\r?\n")
CHUNK = 1024 * 1024


def max_pixels() -> int:
    return getattr(settings, "DAIFUKU_ATTACHMENT_MAX_PIXELS", 50_000_000)


def max_unzipped() -> int:
    return getattr(settings, "DAIFUKU_ATTACHMENT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)


# Pillow's decompression-bomb limit, for every use of Pillow in the process (it refuses
# images of more than twice this, and warns above it): set when the app loads.
Image.MAX_IMAGE_PIXELS = max_pixels()


def _refused(message) -> ValidationFailed:
    return ValidationFailed({"file": [message]}, code="file_refused")


def check_image_size(data: bytes) -> None:
    """Refuse an image whose header states more pixels than allowed (nothing decoded)."""
    limit = max_pixels()
    Image.MAX_IMAGE_PIXELS = limit  # Pillow refuses twice this anywhere else as well
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return  # not an image Pillow knows: the type check decides
    if width * height > limit:
        raise _refused(
            _("The image is too large (%(mp)s megapixels; at most %(limit)s).")
            % {"mp": round(width * height / 1_000_000), "limit": round(limit / 1_000_000)}
        )


def check_office_archive(data: bytes) -> None:
    """Refuse a zip-based office file that expands beyond the limits (or is no zip)."""
    limit = max_unzipped()
    too_big = _refused(
        _("This file expands to more than %(mb)s MB when opened.") % {"mb": limit // (1024 * 1024)}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise too_big
            if any(
                part.compress_size > part.file_size + part.file_size // 10 + 1024 for part in parts
            ):
                raise zipfile.BadZipFile("a part claims to be smaller than its compressed data")
            declared = sum(part.file_size for part in parts)
            if declared > limit or declared > MAX_RATIO * max(len(data), 1):
                raise too_big
            total = 0
            for part in parts:  # the sizes in the directory may lie: count what comes out
                with archive.open(part) as stream:
                    while chunk := stream.read(CHUNK):
                        total += len(chunk)
                        if total > limit or total > MAX_RATIO * max(len(data), 1):
                            raise too_big
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,
        zlib.error,
    ):
        raise _refused(_("This office file is damaged and cannot be attached.")) from None


def _names(raw: bytes) -> set[bytes]:
    """The PDF names in ``raw``, ``#xx`` escapes decoded."""
    found = set()
    for match in PDF_NAME.finditer(raw):
        name = match.group(1)
        if b"#" in name:
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        found.add(name)
    return found


def _streams(data: bytes, budget: int):
    """The decompressed bytes of the PDF's Flate streams (object streams hide objects
    there), at most ``budget`` bytes in all."""
    view = memoryview(data)
    for match in PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        end = data.find(b"endstream", match.end())
        decompressor = zlib.decompressobj()
        try:
            out = decompressor.decompress(
                view[match.end() : end if end != -1 else len(data)], budget
            )
        except zlib.error:
            continue
        budget -= len(out)
        yield out


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with scripts, launch actions, attached files or rich media."""
    names = _names(data)
    for stream in _streams(data, max_unzipped()):
        names |= _names(stream)
    if names & PDF_ACTIVE_NAMES:
        raise _refused(
            _(
                "This PDF contains scripts, actions that open programs, or attached files, "
                "so it cannot be attached. Save it again as a plain PDF (print to PDF)."
            )
        )
