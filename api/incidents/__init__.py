"""Incidents and operating messages (driftsmeddelanden): published by admins, told
to users, linked to the tickets they cause."""
