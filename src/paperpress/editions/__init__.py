"""The editions: each a package (or a module) declared by one Edition (base.py) and described as data
(../registry.py); what they all render from (frame.py) and share (images.py, cover.py, site.py) sits beside them.

An edition knows the model, the frame and the templates. It never imports another edition, never parses
YAML and never writes to dist/: the build writes what it returns.
"""
