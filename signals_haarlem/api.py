"""What every Haarlem API view shares, in both ways of running.

Authentication is Signalen's own: upstream Signalen leaves REST framework's default authentication
empty and names `JWTAuthBackend` on each of its views, so a Haarlem view must name it too (changing
upstream's default would change upstream's public endpoints). The boundary says which classes.
"""
from rest_framework.permissions import IsAuthenticated

from signals_haarlem import signalen


class SignalenAPI:
    """Mixin for Haarlem API views (put it first among the bases): Signalen's bearer-token
    authentication, and only logged-in users unless the view says otherwise."""
    authentication_classes = signalen.api_authentication_classes()
    permission_classes = [IsAuthenticated]
