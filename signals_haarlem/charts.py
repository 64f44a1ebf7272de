"""Charts as inline SVG, made on the server: no JavaScript, no third-party code.

Browsers show them in the werkplek and weasyprint renders them in PDFs. Every chart is an
`<svg role="img">` labelled by its `<title>` and `<desc>` (the desc holds all the numbers in words,
for screen readers); every bar and point has its own `<title>` (a tooltip on hover). The numbers
belong in a table next to the chart as well: a chart is for looking, the table for reading.

    from signals_haarlem import charts
    charts.bar_chart([('Eenvoudig', 812), ('Complex', 240)], 'Open meldingen per baan')
    charts.column_chart(['K1', 'K2'], [('Ontvangen', [12, 9])], 'Klachten per kwartaal')
    charts.stacked_column_chart(['wk 1', 'wk 2'], [('Eenvoudig', [80, 91]), ('Complex', [20, 25])], 'Per week')
    charts.stacked_bar_chart(['Eenvoudig', 'Complex'], [('0-5 dagen', [50, 9]), ('> 5 dagen', [4, 11])], '...')
    charts.line_chart(['jan', 'feb'], [('Op tijd', [0.91, 0.87])], 'Op tijd', percent=True, target=0.9)

All functions return safe markup (django.utils.safestring.SafeString); every text is escaped.
Values may be int, float, Decimal or None (None: no value; a gap in a line, nothing in a bar).
Numbers are written the Dutch way: 1.234,5 and 87%.
"""
import itertools
import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

#: Colours in series order: distinct, and each with at least 3:1 contrast on white.
COLOURS = ('#b3001b', '#004699', '#17663a', '#8a5a00', '#5a5a58', '#6b2c91', '#00707a', '#a34700')
#: Sequential colours for ordered buckets (e.g. age: young to old), light to dark red.
SEQUENTIAL = ('#7fa7d0', '#3f78b4', '#8a5a00', '#c2410c', '#a4000f', '#5c0008')
INK, MUTED, GRID, AXIS = '#1d1d1b', '#5a5a58', '#e4e4e2', '#8a8a88'
#: A white outline behind text drawn over lines (readable where it crosses a gridline or the norm line).
HALO = ' paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'
FONT = 'DejaVu Sans, Verdana, sans-serif'

_ids = itertools.count(1)


# -- numbers the Dutch way ----------------------------------------------------------------------

