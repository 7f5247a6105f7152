"""Files no record can be: each gets one located diagnostic, no traceback, and the run goes on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO

MEMBER = "content/members/kevin.yaml"


def plant_second_fault(sample) -> str:
    """A fault in another file, to prove one broken file hides nothing else."""
    sample.set_field("content/members/tom.yaml", "joined", "2026-02-30")
    return f"{sample.locate('content/members/tom.yaml', '2026-02-30')}: error: 2026-02-30 is not a real date"


BAD_FILES = {
    "binary": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
               f"{MEMBER}:1:1: error: is a binary file, not text"),
    "latin-1": (lambda p: p.write_bytes("nickname: Kevin\nbio: caf\xe9\n".encode("latin-1")),
                f"{MEMBER}:2:9: error: is not valid UTF-8 text (byte 0xe9); save it as UTF-8"),
    "empty": (lambda p: p.write_bytes(b""), f"{MEMBER}:1:1: error: file is empty"),
    "whitespace only": (lambda p: p.write_bytes(b"\n  \n"), f"{MEMBER}:1:1: error: file is empty"),
    "a list, not a mapping": (lambda p: p.write_text("- a\n- b\n"),
                              f"{MEMBER}:1:1: error: expected a mapping of fields, found a list"),
    "alias bomb": (lambda p: p.write_text(
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
        + "nickname: bomb\n"),
        None),
    "python object tag": (lambda p: p.write_text("nickname: !!python/object/apply:os.system ['echo hi']\n"),
                          f"{MEMBER}:1:11: error: YAML tag !!python/object/apply:os.system "
                          "is not supported"),
    "multiple documents": (lambda p: p.write_text("nickname: a\n---\nnickname: b\n"), None),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_gets_one_located_diagnostic(sample, shequn, case):
    write, expected = BAD_FILES[case]
    write(sample.path(MEMBER))
    other = plant_second_fault(sample)
    run = shequn("check", "--source", str(sample.root))
    mine = [l for l in run.out.splitlines() if l.startswith(MEMBER)]
    assert len(mine) == 1, run.out
    if expected:
        assert mine[0] == expected
    else:
        assert ": error: " in mine[0]
    assert other in run.out.splitlines()
    assert run.code == 1


def test_alias_bomb_is_named(sample, shequn):
    BAD_FILES["alias bomb"][0](sample.path(MEMBER))
    run = shequn("check", "--source", str(sample.root))
    assert "(a YAML alias bomb?); file not read" in run.out


def test_fifty_megabyte_file(sample, shequn):
    with open(sample.path(MEMBER), "wb") as handle:
        handle.write(b"nickname: big\nbio: |\n")
        line = b"  " + b"x" * 1000 + b"\n"
        for _ in range(50_000):
            handle.write(line)
    size = sample.path(MEMBER).stat().st_size
    assert size > 50_000_000
    run = shequn("check", "--source", str(sample.root))
    assert (f"{MEMBER}:1:1: error: file is {size / 1e6:.1f} MB; a record file may be at most 8 MB"
            in run.out.splitlines())
    assert [l for l in run.out.splitlines() if "kevin" in l] == [f"{MEMBER}:1:1: error: file is {size / 1e6:.1f} MB; "
                                                                  "a record file may be at most 8 MB"]


def test_symlink_outside_the_source_folder(sample, shequn, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("nickname: leaked\nname: SECRET-OUTSIDE\n")
    os.remove(sample.path(MEMBER))
    os.symlink(secret, sample.path(MEMBER))
    run = shequn("check", "--source", str(sample.root))
    assert (f"{MEMBER}:1:1: error: is a symbolic link to a place outside the source folder; not read"
            in run.out.splitlines())


def test_symlink_inside_the_source_folder_is_read(sample, shequn):
    os.replace(sample.path(MEMBER), sample.path("content/assets-kevin.yaml.txt"))
    os.symlink(sample.path("content/assets-kevin.yaml.txt"), sample.path(MEMBER))
    run = shequn("check", "--source", str(sample.root))
    assert not [l for l in run.out.splitlines() if l.startswith(MEMBER)]


def test_folder_where_a_file_is_expected(sample, shequn):
    os.remove(sample.path(MEMBER))
    sample.path(MEMBER).mkdir()
    other = plant_second_fault(sample)
    run = shequn("check", "--source", str(sample.root))
    assert f"{MEMBER}:1:1: error: expected a file, found a folder" in run.out.splitlines()
    assert other in run.out.splitlines()


def test_front_matter_never_closed(sample, shequn):
    folder = sample.path("content/weeks/2026-W36")
    slug = sorted(p.name for p in folder.iterdir() if p.is_dir())[0]
    rel = f"content/weeks/2026-W36/{slug}/question.md"
    sample.write(rel, sample.read(rel).replace("\n---\n", "\n", 1))
    run = shequn("check", "--source", str(sample.root))
    assert f"{rel}:1:1: error: front matter opened on line 1 is never closed by a line '---'" in run.out


def test_no_traceback_for_hostile_files(sample):
    for case, (write, _) in BAD_FILES.items():
        target = sample.path(f"content/members/bad-{abs(hash(case)) % 1000}.yaml")
        write(target)
    sample.write("content/weeks/2026-W36/week.yaml", "\x00\x01binary")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--source", str(sample.root)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr == ""
