"""Files users send with a message (e-mail attachments), kept for the agents."""
