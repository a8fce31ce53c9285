"""What the audio and read-aloud editions both say and how: the script, the normaliser, the voices, MP3."""
