from . import CALLS


def load():
    CALLS.append(('load',))
    return {'lanes': 3}
