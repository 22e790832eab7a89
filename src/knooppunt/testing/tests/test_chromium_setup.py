"""`make test` brings Debian's chromium itself when it can, and otherwise stops at once with the
command to run (the browser tests need it: knooppunt.testing.browser)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
INSTALL = "sudo apt-get install -y chromium fonts-liberation"


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH of stand-ins: `id` says who we are, `apt-get` logs its calls and "installs"
    chromium at the path the script checks; `sudo` only where a test adds it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("env", "make"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    log, chromium = tmp_path / "calls.log", tmp_path / "chromium"
    _stub(
        bin_dir,
        "apt-get",
        f'echo "apt-get $*" >> {log}\n'
        f'case "$*" in *install*chromium*) printf "#!/bin/sh\\n" > {chromium}; '
        f"{shutil.which('chmod')} +x {chromium};; esac\n",
    )

    class Machine:
        def __init__(self):
            self.log, self.chromium, self.bin = log, chromium, bin_dir
            self.uid = "1000"

        def add_sudo(self, *, without_password: bool):
            rule = "exit 0" if without_password else "exit 1"
            _stub(
                bin_dir,
                "sudo",
                f'echo "sudo $*" >> {log}\n'
                f'if [ "$1" = "-n" ]; then shift; [ "$*" = true ] && {rule}; fi\n'
                'exec "$@"\n',
            )

        def make(self, target: str = "chromium"):
            _stub(bin_dir, "id", f'[ "$1" = "-u" ] && echo {self.uid}\n')
            env = {"PATH": str(bin_dir), "KNOOPPUNT_CHROMIUM": str(chromium), "HOME": "/tmp"}
            return subprocess.run(
                ["make", "-s", "--no-print-directory", "-C", str(ROOT), target],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )

        def calls(self) -> str:
            return log.read_text() if log.exists() else ""

    return Machine()


def test_make_test_sees_to_chromium_before_anything_else():
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(ROOT), "test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert dry_run[0].endswith("scripts/ensure-chromium")


def test_present_chromium_is_left_alone(machine):
    machine.chromium.write_text("#!/bin/sh\n")
    machine.chromium.chmod(0o755)
    result = machine.make()
    assert result.returncode == 0, result.stderr
    assert machine.calls() == ""


def test_as_root_chromium_is_installed(machine):
    machine.uid = "0"
    result = machine.make()
    assert result.returncode == 0, result.stderr
    assert machine.calls().splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq chromium fonts-liberation",
    ]
    assert os.access(machine.chromium, os.X_OK)


def test_with_sudo_chromium_is_installed(machine):
    machine.add_sudo(without_password=True)
    result = machine.make()
    assert result.returncode == 0, result.stderr
    calls = machine.calls()
    assert "sudo apt-get update -qq" in calls
    assert "sudo env DEBIAN_FRONTEND=noninteractive apt-get install" in calls
    assert os.access(machine.chromium, os.X_OK)


@pytest.mark.parametrize("sudo", ["none", "asks a password"])
def test_otherwise_make_test_stops_at_once_with_the_command(machine, sudo):
    if sudo != "none":
        machine.add_sudo(without_password=False)
    result = machine.make("test")
    assert result.returncode != 0
    assert INSTALL in result.stderr
    assert "apt-get" not in machine.calls().replace("sudo -n true", "")
    # Stopped before any other step of `make test` (installing, linting, testing).
    assert result.stdout == ""
