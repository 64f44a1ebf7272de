"""Middleware of the standalone deployment.

`DatabaseUnavailableMiddleware` answers 503 with Retry-After (not 500) when a view outside the REST
API (a werkplek or partner page, the admin) meets a database that does not answer: down, restarting,
or a broken connection. The REST API does the same in its exception handler (api/exceptions.py).
Add it to MIDDLEWARE after the session and authentication middleware.
"""
import json

from django.http import HttpResponse

from .api.exceptions import DATABASE_ERRORS, DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, database_unavailable


def database_unavailable_response(request):
    accepts_json = 'json' in request.headers.get('Accept', '') or request.path.startswith('/signals/')
    if accepts_json:
        response = HttpResponse(json.dumps({'detail': DATABASE_UNAVAILABLE}), status=503,
                                content_type='application/json')
    else:
        response = HttpResponse(DATABASE_UNAVAILABLE, status=503, content_type='text/plain; charset=utf-8')
    response['Retry-After'] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            database_unavailable(exception, request)
            return database_unavailable_response(request)
        return None
