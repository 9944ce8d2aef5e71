"""Renderers: a channel-neutral `Reply` drawn as plain text, Block Kit or an Adaptive Card."""
