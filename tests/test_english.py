"""How an English question is read: phrases become the words official names use, and a
foreign element is noticed, also when it takes several words to say."""

from __future__ import annotations

from pathlib import Path

import yaml

import bot.data
from bot.search.english import FOREIGN_MEANS, English, EnglishPhrase, EnglishReader

DATA = English(
    stopwords=["how", "do", "i", "my", "a", "the", "as"],
    phrases=[EnglishPhrase(words=["temporary residence"], means="đăng ký tạm trú")],
    foreign=["foreigner", "foreign national", "home country"],
)
READER = EnglishReader(DATA, vietnamese_words={"dang", "ky", "tam", "tru"})


def test_a_phrase_becomes_the_official_words_and_stopwords_go() -> None:
    reading = READER.read("How do I register temporary residence", "en")
    assert reading.english
    assert reading.text == "register đăng ký tạm trú"
    assert not reading.foreign


def test_a_foreign_element_said_in_one_word_or_in_several() -> None:
    for question in (
        "temporary residence for a foreigner",
        "temporary residence as a foreign national",
        "my home country passport",
    ):
        reading = READER.read(question, "en")
        assert reading.foreign, question
        assert reading.text.count(FOREIGN_MEANS) == 1, question


def test_part_of_a_foreign_phrase_alone_implies_nothing() -> None:
    assert not READER.read("national temporary residence", "en").foreign
    assert not READER.read("my country", "en").foreign


def test_vietnamese_without_marks_is_not_taken_for_english() -> None:
    assert not READER.is_english("dang ky tam tru", "vi")
    assert READER.is_english("temporary residence", "vi")


def test_a_marked_word_in_an_english_question_does_not_make_it_vietnamese() -> None:
    assert READER.is_english("my fiancée is here, temporary residence", "vi")
    assert not READER.is_english("đăng ký tạm trú", "en")


def test_words_the_english_phrasings_quote_are_not_corrected_nor_evidence_of_english() -> None:
    """The English phrasings quote Vietnamese words («tam tru») and use words english.yaml
    lacks («password»): the latter is never «corrected» into «passport», and the quoted
    syllables do not turn unmarked Vietnamese, typed by a reader of English, into English."""
    data = English(
        stopwords=["my"],
        phrases=[
            EnglishPhrase(words=["passport"], means="hộ chiếu"),
            EnglishPhrase(words=["temporary residence"], means="đăng ký tạm trú"),
        ],
    )
    said = {"forgot", "password", "landlord", "says", "tam", "tru", "dang", "ky"}
    reader = EnglishReader(data, {"dang", "ky", "tam", "tru"}, said)
    assert reader.read("forgot my password", "en").asked == "forgot password"
    assert not reader.is_english("dang ky tam tru", "en")
    # Without them, the misspelling guess takes the word for another.
    assert EnglishReader(data, {"dang"}).read("forgot my password", "en").asked == (
        "forgot passport"
    )


def test_an_article_or_a_possessive_in_between_does_not_hide_a_phrase() -> None:
    """People say «change her first name», «change the name of my son»: the phrase «change
    first name» or «change name» is still what they said. Words that join two statements
    («and», «is») are not skipped: «change and name» is two things."""
    reader = EnglishReader(
        English(
            stopwords=["her", "the", "of", "my", "and", "is"],
            phrases=[
                EnglishPhrase(words=["change first name"], means="thay đổi tên"),
                EnglishPhrase(words=["change name"], means="thay đổi họ tên"),
                EnglishPhrase(words=["change"], means="thay đổi"),
            ],
        ),
        vietnamese_words=set(),
    )
    assert reader.read("change her first name", "en").text == "thay đổi tên"
    assert reader.read("change the name of my son", "en").text == "thay đổi họ tên son"
    assert reader.read("change and name", "en").text == "thay đổi name"


def test_a_known_word_with_an_ending_is_not_taken_for_a_misspelling() -> None:
    """«walking» is «walk» with an ending, not a misspelt «talking»; «rented» and «shopping»
    likewise. A real misspelling of a known word is still put right, and a filler word
    («actually») does not hide a phrase."""
    reader = EnglishReader(
        English(
            stopwords=["my", "was", "i"],
            phrases=[
                EnglishPhrase(words=["talking"], means="trò chuyện"),
                EnglishPhrase(words=["walk", "rent", "shop", "live"], means="x"),
                EnglishPhrase(words=["never registered"], means="chưa đăng ký"),
            ],
        ),
        vietnamese_words=set(),
    )
    assert reader.read("walking", "en").asked == "walking"
    assert reader.read("rented shopping living", "en").asked == "rented shopping living"
    assert reader.read("talkng", "en").asked == "talking"
    assert reader.read("was never actually registered", "en").text == "chưa đăng ký"


def test_a_plural_or_possessive_typed_without_its_apostrophe_is_the_phrases_word() -> None:
    """«dads name» is «dad's name»: the phrase «dad name» is what was said. A word the
    phrases use as it is («parents») stays as it is."""
    reader = EnglishReader(
        English(
            stopwords=["add", "to", "my"],
            phrases=[
                EnglishPhrase(words=["dad name"], means="nhận cha"),
                EnglishPhrase(words=["parents"], means="cha mẹ"),
                EnglishPhrase(words=["parent"], means="phụ huynh"),
            ],
        ),
        vietnamese_words=set(),
    )
    assert reader.read("add dads name", "en").text == "nhận cha"
    assert reader.read("my parents", "en").text == "cha mẹ"


def test_vietnamese_typed_without_marks_in_an_english_question_is_kept() -> None:
    """«can cuoc» is «căn cước», not the verb «can» and an unknown word: a syllable English
    has too is Vietnamese beside one only Vietnamese has. «can I» is still English."""
    reader = EnglishReader(
        English(stopwords=["can", "i", "it", "for", "my"], phrases=[]),
        vietnamese_words={"can", "cuoc", "i", "cho"},
    )
    assert reader.read("can cuoc for my son", "en").text == "can cuoc son"
    assert reader.read("can I renew it for my son", "en").text == "renew son"


def test_what_is_left_of_a_contraction_is_no_word_of_the_question() -> None:
    """«didn't», «won't», «haven't» split into «didn» and «t»: neither is a word the
    question is about, so neither counts as a word the bot did not understand."""
    shipped = Path(bot.data.__file__).parent / "english.yaml"
    stopwords = yaml.safe_load(shipped.read_text(encoding="utf-8"))["stopwords"]
    reader = EnglishReader(English(stopwords=stopwords), vietnamese_words=set())
    reading = reader.read("we didn't register, won't and haven't", "en")
    assert reading.unread == 1  # «register»
