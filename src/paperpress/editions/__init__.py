"""The editions: each a package (or a module) on the Edition protocol (base.py), beside what they all render
from (frame.py) and share (images.py, cover.py, site.py).

An edition knows the model, the frame and the templates. It never parses YAML and never writes to dist/:
the build writes what it returns.
"""
