"""`POST /signals/category/prediction`: the TF-IDF classifier the citizen form asks for a category."""
import time

import pytest

from signals_haarlem.standalone import prediction
from signals_haarlem.standalone.models import Category
from tests.factories import CategoryFactory, MainCategoryFactory, make_signal

URL = '/signals/category/prediction'
PUBLIC = 'http://testserver/signals/v1/public/terms/categories/'


@pytest.fixture(autouse=True)
def fresh_model():
    prediction.invalidate()
    yield
    prediction.invalidate()


@pytest.fixture
def categories(db):
    afval = MainCategoryFactory(slug='afval', name='Afval')
    wegen = MainCategoryFactory(slug='wegen', name='Wegen, verkeer, straatmeubilair')
    groen = MainCategoryFactory(slug='groen', name='Openbaar groen en water')
    overig_main = MainCategoryFactory(slug='overig', name='Overig')
    made = {
        'container-vol': CategoryFactory(parent=afval, slug='container-vol', name='Container is vol',
                                         description='De container voor restafval, papier of glas is vol.'),
        'grofvuil': CategoryFactory(parent=afval, slug='grofvuil', name='Grofvuil',
                                    description='Grote spullen zoals banken, matrassen en kasten op straat.'),
        'straatverlichting': CategoryFactory(parent=wegen, slug='straatverlichting',
                                             name='Straatverlichting / openbare klok',
                                             description='Een lantaarnpaal of lamp die niet brandt of kapot is.'),
        'stoep': CategoryFactory(parent=wegen, slug='onderhoud-stoep', name='Onderhoud stoep, straat en fietspad',
                                 description='Losse of kapotte stoeptegels, gaten in de weg.'),
        'boom': CategoryFactory(parent=groen, slug='boom', name='Boom', description='Een omgevallen of zieke boom, '
                                'afgebroken takken.'),
        'overig': CategoryFactory(parent=overig_main, slug='overig', name='Overig'),
    }
    return made


def predict(client, text):
    response = client.post(URL, {'text': text}, format='json')
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize('text, main, sub', [
    ('de container zit vol', 'afval', 'container-vol'),
    ('Er staat een oude bank en een matras op straat', 'afval', 'grofvuil'),
    ('De lantaarnpaal voor mijn huis brandt niet', 'wegen', 'straatverlichting'),
    ('losse stoeptegels, ik struikelde bijna', 'wegen', 'onderhoud-stoep'),
    ('een boom is omgevallen door de storm', 'groen', 'boom'),
])
def test_texts_get_their_category(api_client, categories, text, main, sub):
    data = predict(api_client, text)
    assert data['subrubriek'][0] == [f'{PUBLIC}{main}/sub_categories/{sub}']
    assert data['hoofdrubriek'][0] == [f'{PUBLIC}{main}']
    p_sub, p_main = data['subrubriek'][1][0], data['hoofdrubriek'][1][0]
    assert 0.41 <= p_sub <= p_main <= 1


@pytest.mark.parametrize('text', ['hallo', 'ik wil graag iets doorgeven', 'xyzzy qwerty'])
def test_vague_texts_go_to_overig(api_client, categories, text):
    data = predict(api_client, text)
    assert data['subrubriek'][0] == [f'{PUBLIC}overig/sub_categories/overig']
    assert data['hoofdrubriek'][0] == [f'{PUBLIC}overig']
    assert data['subrubriek'][1][0] >= 0.41  # the frontend keeps what we answer


def test_response_shape(api_client, categories):
    data = predict(api_client, 'container vol')
    assert set(data) == {'hoofdrubriek', 'subrubriek'}
    for key in data:
        urls, probabilities = data[key]
        assert len(urls) == 1 and isinstance(urls[0], str)
        assert len(probabilities) == 1 and isinstance(probabilities[0], float)


def test_without_overig_the_best_guess_is_given_with_its_low_score(api_client, categories):
    Category.objects.filter(slug='overig').update(is_active=False)
    Category.objects.get(slug='overig', parent__isnull=True).save()  # a change: rebuild
    data = predict(api_client, 'De container voor glas staat vol met een kapotte lamp')
    assert data['subrubriek'][0][0] != f'{PUBLIC}overig/sub_categories/overig'


def test_threshold_is_a_setting(api_client, categories, settings):
    settings.SIGNALS_PREDICTION = {'THRESHOLD': 1.0}
    data = predict(api_client, 'de container zit vol')
    assert data['subrubriek'][0] == [f'{PUBLIC}overig/sub_categories/overig']


def test_past_signal_texts_teach_the_model(api_client, categories):
    text = 'Bladblazer van de hovenier maakt herrie'
    assert predict(api_client, text)['subrubriek'][0] == [f'{PUBLIC}overig/sub_categories/overig']
    for i in range(3):
        make_signal(category=categories['boom'], text=f'Hovenier met bladblazer bij de boom nummer {i}')
    prediction.invalidate(signals=True)  # new signals are read at the next full rebuild (MAX_AGE_SECONDS)
    assert predict(api_client, text)['subrubriek'][0] == [f'{PUBLIC}groen/sub_categories/boom']


