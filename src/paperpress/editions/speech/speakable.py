"""Text made speakable: numbers, money, percentages, dates, times, ordinals, ranges, abbreviations and symbols
written out as words in the publication's language, so a voice reads "£530,000" as a listener expects.

Numbers are spelled by num2words (a well-kept library) in the publication's language; the words around them
(currency names, "per cent", abbreviations) come from one table per language below, English by default.
A number longer than MAX_WORDED_DIGITS (a code, a hostile string of digits) is read digit by digit, as a
listener would say it, and never reaches num2words, which overflows on a few hundred digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from num2words import CONVERTER_CLASSES, num2words


@dataclass(frozen=True, slots=True)
class Words:
    """A language's words for what is not a number: each table maps what is written to what is said."""

    currencies: dict[str, tuple[str, str, str, str]]  # symbol → (one, many, small one, small many)
    per_cent: str
    point: str  # between a number's whole part and its decimals: "point"
    to: str  # a range: "5 to 10"
    and_: str
    months: tuple[str, ...]
    million: str
    billion: str
    thousand: str
    oclock: str
    oh: str  # a minute under ten, after the hour: "ten oh five"
    am: str
    pm: str
    degrees: str
    minus: str
    scale_of: str  # money counted in a unit: "(£k)" is "thousands of pounds"
    ordinal_marks: str  # what follows a number to make it an ordinal: "st|nd|rd|th"
    abbreviations: dict[str, str] = field(default_factory=dict)  # whole words, case as written
    symbols: dict[str, str] = field(default_factory=dict)
    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # after a number: (one, many)


ENGLISH = Words(
    currencies={
        "£": ("pound", "pounds", "penny", "pence"),
        "$": ("dollar", "dollars", "cent", "cents"),
        "€": ("euro", "euros", "cent", "cents"),
    },
    per_cent="per cent",
    point="point",
    to="to",
    and_="and",
    months=("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"),
    million="million",
    billion="billion",
    thousand="thousand",
    oclock="o'clock",
    oh="oh",
    am="a m",
    pm="p m",
    degrees="degrees",
    minus="minus",
    scale_of="{big}s of {many}",
    ordinal_marks="st|nd|rd|th",
    abbreviations={
        "Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Mizz", "Prof": "Professor", "Cllr": "Councillor",
        "Rev": "Reverend", "Sgt": "Sergeant", "Insp": "Inspector", "Supt": "Superintendent", "Gen": "General",
        "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "approx.": "approximately",
        "vs": "versus", "vs.": "versus", "No.": "number", "Nos.": "numbers", "Ltd": "Limited", "plc": "P L C",
        "St.": "Saint", "Ave": "Avenue", "Rd": "Road", "mph": "miles per hour",
    },
    symbols={"&": "and", "+": "plus", "=": "equals", "@": "at", "#": "number", "§": "section", "½": "a half",
             "¼": "a quarter", "¾": "three quarters", "×": "by", "~": "about", "°C": "degrees Celsius",
             "°F": "degrees Fahrenheit", "°": "degrees"},
    units={"km": ("kilometre", "kilometres"), "kg": ("kilogram", "kilograms"), "cm": ("centimetre", "centimetres"),
           "mm": ("millimetre", "millimetres"), "ha": ("hectare", "hectares"), "kW": ("kilowatt", "kilowatts"),
           "MW": ("megawatt", "megawatts"), "ml": ("millilitre", "millilitres"), "p": ("penny", "pence")},
)

FRENCH = Words(
    currencies={
        "€": ("euro", "euros", "centime", "centimes"),
        "£": ("livre", "livres", "penny", "pence"),
        "$": ("dollar", "dollars", "cent", "cents"),
    },
    per_cent="pour cent",
    point="virgule",
    to="à",
    and_="et",
    months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"),
    million="millions",
    billion="milliards",
    thousand="mille",
    oclock="heures",
    oh="",
    am="du matin",
    pm="de l'après-midi",
    degrees="degrés",
    minus="moins",
    scale_of="{big} de {many}",
    ordinal_marks="er|re|e|ème",
    abbreviations={"M.": "Monsieur", "Mme": "Madame", "Mlle": "Mademoiselle", "Dr": "Docteur", "etc.": "et cetera",
                   "p. ex.": "par exemple", "c.-à-d.": "c'est-à-dire", "n°": "numéro"},
    symbols={"&": "et", "+": "plus", "=": "égale", "@": "arobase", "°C": "degrés Celsius", "°": "degrés", "½": "un demi"},
    units={"km": ("kilomètre", "kilomètres"), "kg": ("kilogramme", "kilogrammes")},
)

#: Language (its primary subtag) → its words; a language without a table borrows English words, but its
#: numbers are still spelled in its own language when num2words knows it.
WORDS: dict[str, Words] = {"en": ENGLISH, "fr": FRENCH}


