"""Adapters: the database, importers and exports behind the services."""
