"""Test pages made in code with known text: a phone photo of a printed page, bilingual leaflets.

Each page is typeset with PyMuPDF from text written for these tests (no third-party text), then
degraded with Pillow the way the real thing is: the phone photo gets a mild perspective, light
falling off across the sheet, sensor noise, JPEG compression and a camera's EXIF Make/Model; the
leaflets are image-only PNGs as a print shop's proof would be. bench/eval_report.py reads the same
pages, so the numbers in the report and the tests are about the same files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

__all__ = ["PHOTO_TEXT", "LEAFLETS", "Leaflet", "render_text_page", "phone_photo",
           "write_phone_photo", "write_leaflet"]

LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

PHOTO_TEXT = """THÔNG BÁO
Về việc tổ chức ngày hội đọc sách tại thư viện tỉnh
Thư viện tỉnh trân trọng thông báo tới các cơ quan, trường học và nhân dân
trong tỉnh về ngày hội đọc sách năm nay. Ngày hội diễn ra từ thứ Bảy đến
hết Chủ nhật tại sân thư viện, với gian trưng bày sách cổ, tài liệu lưu trữ
về lịch sử địa phương và bản đồ các huyện qua từng thời kỳ.
Các đơn vị có nhu cầu tham gia trưng bày xin đăng ký với phòng nghiệp vụ
trước ngày mười lăm của tháng, ghi rõ số lượng gian hàng và người phụ trách.
Bạn đọc nhỏ tuổi được tặng thẻ thư viện miễn phí và tham gia thi kể chuyện.
Mọi thắc mắc xin liên hệ bộ phận tiếp dân trong giờ hành chính.
Trân trọng cảm ơn sự quan tâm của quý cơ quan và bạn đọc."""


@dataclass(frozen=True)
class Leaflet:
    """A two-language leaflet: Vietnamese lines, then the same notice in the second language."""

    name: str
    lang: str  # Tesseract languages as a manifest would give them
    vietnamese: str
    other: str
    other_font: str


_VI = """Chợ phiên vùng cao họp vào sáng Chủ nhật hằng tuần.
Du khách xin giữ gìn vệ sinh và tôn trọng phong tục địa phương."""

LEAFLETS = (
    Leaflet("vi+en", "vie+eng", _VI,
            "The highland market opens every Sunday morning.\n"
            "Visitors are asked to keep the place clean and respect local customs.", LATIN_FONT),
    Leaflet("vi+fr", "vie+fra", _VI,
            "Le marché des hautes terres ouvre chaque dimanche matin.\n"
            "Les visiteurs sont priés de garder les lieux propres.", LATIN_FONT),
    Leaflet("vi+zh", "vie+chi_sim", _VI,
            "高原集市每个星期日上午开放。\n请游客保持清洁并尊重当地风俗。", CJK_FONT),
    Leaflet("vi+ja", "vie+jpn", _VI,
            "高原の市場は毎週日曜日の朝に開かれます。\n訪問者は清潔を保ち地元の習慣を尊重してください。",
            CJK_FONT),
    Leaflet("vi+ko", "vie+kor", _VI,
            "고원 시장은 매주 일요일 아침에 열립니다.\n방문객은 깨끗하게 이용하고 지역 풍습을 존중해 주십시오.",
            CJK_FONT),
)


def render_text_page(blocks: list[tuple[str, str, float]], *, dpi: int = 300,
                     width: float = 595, height: float = 842) -> Image.Image:
    """Typeset (text, font file, size in pt) blocks one line after another; return an RGB page."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    y = 72.0
    for i, (text, font, size) in enumerate(blocks):
        name = f"f{i}"
        page.insert_font(fontname=name, fontfile=font)
        for line in text.splitlines():
            page.insert_text((60, y), line, fontname=name, fontsize=size)
            y += size * 1.6
        y += size
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
    doc.close()
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def phone_photo(page: Image.Image, *, seed: int = 7, falloff: float = 0.6,
                noise: float = 10.0) -> Image.Image:
    """The page as a phone sees it: on a desk, mildly keystoned, lit from one side, noisy."""
    rng = np.random.default_rng(seed)
    w, h = page.size
    margin = w // 12
    desk = Image.new("RGB", (w + 2 * margin, h + 2 * margin), (96, 84, 70))
    desk.paste(page, (margin, margin))
    # Perspective: the top edge of the sheet a little narrower than the bottom (camera tilted).
    W, H = desk.size
    dx, dy = W * 0.04, H * 0.015
    # Source corners for the output's upper-left, lower-left, lower-right and upper-right.
    quad = (dx, dy, 0, H, W, H - dy, W - dx * 0.6, 0)
    warped = desk.transform((W, H), Image.QUAD, quad, resample=Image.BICUBIC,
                            fillcolor=(96, 84, 70))
    pixels = np.asarray(warped, dtype=np.float32)
    # Light falls off from the top-left corner to 1 - falloff at the bottom-right, slightly warm.
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 1.0 - falloff * ((xx / W) * 0.6 + (yy / H) * 0.4)
    pixels = pixels * light[..., None] * np.array([1.0, 0.97, 0.9], dtype=np.float32)
    pixels += rng.normal(0, noise, pixels.shape).astype(np.float32)
    photo = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    return photo


def write_phone_photo(path: Path, *, seed: int = 7) -> str:
    """Write the phone photo of PHOTO_TEXT as a JPEG with EXIF Make/Model; return the text."""
    # A 12 Mpx phone frames an A4 sheet at ~200 dpi; 10 pt print, the office's usual.
    page = render_text_page([(PHOTO_TEXT, LATIN_FONT, 10)], dpi=200)
    photo = phone_photo(page, seed=seed)
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "Galaxy A54"  # Model
    photo.save(path, format="JPEG", quality=75, exif=exif.tobytes(), dpi=(72, 72))
    return PHOTO_TEXT


def write_leaflet(path: Path, leaflet: Leaflet) -> str:
    """Write the leaflet as an image-only PNG at 300 dpi; return its text (the truth)."""
    page = render_text_page([(leaflet.vietnamese, LATIN_FONT, 12),
                             (leaflet.other, leaflet.other_font, 12)], dpi=300)
    page.convert("L").save(path, format="PNG", dpi=(300, 300))
    return leaflet.vietnamese + "\n" + leaflet.other
