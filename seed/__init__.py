"""The demo data set and the national-scale generator, loaded through graph/."""
