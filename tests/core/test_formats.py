"""Each supported format, from small fixture files the tests write themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from searchapp.core.documents import read_document
from searchapp.core.errors import UnreadableDocumentError
from searchapp.core.search import search, show
from tests.core.conftest import names


def _pdf(path: Path, pages: list[str], title: str = "", encrypt: bool = False) -> Path:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_creation_date(dt.datetime(2024, 3, 6, 12, 0, tzinfo=dt.UTC))
    for text in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        if text:
            pdf.multi_cell(0, 10, text)
        else:
            pdf.rect(20, 20, 100, 100, style="F")  # a "scan": marks, no text
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.output(str(path))
    return path


def test_pdf_text_title_date_and_pages(tmp_path):
    path = _pdf(tmp_path / "t.pdf", ["The armorer testified.", "A live round was found."],
                title="Armorer testimony")
    document = read_document(path)
    assert document.title == "Armorer testimony"
    assert document.date == dt.date(2024, 3, 6)
    assert "armorer testified" in document.body and "live round" in document.body
    assert document.page_at(document.body.index("armorer")) == 1
    assert document.page_at(document.body.index("live round")) == 2


def test_pdf_match_says_its_page(make_library, tmp_path):
    library = make_library({})
    folder = tmp_path / "docs"
    _pdf(folder / "t.pdf", ["Nothing here.", "Still nothing.", "The revolver at last."])
    library.refresh()
    hit = search(library, "revolver").hits[0]
    assert hit.kind == "pdf" and hit.page == 3
    view = show(library, str(folder / "t.pdf"), "revolver")
    start = view.body_matches[0][0]
    from searchapp.core.documents import page_at

    assert page_at(view.pages, start) == 3


def test_encrypted_pdf_is_reported(tmp_path):
    path = _pdf(tmp_path / "locked.pdf", ["Secret text"], encrypt=True)
    with pytest.raises(UnreadableDocumentError, match="encrypted"):
        read_document(path)


def test_scanned_pdf_without_text_is_reported(tmp_path):
    path = _pdf(tmp_path / "scan.pdf", [""])
    with pytest.raises(UnreadableDocumentError, match="no text"):
        read_document(path)


def test_broken_pdf_is_reported(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    with pytest.raises(UnreadableDocumentError, match="damaged"):
        read_document(path)


def test_docx_title_body_and_tables(tmp_path):
    word = docx.Document()
    word.core_properties.title = "Memo on safety"
    word.core_properties.created = dt.datetime(2021, 10, 20, 9, 0)
    word.add_paragraph("Safety meetings were discontinued.")
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Armorer"
    table.rows[0].cells[1].text = "Hannah"
    word.save(str(tmp_path / "memo.docx"))
    document = read_document(tmp_path / "memo.docx")
    assert document.title == "Memo on safety"
    assert document.date == dt.date(2021, 10, 20)
    assert "Safety meetings were discontinued." in document.body
    assert "Armorer\tHannah" in document.body


def test_broken_docx_is_reported(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableDocumentError, match="Word document"):
        read_document(path)


def test_html_article_without_menus_and_banners(tmp_path):
    paragraph = ("The armorer was found guilty of involuntary manslaughter after a two-week "
                 "trial in Santa Fe, and the jury deliberated for less than three hours. ")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Verdict in Santa Fe | Daily News</title>"
        "<meta property='article:published_time' content='2024-03-06T10:00:00Z'></head>"
        "<body><nav><a href='/'>Home</a> <a href='/sports'>Sports</a></nav>"
        f"<article><h1>Verdict in Santa Fe</h1><p>{paragraph * 3}</p>"
        "<p>Prosecutors said she brought live ammunition onto the set.</p></article>"
        "<div class='cookie-banner'>We use cookies. Accept all cookies?</div>"
        "<footer>Copyright Daily News</footer></body></html>", encoding="utf-8")
    document = read_document(tmp_path / "page.html")
    assert document.title.startswith("Verdict in Santa Fe")
    assert document.date == dt.date(2024, 3, 6)
    assert "live ammunition" in document.body
    assert "cookies" not in document.body and "Sports" not in document.body


def test_eml_subject_sender_date_and_body(tmp_path):
    (tmp_path / "tip.eml").write_text(
        "From: Jane Reporter <jane@example.com>\nTo: desk@example.com\n"
        "Subject: Tip about the prop gun\nDate: Tue, 05 Mar 2024 10:00:00 +0000\n"
        "Content-Type: text/plain; charset=utf-8\n\nThe prop gun was never checked.\n",
        encoding="utf-8")
    document = read_document(tmp_path / "tip.eml")
    assert document.title == "Tip about the prop gun"
    assert document.date == dt.date(2024, 3, 5)
    assert "Jane Reporter" in document.body and "never checked" in document.body


def test_eml_html_body(tmp_path):
    (tmp_path / "news.eml").write_text(
        "From: desk@example.com\nSubject: Newsletter\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n<p>Read about the <b>verdict</b>.</p>\n",
        encoding="utf-8")
    document = read_document(tmp_path / "news.eml")
    assert "Read about the verdict." in document.body and "<b>" not in document.body


def test_markdown_front_matter_and_heading(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Field notes\ndate: 2024-03-05\n---\n\nBody.",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("# Ranch visit\n\nNotes about Bonanza Creek.",
                                   encoding="utf-8")
    first, second = read_document(tmp_path / "a.md"), read_document(tmp_path / "b.md")
    assert (first.title, first.date, first.body) == ("Field notes", dt.date(2024, 3, 5), "Body.")
    assert (second.title, second.date) == ("Ranch visit", None)
    assert second.body.strip() == "Notes about Bonanza Creek."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_text_encodings_keep_accents(tmp_path, encoding):
    text = ("Café crème\n\nLe café était fermé à Noël, déjà. Nous avons marché jusqu'à la "
            "gare où l'élève attendait près de la fenêtre, très fatigué après la journée.")
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    document = read_document(tmp_path / "a.txt")
    assert document.title == "Café crème"
    assert "fermé à Noël" in document.body


def test_unsupported_and_bad_files_are_listed_and_the_rest_indexed(make_library, tmp_path):
    library = make_library({"good.md": "# Good\n\nfine",
                            "bad.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2,
                            "empty.pdf": b""})
    assert names(search(library, "fine")) == ["good.md"]
    failed = dict(library.last_report()["failed"])
    assert set(Path(p).name for p in failed) == {"bad.txt", "empty.pdf"}
    assert "binary" in failed[str(tmp_path / "docs" / "bad.txt")]
