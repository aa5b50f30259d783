"""The local runtime: filesystem object store, lake layout, runner, DuckDB queries."""
