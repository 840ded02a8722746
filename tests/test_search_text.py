"""Folding Vietnamese text (``bot.search.normalize``) and matching the lexicon's phrases
(``bot.search.lexicon``): every way a citizen may type a word must meet the same key, while
words that differ only in their marks stay apart where the lexicon says so."""

from __future__ import annotations

import unicodedata

import pytest
from pydantic import ValidationError

from bot.search.index import MAX_TYPO_LOOKUPS, SearchIndex
from bot.search.lexicon import FoldedLexicon, Lexicon, Synonym, phrase
from bot.search.normalize import fold, has_marks, mark_key, tokens, words
from bot.services.catalogue import shipped_procedures
from bot.yamldoc import problems_of
from tests.texts import VIETNAMESE


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Đăng ký tạm trú", "dang ky tam tru"),
        ("dang ky tam tru", "dang ky tam tru"),
        ("ĐĂNG KÝ TẠM TRÚ", "dang ky tam tru"),
        ("Đăng kí tạm trú", "dang ky tam tru"),  # kí and ký
        ("lí lịch tư pháp", "ly lich tu phap"),
        ("quí", "quy"),
        ("  Đăng-ký,   tạm trú?! ", "dang ky tam tru"),
        ("tạm\xa0trú", "tam tru"),  # NBSP from a copied web page
        ("tạm\u202ftrú", "tam tru"),
        ("ế ộ ở ữ ặ ẫ", "e o o u a a"),  # letters with two marks lose both
        ("hoà giải", "hoa giai"),
        ("hòa giải", "hoa giai"),
        ("thuý", "thuy"),
        ("thúy", "thuy"),
        ("CCCD số 012345678912", "cccd so 012345678912"),
        ("", ""),
        ("?!…", ""),
    ],
)
def test_fold(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_fold_is_the_same_for_nfc_and_nfd_input() -> None:
    for text in ("Đăng ký khai sinh", "Chứng thực bản sao", "Hộ kinh doanh", "Ủy quyền"):
        assert nfd(text) != text
        assert fold(nfd(text)) == fold(text)


def test_i_and_y_meet_only_as_whole_syllables_after_the_usual_initials() -> None:
    assert fold("kí") == fold("ký") == "ky"
    assert fold("kim") == "kim" and fold("kìm") == "kim"  # not "kym"
    assert fold("bí") == "bi"  # "b" is not one of the initials where i and y alternate
    assert fold("mì tôm") == "my tom"
    assert words("Đăng kí, tạm trú") == ["dang", "ky", "tam", "tru"]


# --- mark_key and has_marks -------------------------------------------------------------------


def test_mark_key_meets_old_and_new_tone_placement() -> None:
    assert mark_key("hoà") == mark_key("hòa")
    assert mark_key("thuý") == mark_key("thúy")
    assert mark_key("kí") == mark_key("ký")
    assert mark_key("Cần") == mark_key("cần") == mark_key("CẦN")
    assert mark_key(nfd("cần")) == mark_key("cần")


def test_mark_key_keeps_words_that_fold_alike_apart() -> None:
    assert fold("căn") == fold("cần") == fold("can")
    assert len({mark_key("căn"), mark_key("cần"), mark_key("cán"), mark_key("can")}) == 4
    assert mark_key("ma") != mark_key("mà") != mark_key("mả")
    assert mark_key("đang") != mark_key("dang")  # đ is a letter of its own, not a mark
    assert mark_key("hoà") != mark_key("hóa")


def test_has_marks() -> None:
    assert has_marks("cần") and has_marks("đi") and has_marks("Ủy")
    assert not has_marks("can") and not has_marks("CCCD")


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_keep_a_mark_key_only_for_words_typed_with_marks() -> None:
    assert tokens("Cần làm gì") == [
        ("can", mark_key("cần")),
        ("lam", mark_key("làm")),
        ("gi", mark_key("gì")),
    ]
    assert tokens("can lam gi") == [("can", None), ("lam", None), ("gi", None)]
    assert tokens("xin cấp lai") == [("xin", None), ("cap", mark_key("cấp")), ("lai", None)]


def test_tokens_of_nfd_nbsp_and_capitals() -> None:
    expected = [("dang", mark_key("đăng")), ("ky", mark_key("ký"))]
    assert tokens("Đăng ký") == expected
    assert tokens(nfd("Đăng ký")) == expected
    assert tokens("ĐĂNG\xa0KÍ") == expected  # capitals, NBSP and the old "kí"
    assert tokens("  đăng, ký?  ") == expected
    assert tokens("") == [] and tokens(" ,.;") == []


# --- lexicon phrases --------------------------------------------------------------------------


def test_marked_filler_word_does_not_swallow_a_word_with_other_marks() -> None:
    filler = phrase("cần")
    assert filler.matches(tokens("cần"), 0)
    assert filler.matches(tokens("CẦN"), 0)
    assert not filler.matches(tokens("căn"), 0)  # "căn hộ" is what they ask about
    assert not filler.matches(tokens("cán"), 0)
    assert filler.matches(tokens("can"), 0)  # typed without marks: compared folded


def test_unmarked_entry_matches_any_marks() -> None:
    entry = phrase("can")
    for typed in ("cần", "căn", "cán", "can", "CAN"):
        assert entry.matches(tokens(typed), 0), typed


def test_multiword_phrase_matches_at_its_place_only() -> None:
    ask = phrase("cho tôi hỏi")
    question = tokens("Xin cho tôi hỏi về tạm trú")
    assert len(ask) == 3
    assert ask.matches(question, 1)
    assert not ask.matches(question, 0)
    assert not ask.matches(question, 5)  # runs past the end
    assert ask.matches(tokens("cho toi hoi"), 0)
    assert not ask.matches(tokens("cho tối hỏi"), 0)  # "tối" is not "tôi"


def test_phrase_meets_old_tone_placement_and_ki() -> None:
    assert phrase("hoà giải").matches(tokens("hòa giải"), 0)
    assert phrase("đăng kí").matches(tokens("Đăng ký"), 0)
    assert phrase("đăng kí").matches(tokens("dang ky"), 0)
    assert phrase("thủ tục").matches(tokens(nfd("Thủ tục")), 0)


def test_folded_lexicon_expands_shorthand_and_sorts_longest_first() -> None:
    lexicon = FoldedLexicon(
        Lexicon(
            shorthand={"dk": "đăng ký", "cccd": "căn cước công dân"},
            synonyms=[
                Synonym(words=["hộ khẩu"], means="thường trú"),
                Synonym(words=["nhập hộ khẩu", "mất cccd"], means="đăng ký thường trú"),
            ],
            filler=["cần", "cho tôi hỏi"],
        )
    )
    assert lexicon.expand("dk tạm trú") == [
        ("dang", None),
        ("ky", None),
        ("tam", mark_key("tạm")),
        ("tru", mark_key("trú")),
    ]
    assert [w for w, _ in lexicon.expand("đk")] == ["dang", "ky"]
    said = [p.folded for p, _ in lexicon.synonyms]
    assert said[0] == ("mat", "can", "cuoc", "cong", "dan")  # shorthand written out
    assert said[-1] == ("ho", "khau")  # the shortest last
    assert dict((p.folded, m) for p, m in lexicon.synonyms)[("nhap", "ho", "khau")] == [
        "dang",
        "ky",
        "thuong",
        "tru",
    ]
    assert [p.folded for p in lexicon.filler] == [("cho", "toi", "hoi"), ("can",)]
    assert set(lexicon.filler_by_first) == {"cho", "can"}
    marked = lexicon.filler_by_first["can"][0]
    assert marked.matches(tokens("cần"), 0) and not marked.matches(tokens("căn"), 0)


def test_lexicon_refuses_entries_search_could_never_use() -> None:
    with pytest.raises(ValidationError) as refused:
        Lexicon(shorthand={"d k": "đăng ký"})
    assert _reason(refused.value) == "từ viết tắt “d k” phải là một từ"
    with pytest.raises(ValidationError) as refused:
        Lexicon(shorthand={"dk": "?!"})
    assert _reason(refused.value) == "từ viết tắt “dk” cần có nghĩa đầy đủ"
    with pytest.raises(ValidationError) as refused:
        Synonym(words=["hộ khẩu", "…"], means="thường trú")
    assert _reason(refused.value) == "mỗi mục cần có ít nhất một chữ cái hoặc chữ số"


def _reason(error: ValidationError) -> str:
    return problems_of(error)[0].reason(VIETNAMESE)


def test_a_question_gets_the_same_hits_whatever_was_asked_before() -> None:
    """Typo look-ups are limited per question and remembered across questions; the limit
    counts remembered ones too, so what came before cannot change an answer."""
    lexicon = FoldedLexicon(Lexicon())
    procedures = list(shipped_procedures())
    fresh, used = SearchIndex.of(procedures, lexicon), SearchIndex.of(procedures, lexicon)
    # Unknown words whose look-ups (words and pairs) use up the limit, then a typo of "khai
    # sinh"; the other index has already looked them up, for another question.
    unknown = [f"xyzq{letter}" for letter in "abcdefghij"[: MAX_TYPO_LOOKUPS // 2]]
    question = " ".join([*unknown, "đăng ký khia sinh"])
    used.search(" ".join(unknown))
    assert [h.procedure.code for h in used.search(question).hits] == [
        h.procedure.code for h in fresh.search(question).hits
    ]
