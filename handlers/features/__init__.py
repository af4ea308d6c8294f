"""What Serendip does, shared by listeners of several kinds, one module per feature.

A listener in events/, commands/, actions/ or views/ only unpacks its payload and answers
Slack; when the same work is reached from more than one listener (a question is posted from
/ask and from its button, a message is saved by reaction and by shortcut, Home is published
from the event, buttons and modals), that work lives here, named by the feature it belongs to:
`ask`, `find`, `save`, `capture`, `home`, `replies`, and `lookup` (facts about channels and
people from the store, else Slack). Hence "features": not listeners (nothing here is
registered with Bolt) and not Block Kit (blocks/ builds that), but the flows in between.
"""
