"""Reference catalogues of the steps a service consists of (one TOML file per service)."""
