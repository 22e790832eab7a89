"""The checks an attachment passes before it is stored: a PDF, JPEG or PNG by its content (not its
name), within the size limit, and for a PDF: not password-protected, no JavaScript or other
actions that run something, no embedded files, and no bomb (streams that unpack to far more
than any document needs). See docs/decisions.md for the libraries: puremagic reads the type,
pikepdf (qpdf) parses the PDF, Pillow decodes the images.

Every refusal is a ValidationError with a Dutch message that names the file.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import pikepdf
import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Content type -> the names such a file may carry, and how the message calls it.
TYPES = {
    "application/pdf": ((".pdf",), "PDF"),
    "image/jpeg": ((".jpg", ".jpeg"), "JPEG"),
    "image/png": ((".png",), "PNG"),
}
MAX_IMAGE_PIXELS = 80_000_000  # about a 300 dpi A0 scan; more is a decompression bomb
MAX_PDF_OBJECTS = 200_000
MAX_PDF_PAGES = 2_000
MAX_NESTING = 64

# Keys and values that make a PDF run something or carry a file.
_SCRIPT_KEYS = {"/JS", "/JavaScript"}
_SCRIPT_ACTIONS = {"/JavaScript", "/Launch"}
_EMBED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMedia"}
_EMBED_SUBTYPES = {"/FileAttachment", "/RichMedia"}
_FORMS_WITH_SCRIPTS = {"/XFA"}


@dataclass(frozen=True)
class Checked:
    naam: str  # the original file name, cleaned
    content: bytes
    content_type: str
    sha256: str

    @property
    def grootte(self) -> int:
        return len(self.content)


def max_bytes() -> int:
    return settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB * 1024 * 1024


def clean_name(name: str) -> str:
    """The last part of the name the browser sent, without control characters."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "bijlage"


def check(upload) -> Checked:
    """Read and check one uploaded file; raise ValidationError when it may not be stored."""
    naam = clean_name(getattr(upload, "name", ""))
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(naam)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(naam)
    return check_content(naam, content)


def check_content(naam: str, content: bytes) -> Checked:
    if not content:
        raise ValidationError(_("%(naam)s is leeg.") % {"naam": naam}, code="empty")
    content_type = sniff(content)
    if content_type is None:
        raise ValidationError(
            _("%(naam)s is geen PDF, JPEG of PNG. Alleen die bestandssoorten kunnen mee.")
            % {"naam": naam},
            code="type",
        )
    extensions, label = TYPES[content_type]
    suffix = PurePath(naam).suffix.lower()
    if suffix not in extensions:
        raise ValidationError(
            _(
                "De inhoud van %(naam)s is een %(soort)s-bestand, maar de naam zegt iets anders. "
                "Geef het bestand de juiste extensie (%(ext)s) of kies het juiste bestand."
            )
            % {"naam": naam, "soort": label, "ext": extensions[0]},
            code="extension",
        )
    if content_type == "application/pdf":
        check_pdf(naam, content)
    else:
        check_image(naam, content, content_type)
    return Checked(naam, content, content_type, hashlib.sha256(content).hexdigest())


def sniff(content: bytes) -> str | None:
    """The content type by the file's own bytes (puremagic), if it is one we take."""
    try:
        found = puremagic.from_string(content, mime=True)
    except (puremagic.PureError, ValueError):
        return None
    return found if found in TYPES else None


def _too_large(naam: str) -> ValidationError:
    return ValidationError(
        _("%(naam)s is groter dan %(mb)d MB.")
        % {"naam": naam, "mb": settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB},
        code="size",
    )


# --- images -----------------------------------------------------------------------------------


def check_image(naam: str, content: bytes, content_type: str) -> None:
    expected = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != expected:
                raise _broken(naam)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("%(naam)s is een afbeelding van meer dan %(mp)d megapixel.")
                    % {"naam": naam, "mp": MAX_IMAGE_PIXELS // 1_000_000},
                    code="bomb",
                )
            image.verify()
        # verify() checks the structure; decoding proves the pixel data is there.
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _broken(naam) from None


def _broken(naam: str) -> ValidationError:
    return ValidationError(
        _("%(naam)s is beschadigd of geen geldig bestand van deze soort.") % {"naam": naam},
        code="broken",
    )


# --- PDF --------------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, error: ValidationError):
        self.error = error


def check_pdf(naam: str, content: bytes) -> None:
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError:
        raise _password(naam) from None
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise _broken(naam) from None
    try:
        with pdf:
            if pdf.is_encrypted:
                raise _Refused(_password(naam))
            _check_structure(naam, pdf)
    except _Refused as refused:
        raise refused.error from None
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise _broken(naam) from None


def _password(naam: str) -> ValidationError:
    return ValidationError(
        _(
            "%(naam)s is beveiligd met een wachtwoord of versleuteld. Stuur het bestand mee "
            "zonder beveiliging."
        )
        % {"naam": naam},
        code="password",
    )