def _number(value):
    """A float, or None for no value (None, NaN, non-numbers)."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def format_number(value, decimals=0):
    """1234567 -> '1.234.567'; format_number(12.345, 1) -> '12,3'; None -> '–'."""
    number = _number(value)
    if number is None:
        return '–'
    if isinstance(value, Decimal):
        number = float(value)
    text = f'{abs(number):,.{decimals}f}'  # 1,234.5
    text = text.replace(',', '\x00').replace('.', ',').replace('\x00', '.')
    return ('-' if number < 0 and text.strip('0,.') else '') + text


def format_percent(share, decimals=0):
    """A share (0..1) as a percentage: 0.875 -> '88%' (decimals=1: '87,5%'); None -> '–'."""
    number = _number(share)
    return '–' if number is None else f'{format_number(number * 100, decimals)}%'


def _fmt(value, percent, decimals):
    return format_percent(value, decimals) if percent else format_number(value, decimals)


# -- shared pieces ------------------------------------------------------------------------------

def _no_data(title):
    return mark_safe(f'<p class="chart-empty muted">{escape(title)}: geen gegevens.</p>')


def _short(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + '…'


def _text(x, y, text, size=11, anchor='start', fill=INK, weight=None, extra=''):
    weight = f' font-weight="{weight}"' if weight else ''
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-family="{FONT}" '
            f'fill="{fill}"{weight}{extra}>{escape(text)}</text>')


def _open(width, height, title, desc, css_class):
    n = next(_ids)
    tid, did = f'chart-{n}-title', f'chart-{n}-desc'
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height:.0f}" '
            f'viewBox="0 0 {width} {height:.0f}" class="{escape(css_class)}" aria-labelledby="{tid} {did}">',
            f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>']


def nice_scale(top, ticks=5, percent=False):
    """(upper bound, step) for an axis from 0 to at least `top`, with round steps (1, 2, 2.5, 5 x 10^k).
    `percent`: `top` is a share; the axis ends at 100% at most and its steps are at least 0.1%."""
    top = max(_number(top) or 0, 0.0)
    if percent:
        if top >= 0.8:
            return 1.0, 0.2
        upper, step = nice_scale(top * 1000, ticks)  # in tenths of a percent
        return min(upper / 1000, 1.0), step / 1000
    if top <= 0:
        return 1.0, 1.0
    raw = top / max(ticks - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    step = max(step, 1.0)
    upper = math.ceil(top / step - 1e-9) * step
    return float(upper), float(step)


def _step_decimals(step, percent):
    """Decimals needed to write the axis steps (in percent for shares)."""
    value = step * 100 if percent else step
    for decimals in range(0, 4):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return 3


def _legend(names, colours, x, y, width, target_label=None):
    """Legend items in rows (and the dashed norm line, if any); returns (parts, height used)."""
    items = [(name, colour, False) for name, colour in zip(names, colours)]
    if target_label:
        items.append((target_label, INK, True))
    parts, cx, cy = [], x, y
    for name, colour, dashed in items:
        label = _short(name, 40)
        w = 18 + 7 * len(label) + 16
        if cx + w > width and cx > x:
            cx, cy = x, cy + 18
        if dashed:
            parts.append(f'<line x1="{cx:.1f}" y1="{cy + 6:.1f}" x2="{cx + 14:.1f}" y2="{cy + 6:.1f}" stroke="{INK}" '
                         f'stroke-width="1.5" stroke-dasharray="4 2"/>')
        else:
            parts.append(f'<rect x="{cx:.1f}" y="{cy:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(cx + 17, cy + 10.5, label))
        cx += w
    return parts, (cy - y + 18) if items else 0


def _label_every(count, room, label_width):
    """Show every n-th category label so they don't overlap."""
    fits = max(int(room // max(label_width, 1)), 1)
    return max(math.ceil(count / fits), 1)


def _describe(labels, series, percent, decimals):
    return '; '.join(f'{name}: ' + ', '.join(f'{label} {_fmt(value, percent, decimals)}'
                                              for label, value in zip(labels, values))
                     for name, values in series)


def _series(series, count):
    """[(name, [float|None] * count)]: pad or cut each series to the number of labels."""
    clean = []
    for name, values in series:
        values = [_number(v) for v in list(values)[:count]]
        clean.append((str(name), values + [None] * (count - len(values))))
    return clean


# -- horizontal bars ------------------------------------------------------------------------------

def bar_chart(items, title, width=520, bar=16, gap=6, label_width=220, percent=False, decimals=0, target=None,
              target_label='Norm', colours=None, css_class='chart'):
    """Horizontal bars, one per item: items = [(label, value)]. `percent`: values are shares (0..1).
    `target`: a vertical dashed line (e.g. a norm of 0.9). One colour per bar unless `colours` says."""
    items = [(str(label), _number(value)) for label, value in items]
    if not items:
        return _no_data(title)
    top = max([v for _, v in items if v is not None] + [target or 0, 0])
    upper = (1.0 if top <= 1 else top) if percent else (top or 1)
    value_room = 56
    plot = max(width - label_width - value_room, 40)
    head = 16 if target is not None else 0
    height = head + len(items) * (bar + gap) + gap
    desc = '; '.join(f'{label}: {_fmt(value, percent, decimals)}' for label, value in items)
    if target is not None:
        desc += f'; {target_label}: {_fmt(target, percent, decimals)}'
    parts = _open(width, height, title, desc, css_class)
    for i, (label, value) in enumerate(items):
        y = head + gap + i * (bar + gap)
        w = round(plot * (value or 0) / upper, 1) if upper else 0
        colour = (colours or COLOURS)[i % len(colours or COLOURS)]
        parts.append(_text(label_width - 6, y + bar - 4, _short(label, max(int(label_width / 6.5), 8)), anchor='end'))
        if value is not None:
            parts.append(f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar}" fill="{colour}">'
                         f'<title>{escape(label)}: {escape(_fmt(value, percent, decimals))}</title></rect>')
        parts.append(_text(label_width + w + 4, y + bar - 4, _fmt(value, percent, decimals)))
    if target is not None and upper:
        x = label_width + plot * target / upper
        parts.append(f'<line x1="{x:.1f}" y1="{head - 2}" x2="{x:.1f}" y2="{height}" stroke="{INK}" '
                     f'stroke-width="1.5" stroke-dasharray="5 3"/>')
        parts.append(_text(x, head - 5, f'{target_label} {_fmt(target, percent, decimals)}', size=10, anchor='middle',
                           extra=HALO))
    parts.append('</svg>')
    return mark_safe(''.join(parts))


horizontal_bar_chart = bar_chart


def stacked_bar_chart(labels, series, title, width=560, bar=18, gap=8, label_width=160, colours=None,
                      percent=False, decimals=0, css_class='chart'):
    """Horizontal stacked bars: one bar per label, one segment per series: series = [(name, [values])].
    `percent`: each bar is shown as 100% (shares of its own total); the tooltips still give the counts."""
    labels = [str(label) for label in labels]
    series = _series(series, len(labels))
    if not labels or not series:
        return _no_data(title)
    colours = colours or COLOURS
    totals = [sum(values[i] or 0 for _, values in series) for i in range(len(labels))]
    upper = 1.0 if percent else (max(totals) or 1)
    value_room = 0 if percent else 56
    plot = max(width - label_width - value_room - 8, 40)
    legend, legend_h = _legend([name for name, _ in series], colours, label_width, 0, width)
    top = legend_h + 6
    height = top + len(labels) * (bar + gap) + gap
    parts = _open(width, height, title, _describe(labels, series, False, decimals), css_class)
    parts += legend
    for i, label in enumerate(labels):
        y = top + gap + i * (bar + gap)
        parts.append(_text(label_width - 6, y + bar - 5, _short(label, max(int(label_width / 6.5), 8)), anchor='end'))
        x = float(label_width)
        for j, (name, values) in enumerate(series):
            value = values[i] or 0
            share = value / totals[i] if totals[i] else 0
            w = plot * (share if percent else value / upper)
            if w > 0:
                tip = f'{label} · {name}: {format_number(value, decimals)}'
                if totals[i]:
                    tip += f' ({format_percent(share)})'
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                             f'fill="{colours[j % len(colours)]}"><title>{escape(tip)}</title></rect>')
            x += w
        if not percent:
            parts.append(_text(x + 4, y + bar - 5, format_number(totals[i], decimals)))
    parts.append('</svg>')
    return mark_safe(''.join(parts))


