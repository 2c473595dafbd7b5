"""DVD-Video inside an ISO 9660 image: find the main title's VOBs, read titles and chapters.

A disc image is one file and one item. ISO 9660 directories are read here (a few fixed-offset
records); the title search table of VIDEO_TS.IFO gives the titles and their chapter counts, and
each title set's VTS_nn_0.IFO the chapter times (its program chain's cell playback times). The
main title set's VOBs lie back to back in the image, so ffmpeg reads them in place through its
`subfile` protocol: nothing is copied out.
"""
from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archive.errors import CorruptFile, UnsupportedFormat

__all__ = ["DiscTitle", "DvdImage", "read_dvd_image", "read_dvd_tar", "tar_video_ts"]

_SECTOR = 2048
_PVD_OFFSET = 16 * _SECTOR
_MAX_ENTRIES = 4096  # records read from one directory: a DVD's VIDEO_TS holds under 100
_MAX_IFO_BYTES = 4 * 1024 * 1024
_VOB = re.compile(r"^VTS_(\d\d)_([1-9])\.VOB$")


@dataclass
class DiscTitle:
    """One title of the disc: its title set, chapter count and chapter start times (seconds)."""

    n: int
    title_set: int
    chapters: int
    duration: float | None = None
    chapter_starts: list[float] = field(default_factory=list)


@dataclass
class DvdImage:
    """What the image holds: its volume name, titles, and where the main title set's VOBs are."""

    volume: str
    titles: list[DiscTitle]
    main_set: int
    start: int  # byte offset of the main title set's first VOB in the image
    end: int  # byte offset just past its last VOB

    def input_url(self, path: Path) -> str:
        """The ffmpeg input reading the main title set's VOBs in place."""
        return f"subfile,,start,{self.start},end,{self.end},,:{path}"


def read_dvd_image(path: Path) -> DvdImage:
    """The DVD-Video structure of ISO image `path` (UnsupportedFormat if it is no video DVD)."""
    with path.open("rb") as image:
        reader = _Iso(image, path.stat().st_size)
        files = {name: (lba * _SECTOR, size) for name, (lba, size) in reader.video_ts().items()}
        return _read_dvd(reader, files, reader.volume)


def read_dvd_tar(path: Path) -> DvdImage:
    """The DVD-Video structure of a tar of a VIDEO_TS folder (`tar cf disc.tar VIDEO_TS`)."""
    with path.open("rb") as image:
        files, folder = tar_video_ts(path)
        if not files:
            raise UnsupportedFormat("a tar archive without a VIDEO_TS folder (not a video DVD)")
        reader = _Reader(image, path.stat().st_size)
        return _read_dvd(reader, files, Path(path).stem if folder in ("", ".") else
                         Path(folder).name)


def tar_video_ts(path: Path) -> tuple[dict[str, tuple[int, int]], str]:
    """{name: (byte offset, size)} of the first VIDEO_TS folder's files in an uncompressed tar."""
    found: dict[str, tuple[int, int]] = {}
    try:
        with tarfile.open(path, mode="r:") as archive:
            for n, member in enumerate(archive):
                if n >= _MAX_ENTRIES:
                    break
                parts = PurePosixPath(member.name).parts
                if member.isfile() and len(parts) >= 2 and parts[-2].upper() == "VIDEO_TS":
                    found[parts[-1].upper()] = (member.offset_data, member.size)
                    folder = "/".join(parts[:-2])
    except (tarfile.TarError, OSError) as e:
        raise CorruptFile(f"the tar archive cannot be read ({e})") from e
    return found, (folder if found else "")


def _read_dvd(reader: _Reader, files: dict[str, tuple[int, int]], volume: str) -> DvdImage:
    vmg = reader.read(files.get("VIDEO_TS.IFO"), "VIDEO_TS.IFO")
    titles = _titles(vmg)
    for title in titles:
        vts = files.get(f"VTS_{title.title_set:02d}_0.IFO")
        if vts:
            _chapter_times(reader.read(vts, "VTS IFO"), title)
    main = max(titles, key=lambda t: (t.duration or 0, -t.n)).title_set if titles else 1
    vobs = sorted((int(m.group(2)), files[name]) for name in files
                  if (m := _VOB.match(name)) and int(m.group(1)) == main)
    if not vobs:
        raise CorruptFile(f"the DVD has no video files for title set {main}")
    for (_, (offset, size)), (_, (next_offset, _)) in zip(vobs, vobs[1:]):
        if offset + size > next_offset:
            raise CorruptFile("the DVD's video files overlap: the image is damaged")
    # A tar puts a 512-byte header between members: the VOBs are near-contiguous, and MPEG
    # program stream readers resynchronise on the next pack header, as after a scratch.
    first, last = vobs[0][1], vobs[-1][1]
    return DvdImage(volume, titles, main, first[0], last[0] + last[1])


