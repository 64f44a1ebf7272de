"""Category prediction for the citizen form: which sub category does a resident's text belong to?

A TF-IDF model over the active sub categories, written with the standard library only. Each
category is one document made of two parts, each normalised and then mixed:
- what the municipality wrote about it: name, public name, main category name, description and
  handling message (words, plus character 4-grams so Dutch compounds like "vuilniscontainer"
  still meet "container");
- the texts of the latest signals filed in it (words only; capped per category).
A text is compared with every document by cosine similarity (through an inverted index, so only the
categories sharing a term are touched). The similarities become probability-like scores by a
softmax with a temperature plus a "none of these" class, so a weak best match scores low however
many categories there are. Below the threshold (the frontend uses 0.41) the answer is the
fallback category (overig/overig) when it exists.

The model is built lazily and kept in memory. A category change (post_save and post_delete bump
a version, also in the shared cache) rebuilds it before the next prediction, reusing the signal
texts already read (fast); when the signal texts are older than MAX_AGE_SECONDS the model is
rebuilt in full, in a background thread while the old model keeps answering.

Settings (all optional): SIGNALS_PREDICTION = {'THRESHOLD': 0.41, 'MAX_AGE_SECONDS': 900,
'SIGNALS_PER_CATEGORY': 200, 'TEMPERATURE': 0.1, 'NULL_SIMILARITY': 0.15,
'FALLBACK': 'overig/overig', 'SIGNALS_WEIGHT': 0.4, 'BACKGROUND_REBUILD': True}.
"""
import logging
import math
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

DEFAULTS = {
    'THRESHOLD': 0.41,
    'MAX_AGE_SECONDS': 900,
    'SIGNALS_PER_CATEGORY': 200,
    'TEMPERATURE': 0.1,
    'NULL_SIMILARITY': 0.15,
    'FALLBACK': 'overig/overig',
    'SIGNALS_WEIGHT': 0.4,
    'BACKGROUND_REBUILD': True,
}

STOPWORDS = frozenset("""
aan al alle alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een
eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is
ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder
ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd
wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou sinds erg heel weer al wij jullie
staat staan ligt liggen zit zitten gaat gaan komt komen steeds elke elk iedere ieder bijna graag
""".split())

_WORD = re.compile(r'[a-z0-9]+')
CACHE_VERSION_KEY = 'signals:prediction:version'


def config():
    return {**DEFAULTS, **getattr(settings, 'SIGNALS_PREDICTION', {})}


def _normalise(text):
    text = unicodedata.normalize('NFKD', (text or '').lower())
    return ''.join(c for c in text if not unicodedata.combining(c))


def stem(word):
    """A light Dutch stemmer: plural and inflection endings off, a doubled final consonant undone."""
    for suffix in ('heden', 'en', 'es', 's', 'e'):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)] + ('heid' if suffix == 'heden' else '')
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in 'aeiou':
        word = word[:-1]
    return word


def words(text):
    return [stem(w) for w in _WORD.findall(_normalise(text)) if len(w) > 1 and w not in STOPWORDS]


def features(text, grams=True):
    """Term counts: stemmed words, and (when `grams`) character 4-grams of each word."""
    counts = Counter()
    for word in words(text):
        counts['w:' + word] += 1
        if grams and len(word) >= 5:
            padded = f'_{word}_'
            for i in range(len(padded) - 3):
                counts['g:' + padded[i:i + 4]] += 0.5
    return counts


def _tf(counts):
    return {t: 1 + math.log(c) if c >= 1 else c for t, c in counts.items()}


def _normalised(vector):
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


@dataclass
class Candidate:
    category_id: int
    main_slug: str
    sub_slug: str


