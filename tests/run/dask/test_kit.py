"""The kit: the publication's files a Dask worker needs, sent to it once."""

from __future__ import annotations

from pathlib import Path

from paperpress.config import AudioOptions, Config, PdfOptions
from paperpress.run.dask.kit import named_files, publication_kit
from tests.fakes import FAKE, WITH_FAKES, make_archive


def test_the_kit_holds_the_publication_files_a_worker_needs(tmp_path: Path) -> None:
    pub = make_archive(tmp_path / "pub", range(1, 2))
    (pub / "layouts" / "pdf").mkdir(parents=True)
    (pub / "layouts" / "pdf" / "print.css").write_text("/* house */\n")
    (pub / "fonts").mkdir()
    (pub / "fonts" / "House.otf").write_bytes(b"font")
    kit = publication_kit(pub, (), WITH_FAKES)
    assert set(kit.files) == {"paperpress.yaml", "layouts/pdf/print.css", "fonts/House.otf"}
    assert kit.editions["fake"] == FAKE
    (pub / "fonts" / "House.otf").write_bytes(b"another font")
    assert publication_kit(pub, (), WITH_FAKES).name != kit.name  # a changed file is a new plugin
    (pub / "voices").mkdir()
    (pub / "voices" / "house.onnx").write_bytes(b"voice")
    named = publication_kit(pub, ("voices/house.onnx", "voices/house.onnx.json", None), WITH_FAKES)
    assert set(named.files) - set(kit.files) == {"voices/house.onnx"}  # what paperpress.yaml names, if it is there


def test_the_files_paperpress_yaml_names_are_the_icc_profile_and_the_voice_with_its_settings() -> None:
    assert named_files(Config("A paper")) == (None, None, None)
    config = Config("A paper", pdf=PdfOptions(output_profile="press.icc"), audio=AudioOptions(model="voices/house.onnx"))
    assert named_files(config) == ("press.icc", "voices/house.onnx", "voices/house.onnx.json")