# -- columns and lines (categories along the x axis) ----------------------------------------------

class _Frame:
    """Axes for charts with categories along x and values up y: gridlines, y labels, x labels."""

    def __init__(self, labels, upper, step, width, height, percent, decimals, left=None, legend_h=0):
        self.labels, self.upper, self.step = labels, upper, step
        self.percent, self.decimals = percent, decimals
        self.tick_decimals = _step_decimals(step, percent)
        widest = max(len(_fmt(upper, percent, self.tick_decimals)), 2)
        self.left = left if left is not None else 10 + 7 * widest
        self.top = 10 + legend_h
        self.bottom = height - 24
        self.right = width - 8
        self.slot = (self.right - self.left) / max(len(labels), 1)

    def y(self, value):
        return self.bottom - (self.bottom - self.top) * ((value or 0) / self.upper if self.upper else 0)

    def x(self, index):
        """Centre of the index-th slot."""
        return self.left + self.slot * (index + 0.5)

    def draw(self):
        parts = []
        ticks = int(round(self.upper / self.step)) if self.step else 0
        for k in range(ticks + 1):
            value = k * self.step
            y = self.y(value)
            parts.append(f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.right}" y2="{y:.1f}" '
                         f'stroke="{GRID if k else AXIS}"/>')
            parts.append(_text(self.left - 5, y + 4, _fmt(value, self.percent, self.tick_decimals),
                               size=10, anchor='end', fill=MUTED))
        longest = max((len(label) for label in self.labels), default=1)
        every = _label_every(len(self.labels), self.right - self.left, min(longest, 14) * 6.5 + 8)
        for i, label in enumerate(self.labels):
            if i % every == 0:
                parts.append(_text(self.x(i), self.bottom + 15, _short(label, 14), size=10, anchor='middle',
                                   fill=MUTED))
        return parts

    def target(self, value):
        y = self.y(value)
        return [f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.right}" y2="{y:.1f}" stroke="{INK}" '
                f'stroke-width="1.5" stroke-dasharray="6 4"/>']


def _target_label(target, target_label, percent, decimals):
    return f'{target_label} {_fmt(target, percent, decimals)}' if target is not None else None