@dataclass
class Model:
    candidates: list
    idf: dict
    postings: dict  # term -> [(candidate index, weight)]
    signals_read_at: float = field(default_factory=time.monotonic)
    version: object = None
    signal_counts: dict = field(default_factory=dict)

    def similarities(self, text):
        query = {t: w * self.idf[t] for t, w in _tf(features(text)).items() if t in self.idf}
        query = _normalised(query)
        scores = defaultdict(float)
        for term, weight in query.items():
            for index, doc_weight in self.postings[term]:
                scores[index] += weight * doc_weight
        return scores

    def predict(self, text, temperature, null_similarity):
        """[(candidate, p)] best first, and the probability of "none of these"."""
        scores = self.similarities(text)
        exps = {i: math.exp(s / temperature) for i, s in scores.items() if s > 0}
        null = math.exp(null_similarity / temperature)
        total = null + sum(exps.values())
        ranked = sorted(exps.items(), key=lambda item: -item[1])
        return [(self.candidates[i], e / total) for i, e in ranked], null / total


def signal_counts(category_ids, per_category):
    """{category id: term counts of the texts of its latest `per_category` signals}."""
    from .models import Signal
    counts = {}
    for category_id in category_ids:
        counter = Counter()
        if per_category:
            for text in (Signal.objects.filter(category_assignment__category_id=category_id)
                         .order_by('-created_at').values_list('text', flat=True)[:per_category]):
                counter.update(features(text, grams=False))
        counts[category_id] = counter
    return counts


def build_model(known_signal_counts=None):
    """Build the model from the database (the active sub categories of active main categories).

    `known_signal_counts` ({category id: counts}) saves reading the signals of those categories
    again when only the categories changed."""
    from .models import Category
    cfg = config()
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True, parent__is_active=True)
                      .select_related('parent').order_by('pk'))
    known = dict(known_signal_counts or {})
    missing = [c.pk for c in categories if c.pk not in known]
    known.update(signal_counts(missing, cfg['SIGNALS_PER_CATEGORY']))
    meta_docs, signal_docs, candidates = [], [], []
    for category in categories:
        meta = Counter()
        for text, weight in ((category.name, 3), (category.public_name, 2), (category.parent.name, 1),
                             (category.parent.public_name, 1), (category.description, 1),
                             (category.handling_message, 1)):
            for term, count in features(text).items():
                meta[term] += count * weight
        meta_docs.append(_tf(meta))
        signal_docs.append(_tf(known[category.pk]))
        candidates.append(Candidate(category.pk, category.parent.slug, category.slug))

    n = len(candidates)
    df = Counter()
    for meta, sig in zip(meta_docs, signal_docs):
        df.update(set(meta) | set(sig))
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
    postings = defaultdict(list)
    mix = cfg['SIGNALS_WEIGHT']
    for index, (meta, sig) in enumerate(zip(meta_docs, signal_docs)):
        meta_vec = _normalised({t: w * idf[t] for t, w in meta.items()})
        sig_vec = _normalised({t: w * idf[t] for t, w in sig.items()})
        weight_sig = mix if sig_vec else 0.0
        doc = defaultdict(float)
        for t, w in meta_vec.items():
            doc[t] += (1 - weight_sig) * w
        for t, w in sig_vec.items():
            doc[t] += weight_sig * w
        for t, w in _normalised(doc).items():
            postings[t].append((index, w))
    model = Model(candidates=candidates, idf=idf, postings=dict(postings))
    model.signal_counts = {c.pk: known[c.pk] for c in categories}
    return model


# -- the cached model ------------------------------------------------------------------------------

_lock = threading.Lock()
_state = {'model': None, 'local_version': 0, 'signals_stale': False, 'rebuilding': False}


def _current_version():
    try:
        shared = cache.get(CACHE_VERSION_KEY)
    except Exception:  # the cache being down must not break the citizen form
        shared = None
    return (_state['local_version'], shared)


def invalidate(signals=False, **kwargs):
    """Categories changed: rebuild before the next prediction (here, and elsewhere via the cache).
    With `signals`, the texts of past signals are read again too (else they are reused)."""
    _state['local_version'] += 1
    if signals:
        _state['signals_stale'] = True
    try:
        cache.set(CACHE_VERSION_KEY, time.time_ns(), None)
    except Exception:
        logger.warning('Could not bump the prediction model version in the cache', exc_info=True)


