"""Guided service forms: definitions an agency writes, checked on load, and the engine
that walks a citizen through them page by page (no Qt here, so all of it is testable
without a screen)."""
