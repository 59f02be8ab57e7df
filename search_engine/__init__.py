"""The search engine: a Whoosh index of the knowledge base's documents, written in bulk and
matched with numpy over memory-mapped term tables; Vietnamese analysis with and without
diacritics, document numbers, scoring, facets, snippets and suggestions.

No Flask here: the web app (search_app) and the CLI use it through engine.SearchEngine."""
