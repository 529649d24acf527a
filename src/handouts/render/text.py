"""Text flowables laid out by handouts.linebreak (so every line break follows our rules)."""

from __future__ import annotations

from reportlab.lib.colors import Color, black
from reportlab.platypus import Flowable

from handouts.linebreak import BreakRules, wrap
from handouts.render.fonts import FontPair


class TextStyle:
    """Font, size, leading and colour of one kind of text (a plain value object)."""

    def __init__(self, fonts: FontPair, size: float, leading: float, rules: BreakRules,
                 bold: bool = False, color: Color = black, above: float = 0.0):
        self.fonts, self.size, self.leading, self.rules = fonts, size, leading, rules
        self.bold, self.color = bold, color
        self.font_name = fonts.bold if bold else fonts.regular
        self.above = above          # room at the top of each line for furigana (in `leading`)

    def width(self, text: str) -> float:
        return self.fonts.width(text, self.size, self.bold)

    def baseline(self, line_top: float) -> float:
        """Baseline of a line whose box starts at `line_top`, text centred in the leading."""
        glyph_height = (self.fonts.ascent + self.fonts.descent) * self.size
        return (line_top - self.above - (self.leading - self.above - glyph_height) / 2
                - self.fonts.ascent * self.size)


class TextBlock(Flowable):
    """A paragraph (optionally with a bullet) wrapped by our own line breaker."""

    def __init__(self, text: str, style: TextStyle, bullet: str | None = None,
                 space_before: float = 0, space_after: float = 0, lines: list[str] | None = None,
                 lead: tuple[str, TextStyle] | None = None, ruby=None, lead_ruby=None):
        super().__init__()
        self.text, self.style, self.bullet, self.lead = text, style, bullet, lead
        # Furigana (render.ruby.RubyText): the text's and the lead-in's readings, drawn there.
        self.ruby, self.lead_ruby = ruby, lead_ruby
        self.lead_width = ((lead_ruby.width(lead_ruby.text + "  ") if lead_ruby else
                            lead[1].width(lead[0] + "  ")) if lead else 0.0)
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.indent = style.size * 1.1 if bullet else 0
        self._lines = lines
        self._wrapped_for: float | None = None if lines is None else -1

    def lines(self, width: float) -> list[str]:
        if self._wrapped_for != width and self._wrapped_for != -1:
            ruby = self.ruby
            self._lines = wrap(ruby.text if ruby else self.text, width - self.indent,
                               ruby.width if ruby else self.style.width, self.style.rules,
                               self.lead_width)
            self._wrapped_for = width
        return self._lines

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = len(self.lines(avail_width)) * self.style.leading
        return avail_width, self.height

    def split(self, avail_width, avail_height):
        lines = self.lines(avail_width)
        fit = int(avail_height // self.style.leading)
        if len(lines) < 4 or fit < 2 or fit > len(lines) - 2:
            return []   # keep short paragraphs whole; no single orphan or widow lines
        head = TextBlock(self.text, self.style, self.bullet, self.spaceBefore, 0, lines[:fit],
                         self.lead, self.ruby, self.lead_ruby)
        tail = TextBlock(self.text, self.style, None, 0, self.spaceAfter, lines[fit:],
                         ruby=self.ruby)
        tail.indent = self.indent
        return [head, tail]

    def draw(self):
        style, canvas = self.style, self.canv
        canvas.setFillColor(style.color)
        canvas.setFont(style.font_name, style.size)
        top = self.height
        for index, line in enumerate(self._lines):
            y = style.baseline(top - index * style.leading)
            x = self.indent
            if index == 0 and self.bullet:
                canvas.drawString(0, y, self.bullet)
            if index == 0 and self.lead:
                text, lead_style = self.lead
                canvas.setFont(lead_style.font_name, lead_style.size)
                if self.lead_ruby:
                    self.lead_ruby.draw(canvas, x, y, self.lead_ruby.text)
                else:
                    canvas.drawString(x, y, text)
                canvas.setFont(style.font_name, style.size)
                x += self.lead_width
            if self.ruby:
                self.ruby.draw(canvas, x, y, line)
            else:
                canvas.drawString(x, y, line)