class _Reader:
    """Bounded reads of one image file."""

    def __init__(self, image, size: int) -> None:
        self.image, self.size = image, size

    def read(self, extent: tuple[int, int] | None, what: str) -> bytes:
        """The content of a file of the image (CorruptFile when it is missing or too large)."""
        if extent is None:
            raise CorruptFile(f"the DVD has no {what}: it is incomplete")
        offset, size = extent
        if size > _MAX_IFO_BYTES:
            raise CorruptFile(f"the DVD's {what} is implausibly large ({size} bytes)")
        return self._bytes(offset, size)

    def _bytes(self, offset: int, size: int) -> bytes:
        if offset + size > self.size:
            raise CorruptFile("the disc image is truncated: a file lies past its end")
        self.image.seek(offset)
        return self.image.read(size)


class _Iso(_Reader):
    """Just enough ISO 9660: the primary volume descriptor and directory records."""

    def __init__(self, image, size: int) -> None:
        super().__init__(image, size)
        image.seek(_PVD_OFFSET)
        pvd = image.read(_SECTOR)
        if pvd[1:6] != b"CD001" or pvd[0] != 1:
            raise UnsupportedFormat("a disc image without a readable ISO 9660 volume")
        self.volume = pvd[40:72].decode("ascii", errors="replace").strip()
        self.root = _extent(pvd[156:190])

    def video_ts(self) -> dict[str, tuple[int, int]]:
        """{name: (sector, size)} of the files in the VIDEO_TS folder."""
        folder = self._entries(*self.root).get("VIDEO_TS")
        if folder is None or not folder[2]:
            raise UnsupportedFormat("a disc image with no VIDEO_TS folder (not a video DVD); "
                                    "copy its audio or video files out and ingest those")
        return {name: (lba, size) for name, (lba, size, is_dir) in
                self._entries(folder[0], folder[1]).items() if not is_dir}

    def _entries(self, lba: int, size: int) -> dict[str, tuple[int, int, bool]]:
        data = self._bytes(lba * _SECTOR, min(size, _MAX_ENTRIES * 256))
        found, i = {}, 0
        while i < len(data) and len(found) < _MAX_ENTRIES:
            length = data[i]
            if length == 0:  # records never cross a sector: the rest of this one is padding
                i = (i // _SECTOR + 1) * _SECTOR
                continue
            record = data[i:i + length]
            name = record[33:33 + record[32]].decode("ascii", errors="replace").split(";")[0]
            if name not in ("\x00", "\x01"):
                found[name.upper()] = (*_extent(record), bool(record[25] & 2))
            i += length
        return found


def _extent(record: bytes) -> tuple[int, int]:
    return int.from_bytes(record[2:6], "little"), int.from_bytes(record[10:14], "little")


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 2], "big")


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "big")


def _titles(vmg: bytes) -> list[DiscTitle]:
    """The title search pointer table (TT_SRPT) of VIDEO_TS.IFO."""
    if not vmg.startswith(b"DVDVIDEO-VMG"):
        raise CorruptFile("VIDEO_TS.IFO of the DVD image is damaged (no DVDVIDEO-VMG mark)")
    table = _u32(vmg, 0xC4) * _SECTOR
    count = _u16(vmg, table) if table + 8 <= len(vmg) else 0
    titles = []
    for n in range(min(count, 99)):  # a DVD has at most 99 titles
        entry = vmg[table + 8 + 12 * n:table + 20 + 12 * n]
        if len(entry) == 12:
            titles.append(DiscTitle(n + 1, title_set=entry[6], chapters=_u16(entry, 2)))
    return titles


def _chapter_times(vts: bytes, title: DiscTitle) -> None:
    """Chapter starts and the duration of `title` from its title set's first program chain."""
    if not vts.startswith(b"DVDVIDEO-VTS"):
        return
    pgci = _u32(vts, 0xCC) * _SECTOR
    if pgci + 16 > len(vts) or _u16(vts, pgci) == 0:
        return
    pgc = pgci + _u32(vts, pgci + 12)  # the first program chain (entry PGC of title 1)
    if pgc + 0xEC > len(vts):
        return
    programs, cells = vts[pgc + 2], vts[pgc + 3]
    title.duration = _bcd_time(vts[pgc + 4:pgc + 8])
    program_map, cell_table = pgc + _u16(vts, pgc + 0xE6), pgc + _u16(vts, pgc + 0xE8)
    cell_times = [_bcd_time(vts[cell_table + 24 * c + 4:cell_table + 24 * c + 8])
                  for c in range(cells) if cell_table + 24 * c + 8 <= len(vts)]
    firsts = [vts[program_map + p] for p in range(programs) if program_map + p < len(vts)]
    title.chapter_starts = [round(sum(cell_times[:max(first - 1, 0)]), 3) for first in firsts]


def _bcd_time(raw: bytes) -> float:
    """A DVD playback time: BCD hours, minutes, seconds, frames (rate in the top two bits)."""
    if len(raw) < 4:
        return 0.0
    bcd = [(b >> 4) * 10 + (b & 0xF) for b in raw[:3]]
    rate = 30 if raw[3] >> 6 == 3 else 25
    frames = ((raw[3] & 0x30) >> 4) * 10 + (raw[3] & 0xF)
    return bcd[0] * 3600 + bcd[1] * 60 + bcd[2] + frames / rate
