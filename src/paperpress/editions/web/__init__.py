"""The web edition ("1142 online"): edition.py renders the pages; fonts.py and photos.py make their files."""
