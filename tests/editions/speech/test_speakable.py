"""The normaliser's tables: what an editor writes, and what the voice must be given to say."""

from __future__ import annotations

import pytest

from paperpress.editions.speech.speakable import num2words_language, speakable

ENGLISH = [
    # numbers
    ("7 councillors", "seven councillors"),
    ("1,200 people", "one thousand, two hundred people"),
    ("3.5 miles", "three point five miles"),
    # money
    ("£530,000", "five hundred and thirty thousand pounds"),
    ("£1 coin", "one pound coin"),
    ("£4.50 a ticket", "four pounds fifty a ticket"),
    ("£2.1m deficit", "two point one million pounds deficit"),
    ("$3bn", "three billion dollars"),
    ("€20", "twenty euros"),
    ("50p", "fifty pence"),
    ("£2-3m", "two to three million pounds"),
    ("Change (£k)", "Change (thousands of pounds)"),
    # percentages
    ("12%", "twelve per cent"),
    ("3.5 per cent", "three point five per cent"),
    # dates
    ("20 November 2026", "the twentieth of November twenty twenty-six"),
    ("1st March", "the first of March"),
    ("November 20, 2026", "November twentieth, twenty twenty-six"),
    ("2026-11-20", "the twentieth of November twenty twenty-six"),
    ("in March 1984", "in March nineteen eighty-four"),
    ("opened in 1906", "opened in nineteen oh-six"),
    # times
    ("at 7pm", "at seven p m"),
    ("9.30am", "nine thirty a m"),
    ("at 10:05", "at ten oh five"),
    ("19:30", "nineteen thirty"),
    # ordinals
    ("the 22nd meeting", "the twenty-second meeting"),
    ("3rd place", "third place"),
    # ranges
    ("5-10 years", "five to ten years"),
    ("2010–2015", "twenty ten to twenty fifteen"),
    ("2014-15 budget", "twenty fourteen to twenty fifteen budget"),
    ("the 2026/27 budget", "the twenty twenty-six to twenty twenty-seven budget"),
    # signs
    ("-530", "minus five hundred and thirty"),
    ("fell by −4%", "fell by minus four per cent"),
    # abbreviations
    ("Dr Patel", "Doctor Patel"),
    ("Dr. Patel met St. Mark's Rd. staff", "Doctor Patel met Saint Mark's Road staff"),
    ("the corner of Station Rd.", "the corner of Station Road."),
    ("Cllr Jones", "Councillor Jones"),
    ("e.g. books", "for example books"),
    ("No. 9", "number nine"),
    ("40 mph", "forty miles per hour"),
    ("12km walk", "twelve kilometres walk"),
    # symbols
    ("Smith & Sons", "Smith and Sons"),
    ("14°C", "fourteen degrees Celsius"),
    ("½ mile", "a half mile"),
    # nothing to change
    ("The vote was close.", "The vote was close."),
]


@pytest.mark.parametrize(("written", "said"), ENGLISH)
def test_english(written: str, said: str) -> None:
    assert speakable(written, "en-GB") == said


FRENCH = [
    ("12 %", "douze pour cent"),
    ("€20", "vingt euros"),
    ("le 1er mai", "le premier mai"),
    ("20 novembre 2026", "vingt novembre deux mille vingt-six"),
    ("M. Dupont & fils", "Monsieur Dupont et fils"),
]


@pytest.mark.parametrize(("written", "said"), FRENCH)
def test_french_follows_the_publication_language(written: str, said: str) -> None:
    assert speakable(written, "fr") == said


@pytest.mark.parametrize(
    ("tag", "name"), [("en", "en"), ("en-GB", "en"), ("pt-BR", "pt_BR"), ("fr-CA", "fr"), ("xx", "en")]
)
def test_language_tags_map_to_num2words(tag: str, name: str) -> None:
    assert num2words_language(tag) == name
