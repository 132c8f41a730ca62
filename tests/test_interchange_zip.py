"""The Markdown zip (training/interchange/mdzip.py): the whole content/ tree round trip, byte for byte,
and every kind of hostile zip refused with a Chinese message. Pure: no app, no database."""
from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from training.content.validate import read_content
from training.interchange import mdzip
from training.interchange.mdzip import ZipLimits, ZipRefused, export_zip, read_zip

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PLAN = "---\nkind: bank\nid: bank-x\narea: plan\ntitle: 题库\n---\n\n"


def build(entries: list[tuple[str | zipfile.ZipInfo, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip made by hand, with whatever names and modes a test needs."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which one test wants
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return buffer.getvalue()


def patch_central(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Rewrite one field of the first central directory entry (what zipfile believes)."""
    at = data.index(b"PK\x01\x02") + offset
    return data[:at] + struct.pack(fmt, value) + data[at + struct.calcsize(fmt):]


def test_the_whole_content_tree_round_trips_byte_for_byte(tmp_path):
    files = mdzip.layout_files(CONTENT)
    assert "areas.yaml" in files and len(files) > 150 and "FORMAT.md" not in files
    data = export_zip(files)
    assert data == export_zip(dict(reversed(list(files.items()))))  # same files, same bytes, any order
    back = read_zip(data)
    assert back == files
    assert all((CONTENT / name).read_bytes() == text.encode("utf-8") for name, text in back.items())
    assert export_zip(back) == data
    for name, text in back.items():  # what comes out of the zip is a content tree our checker accepts
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    assert read_content(tmp_path).ok


def test_export_uses_fixed_times_and_plain_file_modes():
    with zipfile.ZipFile(io.BytesIO(export_zip({"areas.yaml": "- id: plan\n", "topics/plan/a.md": "甲"}))) as z:
        infos = z.infolist()
    assert [i.filename for i in infos] == ["areas.yaml", "topics/plan/a.md"]
    assert {i.date_time for i in infos} == {mdzip.FIXED_TIME}
    assert {stat.S_IMODE(i.external_attr >> 16) for i in infos} == {0o644}


@pytest.mark.parametrize("name", ["../areas.yaml", "/etc/passwd", "README.md", "topics\\plan\\a.md"])
def test_export_refuses_names_it_could_not_read_back(name):
    with pytest.raises(ValueError):
        export_zip({name: "x"})


def test_a_content_folder_at_the_top_and_a_bom_are_accepted():
    data = build([("content/areas.yaml", "\ufeff- id: plan\n".encode()), ("content/questions/plan/a.md", PLAN.encode())])
    assert read_zip(data) == {"areas.yaml": "- id: plan\n", "questions/plan/a.md": PLAN}


def symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("topics/plan/link.md")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize("entries, fragment", [
    ([("../../etc/cron.d/evil.md", b"x")], "含有 .."),
    ([("topics/../../evil.md", b"x")], "含有 .."),
    ([("/etc/passwd", b"x")], "绝对路径"),
    ([("topics\\plan\\a.md", b"x")], "反斜杠"),
    ([("C:/content/areas.yaml", b"x")], "盘符"),
    ([("topics//a.md", b"x")], "空的或 . 路径段"),
    ([(symlink(), b"/etc/passwd")], "符号链接"),
    ([("README.md", b"x")], "不在内容目录结构里"),
    ([("static/evil.js", b"x")], "不在内容目录结构里"),
    ([("questions/plan/a.txt", b"x")], "不在内容目录结构里"),
    ([("areas.yml", b"x")], "不在内容目录结构里"),
    ([("topics/plan/a.md", "客户服务".encode("gbk"))], "不是 UTF-8 编码"),
    ([("topics/plan/a.md", b"\x00\x01binary")], "不是文字文件"),
    ([("topics/plan/a.md", b"x"), ("topics/plan/a.md", b"y")], "出现了两次"),
])
def test_unsafe_or_foreign_entries_are_refused(entries, fragment):
    with pytest.raises(ZipRefused, match=fragment.replace(".", r"\.")):
        read_zip(build(entries))


def test_not_a_zip_and_encrypted_entries_are_refused():
    with pytest.raises(ZipRefused, match="不是有效的 zip 文件"):
        read_zip(b"PK\x03\x04 not really a zip")
    encrypted = patch_central(build([("topics/plan/a.md", b"x")]), 8, "<H", 0x1)
    with pytest.raises(ZipRefused, match="加密"):
        read_zip(encrypted)


def test_too_many_files_and_too_much_in_total():
    entries = [(f"topics/plan/{i}.md", "甲".encode() * 100) for i in range(4)]
    with pytest.raises(ZipRefused, match="超过上限 3 个"):
        read_zip(build(entries), ZipLimits(max_files=3))
    with pytest.raises(ZipRefused, match="超过上限"):
        read_zip(build(entries), ZipLimits(max_total_bytes=1000))
    big = [("topics/plan/big.md", b"a" * (11 * 1024 * 1024))]
    with pytest.raises(ZipRefused, match="超过 10 MB"):
        read_zip(build(big, zipfile.ZIP_STORED))


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_inflated():
    bomb = build([("questions/plan/bomb.md", b"0" * (8 * 1024 * 1024))])
    assert len(bomb) < 100 * 1024
    with pytest.raises(ZipRefused, match="压缩炸弹"):
        read_zip(bomb)


def test_declared_sizes_that_lie_are_caught_while_reading():
    real = b"0" * (20 * 1024 * 1024)
    honest = build([("questions/plan/bomb.md", real)])
    # the central directory now claims 1 MiB: the total and the ratio (about 50x) look fine
    lying = patch_central(honest, 24, "<I", 1024 * 1024)
    with pytest.raises(ZipRefused, match="损坏|伪造|压缩炸弹"):
        read_zip(lying)
    # and a claim of a few bytes, below every size check, still cannot smuggle the rest out
    tiny = patch_central(honest, 24, "<I", 10)
    with pytest.raises(ZipRefused, match="损坏|伪造"):
        read_zip(tiny)


def test_limits_and_upload_size_are_exposed():
    assert mdzip.MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    assert mdzip.DEFAULT_LIMITS.max_ratio == 100 and mdzip.DEFAULT_LIMITS.max_files == 5000
