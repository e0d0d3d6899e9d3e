"""The JSON API at /api/v1: one route per use case, each calling one service."""
