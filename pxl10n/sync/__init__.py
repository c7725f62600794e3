"""Keeping PX and the git tree in step: pull, push and status, with the state, journal and lock that make them safe."""
