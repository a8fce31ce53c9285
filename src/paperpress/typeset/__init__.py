"""What every edition and the loader's preflight measure with: the fonts, page geometry by role, break points.

Knows the model and the configuration, never an edition, a template or a file format.
"""
