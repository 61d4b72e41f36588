"""E-mail threads: which mail we received and sent in which conversation (issue 13)."""
