"""The content/ tree as one zip of Markdown files: a deterministic export, and a reader that refuses
anything that is not plainly our layout (unsafe names, links, bombs, too much, not UTF-8), in Chinese.

The caller enforces the upload size (MAX_UPLOAD_BYTES) before calling read_zip; everything after that,
including sizes a zip declares falsely, is checked here, while reading.
"""
from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .common import ImportRefused

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # what an upload may weigh; checked by the caller
ROOT_FILES = ("areas.yaml",)
LAYOUT_DIRS = ("topics", "cases", "questions", "blueprints")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the same files give the same bytes
RATIO_FLOOR = 64 * 1024  # below this many bytes an entry cannot be a bomb, whatever its ratio
CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ZipLimits:
    max_files: int = 5000
    max_total_bytes: int = 100 * 1024 * 1024  # all files, uncompressed
    max_file_bytes: int = 10 * 1024 * 1024
    max_ratio: float = 100.0  # uncompressed : compressed, for entries of RATIO_FLOOR bytes and more
    max_name_chars: int = 255


DEFAULT_LIMITS = ZipLimits()


class ZipRefused(ImportRefused):
    """The zip is not read at all; the message (Chinese) says which file and why."""


def name_problem(name: str) -> str | None:
    """Why a path inside a zip cannot be used, or None."""
    if "\\" in name:
        return f"文件名 “{name}” 含有反斜杠 \\；zip 里的路径只能用 / 分隔"
    if name.startswith("/"):
        return f"文件名 “{name}” 是绝对路径；zip 里只能放相对于内容目录的路径"
    if _DRIVE.match(name):
        return f"文件名 “{name}” 带有盘符；zip 里只能放相对于内容目录的路径"
    if _CONTROL.search(name):
        return f"文件名 “{name!r}” 含有控制字符"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return f"文件名 “{name}” 含有 ..，会指向内容目录以外的位置"
    if any(p in ("", ".") for p in parts):
        return f"文件名 “{name}” 含有空的或 . 路径段"
    return None


def in_layout(name: str) -> bool:
    """areas.yaml, or a .md file somewhere under topics/, cases/, questions/ or blueprints/."""
    parts = name.split("/")
    return name in ROOT_FILES or (len(parts) >= 2 and parts[0] in LAYOUT_DIRS and name.endswith(".md"))


def layout_files(root: Path | str) -> dict[str, str]:
    """The files of a content directory that belong in the zip, by their path in it (sorted).
    Read as bytes and decoded, so line endings are kept exactly."""
    root = Path(root)
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if in_layout(name):
            out[name] = path.read_bytes().decode("utf-8")
    return out


def export_zip(files: dict[str, str]) -> bytes:
    """A zip of the files (path in the content/ layout → text), byte for byte the same for the same files."""
    for name in files:
        problem = name_problem(name) or (None if in_layout(name) else f"“{name}” 不在内容目录结构里")
        if problem:
            raise ValueError(problem)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read as one
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[name].encode("utf-8"))
    return buffer.getvalue()


def _check_entries(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The file entries to read, after every check that needs no decompression."""
    if len(infos) > limits.max_files:
        raise ZipRefused(f"压缩包里有 {len(infos)} 个条目，超过上限 {limits.max_files} 个")
    seen: set[str] = set()
    files = []
    for info in infos:
        name = info.filename
        if len(name) > limits.max_name_chars:
            raise ZipRefused(f"文件名太长（{len(name)} 个字符，上限 {limits.max_name_chars}）：“{name[:60]}…”")
        problem = name_problem(name)
        if problem:
            raise ZipRefused(problem)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ZipRefused(f"“{name}” 是符号链接；压缩包里只能放普通文件")
        if info.flag_bits & 0x1:
            raise ZipRefused(f"“{name}” 是加密的；请不加密码重新压缩")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ZipRefused(f"“{name}” 用了不支持的压缩方式；请用普通的 zip（deflate）压缩")
        if name in seen:
            raise ZipRefused(f"“{name}” 在压缩包里出现了两次")
        seen.add(name)
        if not info.is_dir():
            files.append(info)
    declared = sum(i.file_size for i in files)
    if declared > limits.max_total_bytes:
        raise ZipRefused(f"解压后共 {declared // 1024 // 1024} MB，超过上限 {limits.max_total_bytes // 1024 // 1024} MB")
    for info in files:
        _check_size(info.filename, info.file_size, info.compress_size, limits)
    return files


def _check_size(name: str, size: int, compressed: int, limits: ZipLimits) -> None:
    if size > limits.max_file_bytes:
        raise ZipRefused(f"“{name}” 解压后超过 {limits.max_file_bytes // 1024 // 1024} MB，不像是内容文件")
    if size >= RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
        raise ZipRefused(f"“{name}” 的压缩比超过 {limits.max_ratio:g} 倍（压缩炸弹）；内容文件不会压缩得这么小")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, total: int) -> tuple[bytes, int]:
    """The entry's bytes, counted while reading: a zip can declare sizes that are not true."""
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > info.file_size:
                    raise ZipRefused(f"“{info.filename}” 解压出的内容比它声明的大小多，压缩包是伪造的")
                if total > limits.max_total_bytes:
                    raise ZipRefused(f"解压后超过上限 {limits.max_total_bytes // 1024 // 1024} MB")
                _check_size(info.filename, size, info.compress_size, limits)
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, ZipRefused):
            raise
        raise ZipRefused(f"“{info.filename}” 已损坏或与声明的大小、校验值不符，压缩包不能读取") from None
    return b"".join(chunks), total


def read_zip(data: bytes, limits: ZipLimits = DEFAULT_LIMITS) -> dict[str, str]:
    """The files of a content zip (path in the content/ layout → text, sorted), or ZipRefused.

    A zip whose every file sits in one top folder named content/ is read as if that folder were the root.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ZipRefused("不是有效的 zip 文件") from None
    with archive:
        files = _check_entries(archive.infolist(), limits)
        prefix = "content/" if files and all(i.filename.startswith("content/") for i in files) else ""
        for info in files:
            if not in_layout(info.filename[len(prefix):]):
                raise ZipRefused(f"“{info.filename}” 不在内容目录结构里：只能有 areas.yaml，以及 "
                                 f"{'、'.join(d + '/' for d in LAYOUT_DIRS)} 下的 .md 文件")
        out, total = {}, 0
        for info in files:
            raw, total = _read_entry(archive, info, limits, total)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw[:exc.start].count(b"\n") + 1
                raise ZipRefused(f"“{info.filename}” 不是 UTF-8 编码的文字（第 {line} 行）；请用 UTF-8 保存后重新压缩") from None
            if "\x00" in text:
                raise ZipRefused(f"“{info.filename}” 不是文字文件")
            out[info.filename[len(prefix):]] = text.removeprefix("\ufeff")
    return dict(sorted(out.items()))
