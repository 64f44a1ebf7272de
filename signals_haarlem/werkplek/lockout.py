"""The login's protection against guessing passwords (django-axes, config/settings/standalone.py): the
client's address as the throttle sees it, and the Dutch page of a locked-out login."""
from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """REMOTE_ADDR, or behind TRUSTED_PROXIES proxies the address the nearest of them saw: an
    X-Forwarded-For the client wrote itself does not give it a fresh count."""
    proxies = (getattr(settings, 'REST_FRAMEWORK', {}) or {}).get('NUM_PROXIES') or 0
    forwarded = request.META.get('HTTP_X_FORWARDED_FOR')
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(',')]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get('REMOTE_ADDR')


def locked_out(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(request, 'werkplek/locked_out.html', {'minutes': minutes, 'limit': settings.AXES_FAILURE_LIMIT},
                  status=429)
