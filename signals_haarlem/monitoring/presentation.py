"""How a figure looks: its chart (server-side SVG, signals_haarlem.charts) and its table cells, in
Dutch. Used by the werkplek page; works in a PDF as well (weasyprint renders the SVG)."""
from signals_haarlem import charts


def cell(column, value):
    """A table cell's text: Dutch numbers, percentages, dates as dd-mm-jjjj; '–' for no value."""
    if value is None:
        return '–'
    if column.kind == 'percent':
        return charts.format_percent(value, 1)
    if column.kind == 'int':
        return charts.format_number(value)
    if column.kind == 'date':
        return value.strftime('%d-%m-%Y')
    return str(value)


def chart(figure, title=None):
    """The SVG chart of a figure, as its `chart` spec says."""
    spec = figure.chart
    title = title or figure.title
    kind = spec.get('type')
    rows = figure.rows
    labels = [str(row[spec['label']]) for row in rows] if spec.get('label') else []
    series = [(name, [row.get(key) for row in rows]) for key, name in spec.get('series', ())]
    common = {'css_class': 'chart'}
    if kind == 'stacked_column':
        return charts.stacked_column_chart(labels, series, title, colours=spec.get('colours'), **common)
    if kind == 'stacked_bar':
        colours = charts.SEQUENTIAL if spec.get('sequential') else spec.get('colours')
        return charts.stacked_bar_chart(labels, series, title, colours=colours, width=720, label_width=150, **common)
    if kind == 'grouped_bar' or kind == 'column':
        return charts.column_chart(labels, series, title, width=560, height=220, percent=spec.get('percent', False),
                                   decimals=spec.get('decimals', 0), target=spec.get('target'),
                                   target_label=spec.get('target_label', 'Norm'), colours=spec.get('colours'),
                                   **common)
    if kind == 'line':
        return charts.line_chart(labels, series, title, percent=spec.get('percent', False),
                                 decimals=spec.get('decimals', 0), target=spec.get('target'),
                                 target_label=spec.get('target_label', 'Norm'), **common)
    if kind == 'bar':
        items = [(row[spec['label']], row.get(spec['value'])) for row in rows]
        if spec.get('skip_zero'):
            items = [(label, value) for label, value in items if value]
        return charts.bar_chart(items, title, width=560, label_width=230, percent=spec.get('percent', False),
                                decimals=spec.get('decimals', 0), target=spec.get('target'),
                                target_label=spec.get('target_label', 'Norm'),
                                colours=(charts.COLOURS[1],), **common)
    raise ValueError(f'Unknown chart type {kind!r}')


def table(figure):
    """(headers, rows of (column, text)) for the page; leaves out the machine-only columns."""
    columns = [c for c in figure.columns if c.key not in figure.chart.get('hide', ())]
    return columns, [[(c, cell(c, row.get(c.key))) for c in columns] for row in figure.rows]
