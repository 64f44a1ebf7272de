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
