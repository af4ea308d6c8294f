"""Block Kit for every message, modal and Home tab the listeners send.

Pure functions only: each `build_*` takes plain data and returns Slack payloads, within Slack's
limits and with what people typed escaped. Nothing here calls Slack or the store, so every
builder is tested without either. `common` holds the shared pieces (section, context, help);
the other modules are named by feature: `ask` (/til cards and /ask), `find` (/find results),
`home` (the Home tab), `modals` (the modals opened from Home) and `review` (flag review).
"""
