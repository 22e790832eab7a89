"""Real files for the attachment tests, made on the spot: PDFs with pikepdf, images with Pillow."""

import io
import zlib

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def pdf(text: str = "Medische informatie") -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    page = document.pages[0]
    page.Contents = document.make_stream(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    document.Root.OpenAction = document.make_indirect(action)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_named_javascript() -> bytes:
    """JavaScript in the document's name tree, with the action nested as a direct object."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array(
                [
                    pikepdf.String("start"),
                    pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("x()")),
                ]
            )
        )
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_embedded_file() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    document.attachments["geheim.exe"] = pikepdf.AttachedFileSpec(document, b"MZ\x90\x00binary")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_password(user: str = "geheim") -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(user=user, owner="eigenaar"))
    return out.getvalue()


def pdf_bomb(unpacked_mb: int = 8) -> bytes:
    """A stream of zeros that unpacks to `unpacked_mb` MB from a few kilobytes, stored as it
    is (already compressed) with /FlateDecode twice over."""
    inner = zlib.compress(b"\0" * (unpacked_mb * 1024 * 1024), 9)
    outer = zlib.compress(inner, 9)
    document = pikepdf.new()
    document.add_blank_page()
    stream = pikepdf.Stream(document, outer)
    stream.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
    document.Root.Bom = document.make_indirect(stream)
    out = io.BytesIO()
    document.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
