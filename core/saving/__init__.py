"""A saved run: the file (a zip of run.json and weights.pt) and its description measured before it is parsed.

Above the screens: a file names its screen, and the screen's registry entry (core.screens.registry) gives the settings
class that checks it, the sessions it is restored into and the size its description may reach. May import every other
package of core."""
