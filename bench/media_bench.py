"""Audio-visual figures: ingest seconds and access-copy seconds per minute of DVD-like video.

Makes a 1-minute MPEG-2 program stream at DVD size (720×576, 25 fps, ~5 Mbit/s, MP2 sound, a
Vietnamese–English SRT beside it), ingests it with `ttdn ingest` as its own process, then makes
the web access copy (H.264/AAC MP4) as the portal does on first request.

    .venv/bin/python bench/media_bench.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TTDN = str(Path(sys.executable).parent / "ttdn")

from archive.settings import load_settings  # noqa: E402
from archive.store import ObjectStore  # noqa: E402
from ingest.media_derivatives import access_copy  # noqa: E402

__all__ = ["measure_media"]

SECONDS = 60
_SRT = "".join(f"{n + 1}\n00:00:{n * 5:02d},000 --> 00:00:{n * 5 + 4:02d},000\n"
               f"Phụ đề số {n + 1} về Lạng Sơn\nSubtitle {n + 1} about Lang Son\n\n"
               for n in range(12))


def _make_clip(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "dvd-clip.mpg"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size=720x576:rate=25:duration={SECONDS}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}",
                    "-c:v", "mpeg2video", "-b:v", "5M", "-c:a", "mp2", "-b:a", "192k",
                    "-f", "vob", str(clip)], check=True)
    clip.with_suffix(".srt").write_text(_SRT, encoding="utf-8")
    return clip


def measure_media() -> dict:
    """Seconds per minute of video for ingest and for the access copy."""
    with tempfile.TemporaryDirectory(prefix="ttdn-media-bench-") as work:
        work_dir = Path(work)
        _make_clip(work_dir / "in")
        home = work_dir / "home"
        started = time.perf_counter()
        proc = subprocess.run([TTDN, "--home", str(home), "ingest", str(work_dir / "in"),
                               "--json"], capture_output=True, text=True, check=False)
        ingest_seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"ingest failed: {proc.stdout}{proc.stderr}")
        run_seconds = json.loads(proc.stdout)["seconds"]  # the run itself, without start-up
        shown = json.loads(subprocess.run([TTDN, "--home", str(home), "show", "dvd-clip.mpg",
                                           "--json"], capture_output=True, text=True,
                                          check=True).stdout)
        settings = load_settings(home)
        original = ObjectStore(settings.objects_dir).path_for(shown["sha256"])
        started = time.perf_counter()
        copy = access_copy(original, work_dir / "access.mp4", "video",
                           timeout=settings.ffmpeg_timeout)
        copy_seconds = time.perf_counter() - started
        minutes = shown["media"]["duration"] / 60
        return {"minutes": round(minutes, 2), "pages": len(shown["pages"]),
                "ingest_s_per_min": round(run_seconds / minutes, 2),
                "ingest_wall_s_per_min": round(ingest_seconds / minutes, 2),
                "access_copy_s_per_min": round(copy_seconds / minutes, 2),
                "original_mb": round(original.stat().st_size / 2**20, 1),
                "access_copy_mb": round(copy.stat().st_size / 2**20, 1)}


def main() -> None:
    """Print the two bench lines."""
    r = measure_media()
    print(f"media ingest: {r['ingest_s_per_min']} s per minute of video (MPEG-2 PS 720x576, "
          f"{r['original_mb']} MB/min, {r['pages']} subtitle pages; "
          f"{r['ingest_wall_s_per_min']} s with the process start)")
    print(f"media access copy: {r['access_copy_s_per_min']} s per minute of video (H.264/AAC "
          f"MP4, {r['access_copy_mb']} MB/min)")


if __name__ == "__main__":
    main()