def _bomb(naam: str) -> _Refused:
    return _Refused(
        ValidationError(
            _(
                "%(naam)s pakt uit tot veel meer gegevens dan een document nodig heeft en wordt "
                "daarom geweigerd."
            )
            % {"naam": naam},
            code="bomb",
        )
    )


def _check_structure(naam: str, pdf: pikepdf.Pdf) -> None:
    objects = pdf.objects
    if len(objects) > MAX_PDF_OBJECTS or len(pdf.pages) > MAX_PDF_PAGES:
        raise _bomb(naam)
    if len(pdf.pages) == 0:
        raise _Refused(_broken(naam))
    budget = [settings.KNOOPPUNT_AANVRAGEN_PDF_MAX_UNPACKED_MB * 1024 * 1024]
    _walk(naam, pdf.Root, 0)
    _walk(naam, pdf.trailer, 0)
    for obj in objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            _walk(naam, obj, 0)
        if isinstance(obj, pikepdf.Stream):
            _unpack(naam, obj, budget)


def _walk(naam: str, obj, depth: int) -> None:
    """Look through a dictionary or array (not following indirect references: those objects
    are walked on their own) for scripts, actions that run something and embedded files."""
    if depth > MAX_NESTING:
        raise _bomb(naam)
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        keys = set(obj.keys())
        if keys & _SCRIPT_KEYS or keys & _FORMS_WITH_SCRIPTS:
            raise _Refused(_scripts(naam))
        if obj.get("/S") in _SCRIPT_ACTIONS:
            raise _Refused(_scripts(naam))
        if keys & _EMBED_KEYS or obj.get("/Subtype") in _EMBED_SUBTYPES:
            raise _Refused(_embedded(naam))
        if obj.get("/Type") == "/EmbeddedFile":
            raise _Refused(_embedded(naam))
        children = [obj.get(key) for key in keys]
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            _walk(naam, child, depth + 1)


def _scripts(naam: str) -> ValidationError:
    return ValidationError(
        _(
            "%(naam)s bevat JavaScript of andere onderdelen die iets uitvoeren. Sla het document "
            "op als gewone PDF (bijvoorbeeld via 'Afdrukken als PDF') en probeer het opnieuw."
        )
        % {"naam": naam},
        code="javascript",
    )


def _embedded(naam: str) -> ValidationError:
    return ValidationError(
        _(
            "%(naam)s bevat ingesloten bestanden. Voeg elk document als eigen bijlage toe, "
            "als PDF, JPEG of PNG."
        )
        % {"naam": naam},
        code="embedded",
    )


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return [str(v) for v in value]
    return [str(value)]


# Filters that expand data a bounded amount, and by at most how much.
_BOUNDED = {"/RunLengthDecode": 128, "/RL": 128, "/LZWDecode": 4096, "/LZW": 4096}
# Filters whose output we never produce here (images and text encodings that do not inflate).
_NOT_UNPACKED = {
    "/DCTDecode",
    "/DCT",
    "/JPXDecode",
    "/CCITTFaxDecode",
    "/CCF",
    "/JBIG2Decode",
    "/ASCIIHexDecode",
    "/AHx",
    "/ASCII85Decode",
    "/A85",
    "/Crypt",
}


def _unpack(naam: str, stream: pikepdf.Stream, budget: list[int]) -> None:
    """Count what the stream's compression unpacks to against the file's budget, a megabyte at
    a time: a bomb is refused without ever being unpacked whole, or held in memory."""
    filters = _filters(stream)
    if not filters:
        return
    data = stream.read_raw_bytes()
    for position, name in enumerate(filters):
        if name in ("/FlateDecode", "/Fl"):
            keep = any(f in _COUNTED for f in filters[position + 1 :])
            data = _inflate(naam, data, budget, keep=keep)
        elif name in _BOUNDED:
            budget[0] -= len(data) * _BOUNDED[name]
            if budget[0] < 0:
                raise _bomb(naam)
            return
        else:
            return  # images and text encodings: not unpacked here, nothing to count


_CHUNK = 1024 * 1024
_COUNTED = {"/FlateDecode", "/Fl", *_BOUNDED}


def _inflate(naam: str, data: bytes, budget: list[int], *, keep: bool) -> bytes:
    inflater = zlib.decompressobj()
    pieces: list[bytes] = []
    try:
        chunk = inflater.decompress(data, _CHUNK)
        while True:
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _bomb(naam)
            if keep:
                pieces.append(chunk)
            if not inflater.unconsumed_tail or inflater.eof:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        # What zlib still holds once all input is read is at most its 32 KB window.
        rest = inflater.flush()
    except zlib.error:
        return b""  # a damaged stream: readers show nothing of it, it unpacks to nothing
    budget[0] -= len(rest)
    if budget[0] < 0:
        raise _bomb(naam)
    return b"".join([*pieces, rest]) if keep else b""
