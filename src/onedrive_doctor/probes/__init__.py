"""Probes: all the I/O. Each returns attempt records; none raises for a network failure."""
