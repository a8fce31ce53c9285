"""The audio edition: script.py says what is read, speakable.py how, voices.py speaks it, mp3.py encodes it."""
