"""Figures as files: CSV (semicolons, UTF-8 with BOM, decimal commas: what Dutch spreadsheet programs
read) and XLSX (openpyxl; real numbers, dates and percentages, and a sheet with the explanation)."""
import csv
import io
from datetime import date

from django.utils import timezone

from signals_haarlem.downloads import xlsx_row

from . import services


def filename(figure_key, filters, ext):
    slug = services.SLUGS.get(figure_key, figure_key)
    return f'monitoring-{slug}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{ext}'


def _csv_value(column, value):
    if value is None:
        return ''
    if column.kind == 'percent':
        return f'{value * 100:.1f}'.replace('.', ',')
    if isinstance(value, date):
        return value.isoformat()
    return value


def figure_csv(figure):
    out = io.StringIO()
    out.write('\ufeff')  # so spreadsheet programs read UTF-8
    writer = csv.writer(out, delimiter=';')
    writer.writerow([column.label for column in figure.columns])
    for row in figure.rows:
        writer.writerow([_csv_value(column, row.get(column.key)) for column in figure.columns])
    return out.getvalue().encode('utf-8')


def _sheet_title(text, used):
    bad = '[]:*?/\\'
    title = ''.join('-' if ch in bad else ch for ch in text)[:31].strip() or 'Blad'
    base, n = title, 2
    while title.lower() in used:
        suffix = f' ({n})'
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _write_figure(ws, figure):
    from openpyxl.styles import Font
    ws.append(xlsx_row([column.label for column in figure.columns]))
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in figure.rows:
        ws.append(xlsx_row([row.get(column.key) for column in figure.columns]))
    for index, column in enumerate(figure.columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = max(12, min(len(column.label) + 2, 40))
        fmt = {'percent': '0.0%', 'date': 'DD-MM-YYYY', 'int': '#,##0'}.get(column.kind)
        if fmt:
            for (c,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                c.number_format = fmt
    ws.freeze_panes = 'A2'


def _write_explanation(ws, figures, filters):
    from openpyxl.styles import Alignment, Font
    ws.append(['Monitoring: cijfers'])
    ws['A1'].font = Font(bold=True, size=14)
    ws.append(xlsx_row(['Filters', filters.describe()]))
    ws.append(['Gemaakt op', timezone.localtime().strftime('%d-%m-%Y %H:%M')])
    ws.append([])
    for figure in figures:
        ws.append(xlsx_row([figure.title]))
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        ws.append(xlsx_row(['Toelichting', figure.description]))
        for note in figure.notes:
            ws.append(xlsx_row(['', note]))
        ws.append([])
    ws.column_dimensions['A'].width = 28
    ws.column_dimensions['B'].width = 110
    for (c,) in ws.iter_rows(min_col=2, max_col=2):
        c.alignment = Alignment(wrap_text=True, vertical='top')


def figures_xlsx(figures, filters):
    """One sheet per figure, plus a sheet 'Toelichting' with the filters and how each figure is computed."""
    from openpyxl import Workbook
    wb = Workbook()
    used = set()
    first = True
    for figure in figures:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _sheet_title(figure.title, used)
        _write_figure(ws, figure)
    _write_explanation(wb.create_sheet(_sheet_title('Toelichting', used)), figures, filters)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def figure_xlsx(figure, filters):
    return figures_xlsx([figure], filters)
