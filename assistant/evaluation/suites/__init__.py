"""One module per suite; each has ``run(services, cases, tick) -> SuiteResult``."""
