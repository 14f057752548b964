"""What the tests and the benchmarks (``bench/``) share: servers, the offline browser, the checks of a
download, what the map sends. ``bench/`` imports this package; the tests never import ``bench/``."""
