"""Generative tests: the rules that must hold for every prescription and history."""
