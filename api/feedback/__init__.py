"""Customer feedback (CSAT): the question after a resolve, and the answers."""
