"""The issue delivered by e-mail: subscribers.csv, the messages, the ledger of deliveries and the SMTP loop.

Reads what a build wrote (the text edition, the EPUB) and the issue's model for the newsletter; never renders
an edition, never prints. The command in cli/ drives it.
"""
