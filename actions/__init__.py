"""rasa-sdk actions: thin adapters from Rasa to the domain core in bot/."""
