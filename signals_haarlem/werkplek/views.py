"""The werkplek shell: home, login and logout, the search box. The apps' pages extend `werkplek/base.html`.

Login: the werkplek and the admin log in at the same OpenID Connect provider as the API. With the
embedded default that provider is django-oauth-toolkit at /oauth/, whose login is this page's
password form (LOGIN_URL). With an external provider configured (WERKPLEK_OIDC, see
signals_haarlem/oidc_client.py) the page offers its button instead: the authorization-code flow with
PKCE (`OIDCLoginView` → provider → `OIDCCallbackView`). The admin's login page sends users here.
"""
import logging
import secrets

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from signals_haarlem import oidc_client

logger = logging.getLogger(__name__)

SESSION_KEY = 'werkplek_oidc'
MAX_PENDING = 5
SEARCH_LIMIT = 25


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = 'werkplek/home.html'


PASSWORD_BACKEND = 'django.contrib.auth.backends.ModelBackend'


def password_login_allowed():
    """The password form: where Django checks passwords at all (upstream Signalen only with
    ADMIN_ENABLE_LOCAL_LOGIN), and next to an external provider only if PASSWORD_LOGIN says so."""
    if PASSWORD_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        return False
    return not oidc_client.external_provider() or bool(oidc_client.config().get('PASSWORD_LOGIN'))


def session_backend():
    """The authentication backend a werkplek login is recorded with: one of AUTHENTICATION_BACKENDS,
    or Django drops the session on the next request (upstream lists its OIDC backend first)."""
    backends = settings.AUTHENTICATION_BACKENDS
    return PASSWORD_BACKEND if PASSWORD_BACKEND in backends else backends[0]


class LoginView(auth_views.LoginView):
    template_name = 'werkplek/login.html'
    redirect_authenticated_user = True
    next_page = 'werkplek:home'  # not LOGIN_REDIRECT_URL: upstream points that at its admin

    def post(self, request, *args, **kwargs):
        if not password_login_allowed():
            return HttpResponseNotAllowed(['GET'], 'Inloggen gaat via de inlogdienst van de gemeente.')
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        external = oidc_client.external_provider()
        context['oidc_login_url'] = (reverse('werkplek:oidc_login') + f'?{REDIRECT_FIELD_NAME}='
                                     + _quote(self.get_redirect_url())) if external else ''
        context['password_login'] = password_login_allowed()
        return context


def _quote(value):
    from urllib.parse import quote
    return quote(value or '', safe='/')


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return reverse('werkplek:home')


def _login_failed(request, message, status=400):
    return render(request, 'werkplek/login_failed.html', {'message': message,
                                                          'login_url': reverse('werkplek:login')}, status=status)


class OIDCLoginView(View):
    """Start the authorization-code flow with PKCE at the external provider."""

    def get(self, request):
        if not oidc_client.external_provider():
            return HttpResponseRedirect(reverse('werkplek:login'))
        verifier, challenge = oidc_client.pkce_pair()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        # Pending logins by state (a few, so two tabs logging in at once both work); each is used once.
        pending = dict(list(request.session.get(SESSION_KEY, {}).items())[-(MAX_PENDING - 1):])
        pending[state] = {'nonce': nonce, 'verifier': verifier,
                          'next': _safe_next(request, request.GET.get(REDIRECT_FIELD_NAME))}
        request.session[SESSION_KEY] = pending
        redirect_uri = request.build_absolute_uri(reverse('werkplek:oidc_callback'))
        return HttpResponseRedirect(oidc_client.authorization_url(redirect_uri, state, nonce, challenge))


class OIDCCallbackView(View):
    """The provider sends the user back here with a code: exchange it, check the ID token, log in."""

    def get(self, request):
        if not oidc_client.external_provider():
            return HttpResponseRedirect(reverse('werkplek:login'))
        state = request.GET.get('state', '')
        waiting = dict(request.session.get(SESSION_KEY, {}))
        pending = waiting.pop(state, None) if state else None
        if pending is None:
            return _login_failed(request, 'Deze inlogpoging is ongeldig of verlopen. Probeer het opnieuw.')
        request.session[SESSION_KEY] = waiting
        if request.GET.get('error'):
            logger.info('OIDC provider refused the login: %s', request.GET.get('error'))
            return _login_failed(request, 'De inlogdienst heeft het inloggen afgebroken.')
        code = request.GET.get('code', '')
        if not code:
            return _login_failed(request, 'De inlogdienst gaf geen inlogcode.')
        redirect_uri = request.build_absolute_uri(reverse('werkplek:oidc_callback'))
        try:
            tokens = oidc_client.exchange_code(code, redirect_uri, pending['verifier'])
            claims = oidc_client.verify_id_token(tokens['id_token'], pending['nonce'])
        except oidc_client.OIDCError as exc:
            return _login_failed(request, str(exc))
        user = oidc_client.user_for_claims(claims)
        if user is None:
            logger.warning('OIDC login of an unknown or inactive user (sub %r)', claims.get('sub'))
            return _login_failed(request, 'U heeft (nog) geen actief account in de werkplek. Vraag uw beheerder '
                                          'om toegang.', status=403)
        oidc_client.sync_groups(user, claims)
        login(request, user, backend=session_backend())
        return HttpResponseRedirect(_safe_next(request, pending.get('next')))


class LogoutView(auth_views.LogoutView):
    next_page = 'werkplek:login'


def admin_login(request, extra_context=None):
    """The admin's login page: the werkplek login (the same provider), then back to the admin.
    A logged-in user without admin rights gets a clear 403 instead of a login loop."""
    target = _safe_next(request, request.GET.get(REDIRECT_FIELD_NAME) or reverse('admin:index'))
    user = request.user
    if user.is_authenticated:
        if user.is_active and user.is_staff:
            return HttpResponseRedirect(target)
        return render(request, 'werkplek/login_failed.html', {
            'message': 'U bent ingelogd, maar heeft geen toegang tot het beheer.',
            'login_url': reverse('werkplek:home')}, status=403)
    return redirect_to_login(target, reverse('werkplek:login'))


class SearchView(LoginRequiredMixin, TemplateView):
    """Search signals (those the user may see) and, for complaint roles, complaints."""
    template_name = 'werkplek/search.html'

    def get_context_data(self, **kwargs):
        from signals_haarlem.search import services
        context = super().get_context_data(**kwargs)
        q = (self.request.GET.get('q') or '').strip()[:200]
        context['q'] = context['werkplek_q'] = q
        if q:
            context['results'] = services.search_for_user(self.request.user, q, limit=SEARCH_LIMIT)
            frontend = getattr(settings, 'HAARLEM', {}).get('FRONTEND_URL', '').rstrip('/')
            context['backoffice'] = f'{frontend}/manage/incident/' if frontend else ''
            context['can_triage'] = self.request.user.has_perm('haarlem_triage.view_decision')
        context['limit'] = SEARCH_LIMIT
        return context
