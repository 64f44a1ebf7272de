"""schemathesis hooks (SCHEMATHESIS_HOOKS=tests.standalone.schemathesis_hooks): half of the generated path
parameters become an existing object's id, code or slug (ST_KNOWN_IDS, from schemathesis_seed.py), so
reads, changes and actions reach real objects too; the other half exercise 404s."""
import json
import os

import schemathesis

KNOWN = json.loads(os.environ.get('ST_KNOWN_IDS') or '{}')


def _half(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value % 2 == 0
    return isinstance(value, str) and len(value) % 2 == 0


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    segments = context.operation.path.strip('/').split('/')
    for name, value in list((path_parameters or {}).items()):
        placeholder = '{%s}' % name
        if placeholder in segments and segments.index(placeholder) > 0 and _half(value):
            key = f'{segments[segments.index(placeholder) - 1]}/{name}'
            if key in KNOWN:
                path_parameters[name] = KNOWN[key]
    return path_parameters
