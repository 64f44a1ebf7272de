"""Requests that no database can answer are refused before they reach a view: a NUL character (\\x00)
in the path or the query string. PostgreSQL cannot store or compare text with NUL in it, so a filter
like `?code=a%00b` would fail deep in a query (a 500); forms and serializers already refuse NUL in the
fields they validate, but query parameters and path segments are read as they come."""
from django.http import HttpResponseBadRequest, JsonResponse

from signals_haarlem.parsers import NUL_MESSAGE as MESSAGE

API_PREFIX = '/signals/'


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = {}
        if '\x00' in request.path:
            errors['path'] = [MESSAGE]
        for name, values in request.GET.lists():
            if '\x00' in name or any('\x00' in value for value in values):
                errors[name.replace('\x00', '\\x00')] = [MESSAGE]
        if not errors:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse(errors, status=400)
        return HttpResponseBadRequest('Dit adres bevat een NUL-teken (\\x00); dat kan niet.',
                                      content_type='text/plain; charset=utf-8')
