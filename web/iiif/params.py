"""The Image API 3.0 request grammar: region, size, rotation, quality and format, checked.

Pure parsing, no pixels: a request that does not follow the grammar (or asks for more than the
image or the server's limits allow) is a `BadRequest`, which the view answers with 400.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["BadRequest", "Request", "parse_region", "parse_size", "parse_rotation", "parse",
           "QUALITIES", "FORMATS"]

QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png"}
_NUMBER = r"\d+(?:\.\d+)?"
_PIXELS = re.compile(r"^(\d+),(\d+),(\d+),(\d+)$")
_PERCENT = re.compile(rf"^pct:({_NUMBER}),({_NUMBER}),({_NUMBER}),({_NUMBER})$")
_SIZE_WH = re.compile(r"^(!)?(\d+)?,(\d+)?$")
_SIZE_PCT = re.compile(rf"^pct:({_NUMBER})$")
_ROTATION = re.compile(r"^(!)?(0|90|180|270)$")


class BadRequest(ValueError):
    """A parameter the Image API grammar (or this server's limits) does not allow."""


@dataclass(frozen=True)
class Request:
    """One image request, resolved to full-resolution pixels and an exact output size."""

    region: tuple[int, int, int, int]  # x, y, w, h
    size: tuple[int, int]  # w, h of the answer
    rotation: int = 0
    mirror: bool = False
    quality: str = "default"
    format: str = "jpg"


def parse_region(text: str, width: int, height: int) -> tuple[int, int, int, int]:
    """`full`, `square`, `x,y,w,h` or `pct:x,y,w,h`, clipped to the image."""
    if text == "full":
        return 0, 0, width, height
    if text == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if match := _PIXELS.match(text):
        x, y, w, h = (int(v) for v in match.groups())
    elif match := _PERCENT.match(text):
        px, py, pw, ph = (float(v) for v in match.groups())
        x, y = math.floor(px * width / 100), math.floor(py * height / 100)
        w, h = round(pw * width / 100), round(ph * height / 100)
    else:
        raise BadRequest(f"region {text!r} is not full, square, x,y,w,h or pct:x,y,w,h")
    if w <= 0 or h <= 0 or x >= width or y >= height:
        raise BadRequest(f"region {text!r} lies outside the image ({width}×{height})")
    return x, y, min(w, width - x), min(h, height - y)


def parse_size(text: str, region_w: int, region_h: int, max_area: int) -> tuple[int, int]:
    """`max`, `w,`, `,h`, `pct:n`, `w,h`, `!w,h`, each optionally `^` (upscaling allowed)."""
    upscale = text.startswith("^")
    body = text[1:] if upscale else text
    limit = max_area
    if body == "max":
        scale = min(1.0, math.sqrt(limit / (region_w * region_h)))
        if upscale:
            scale = math.sqrt(limit / (region_w * region_h))
        w, h = max(1, math.floor(region_w * scale)), max(1, math.floor(region_h * scale))
        return w, h
    if match := _SIZE_PCT.match(body):
        pct = float(match.group(1))
        w, h = round(region_w * pct / 100), round(region_h * pct / 100)
    elif match := _SIZE_WH.match(body):
        confined, w_text, h_text = match.groups()
        w, h = _wh(confined, w_text, h_text, region_w, region_h, text)
    else:
        raise BadRequest(f"size {text!r} is not max, w,, ,h, pct:n, w,h or !w,h")
    if w <= 0 or h <= 0:
        raise BadRequest(f"size {text!r} asks for an empty image")
    if not upscale and (w > region_w or h > region_h):
        raise BadRequest(f"size {text!r} is larger than the region; ask with ^ to upscale")
    if w * h > limit:
        raise BadRequest(f"size {text!r} is over this server's {limit}-pixel limit (maxArea)")
    return w, h


def _wh(confined: str | None, w_text: str | None, h_text: str | None, region_w: int,
        region_h: int, text: str) -> tuple[int, int]:
    if confined:
        if not (w_text and h_text):
            raise BadRequest(f"size {text!r}: !w,h needs both a width and a height")
        scale = min(int(w_text) / region_w, int(h_text) / region_h)
        return max(1, math.floor(region_w * scale)), max(1, math.floor(region_h * scale))
    if w_text and h_text:
        return int(w_text), int(h_text)
    if w_text:
        return int(w_text), max(1, round(region_h * int(w_text) / region_w))
    if h_text:
        return max(1, round(region_w * int(h_text) / region_h)), int(h_text)
    raise BadRequest(f"size {text!r} names neither a width nor a height")


def parse_rotation(text: str) -> tuple[int, bool]:
    """`0`, `90`, `180`, `270`, each optionally `!` (mirrored first)."""
    match = _ROTATION.match(text)
    if not match:
        raise BadRequest(f"rotation {text!r} is not 0, 90, 180 or 270 (optionally with !)")
    return int(match.group(2)), bool(match.group(1))


def parse(region: str, size: str, rotation: str, quality_format: str, width: int, height: int,
          max_area: int) -> Request:
    """The whole request, checked against an image of `width` × `height`."""
    quality, _, fmt = quality_format.rpartition(".")
    if quality not in QUALITIES:
        raise BadRequest(f"quality {quality!r} is not one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        raise BadRequest(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    box = parse_region(region, width, height)
    angle, mirror = parse_rotation(rotation)
    out = parse_size(size, box[2], box[3], max_area)
    return Request(box, out, angle, mirror, quality, fmt)
