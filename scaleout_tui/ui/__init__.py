"""The Textual front end: renders snapshots of a session and sends the player's knob changes.

Nothing here decides a rule of the simulation; see ``scaleout_tui.game.session``.
"""
