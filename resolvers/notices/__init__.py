"""Notices: what an agency is told of the roster (a committee filed under its guidance, members changed)."""
