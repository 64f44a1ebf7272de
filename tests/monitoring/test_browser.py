"""The dashboard in a real browser: charts and tables render, the filters change the figures, and the
export links download CSV and XLSX files."""
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from signals_haarlem.monitoring import services
from signals_haarlem.monitoring.services import Filters
from tests.browser import click_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def kpi(driver, label):
    for item in driver.find_elements(By.CSS_SELECTOR, '.kpis li'):
        if label in item.text:
            return item.find_element(By.TAG_NAME, 'strong').text
    raise AssertionError(f'no headline number {label!r}')


def weekly_total(driver):
    """The sum of the 'Totaal' column of the weekly table as shown."""
    cells = driver.find_elements(By.CSS_SELECTOR, '#meldingen-per-week td[data-col="total"]')
    return sum(int(cell.get_attribute('textContent').replace('.', '')) for cell in cells)


def test_dashboard_charts_tables_filters_and_exports(browser, browser_login, live_server, monitor, dataset, lanes):
    page = browser_login(monitor)('/werkplek/monitoring/')
    assert page.find_element(By.TAG_NAME, 'h1').text == 'Monitoring'
    nav = page.find_element(By.CSS_SELECTOR, 'nav[aria-label="Hoofdmenu"]')
    assert nav.find_element(By.CSS_SELECTOR, 'a[aria-current="page"]').text == 'Monitoring'

    # Every figure: an SVG chart with a title and drawn shapes, and a table with a caption beside it.
    figures = page.find_elements(By.CSS_SELECTOR, 'article.monitoring-figure')
    assert len(figures) == len(services.FIGURES)
    for article in figures:
        svg = article.find_element(By.CSS_SELECTOR, '.chart-box svg[role="img"]')
        assert svg.find_element(By.TAG_NAME, 'title').get_attribute('textContent')
        assert svg.size['width'] > 100 and svg.size['height'] > 50  # laid out, not collapsed
        assert svg.find_elements(By.CSS_SELECTOR, 'rect, polyline, circle')
        table = article.find_element(By.CSS_SELECTOR, '.table-box table')
        assert table.find_element(By.TAG_NAME, 'caption').text.endswith('de cijfers')
    everything = int(kpi(page, 'Meldingen in de periode').replace('.', ''))
    assert everything == weekly_total(page) == services.summary(
        services.dashboard(Filters.default(), keys=['signals_per_week']))['signals']

    # Filters: a lane and a shorter period give other (smaller) figures.
    start = timezone.localdate() - timedelta(days=120)
    page.execute_script(f"document.getElementById('f-van').value = '{start.isoformat()}'")
    Select(page.find_element(By.ID, 'f-baan')).select_by_visible_text('Complex')
    click_and_wait(page, page.find_element(By.XPATH, '//button[text()="Toon cijfers"]'))
    assert 'baan=complex' in page.current_url
    filtered = int(kpi(page, 'Meldingen in de periode').replace('.', ''))
    expected = services.summary(services.dashboard(
        Filters(start=start, end=timezone.localdate(), lane=lanes['complex']), keys=['signals_per_week']))['signals']
    assert filtered == expected == weekly_total(page) and filtered < everything
    assert 'baan Complex' in page.find_element(By.ID, 'filters-now').text
    assert Select(page.find_element(By.ID, 'f-baan')).first_selected_option.text == 'Complex'

    # The export links download the figure for the same filters (fetched with the browser's session).
    link = page.find_element(By.CSS_SELECTOR, '#op-tijd-per-baan .downloads a[href*=".csv"]')
    assert 'baan=complex' in link.get_attribute('href')
    text = page.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));",
        link.get_attribute('href'))
    status, content_type, body = text
    assert status == 200 and content_type.startswith('text/csv')
    assert body.lstrip('\ufeff').splitlines()[0].startswith('Baan;Meldingen;')
    assert 'Complex' in body and 'Eenvoudig' not in body
    xlsx = page.find_element(By.CSS_SELECTOR, '#meldingen-per-week .downloads a[href*=".xlsx"]').get_attribute('href')
    data = page.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));", xlsx)
    wb = load_workbook(io.BytesIO(bytes(data)))
    header = [c.value for c in wb.worksheets[0][1]]
    total = header.index('Totaal')
    assert sum(row[total].value for row in wb.worksheets[0].iter_rows(min_row=2)) == filtered
    page.get('about:blank')  # no request of this test still open when the live server stops
