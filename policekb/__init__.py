"""policekb: wiring of ingest, nlp, corpus and search_app, and the command line."""
__version__ = "0.1.0"
