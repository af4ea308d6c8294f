"""The command line: `serendip run`, `demo`, `export`, `import`, `digest`, `stats`, `report`..."""
