from django.db import connection
from django.http import HttpResponse
from django.views import View


class HealthView(View):
    """`HEAD`/`GET /signals/`: 200 when the database answers, 503 otherwise (the frontend then
    shows its maintenance page)."""

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute('SELECT 1')
        except Exception:
            return HttpResponse('Database niet bereikbaar', status=503, content_type='text/plain')
        return HttpResponse('Connectivity OK', content_type='text/plain')

    head = get
