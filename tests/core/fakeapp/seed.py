from . import CALLS


def seed_demo(signals, rng, stdout):
    CALLS.append(('seed_demo', [s.pk for s in signals], rng.random(), stdout))
