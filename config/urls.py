"""Standalone URLs: the Signalen-compatible core, the Haarlem apps, admin, OIDC provider and schema."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.urls_haarlem import urlpatterns as haarlem_urlpatterns

urlpatterns = [
    *haarlem_urlpatterns,
    path('signals/', include('signals_haarlem.standalone.urls')),
    path('signals/schema/', SpectacularAPIView.as_view(), name='schema'),
    path('signals/swagger/', SpectacularSwaggerView.as_view(url_name='schema'), name='swagger-ui'),
    path('oauth/', include('oauth2_provider.urls', namespace='oauth2_provider')),
    path('admin/', admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
