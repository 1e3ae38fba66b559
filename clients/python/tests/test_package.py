"""The package itself: ``pip install ./clients/python`` gives a typed package, and its code passes its own checks
(mypy --strict, ruff)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[1]


def run(*command: str, cwd: Path = CLIENT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def test_pip_install_of_the_folder_gives_a_typed_package(tmp_path: Path) -> None:
    target = tmp_path / "site"
    installed = run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "--target",
        str(target),
        str(CLIENT),
    )
    assert installed.returncode == 0, installed.stderr
    package = target / "spanpatch"
    assert (package / "py.typed").exists()
    assert (package / "__init__.py").exists()
    metadata = next(target.glob("spanpatch-*.dist-info")) / "METADATA"
    text = metadata.read_text()
    assert "Requires-Python: >=3.10" in text
    assert "Requires-Dist: requests>=2.28" in text
    imported = run(
        sys.executable,
        "-c",
        "import spanpatch; print(spanpatch.__file__)",
        cwd=tmp_path,
        env={"PYTHONPATH": str(target)},
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == str(package / "__init__.py")


def test_the_code_type_checks_strictly() -> None:
    checked = run(sys.executable, "-m", "mypy", "src")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_code_passes_ruff() -> None:
    linted = run(sys.executable, "-m", "ruff", "check", "src", "tests")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    formatted = run(sys.executable, "-m", "ruff", "format", "--check", "src", "tests")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
