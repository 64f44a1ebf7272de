"""Charts as inline SVG, made on the server (no JavaScript): weasyprint renders them in the PDF and
browsers show them on the werkplek. Each chart has a <title> and a text description for screen
readers; the numbers are also in the tables next to them."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ('#b3001b', '#004699', '#17663a', '#8a5a00', '#5a5a58', '#6b2c91', '#00707a', '#a34700')


def _label(text, limit=34):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + '…'


def bar_chart(items, title, width=520, bar=16, gap=6, label_width=220):
    """Horizontal bars: items = [(label, value)]."""
    items = [(str(label), int(value or 0)) for label, value in items]
    if not items:
        return mark_safe(f'<p class="muted">{escape(title)}: geen gegevens.</p>')
    top = max(v for _, v in items) or 1
    plot = width - label_width - 50
    height = len(items) * (bar + gap) + gap
    desc = '; '.join(f'{label}: {value}' for label, value in items)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title><desc>{escape(desc)}</desc>']
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        w = round(plot * value / top, 1)
        parts.append(f'<text x="{label_width - 6}" y="{y + bar - 4}" text-anchor="end" font-size="11" '
                     f'font-family="DejaVu Sans, sans-serif" fill="#1d1d1b">{escape(_label(label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar}" fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{label_width + w + 4}" y="{y + bar - 4}" font-size="11" '
                     f'font-family="DejaVu Sans, sans-serif" fill="#1d1d1b">{value}</text>')
    parts.append('</svg>')
    return mark_safe(''.join(parts))


def column_chart(labels, series, title, width=520, height=200):
    """Grouped columns: labels = ['K1', ...]; series = [(name, [values per label])]."""
    if not labels or not series:
        return mark_safe(f'<p class="muted">{escape(title)}: geen gegevens.</p>')
    top = max((max(values or [0]) for _, values in series), default=0) or 1
    left, bottom, legend = 30, 24, 18 * len(series)
    plot_h = height - bottom - 10
    group_w = (width - left - 10) / len(labels)
    col_w = max(4, (group_w - 10) / len(series))
    desc = '; '.join(f'{name}: ' + ', '.join(f'{l} {v}' for l, v in zip(labels, values)) for name, values in series)
    total_h = height + legend
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{total_h}" '
             f'viewBox="0 0 {width} {total_h}" class="chart" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title><desc>{escape(desc)}</desc>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#8a8a88"/>']
    for i, label in enumerate(labels):
        x0 = left + i * group_w + 5
        for j, (name, values) in enumerate(series):
            value = int(values[i] or 0)
            h = round(plot_h * value / top, 1)
            x = x0 + j * col_w
            parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h}" width="{col_w - 1:.1f}" height="{h}" '
                         f'fill="{COLOURS[j % len(COLOURS)]}"/>')
            if value:
                parts.append(f'<text x="{x + col_w / 2:.1f}" y="{height - bottom - h - 2}" font-size="9" '
                             f'text-anchor="middle" font-family="DejaVu Sans, sans-serif">{value}</text>')
        parts.append(f'<text x="{x0 + group_w / 2 - 5:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" '
                     f'font-family="DejaVu Sans, sans-serif">{escape(label)}</text>')
    for j, (name, _) in enumerate(series):
        y = height + j * 18
        parts.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>')
        parts.append(f'<text x="{left + 18}" y="{y + 10}" font-size="11" font-family="DejaVu Sans, sans-serif">'
                     f'{escape(_label(name, 60))}</text>')
    parts.append('</svg>')
    return mark_safe(''.join(parts))
