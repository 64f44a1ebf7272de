"""Every letter as the resident receives it: rendered to PDF, then read back as text (pdftotext) and as
a picture (pdftoppm), with no markup in it, the addressee, the reference and the body's paragraphs."""
import shutil
import subprocess

import pytest

from signals_haarlem.complaints import letters
from signals_haarlem.complaints.models import LetterTemplate

pytestmark = pytest.mark.django_db

MARKUP = ('<p', '</p', '<br', '&lt;', '&gt;', '&amp;', '&quot;', '&#')


def _pdf_text(pdf, tmp_path):
    path = tmp_path / 'brief.pdf'
    path.write_bytes(pdf)
    return subprocess.run(['pdftotext', '-layout', str(path), '-'], capture_output=True, text=True,
                          check=True).stdout


def _dark_share(pdf, tmp_path):
    """The share of dark pixels on page 1 at 50 dpi (a blank or a broken page has next to none)."""
    path = tmp_path / 'brief.pdf'
    path.write_bytes(pdf)
    subprocess.run(['pdftoppm', '-r', '50', '-f', '1', '-l', '1', '-gray', str(path), str(tmp_path / 'pagina')],
                   check=True)
    [image] = tmp_path.glob('pagina*.pgm')
    data = image.read_bytes()
    header_end = 0
    for _ in range(3):  # P5, size, maxval
        header_end = data.index(b'\n', header_end) + 1
    pixels = data[header_end:]
    return sum(1 for value in pixels if value < 128) / len(pixels)


@pytest.fixture(autouse=True)
def _poppler():
    if not (shutil.which('pdftotext') and shutil.which('pdftoppm')):
        pytest.skip('poppler-utils is not installed (apt-get install poppler-utils)')


@pytest.mark.parametrize('kind', [kind for kind, _ in LetterTemplate.KINDS])
def test_every_letter_reads_as_a_letter(kind, make_complaint, tmp_path):
    complaint = make_complaint(complainant_name='P. de Vries & Zn. <test>',
                               conduct_description='Hij zei "dat kan niet" & liep weg.')
    letter = letters.build(complaint, kind, extra={'oordeel': 'gegrond', 'toelichting': 'Regel 1\nRegel 2'})
    assert letter is not None
    pdf = letters.render_pdf(letter.html)
    text = _pdf_text(pdf, tmp_path)
    for markup in MARKUP:
        assert markup not in text, (kind, markup, text[:800])
    assert complaint.reference in text and 'P. de Vries & Zn. <test>' in text
    # the body's paragraphs are there as paragraphs (each first line of the text body appears)
    first = next(line for line in letter.text.splitlines() if line.strip())
    assert ' '.join(first.split())[:40] in ' '.join(text.split())
    if kind in LetterTemplate.WITH_REFERRAL:
        assert 'Nationale ombudsman' in text
    assert 0.005 < _dark_share(pdf, tmp_path) < 0.3, kind  # a page with text on it, not blank or black
