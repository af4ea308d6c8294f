"""SQL functions of a connection, one module per area; `Store` runs them on its threads."""
