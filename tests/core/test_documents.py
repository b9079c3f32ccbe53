"""Each bundled article is read as a person would: title, date (or none), body as written."""

import datetime as dt

import pytest

from searchapp.core.documents import parse_article, read_document
from searchapp.core.errors import UnreadableDocumentError
from tests.core.conftest import SEED_NAMES, seed_path


def test_every_seed_is_bundled_byte_for_byte():
    assert sorted(p.name for p in seed_path("x").parent.glob("*.txt")) == SEED_NAMES


@pytest.mark.parametrize(
    ("name", "date", "title", "body_start"),
    [
        ("000_2a6baaa5875578d0.txt", dt.date(2025, 2, 25),
         "Alec Baldwin has sparked controversy after threatening a comedian for heckling him "
         "over the 2021 \"Rust\" shooting.",
         "The ordeal began as Jason Scoop"),
        ("001_903a7f7205f0a688.txt", dt.date(2025, 2, 25),
         "Alec Baldwin Threatens to Break Trump Impersonator's Neck After He Taunts Actor "
         "About 'Rust' Shooting in Shocking Video",
         "Things got heated between Alec Baldwin"),
        ("002_3895aaea98e54197.txt", dt.date(2021, 12, 2),
         "Alec Baldwin Says He Would Do Anything to Undo \u2018Rust\u2019 Tragedy",
         "Alec Baldwin is shedding new light on the \u201cRust\u201d shooting"),
        ("003_09ada0fa5a3b2448.txt", None,
         "9 Takeaways From Alec Baldwin\u2019s First Interview Since The Fatal Rust Shooting",
         "\u201cI never pulled the trigger,\u201d the actor told ABC News\u2019"),
        ("004_d86788690ba52cb9.txt", None,
         "Baldwin Claims He “Never Pulled the Trigger” in Fatal “Rust” Shooting",
         "In a stunning interview \u2013 his first since the incident \u2014 Alec Baldwin"),
    ],
)
def test_seed_parsed(name, date, title, body_start):
    document = read_document(seed_path(name))
    assert document.path == str(seed_path(name))
    assert document.date == date
    assert document.title == title
    assert document.body.startswith(body_start)
    assert not document.body.startswith("\n")


def test_reader_comments_and_typography_are_kept():
    document = read_document(seed_path("004_d86788690ba52cb9.txt"))
    assert document.body.rstrip().endswith("Required fields are marked *")
    assert "\u201cno idea\u201d" in document.body


def test_undated_article_is_never_given_a_date():
    document = parse_article("A title\n\nA body.", "x.txt")
    assert document.date is None and document.title == "A title" and document.body == "A body."


def test_impossible_date_stays_in_the_title():
    document = parse_article(" date 2021-02-30 Title\n\nBody", "x.txt")
    assert document.date is None
    assert "2021-02-30" in document.title


def test_binary_file_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(UnreadableDocumentError, match="binary"):
        read_document(path)


def test_windows_1252_text_keeps_its_accents(tmp_path):
    path = tmp_path / "latin.txt"
    title = "Café crème – naïve déjà vu à Noël, où l’élève était très fatigué"
    path.write_bytes(f"{title}\n\nLe café était fermé à Noël.".encode("cp1252"))
    assert read_document(path).title == title


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("\ufeffTitre \u00e9t\u00e9\n\nCorps".encode("utf-16-le"))
    assert read_document(path).title == "Titre \u00e9t\u00e9"
