"""Helpers for the werkplek pages in a real browser (headless Chromium through Selenium).

Navigation races: right after a click, Chromium may still answer about the old document, and a
question about an element of it can fail in more ways than StaleElementReferenceException (for
instance "Node with given id does not belong to the document"). So waits treat any WebDriver error
as "not ready yet", and a page change is recognised by a marker set on the old page's window
rather than by asking the old page's elements.
"""
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 10


def wait(driver, timeout=TIMEOUT):
    """A WebDriverWait for which a page being replaced is simply not ready yet."""
    return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,))


def click_and_wait(driver, element, timeout=TIMEOUT):
    """Click `element` (a link or submit button) and wait until the next page has loaded."""
    driver.execute_script('window.__previousPage = true;')
    element.click()
    wait(driver, timeout).until(lambda d: d.execute_script(
        'return window.__previousPage === undefined && document.readyState === "complete";'))
    return driver
