"""Standalone URLs: the Signalen-compatible core, the Haarlem apps, admin, OIDC provider and schema."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.urls_haarlem import urlpatterns as haarlem_urlpatterns
from signals_haarlem.standalone import oauth

urlpatterns = [
    *haarlem_urlpatterns,
    path('signals/', include('signals_haarlem.standalone.urls')),
    path('signals/schema/', SpectacularAPIView.as_view(), name='schema'),
    path('signals/swagger/', SpectacularSwaggerView.as_view(url_name='schema'), name='swagger-ui'),
    path('oauth/', oauth.urls()),  # only what the frontend's login needs (see the module)
    path('admin/', admin.site.urls),
]

if settings.STORAGES['default']['BACKEND'].endswith('FileSystemStorage'):
    # The embedded default keeps files in a local folder. Signal photos and category icons are shown
    # by the backoffice in <img> tags (no bearer token), as upstream serves them; their names carry a
    # random part. Complaint letters and partner photos are never served here: their own views check
    # the user's rights.
    import posixpath

    from django.http import Http404
    from django.urls import re_path
    from django.views.static import serve

    def public_media(request, path):
        clean = posixpath.normpath(path).lstrip('/')
        if clean != path or not clean.startswith(('attachments/', 'categories/')):
            raise Http404
        return serve(request, clean, document_root=settings.MEDIA_ROOT)

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", public_media)]