def column_chart(labels, series, title, width=520, height=200, percent=False, decimals=0, target=None,
                 target_label='Norm', colours=None, css_class='chart', values_on_top=None):
    """Grouped columns: labels = ['K1', ...]; series = [(name, [value per label])].
    `percent`: values are shares (0..1); `target`: a dashed horizontal line."""
    labels = [str(label) for label in labels]
    series = _series(series, len(labels))
    if not labels or not series:
        return _no_data(title)
    colours = colours or COLOURS
    top = max([v for _, values in series for v in values if v is not None] + [target or 0, 0])
    upper, step = nice_scale(top, percent=percent)
    legend, legend_h = _legend([name for name, _ in series], colours, 8, 4, width,
                               _target_label(target, target_label, percent, decimals))
    total_h = height + legend_h
    frame = _Frame(labels, upper, step, width, total_h, percent, decimals, legend_h=legend_h + 4)
    parts = _open(width, total_h, title, _describe(labels, series, percent, decimals)
                  + (f'; {target_label}: {_fmt(target, percent, decimals)}' if target is not None else ''), css_class)
    parts += legend + frame.draw()
    inner = frame.slot * 0.8
    col = max(inner / len(series), 1.5)
    show_values = values_on_top if values_on_top is not None else (len(labels) * len(series) <= 24)
    for i, label in enumerate(labels):
        x0 = frame.x(i) - inner / 2
        for j, (name, values) in enumerate(series):
            value = values[i]
            if value is None:
                continue
            y = frame.y(value)
            x = x0 + j * col
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(col - 1, 1):.1f}" height="{frame.bottom - y:.1f}" '
                         f'fill="{colours[j % len(colours)]}"><title>{escape(label)} · {escape(name)}: '
                         f'{escape(_fmt(value, percent, decimals))}</title></rect>')
            if show_values and value:
                parts.append(_text(x + col / 2, y - 3, _fmt(value, percent, decimals), size=9, anchor='middle',
                                   extra=HALO))
    if target is not None:
        parts += frame.target(target)
    parts.append('</svg>')
    return mark_safe(''.join(parts))


def stacked_column_chart(labels, series, title, width=720, height=240, colours=None, decimals=0, css_class='chart'):
    """Stacked columns: one column per label (e.g. a week), one segment per series (e.g. a lane)."""
    labels = [str(label) for label in labels]
    series = _series(series, len(labels))
    if not labels or not series:
        return _no_data(title)
    colours = colours or COLOURS
    totals = [sum(values[i] or 0 for _, values in series) for i in range(len(labels))]
    upper, step = nice_scale(max(totals + [0]))
    legend, legend_h = _legend([name for name, _ in series], colours, 8, 4, width)
    total_h = height + legend_h
    frame = _Frame(labels, upper, step, width, total_h, False, decimals, legend_h=legend_h + 4)
    parts = _open(width, total_h, title, _describe(labels, series, False, decimals), css_class)
    parts += legend + frame.draw()
    col = max(frame.slot * 0.78, 1.5)
    for i, label in enumerate(labels):
        x = frame.x(i) - col / 2
        base = 0.0
        for j, (name, values) in enumerate(series):
            value = values[i] or 0
            if value <= 0:
                continue
            y_top, y_base = frame.y(base + value), frame.y(base)
            parts.append(f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{col:.1f}" height="{y_base - y_top:.1f}" '
                         f'fill="{colours[j % len(colours)]}"><title>{escape(label)} · {escape(name)}: '
                         f'{escape(format_number(value, decimals))} '
                         f'(totaal {escape(format_number(totals[i], decimals))})'
                         f'</title></rect>')
            base += value
    parts.append('</svg>')
    return mark_safe(''.join(parts))


def line_chart(labels, series, title, width=720, height=220, percent=False, decimals=0, target=None,
               target_label='Norm', colours=None, css_class='chart'):
    """Lines: labels along x, series = [(name, [values])]; None leaves a gap. `target`: dashed line."""
    labels = [str(label) for label in labels]
    series = _series(series, len(labels))
    if not labels or not series:
        return _no_data(title)
    colours = colours or COLOURS
    top = max([v for _, values in series for v in values if v is not None] + [target or 0, 0])
    upper, step = nice_scale(top, percent=percent)
    legend, legend_h = _legend([name for name, _ in series], colours, 8, 4, width,
                               _target_label(target, target_label, percent, decimals))
    total_h = height + legend_h
    frame = _Frame(labels, upper, step, width, total_h, percent, decimals, legend_h=legend_h + 4)
    parts = _open(width, total_h, title, _describe(labels, series, percent, decimals)
                  + (f'; {target_label}: {_fmt(target, percent, decimals)}' if target is not None else ''), css_class)
    parts += legend + frame.draw()
    if target is not None:
        parts += frame.target(target)
    dots = len(labels) <= 60
    for j, (name, values) in enumerate(series):
        colour = colours[j % len(colours)]
        runs, run = [], []
        for i, value in enumerate(values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((frame.x(i), frame.y(value)))
        if run:
            runs.append(run)
        for run in runs:
            points = ' '.join(f'{x:.1f},{y:.1f}' for x, y in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                         f'stroke-linejoin="round"/>')
        if dots:
            for i, value in enumerate(values):
                if value is not None:
                    parts.append(f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(value):.1f}" r="3" fill="{colour}">'
                                 f'<title>{escape(labels[i])} · {escape(name)}: '
                                 f'{escape(_fmt(value, percent, decimals))}</title></circle>')
    parts.append('</svg>')
    return mark_safe(''.join(parts))
