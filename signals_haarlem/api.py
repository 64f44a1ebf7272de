"""What every Haarlem API view shares, in both ways of running.

Authentication is Signalen's own: upstream Signalen leaves REST framework's default authentication
empty and names `JWTAuthBackend` on each of its views, so a Haarlem view must name it too (changing
upstream's default would change upstream's public endpoints). The boundary says which classes.
"""
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated

from signals_haarlem import signalen
from signals_haarlem.parsers import SafeJSONParser


class SignalenAPI:
    """Mixin for Haarlem API views (put it first among the bases): Signalen's bearer-token
    authentication, only logged-in users unless the view says otherwise, and a JSON parser that answers
    400 to what it cannot read (also inside upstream, whose default parser lets a deeply nested body
    through as a 500)."""
    authentication_classes = signalen.api_authentication_classes()
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]
