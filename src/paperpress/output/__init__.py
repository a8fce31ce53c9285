"""What a build leaves in dist/: atomic writes (write.py), what each edition was made from (state.py), and the
plan of what is out of date (plan.py). Knows bytes, paths and manifests, not the model or the editions."""
