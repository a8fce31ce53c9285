"""paperpress.yaml's audio options and `editions:` are checked like every other key."""

from __future__ import annotations

from pathlib import Path

from paperpress.config import DEFAULT_EDITIONS
from paperpress.load import load_config


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "paperpress.yaml").write_text("title: T\n" + text)
    return load_config(tmp_path)


def test_audio_is_not_a_default_edition(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "")
    assert loaded.value is not None and loaded.value.editions == DEFAULT_EDITIONS and "audio" not in DEFAULT_EDITIONS


def test_editions_and_audio_options_are_read(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "editions: [txt, audio]\naudio:\n  voice: en-gb\n  speed: 200\n  pitch: 40\n")
    assert loaded.problems == ()
    assert loaded.value is not None and loaded.value.editions == ("txt", "audio")
    assert (loaded.value.audio.voice, loaded.value.audio.speed, loaded.value.audio.pitch) == ("en-gb", 200, 40)


def test_an_unknown_edition_a_bad_speed_and_an_unknown_audio_key_are_errors(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "editions: [txt, mp3]\naudio:\n  speed: 2000\n  voise: en\n")
    messages = sorted(str(p) for p in loaded.problems)
    assert any("editions" in m and "unknown edition 'mp3'" in m and "choose from txt, epub, web, pdf, audio" in m for m in messages)
    assert any("audio.speed" in m and "too large" in m for m in messages)
    assert any("audio.voise" in m and "did you mean 'voice'" in m for m in messages)


def test_the_mail_settings_are_read_with_from_as_written(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "mail:\n  host: smtp.example.org\n  from: news@example.org\n"
                             "  unsubscribe: https://example.org/unsubscribe\n"
                             "  dkim:\n    domain: example.org\n    selector: news\n    key_file: dkim.pem\n")
    assert loaded.problems == ()
    mail = loaded.value.mail if loaded.value else None
    assert mail is not None and (mail.host, mail.port, mail.security, mail.sender) == (
        "smtp.example.org", 587, "starttls", "news@example.org")
    assert mail.dkim is not None and mail.dkim.selector == "news"


def test_a_missing_or_wrong_mail_setting_names_its_key(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "mail:\n  from: not-an-address\n  security: ssl\n  unsubscribe: http://example.org/u\n"
                             "  password: hunter2\n")
    assert [str(p) for p in loaded.problems] == [
        "paperpress.yaml:2: mail.host: required: add 'host:' (the SMTP server: smtp.example.org)",
        "paperpress.yaml:3: mail.from: 'not-an-address' is not an e-mail address (write it as name@example.org)",
        "paperpress.yaml:4: mail.security: 'ssl' is not one of: starttls, tls, none",
        "paperpress.yaml:5: mail.unsubscribe: 'http://example.org/u' is not an https:// address "
        "(mail clients offer one-click unsubscribe only over HTTPS)",
        "paperpress.yaml:6: mail.password: unknown key 'password' "
        "(allowed keys: host, from, unsubscribe, port, security, user, reply_to, unsubscribe_mailto, dkim)",
    ]
