import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get(reverse('werkplek:home'))
    assert response.status_code == 302 and '/werkplek/login/' in response['Location']


def test_login_and_home(client):
    user = UserFactory(username='kcc@haarlem.nl')
    user.set_password('geheim-wachtwoord-1')
    user.save()
    response = client.post(reverse('werkplek:login'), {'username': 'kcc@haarlem.nl',
                                                       'password': 'geheim-wachtwoord-1'}, follow=True)
    assert response.status_code == 200
    assert 'Werkplek' in response.content.decode()
    assert 'Uitloggen' in response.content.decode()


@pytest.mark.browser
def test_home_in_browser(browser_login):
    user = UserFactory(username='teamleider@haarlem.nl', is_superuser=True)
    page = browser_login(user)('/werkplek/')
    assert 'Werkplek' in page.find_element('tag name', 'h1').text
