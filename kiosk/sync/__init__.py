"""Delivering stored submissions to the agencies (issue 5): policy, worker, connectors."""
