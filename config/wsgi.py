import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.standalone')
application = get_wsgi_application()

# Load every view now, then take what is loaded (Django, the apps, the URL conf: long-lived objects)
# out of the garbage collector's sight. Otherwise each full collection walks that whole heap again,
# and one list request in twelve paid ~70 ms for it (bench/: private list p95).
get_resolver().url_patterns
gc.freeze()
