"""File responses for exports and reports (CSV, Excel, PDF), the same in API views and pages."""
from django.http import HttpResponse

CSV = 'text/csv; charset=utf-8'
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
PDF = 'application/pdf'


def file_response(content, filename, content_type, inline=False):
    """`content` as a download named `filename` (`inline` shows it in the browser, e.g. a PDF)."""
    response = HttpResponse(content, content_type=content_type)
    response['Content-Disposition'] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


def xlsx_row(values):
    """A row for an Excel sheet (openpyxl's ws.append): text without the control characters Excel cannot
    hold (a name with one would otherwise make the whole export fail)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return [ILLEGAL_CHARACTERS_RE.sub('', value) if isinstance(value, str) else value for value in values]
