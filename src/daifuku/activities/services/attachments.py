"""Photos and documents on touches. The type is decided by the file's content (magic
bytes), never by its name or the browser's claim; anything a browser could run (HTML,
SVG, scripts, polyglots that are also HTML) is refused."""

from __future__ import annotations

import io
import os
import re
import uuid

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from daifuku.accounts.permissions import CHANGE, DELETE, ensure_can, is_user
from daifuku.core import audit
from daifuku.core.errors import ValidationFailed

from ..models import Touch, TouchAttachment
from .file_checks import check_image_size, check_office_archive, check_pdf

IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
# Markup a browser would execute if it ever rendered the file; refused anywhere in a
# file so a JPEG or PDF that is also an HTML page (a polyglot) never gets in.
ACTIVE_CONTENT = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|head|meta|img|a\s|!doctype|\?xml|\?php|xml|math|style|link|form)"
    rb"|javascript:|on[a-z]+\s*=",
    re.IGNORECASE,
)
THUMBNAIL_SIZE = (320, 320)


def _too_large(limit: int) -> ValidationFailed:
    return ValidationFailed(
        {"file": [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}]},
        code="file_too_large",
    )


def _read(upload, limit: int) -> bytes:
    """The upload's bytes, refusing more than ``limit`` without reading all of it."""
    if getattr(upload, "size", None) and upload.size > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def sniff(data: bytes, name: str) -> tuple[str, str]:
    """``(content_type, extension)`` from the content, or ValidationFailed."""
    refuse = ValidationFailed(
        {
            "file": [
                _(
                    "This kind of file cannot be attached. Use photos (JPEG, PNG, GIF, WebP, HEIC), "
                    "PDF, Excel, Word, PowerPoint, text or CSV."
                )
            ]
        },
        code="file_type_refused",
    )
    if not data:
        raise ValidationFailed({"file": [_("The file is empty.")]}, code="file_empty")
    kind = filetype.guess(data)
    if kind is not None:
        if kind.mime in IMAGE_TYPES:
            mime, extension = kind.mime, IMAGE_TYPES[kind.mime]
        elif kind.mime in DOCUMENT_TYPES:
            mime, extension = kind.mime, DOCUMENT_TYPES[kind.mime]
        else:
            raise refuse
        # Office files are compressed; their parts are checked by the office application,
        # their expansion here (file_checks: a 1 GB docx of 1 MB is refused).
        if extension in ("xlsx", "docx", "pptx"):
            check_office_archive(data)
        elif ACTIVE_CONTENT.search(data):
            raise refuse
        if extension == "pdf":
            check_pdf(data)
        if mime in IMAGE_TYPES:
            check_image_size(data)  # from the header, before anything is decoded
        if mime in ("image/jpeg", "image/png", "image/gif", "image/webp"):
            _verify_image(data, refuse)
        return mime, extension
    # No magic number: only plain UTF-8 / Shift_JIS text without markup is accepted.
    if b"\x00" in data or ACTIVE_CONTENT.search(data):
        raise refuse
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise refuse
    extension = "csv" if name.lower().endswith(".csv") else "txt"
    return TEXT_TYPES[extension], extension


def _verify_image(data: bytes, refuse: ValidationFailed) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse from None


def _thumbnail(data: bytes) -> bytes | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", THUMBNAIL_SIZE)
            converted = image.convert("RGB")
            converted.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            converted.save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def safe_name(name: str, extension: str) -> str:
    """The user's file name for the download, with the extension the content proves."""
    base = os.path.basename(name or "").rsplit(".", 1)[0]
    base = re.sub(r'[\x00-\x1f"\\/:*?<>|]+', "_", base).strip(" .")[:150] or "file"
    return f"{base}.{extension}"


@transaction.atomic
def add_attachment(*, actor, touch: Touch, upload) -> TouchAttachment:
    """Attach an uploaded file to a touch (its author, or an admin, may). Checks size and
    type by content, stores it under a random name and makes a thumbnail for photos."""
    ensure_can(actor, CHANGE, touch)
    data = _read(upload, settings.DAIFUKU_ATTACHMENT_MAX_BYTES)
    mime, extension = sniff(data, getattr(upload, "name", ""))
    original = safe_name(getattr(upload, "name", ""), extension)
    attachment = TouchAttachment(
        touch=touch,
        original_name=original,
        content_type=mime,
        size=len(data),
        is_image=mime in IMAGE_TYPES,
        uploaded_by=actor if is_user(actor) else None,
    )
    stored = f"{uuid.uuid4().hex}.{extension}"
    attachment.file.save(stored, ContentFile(data), save=False)
    if attachment.is_image and mime != "image/heic":
        thumb = _thumbnail(data)
        if thumb:
            attachment.thumbnail.save(f"{uuid.uuid4().hex}.jpg", ContentFile(thumb), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        if attachment.thumbnail:
            attachment.thumbnail.delete(save=False)
        raise
    audit.record(
        actor=actor,
        action="attach",
        object_type="activities.touchattachment",
        object_id=attachment.pk,
        object_repr=original,
        subject=touch.person or touch.company,
        changes={"file": [None, original], "size": [None, len(data)], "touch": [None, touch.pk]},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor, attachment: TouchAttachment) -> None:
    ensure_can(actor, DELETE, attachment.touch)
    names = [(attachment.file.storage, attachment.file.name)]
    if attachment.thumbnail:
        names.append((attachment.thumbnail.storage, attachment.thumbnail.name))
    touch = attachment.touch
    audit.record(
        actor=actor,
        action="detach",
        object_type="activities.touchattachment",
        object_id=attachment.pk,
        object_repr=attachment.original_name,
        subject=touch.person or touch.company,
        changes={"file": [attachment.original_name, None], "touch": [touch.pk, None]},
    )
    attachment.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])  # type: ignore[func-returns-value,arg-type]