def _build(version, reuse_from=None):
    started = time.monotonic()
    reuse = None
    if reuse_from is not None and not _state['signals_stale']:
        reuse = reuse_from.signal_counts
    _state['signals_stale'] = False
    model = build_model(known_signal_counts=reuse)
    model.version = version
    if reuse is not None:  # the signal texts are as old as those of the model they came from
        model.signals_read_at = reuse_from.signals_read_at
    logger.info('Built the category prediction model: %d categories, %d terms in %.2fs (signals %s)',
                len(model.candidates), len(model.idf), time.monotonic() - started,
                'reused' if reuse is not None else 'read')
    return model


def _rebuild_in_background(version):
    """Refresh an old model without making a resident wait; the old one answers meanwhile."""
    from django.db import connections
    with _lock:
        if _state['rebuilding']:
            return
        _state['rebuilding'] = True

    def run():
        try:
            model = _build(version)
            with _lock:
                current = _state['model']
                if current is None or current.version == version:
                    _state['model'] = model
        except Exception:
            logger.exception('Rebuilding the category prediction model failed; the old one stays in use')
        finally:
            _state['rebuilding'] = False
            connections.close_all()

    threading.Thread(target=run, name='prediction-rebuild', daemon=True).start()


def get_model():
    """The current model: built on first use and after a category change (reusing the signal
    texts already read); rebuilt in full when older than MAX_AGE_SECONDS (in the background when
    BACKGROUND_REBUILD, the default)."""
    cfg = config()
    max_age = cfg['MAX_AGE_SECONDS']
    model = _state['model']
    version = _current_version()
    if model is not None and model.version == version:
        if time.monotonic() - model.signals_read_at < max_age:
            return model
        if cfg['BACKGROUND_REBUILD']:
            _rebuild_in_background(version)
            return model
    with _lock:
        model = _state['model']
        if model is None or model.version != version:
            fresh = model is not None and time.monotonic() - model.signals_read_at < max_age
            model = _state['model'] = _build(version, reuse_from=model if fresh else None)
        elif time.monotonic() - model.signals_read_at >= max_age:
            model = _state['model'] = _build(version)
    return model


def _category_changed(sender, **kwargs):
    invalidate()


def _connect():
    from .models import Category
    post_save.connect(_category_changed, sender=Category, dispatch_uid='signals_prediction_category_saved')
    post_delete.connect(_category_changed, sender=Category, dispatch_uid='signals_prediction_category_deleted')


_connect()


@dataclass
class Prediction:
    main_slug: str
    sub_slug: str
    main_probability: float
    sub_probability: float
    is_fallback: bool = False


def predict(text):
    """The best sub category for `text` (or the fallback), with probability-like scores; None when
    there are no categories at all."""
    cfg = config()
    model = get_model()
    ranked, p_none = model.predict(text, cfg['TEMPERATURE'], cfg['NULL_SIMILARITY'])
    if ranked:
        best, p_best = ranked[0]
        p_main = sum(p for c, p in ranked if c.main_slug == best.main_slug)
        if p_best >= cfg['THRESHOLD']:
            return Prediction(best.main_slug, best.sub_slug, round(p_main, 4), round(p_best, 4))
    fallback_main, _, fallback_sub = cfg['FALLBACK'].partition('/')
    if any((c.main_slug, c.sub_slug) == (fallback_main, fallback_sub) for c in model.candidates):
        # The chance that the best guess is wrong: the fallback's score (above the threshold, so a
        # client that compares with the threshold itself also ends up at the fallback).
        p_fallback = round(1.0 - (ranked[0][1] if ranked else 0.0), 4)
        return Prediction(fallback_main, fallback_sub, p_fallback, p_fallback, True)
    if ranked:
        return Prediction(best.main_slug, best.sub_slug, round(p_main, 4), round(p_best, 4))
    if model.candidates:  # nothing matched and there is no fallback: the first category, with no confidence
        first = model.candidates[0]
        return Prediction(first.main_slug, first.sub_slug, 0.0, 0.0)
    return None
