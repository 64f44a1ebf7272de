"""A fake OpenID Connect provider on loopback for the tests: a JWKS endpoint (the key that signs its
tokens) and a token endpoint for the authorization-code flow with PKCE. Upstream Signalen's bearer-token
check fetches its keys from the JWKS endpoint as from the municipality's provider."""
import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = 'werkplek'
SECRET = 'werkplek-geheim'


class FakeProvider:
    """Token and JWKS endpoints of an OIDC provider; `authorize()` plays the user's visit to the
    provider's login page and hands out a code for the given claims."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = 'test-key-1'
        self.codes = {}
        self.token_requests = []
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handler(provider):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == '/jwks':
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json(200, {'keys': [{**jwk, 'kid': provider.kid, 'use': 'sig', 'alg': 'RS256'}]})
                return self._json(404, {})

            def do_POST(self):
                length = int(self.headers.get('Content-Length', 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                grant = provider.codes.pop(form.get('code'), None)
                if self.path != '/token' or grant is None or form.get('client_secret') != SECRET:
                    return self._json(400, {'error': 'invalid_grant'})
                challenge = base64.urlsafe_b64encode(
                    hashlib.sha256(form.get('code_verifier', '').encode()).digest()).rstrip(b'=').decode()
                if challenge != grant['challenge'] or form.get('redirect_uri') != grant['redirect_uri']:
                    return self._json(400, {'error': 'invalid_grant', 'error_description': 'PKCE'})
                return self._json(200, {'access_token': 'at', 'token_type': 'Bearer', 'expires_in': 300,
                                        'id_token': provider.sign(grant['claims'])})
        return Handler

    def sign(self, claims, key=None):
        return jwt.encode(claims, key or self.key, algorithm='RS256', headers={'kid': self.kid})

    def authorize(self, location, code='code-1', **claims):
        """Follow the werkplek's redirect to the provider: check it and hand out `code` for the claims."""
        parts = urlsplit(location)
        assert f'{parts.scheme}://{parts.netloc}{parts.path}' == f'{self.url}/authorize'
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert params['response_type'] == 'code' and params['client_id'] == CLIENT_ID
        assert params['code_challenge_method'] == 'S256' and len(params['code_challenge']) == 43
        assert 'openid' in params['scope'].split()
        now = int(time.time())
        full = {'iss': self.url, 'aud': CLIENT_ID, 'sub': 'u-1', 'iat': now, 'exp': now + 300,
                'nonce': params['nonce'], 'email_verified': True, **claims}
        self.codes[code] = {'challenge': params['code_challenge'], 'redirect_uri': params['redirect_uri'],
                            'claims': {k: v for k, v in full.items() if v is not None}}
        return params

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