def test_model_is_rebuilt_when_a_category_changes(api_client, categories):
    predict(api_client, 'de container zit vol')
    built = prediction.get_model()
    assert prediction.get_model() is built  # cached
    categories['grofvuil'].description = 'Ook een oude koelkast of wasmachine.'
    categories['grofvuil'].save()
    assert prediction.get_model() is not built
    data = predict(api_client, 'wie haalt die koelkast weg')
    assert data['subrubriek'][0] == [f'{PUBLIC}afval/sub_categories/grofvuil']


def test_a_category_change_reuses_the_signal_texts_already_read(categories, django_assert_max_num_queries):
    for i in range(3):
        make_signal(category=categories['boom'], text=f'Bladblazer bij boom {i}')
    prediction.get_model()
    categories['boom'].name = 'Bomen'
    categories['boom'].save()
    # the model's version in the shared (database) cache, and the categories: no signal texts
    with django_assert_max_num_queries(2):
        model = prediction.get_model()
    index = [c.category_id for c in model.candidates].index(categories['boom'].pk)
    assert any(index == i for i, _ in model.postings['w:bladblazer'])


def test_model_is_rebuilt_after_max_age(categories, settings):
    settings.SIGNALS_PREDICTION = {'MAX_AGE_SECONDS': 0, 'BACKGROUND_REBUILD': False}
    first = prediction.get_model()
    assert prediction.get_model() is not first


def test_an_old_model_is_refreshed_in_the_background(categories, settings, monkeypatch):
    """While the refresh runs, the old model keeps answering; then the new one takes over."""
    import threading
    old = prediction.get_model()
    release, built = threading.Event(), threading.Event()
    new = prediction.Model(candidates=old.candidates, idf=old.idf, postings=old.postings)

    def slow_build(known_signal_counts=None):
        release.wait(5)
        built.set()
        return new
    monkeypatch.setattr(prediction, 'build_model', slow_build)
    settings.SIGNALS_PREDICTION = {'MAX_AGE_SECONDS': 0}
    assert prediction.get_model() is old  # answered at once
    release.set()
    assert built.wait(5)
    for _ in range(100):
        if prediction._state['model'] is new:
            break
        time.sleep(0.01)
    assert prediction._state['model'] is new


def test_inactive_categories_are_never_predicted(api_client, categories):
    categories['container-vol'].is_active = False
    categories['container-vol'].save()
    data = predict(api_client, 'de container zit vol')
    assert data['subrubriek'][0] != [f'{PUBLIC}afval/sub_categories/container-vol']


@pytest.mark.parametrize('body', [{}, {'text': ''}, {'text': None}, {'tekst': 'vol'}, {'text': 'x' * 3001}])
def test_bad_input_is_400(api_client, categories, body):
    response = api_client.post(URL, body, format='json')
    assert response.status_code == 400
    assert 'text' in response.json()


def test_no_categories_at_all_is_503(api_client, db):
    assert api_client.post(URL, {'text': 'vol'}, format='json').status_code == 503


def test_no_login_needed_and_a_bad_token_does_not_matter(api_client, categories):
    response = api_client.post(URL, {'text': 'container vol'}, format='json', HTTP_AUTHORIZATION='Bearer rommel')
    assert response.status_code == 200


def test_fast_on_150_categories(db):
    """< 10 ms per prediction with 150 sub categories (the model itself is built once)."""
    words = ['afval', 'container', 'glas', 'papier', 'boom', 'tak', 'lamp', 'paal', 'stoep', 'tegel', 'weg', 'gat',
             'water', 'gracht', 'olie', 'rat', 'muis', 'duif', 'herrie', 'muziek', 'auto', 'fiets', 'wrak', 'bank']
    for m in range(15):
        main = MainCategoryFactory(slug=f'hoofd-{m}', name=f'Hoofd {words[m]}')
        for s in range(10):
            a, b, c = words[(m + s) % 24], words[(m * 3 + s) % 24], words[(s * 7 + m) % 24]
            CategoryFactory(parent=main, slug=f'sub-{m}-{s}', name=f'{a} {b}',
                            description=f'Meldingen over {a}, {b} en {c} in de openbare ruimte van Haarlem.',
                            handling_message='We pakken uw melding binnen 3 werkdagen op.', n_days=False)
    model = prediction.get_model()
    assert len(model.candidates) == 150
    texts = ['De container voor glas zit helemaal vol en er ligt afval naast', 'lamp van de paal is kapot',
             'Losse tegel op de stoep bij de gracht', 'Ratten bij de vuilnisbak en duiven op het dak',
             'een fietswrak staat al weken tegen de boom, graag weghalen'] * 20
    started = time.perf_counter()
    for text in texts:
        prediction.predict(text)
    per_prediction = (time.perf_counter() - started) / len(texts)
    assert per_prediction < 0.010, f'{per_prediction * 1000:.2f} ms per prediction'
