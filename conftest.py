pytest_plugins = [
    "knooppunt.testing.fixtures",
    "knooppunt.testing.browser",
    "knooppunt.testing.broker",
]
