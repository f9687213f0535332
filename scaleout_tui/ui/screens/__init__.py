"""The game's screens: campaign map → briefing → play → debrief, plus help, confirm and
the "terminal too small" notice."""
