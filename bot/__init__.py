"""The domain core of viol3-assist: importable without any server running."""
