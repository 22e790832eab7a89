"""`knooppunt validate_message` (exit 0/1/2) and the demo messages of `seed_demo`."""

import io
import zipfile

import pytest
from django.core.management import call_command

from knooppunt.exchange.models import Message

from .conftest import jw301


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("validate_message", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_valid_files_print_ok_and_exit_0(tmp_path):
    path = tmp_path / "a.xml"
    path.write_bytes(jw301("CLI1"))
    code, out, _err = _run(str(path))
    assert code == 0 and out.startswith("OK JW301 CLI1")


def test_a_refused_file_prints_the_list_and_exits_1(tmp_path):
    good, bad = tmp_path / "a.xml", tmp_path / "b.xml"
    good.write_bytes(jw301())
    bad.write_bytes(jw301().replace(b"999900006", b"123456789"))
    code, out, _err = _run(str(good), str(bad))
    assert code == 1 and "AFGEKEURD" in out and "CS002" in out and "11-proef" in out


def test_a_zip_is_checked_per_file(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("een.xml", jw301("Z1"))
        archive.writestr("twee.xml", b"<kapot")
    code, out, _err = _run(str(path))
    assert code == 1 and "OK JW301 Z1" in out and "KP003" in out


@pytest.mark.parametrize("args", [(), ("/bestaat/niet.xml",)])
def test_usage_errors_exit_2(args):
    code, _out, err = _run(*args)
    assert code == 2 and err.startswith("Fout:")


@pytest.mark.django_db
def test_seed_demo_adds_messages_once():
    call_command("seed_demo", stdout=io.StringIO())
    assert Message.objects.count() == 3
    call_command("seed_demo", stdout=io.StringIO())
    assert Message.objects.count() == 3
    assert set(Message.objects.values_list("message_type", flat=True)) == {
        "JW301",
        "WMO301",
        "JW305",
    }
