"""API error handling: Django ValidationErrors from the actions become 400s with field errors, a
concurrent change to the same signal becomes a 409 the client may retry, and a database that does
not answer (down, restarting, a broken connection) becomes a 503 with Retry-After, never a 500."""
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..managers import ConcurrentUpdate

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = 'De database is tijdelijk niet bereikbaar. Probeer het over enkele ogenblikken opnieuw.'
RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(exc, request=None):
    """Log a database that does not answer; the caller answers 503 with DATABASE_UNAVAILABLE."""
    logger.error('Database unavailable during %s %s: %r', getattr(request, 'method', '?'),
                 getattr(request, 'path', '?'), exc)  # one line: an outage must not flood the log


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, 'error_dict') else {'non_field_errors': exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ConcurrentUpdate):
        return Response({'detail': 'De melding wordt op dit moment door iemand anders gewijzigd. Probeer het opnieuw.'},
                        status=status.HTTP_409_CONFLICT, headers={'Retry-After': '1'})
    elif isinstance(exc, DATABASE_ERRORS):
        database_unavailable(exc, context.get('request'))
        set_rollback()
        return Response({'detail': DATABASE_UNAVAILABLE}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={'Retry-After': str(RETRY_AFTER_SECONDS)})
    return drf_exception_handler(exc, context)
