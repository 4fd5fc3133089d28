"""newsfacet's web front end (Flask), a thin layer over the engine in ``search``."""
