"""The learning figures and how they are shown: a table, charts and the HTML report."""
