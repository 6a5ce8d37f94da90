"""Reviews from every platform: import, analysis, reply drafts."""
