"""The registry on the web: the home page, the query console and the public directory's pages.

Above schema/: every page runs the public GraphQL schema in-process as an anonymous caller, so it shows
what the anonymous API shows and nothing more. Imports schema/ and auth/ only.
"""
