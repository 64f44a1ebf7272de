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


# -- accessibility (axe-core in the page) ------------------------------------------------------------

#: WCAG 2.1 A and AA: what Dutch government sites must meet (EN 301 549, Besluit digitale toegankelijkheid).
WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

_RUN_AXE = '''
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done(result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n').slice(1).join(' '))}))))
  .catch(error => done([{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]));
'''


def accessibility_violations(driver, axe_source):
    """axe-core's WCAG 2.1 A/AA violations on the current page: [{id, impact, help, nodes}]."""
    driver.set_script_timeout(30)
    driver.execute_script(axe_source)
    return driver.execute_async_script(_RUN_AXE, WCAG_TAGS)

