"""The national-scale benchmark of issue 11: `python bench/run.py` (see bench/README.md). Not part of the tests."""
