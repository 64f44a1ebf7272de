"""Headers for the pages people read (werkplek, the partner's link page, the admin): a
Content-Security-Policy (no script from anywhere but this site, no framing, forms post here only),
and no caching of pages and API answers with personal data (signals, complaints, reporters)."""
from django.urls import NoReverseMatch, reverse

from signals_haarlem import signalen

#: No inline or foreign scripts (the werkplek has none); styles from this site and inline (the
#: server-side SVG charts and the admin use style attributes); images from here and data: URLs.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
          "form-action 'self'")

PAGES = ('/werkplek/', '/partner/')
PERSONAL_DATA = ('/werkplek/', '/partner/', '/signals/v1/haarlem/', '/signals/v1/private/')


def _admin_prefix():
    """The standalone deployment's admin (inside upstream Signalen its admin is upstream's own)."""
    if signalen.UPSTREAM:
        return None
    try:
        return reverse('admin:index')
    except NoReverseMatch:
        return None


class PageSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin = None

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if self.admin is None:
            self.admin = _admin_prefix() or ''
        pages = PAGES + ((self.admin,) if self.admin else ())
        if path.startswith(pages):
            response.setdefault('Content-Security-Policy', POLICY)
            response.setdefault('X-Content-Type-Options', 'nosniff')
            response.setdefault('Referrer-Policy', 'same-origin')
        if path.startswith(PERSONAL_DATA + ((self.admin,) if self.admin else ())):
            response['Cache-Control'] = 'no-store, private'
        return response
