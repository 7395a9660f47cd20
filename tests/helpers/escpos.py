"""Decode captured ESC/POS bytes into what the paper would show.

Written from the ESC/POS command reference (parameter counts and lengths),
not from python-escpos, so tests check the renderer's bytes against the
protocol rather than against the library that made them. Text is decoded
with the code page the stream selected with ``ESC t`` (Epson's table of
slots). A command this decoder does not know raises :class:`DecodeError`, so
a test notices stray bytes (injected commands, a renderer change) instead of
skipping them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageOps

# ESC t n slot -> Python codec, Epson numbering (TM-T88V/TM-T20II manuals).
EPSON_CODE_PAGES: dict[int, str] = {
    0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857",
    14: "cp737", 15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852",
    19: "cp858", 32: "cp720", 33: "cp775", 34: "cp855", 35: "cp861", 36: "cp862",
    37: "cp864", 38: "cp869", 39: "iso8859_2", 40: "iso8859_15", 44: "cp1125",
    45: "cp1250", 46: "cp1251", 47: "cp1253", 48: "cp1254", 49: "cp1255",
    50: "cp1256", 51: "cp1257", 52: "cp1258",
}  # fmt: skip

ESC, GS, DLE, LF, CR = 0x1B, 0x1D, 0x10, 0x0A, 0x0D

# ESC commands -> number of parameter bytes that follow the command letter.
_ESC_FIXED = {
    ord("@"): 0, ord("2"): 0, ord("!"): 1, ord("E"): 1, ord("-"): 1, ord("M"): 1,
    ord("a"): 1, ord("d"): 1, ord("J"): 1, ord("3"): 1, ord("{"): 1, ord("G"): 1,
    ord("V"): 1, ord("r"): 1, ord("t"): 1, ord("="): 1, ord("R"): 1, ord(" "): 1,
    ord("p"): 3, ord("B"): 2,
}  # fmt: skip
# GS commands with fixed parameter counts.
_GS_FIXED = {
    ord("!"): 1, ord("B"): 1, ord("b"): 1, ord("H"): 1, ord("f"): 1, ord("h"): 1,
    ord("w"): 1, ord("|"): 1, ord("L"): 2, ord("W"): 2,
}  # fmt: skip


class DecodeError(ValueError):
    """The stream holds a command the decoder does not know, or is truncated."""


@dataclass(frozen=True)
class Line:
    """A printed text line with the style in force when it started."""

    text: str
    align: int  # 0 left, 1 centre, 2 right
    bold: bool
    width: int  # character width multiplier (GS !)
    height: int
    font: int  # 0 = Font A, 1 = Font B


@dataclass
class Decoded:
    """What a captured stream prints, in order (``events``) and by kind."""

    lines: list[Line] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    qr_module_sizes: list[int] = field(default_factory=list)
    qr_error_levels: list[str] = field(default_factory=list)
    qr_prints: int = 0
    images: list[tuple[int, int]] = field(default_factory=list)  # (width, height) in dots
    rasters: list[bytes] = field(default_factory=list)  # GS v 0 data, one per image
    cut_kinds: list[str] = field(default_factory=list)  # "full" / "partial", per GS V
    inits: int = 0
    code_pages: list[int] = field(default_factory=list)  # every ESC t slot selected
    status_queries: list[int] = field(default_factory=list)  # DLE EOT n
    feeds: int = 0  # lines fed by ESC d
    events: list[tuple[str, object]] = field(default_factory=list)

    @property
    def cuts(self) -> int:
        """How many GS V (cut) commands the stream holds."""
        return len(self.cut_kinds)

    @property
    def text_lines(self) -> list[str]:
        return [line.text for line in self.lines]

    def raster(self, index: int) -> Image.Image:
        """The ``index``-th GS v 0 image as the paper shows it (black dots black)."""
        (width, height), data = self.images[index], self.rasters[index]
        image = Image.frombytes("1", (width, height), data)  # PIL: bit set = white
        return ImageOps.invert(image.convert("L"))

    def dump(self) -> str:
        """A human-readable listing of what would come out of the printer."""
        out = []
        for kind, what in self.events:
            if kind == "line":
                assert isinstance(what, Line)
                style = f"{'LCR'[what.align]} {what.width}x{what.height}"
                style += " B" if what.bold else "  "
                style += " fontB" if what.font else "      "
                out.append(f"[{style}] {what.text}")
            else:
                out.append(f"<{kind} {what}>")
        return "\n".join(out) + "\n"


class _Decoder:
    def __init__(self, data: bytes, code_pages: dict[int, str]) -> None:
        self.data, self.pos, self.table = data, 0, code_pages
        self.out = Decoded()
        self.reset()
        self.buffer: list[str] = []
        self.line_style: tuple[int, bool, int, int, int] | None = None

    def reset(self) -> None:
        self.codec, self.align, self.bold, self.width, self.height, self.font = (
            "cp437", 0, False, 1, 1, 0,
        )  # fmt: skip

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(f"truncated command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def text(self, chunk: bytes) -> None:
        if self.line_style is None:
            self.line_style = (self.align, self.bold, self.width, self.height, self.font)
        self.buffer.append(chunk.decode(self.codec))

    def flush(self, force: bool) -> None:
        if not force and not self.buffer:
            return
        style = self.line_style or (self.align, self.bold, self.width, self.height, self.font)
        line = Line("".join(self.buffer).rstrip(" "), *style)
        self.out.lines.append(line)
        self.out.events.append(("line", line))
        self.buffer, self.line_style = [], None

    def run(self) -> Decoded:
        while self.pos < len(self.data):
            byte = self.data[self.pos]
            if byte >= 0x20 and byte != 0x7F:
                end = self.pos
                while end < len(self.data) and self.data[end] >= 0x20 and self.data[end] != 0x7F:
                    end += 1
                self.text(self.take(end - self.pos))
            elif byte == LF:
                self.pos += 1
                self.flush(force=True)
            elif byte == CR:
                self.pos += 1
            elif byte == ESC:
                self.pos += 1
                self.esc()
            elif byte == GS:
                self.pos += 1
                self.gs()
            elif byte == DLE:
                self.pos += 1
                self.dle()
            else:
                raise DecodeError(f"unexpected control byte 0x{byte:02x} at {self.pos}")
        self.flush(force=False)
        return self.out

    def esc(self) -> None:
        start = self.pos - 1
        cmd = self.take(1)[0]
        if cmd == ord("*"):  # column bit image: m nL nH, then nL+nH*256 columns
            m, nl, nh = self.take(3)
            columns = nl + nh * 256
            self.take(columns * (3 if m in (32, 33) else 1))
            self.flush(force=False)
            self.out.images.append((columns, 24 if m in (32, 33) else 8))
            self.out.rasters.append(b"")  # column format: sizes only
            self.out.events.append(("image-band", (columns, 24 if m in (32, 33) else 8)))
            if self.pos < len(self.data) and self.data[self.pos] == LF:
                self.pos += 1  # python-escpos ends each band with LF: part of the image
            return
        if cmd not in _ESC_FIXED:
            raise DecodeError(f"unknown command ESC 0x{cmd:02x} at {start}")
        params = self.take(_ESC_FIXED[cmd])
        if cmd == ord("@"):
            self.flush(force=False)
            self.reset()
            self.out.inits += 1
            self.out.events.append(("init", ""))
        elif cmd == ord("t"):
            if params[0] not in self.table:
                raise DecodeError(f"ESC t {params[0]}: code page not in the table")
            self.codec = self.table[params[0]]
            self.out.code_pages.append(params[0])
        elif cmd == ord("E"):
            self.bold = bool(params[0] & 1)
        elif cmd == ord("a"):
            self.align = params[0] % 48
        elif cmd == ord("M"):
            self.font = params[0] % 48
        elif cmd == ord("!"):
            self.font, self.bold = params[0] & 1, bool(params[0] & 8)
            self.height, self.width = 2 if params[0] & 16 else 1, 2 if params[0] & 32 else 1
        elif cmd == ord("d"):
            self.flush(force=False)
            self.out.feeds += params[0]

    def gs(self) -> None:
        start = self.pos - 1
        cmd = self.take(1)[0]
        if cmd == ord("V"):
            m = self.take(1)[0]
            if m in (65, 66, 97, 98, 103, 104):
                self.take(1)
            self.flush(force=False)
            kind = "partial" if m in (1, 49, 66, 98, 104) else "full"
            self.out.cut_kinds.append(kind)
            self.out.events.append(("cut", kind))
        elif cmd == ord("v"):  # GS v 0 m xL xH yL yH, then raster data
            if self.take(1) != b"0":
                raise DecodeError(f"unknown command GS v at {start}")
            _, xl, xh, yl, yh = self.take(5)
            width_bytes, height = xl + xh * 256, yl + yh * 256
            self.out.rasters.append(self.take(width_bytes * height))
            self.flush(force=False)
            self.out.images.append((width_bytes * 8, height))
            self.out.events.append(("image", (width_bytes * 8, height)))
        elif cmd == ord("("):  # GS ( fn pL pH [pL+pH*256 bytes]
            fn = self.take(1)[0]
            pl, ph = self.take(2)
            body = self.take(pl + ph * 256)
            if fn == ord("k"):
                self.two_d_code(body)
        elif cmd in _GS_FIXED:
            params = self.take(_GS_FIXED[cmd])
            if cmd == ord("!"):
                self.width, self.height = (params[0] >> 4) + 1, (params[0] & 0x0F) + 1
        else:
            raise DecodeError(f"unknown command GS 0x{cmd:02x} at {start}")

    def two_d_code(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 49:  # cn 49 = QR; nothing else is expected
            raise DecodeError(f"unexpected GS ( k symbol {body[:2]!r}")
        fn, rest = body[1], body[2:]
        if fn == 67:
            self.out.qr_module_sizes.append(rest[0])
        elif fn == 69:
            self.out.qr_error_levels.append("LMQH"[rest[0] - 48])
        elif fn == 80:  # store: m=48 then the payload
            self.out.qr_payloads.append(rest[1:].decode("utf-8"))
        elif fn == 81:
            self.flush(force=False)
            self.out.qr_prints += 1
            self.out.events.append(("qr", self.out.qr_payloads[-1] if self.out.qr_payloads else ""))

    def dle(self) -> None:
        cmd, n = self.take(2)
        if cmd != 0x04:
            raise DecodeError(f"unknown command DLE 0x{cmd:02x} at {self.pos - 3}")
        self.out.status_queries.append(n)


def decode(data: bytes, code_pages: dict[int, str] | None = None) -> Decoded:
    """Decode an ESC/POS stream; ``code_pages`` overrides the Epson ESC t table."""
    return _Decoder(data, code_pages or EPSON_CODE_PAGES).run()