def num2words_language(language: str) -> str:
    """num2words' name for a BCP 47 tag: 'pt-BR' → 'pt_BR', 'en-GB' → 'en', unknown → 'en'."""
    parts = language.replace("_", "-").split("-")
    full = f"{parts[0].lower()}_{parts[1].upper()}" if len(parts) > 1 else parts[0].lower()
    if full in CONVERTER_CLASSES:
        return full
    return parts[0].lower() if parts[0].lower() in CONVERTER_CLASSES else "en"


def words_for(language: str) -> Words:
    return WORDS.get(language.split("-")[0].lower(), ENGLISH)


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: Past this many digits (hundreds of trillions) a number is read digit by digit.
MAX_WORDED_DIGITS = 15
_DASH = r"\s?[-–—]\s?"


@cache
def _rules(language: str) -> tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]:
    """The rewriting rules for a language, most specific first: each consumes what it reads."""
    words = words_for(language)
    lang = num2words_language(language)
    month = "|".join(words.months)

    digit_words = tuple(str(num2words(d, lang=lang)) for d in range(10))

    def digits(text: str) -> str:
        return " ".join(digit_words[int(d)] for d in text)

    def whole_number(text: str, to: str = "cardinal") -> str:
        """Words for a string of digits: num2words' up to MAX_WORDED_DIGITS, the digits one by one past that."""
        if len(text.lstrip("0")) > MAX_WORDED_DIGITS:
            return digits(text)
        try:
            return str(num2words(int(text), to=to, lang=lang))
        except (OverflowError, ValueError, NotImplementedError):  # a language whose words end sooner
            return digits(text)

    def number(text: str) -> str:
        text = text.replace(",", "")
        if "." in text:
            whole, _, decimals = text.partition(".")
            return f"{whole_number(whole)} {words.point} {digits(decimals)}"
        return whole_number(text)

    def year(text: str) -> str:
        value = int(text)
        return whole_number(text, "year") if 1100 <= value <= 2099 else number(text)

    def ordinal(text: str) -> str:
        return whole_number(text, "ordinal")

    def money(m: re.Match[str] | _FakeMatch) -> str:
        one, many, small_one, small_many = words.currencies[m["cur"]]
        amount, scale = m["amount"], (m["scale"] or "").lower()
        if scale:
            big = {"m": words.million, "bn": words.billion, "k": words.thousand}[scale]
            return f"{number(amount)} {big} {many}"
        whole, _, pence = amount.replace(",", "").partition(".")
        said = f"{number(whole)} {one if whole.lstrip('0') == '1' else many}"
        if pence.strip("0"):
            said += f" {number(str(int(pence.ljust(2, '0')[:2])))}"
        return said

    def money_range(m: re.Match[str]) -> str:
        scale = m["scale"] or ""
        low = money(_FakeMatch(cur=m["cur"], amount=m["low"], scale=scale))
        high = money(_FakeMatch(cur=m["cur"], amount=m["high"], scale=scale))
        if scale:  # "£2-3m": two to three million pounds
            low = low.rsplit(" ", 2)[0]
        return f"{low} {words.to} {high}"

    def money_unit(m: re.Match[str]) -> str:
        big = {"m": words.million, "bn": words.billion, "k": words.thousand}[m["scale"].lower()]
        return words.scale_of.format(big=big, many=words.currencies[m["cur"]][1])

    def small_money(m: re.Match[str]) -> str:
        one, many = words.units["p"]
        return f"{number(m['n'])} {one if m['n'] == '1' else many}"

    def percent(m: re.Match[str]) -> str:
        return f"{number(m['n'])} {words.per_cent}"

    def range_(m: re.Match[str]) -> str:
        low, high = m["low"], m["high"]
        if len(low) == 4 and len(high) in (2, 4) and low.isdigit() and high.isdigit() and 1100 <= int(low) <= 2099:
            high = low[:2] + high if len(high) == 2 else high  # 2014-15 is 2014 to 2015
            return f"{year(low)} {words.to} {year(high)}"
        return f"{number(low)} {words.to} {number(high)}"

    def day_month(m: re.Match[str] | _FakeMatch) -> str:
        day = str(int(m["day"]))
        if lang.startswith("en"):
            said = f"the {ordinal(day)} of {m['month']}"
        else:  # "le premier mai", "le vingt mai"
            said = f"{ordinal(day) if day == '1' else number(day)} {m['month']}"
        return said + (f" {year(m['year'])}" if m["year"] else "")

    def month_day(m: re.Match[str]) -> str:
        return f"{m['month']} {ordinal(str(int(m['day'])))}" + (f", {year(m['year'])}" if m["year"] else "")

    def month_year(m: re.Match[str]) -> str:
        return f"{m['month']} {year(m['year'])}"

    def iso_date(m: re.Match[str]) -> str:
        name = words.months[int(m["month"]) - 1]
        return day_month(_FakeMatch(day=m["day"], month=name, year=m["year"]))

    def clock(m: re.Match[str]) -> str:
        hour, minute = int(m["h"]), m["m"]
        half = (m.groupdict().get("half") or "").lower().replace(".", "")
        suffix = {"am": words.am, "pm": words.pm}.get(half, "")
        if minute is None or int(minute) == 0:
            said = f"{number(str(hour))} {suffix or words.oclock}" if half or minute else number(str(hour))
            return said.strip()
        minutes = f"{words.oh} {number(str(int(minute)))}" if minute.startswith("0") else number(minute)
        return f"{number(str(hour))} {minutes} {suffix}".strip()

    def ordinal_mark(m: re.Match[str]) -> str:
        return ordinal(m["n"])

    def unit(m: re.Match[str]) -> str:
        one, many = words.units[m["unit"]]
        return f"{number(m['n'])} {one if m['n'] == '1' else many}"

    def scaled(m: re.Match[str]) -> str:
        big = {"m": words.million, "bn": words.billion, "k": words.thousand}[m["scale"].lower()]
        return f"{number(m['n'])} {big}"

    def plain_number(m: re.Match[str]) -> str:
        text = m[0]
        if len(text) == 4 and text.isdigit() and m.start() > 0 and _YEAR_BEFORE.search(m.string[: m.start()]):
            return year(text)
        return number(text)

    currency = "|".join(re.escape(c) for c in words.currencies)
    units = "|".join(sorted((re.escape(u) for u in words.units if u != "p"), key=len, reverse=True))
    abbreviations = "|".join(sorted((re.escape(a) for a in words.abbreviations), key=len, reverse=True))
    symbols = "|".join(sorted((re.escape(s) for s in words.symbols), key=len, reverse=True))
    return (
        (re.compile(r"(?<![\w.,])[-−](?=\d)"), lambda m: f"{words.minus} "),  # a sign, not a dash between numbers
        # A title's full stop goes with it ("Dr. Reed" is "Doctor Reed"): left, it would end a sentence.
        (re.compile(rf"(?<![\w.])(?P<a>{abbreviations})(?:(?<!\.)\.(?=\s+\S))?(?!\w)"),
         lambda m: words.abbreviations[m["a"]]),
        (re.compile(rf"(?P<cur>{currency})(?P<low>{_NUM}){_DASH}(?:{currency})?(?P<high>{_NUM})(?P<scale>bn|m|k)?\b"),
         money_range),
        (re.compile(rf"(?P<cur>{currency})(?P<amount>{_NUM})(?:\s?(?P<scale>bn|m|k)\b)?"), money),
        (re.compile(rf"(?P<cur>{currency})(?P<scale>bn|m|k)\b"), money_unit),
        (re.compile(r"\b(?P<n>\d+)p\b"), small_money),
        (re.compile(rf"(?P<n>{_NUM})\s?(?:%|per cent|percent)"), percent),
        (re.compile(r"\b(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b"), iso_date),
        (re.compile(rf"\b(?P<day>[0-3]?\d)(?:{words.ordinal_marks})?\s+(?P<month>{month})(?:,?\s+(?P<year>\d{{4}}))?\b"), day_month),
        (re.compile(rf"\b(?P<month>{month})\s+(?P<day>[0-3]?\d)(?:{words.ordinal_marks})?(?:,\s+(?P<year>\d{{4}}))?\b"), month_day),
        (re.compile(rf"\b(?P<month>{month})\s+(?P<year>\d{{4}})\b"), month_year),
        (re.compile(r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s?(?P<half>[ap]\.?m\.?)(?!\w)", re.IGNORECASE), clock),
        (re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\b"), clock),
        (re.compile(rf"\b(?P<low>{_NUM}){_DASH}(?P<high>{_NUM})\b"), range_),
        (re.compile(r"\b(?P<low>(?:1[1-9]|20)\d\d)/(?P<high>\d\d)\b"), range_),  # a financial year: 2026/27
        (re.compile(rf"\b(?P<n>\d+)(?:{words.ordinal_marks})\b"), ordinal_mark),
        (re.compile(rf"\b(?P<n>{_NUM})\s?(?P<unit>{units})\b"), unit),
        (re.compile(rf"\b(?P<n>{_NUM})(?P<scale>bn|m|k)\b"), scaled),
        (re.compile(rf"(?:{symbols})"), lambda m: f" {words.symbols[m[0]]} "),
        (re.compile(_NUM), plain_number),
    )


_YEAR_BEFORE = re.compile(r"\b(?:in|since|until|by|from|of|before|after|en|depuis)\s+$", re.IGNORECASE)


class _FakeMatch(dict[str, str]):
    """Lets one rule reuse another's reading with groups of its own choosing."""

    def __getitem__(self, key: str) -> str:  # type: ignore[override]
        return self.get(key, "")


def speakable(text: str, language: str = "en") -> str:
    """`text` with everything a voice would misread written out in words, in `language` (a BCP 47 tag)."""
    for pattern, say in _rules(language):
        text = pattern.sub(say, text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
