#!/usr/bin/env bash
# Sets up a fresh machine for paperpress: the virtual environment, and with --tools the independent
# checkers the tests use (EPUBCheck, Ace, calibre, qpdf, poppler, Chromium and its driver, pandoc, the Nu
# validator, axe-core, jing), eSpeak NG and
# ffmpeg for the audio edition and its tests, and Ghostscript, whose CMYK profile the print PDF uses by default. `make sample` needs none of them: audio is opt-in.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.paperpress-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing paperpress and its Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test]'
  touch "$stamp"
fi
# An editable install leaves src/ uncompiled: where PYTHONDONTWRITEBYTECODE is set, every command (and the
# PDF's sidecar process) compiled paperpress again as it started, about 0.1 s each. Only stale files are redone.
.venv/bin/python -m compileall -q src >/dev/null

[ "${1:-}" = "--tools" ] || exit 0

need=()
command -v qpdf >/dev/null || need+=(qpdf)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v java >/dev/null || need+=(default-jre-headless)
command -v ebook-convert >/dev/null || need+=(calibre)
command -v pandoc >/dev/null || need+=(pandoc)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v ffprobe >/dev/null || need+=(ffmpeg)
# The print profile's CMYK profile when a publication names none (/usr/share/color/icc/ghostscript/).
command -v gs >/dev/null || need+=(ghostscript)
# RELAX NG validation of the OPDS catalog against the specification's schema.
command -v jing >/dev/null || need+=(jing)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]} (install them with your package manager; tests that need them will skip)"
  fi
fi

if [ ! -x .tools/ace/node_modules/.bin/ace-cli ] && command -v npm >/dev/null; then
  echo "setup: installing Ace by DAISY"
  mkdir -p .tools/ace
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-fund --no-audit --prefix .tools/ace @daisy/ace-cli >/dev/null \
    || echo "setup: could not install Ace (tests that need it will skip)"
fi

# The web edition's checkers: the current Nu validator (the jar, run on the system Java) and axe-core's CLI,
# which is told to use Debian's chromedriver, so its own driver download is skipped (--ignore-scripts).
if [ ! -f .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar ] && command -v npm >/dev/null; then
  echo "setup: installing the Nu Html Checker"
  mkdir -p .tools/vnu
  npm install --silent --no-fund --no-audit --prefix .tools/vnu vnu-jar >/dev/null \
    || echo "setup: could not install the Nu Html Checker (tests that need it will skip)"
fi
if [ ! -x .tools/axe/node_modules/.bin/axe ] && command -v npm >/dev/null; then
  echo "setup: installing axe-core"
  mkdir -p .tools/axe
  npm install --silent --no-fund --no-audit --prefix .tools/axe --ignore-scripts @axe-core/cli >/dev/null \
    || echo "setup: could not install axe-core (tests that need it will skip)"
fi
